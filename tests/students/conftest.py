"""The cast of the destination tests: the signing cast (tests/contracts/conftest.py) and ways to register a
destination of any code through the service, with a proof file made on the spot."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from contracts.models import JobCategory
from employers.models import Industry, Region, UnitNature
from signing_platform.validators import credit_code_check_char
from students import services as student_services
from students.models import DestinationCode, DestinationRecord, FieldGroup, RecordStatus
from tests.contracts.conftest import *  # noqa: F403 (the signing cast's fixtures: cast, invite, sign …)

seed_destination_codes = importlib.import_module("students.migrations.0002_destination_codes").seed

CREDIT_CODE = "91110108MA01TEXT0"
CREDIT_CODE += credit_code_check_char(CREDIT_CODE)


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "PNG")
    return buffer.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def proof_png():
    def make(name="proof.png"):
        return SimpleUploadedFile(name, png_bytes(), content_type="image/png")

    return make


@pytest.fixture
def proof_pdf():
    def make(name="offer.pdf"):
        return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")

    return make


def fields_for(code: DestinationCode) -> dict:
    """Valid fields of a registration of `code`."""
    group = code.field_group
    if group == FieldGroup.UNIT:
        return {
            "unit_name": "北京示例数据有限公司", "credit_code": CREDIT_CODE,
            "unit_nature": UnitNature.objects.filter(is_active=True).first(),
            "industry": Industry.objects.filter(is_active=True).first(),
            "region": Region.objects.filter(code="110100").first(),
            "job_category": JobCategory.objects.filter(is_active=True).first(),
        }
    if group == FieldGroup.BUSINESS:
        return {"unit_name": "张三软件工作室", "credit_code": CREDIT_CODE}
    if group == FieldGroup.FREELANCE:
        return {"work_kind": "自由撰稿"}
    if group == FieldGroup.STUDY:
        return {"school_name": "示例大学", "major": "计算机科学与技术"}
    if group == FieldGroup.ABROAD:
        return {"country": "英国", "school_name": "University of Example"}
    return {"note": "准备考研"}


@pytest.fixture
def code_lists():
    """The code lists a registration uses. Migrations seed them, but a transactional test (races, the browser) starts
    from a flushed database: put back what is missing."""
    seed_destination_codes(django_apps, None)
    UnitNature.objects.get_or_create(name="其他企业")
    Industry.objects.get_or_create(code="I", defaults={"name": "信息传输、软件和信息技术服务业"})
    beijing, _ = Region.objects.get_or_create(code="110000", defaults={"name": "北京市"})
    Region.objects.get_or_create(code="110100", defaults={"name": "北京市", "parent": beijing})
    JobCategory.objects.get_or_create(name="工程技术人员")


@pytest.fixture
def registration(code_lists):
    def build(code: str = "11", **overrides) -> student_services.Registration:
        code = DestinationCode.objects.get(code=code)
        return student_services.Registration(code=code, **{**fields_for(code), **overrides})

    return build


@pytest.fixture
def register(cast, registration, proof_png):
    """Register a destination as the cast's graduate (or `student`) through the service."""

    def submit(code: str = "11", *, student=None, proof="png", **overrides):
        data = registration(code, **overrides)
        upload = proof_png() if proof == "png" and data.code.needs_proof else proof if proof != "png" else None
        return student_services.register(actor=student or cast.student, registration=data, proof=upload)

    return submit


@pytest.fixture
def confirm(cast):
    """Approve a record at the college and then the school (or only the school, for a one-level school)."""

    def approve_all(record):
        record = DestinationRecord.objects.get(pk=record.pk)
        if record.status == RecordStatus.PENDING_COLLEGE:
            student_services.approve(actor=cast.college_reviewer, record=record)
        student_services.approve(actor=cast.school_reviewer, record=record)
        return DestinationRecord.objects.get(pk=record.pk)

    return approve_all
