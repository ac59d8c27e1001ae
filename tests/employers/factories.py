"""Employer units for tests: UnitFactory (未认证), AuthenticatedUnitFactory, EmployerFactory (a unit's admin user) …"""

import importlib
import io

import factory
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from employers.models import (
    ArchiveInfo,
    AuthenticationRequest,
    AuthStatus,
    Contact,
    Industry,
    Region,
    Unit,
    UnitMember,
    UnitNature,
)
from employers.services import UnitData
from signing_platform.validators import credit_code_check_char
from tests.factories import EmployerUserFactory

SEED_MIGRATIONS = ("employers.migrations.0002_seed_natures_and_industries", "employers.migrations.0004_seed_regions")


def seed_code_lists() -> None:
    """Seed 单位性质, 单位行业 and regions again: transactional tests (browser tests) flush what migrations seeded."""
    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(django_apps, None)


def credit_code(n: int) -> str:
    """A valid unified social credit code, distinct for each n."""
    first17 = f"91440300MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def unit_data(**changes):
    """What a valid 身份认证 form gives the service (services.UnitData), with `changes`."""
    fields = {
        "name": "深圳新创科技有限公司", "credit_code": "91440300708461136T", "nature": UnitNature.objects.get(name="其他企业"),
        "industry": Industry.objects.get(code="I"), "province": Region.objects.get(code="440000"),
        "city": Region.objects.get(code="440300"), "address": "深圳市南山区科技园", "contact_name": "赵经理",
        "contact_phone": "0755-86001234",
    }
    return UnitData(**{**fields, **changes})


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def licence_file(name="licence.png", content=None, content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if content is None else content, content_type=content_type)


class UnitFactory(DjangoModelFactory):
    """A unit not yet authenticated."""

    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}有限公司")
    credit_code = factory.Sequence(credit_code)
    auth_status = AuthStatus.UNAUTHENTICATED


class AuthenticatedUnitFactory(UnitFactory):
    """A unit 已认证, with the data an approval leaves on it."""

    nature = factory.LazyFunction(lambda: UnitNature.objects.order_by("sort_order").first())
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="I"))
    province = factory.LazyFunction(lambda: Region.objects.get(code="110000"))
    city = factory.LazyFunction(lambda: Region.objects.get(code="110100"))
    address = "北京市海淀区中关村大街1号"
    contact_name = "张经理"
    contact_phone = "010-62512345"
    auth_status = AuthStatus.AUTHENTICATED
    authenticated_at = factory.LazyFunction(timezone.now)


class UnitMemberFactory(DjangoModelFactory):
    """A user of a unit; `is_admin=True` for the unit's admin."""

    class Meta:
        model = UnitMember

    user = factory.SubFactory(EmployerUserFactory)
    unit = factory.SubFactory(AuthenticatedUnitFactory)
    is_admin = False


class EmployerFactory(UnitMemberFactory):
    """The admin user of an 已认证 unit (EmployerFactory().user signs in, .unit is theirs)."""

    is_admin = True


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    unit = factory.SubFactory(AuthenticatedUnitFactory)
    name = factory.Faker("name", locale="zh_CN")
    mobile = factory.Sequence(lambda n: f"136{n:08d}")
    email = factory.Sequence(lambda n: f"hr{n}@example.com")


class ArchiveInfoFactory(DjangoModelFactory):
    class Meta:
        model = ArchiveInfo

    unit = factory.SubFactory(AuthenticatedUnitFactory)
    has_archive_authority = True
    receiver_name = factory.LazyAttribute(lambda o: f"{o.unit.name}人力资源部")
    address = "北京市海淀区中关村大街1号"
    postcode = "100080"
    contact_name = "王老师"
    contact_phone = "010-62512345"


class AuthenticationRequestFactory(DjangoModelFactory):
    """A pending request of a unit (by default one just created by its admin's first submission)."""

    class Meta:
        model = AuthenticationRequest

    unit = factory.SubFactory(UnitFactory, auth_status=AuthStatus.PENDING)
    submitted_by = factory.LazyAttribute(lambda o: UnitMemberFactory(unit=o.unit, is_admin=True).user)
    name = factory.LazyAttribute(lambda o: o.unit.name)
    credit_code = factory.LazyAttribute(lambda o: o.unit.credit_code)
    nature = factory.LazyFunction(lambda: UnitNature.objects.order_by("sort_order").first())
    industry = factory.LazyFunction(lambda: Industry.objects.get(code="I"))
    province = factory.LazyFunction(lambda: Region.objects.get(code="440000"))
    city = factory.LazyFunction(lambda: Region.objects.get(code="440300"))
    address = "深圳市南山区科技园"
    contact_name = "赵经理"
    contact_phone = "0755-86001234"
    licence = factory.LazyFunction(lambda: licence_file())
    licence_content_type = "image/png"
