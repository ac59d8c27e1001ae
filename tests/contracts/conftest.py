"""The cast of the signing tests, set up through services where invariants matter.

Two authenticated units (each with an admin user, a contact and archive information), a two-level school with two
colleges and their reviewers, another school, an activated graduate in the first unit's favorites, and outsiders.
"""

import datetime
from types import SimpleNamespace

import pytest

from contracts import services
from contracts.models import Contract, JobCategory
from employers.models import ArchiveInfo, AuthStatus, Contact, Unit, UnitMember
from schools.models import ReviewLevels
from signing_platform.validators import credit_code_check_char
from tests.factories import EmployerUserFactory
from tests.schools.factories import (
    ActivatedGraduateFactory,
    CollegeFactory,
    CollegeReviewerFactory,
    SchoolFactory,
    SchoolReviewerFactory,
)


def make_unit(n: int, *, name: str) -> tuple[Unit, object, Contact]:
    first17 = f"91110108MA0{n:06d}"
    unit = Unit.objects.create(
        name=name, credit_code=first17 + credit_code_check_char(first17), auth_status=AuthStatus.AUTHENTICATED,
        authenticated_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )
    user = EmployerUserFactory(name=f"{name}人事")
    UnitMember.objects.create(user=user, unit=unit, is_admin=True)
    contact = Contact.objects.create(unit=unit, name=f"{name}联系人", mobile=f"1360000{n:04d}")
    return unit, user, contact


@pytest.fixture
def cast(db):
    unit, employer, contact = make_unit(1, name="越综合企业")
    archive = ArchiveInfo.objects.create(
        unit=unit, has_archive_authority=True, receiver_name="越综合企业人力资源部", address="北京市海淀区中关村大街1号",
        postcode="100080", contact_name="王老师", contact_phone="010-62512345",
    )
    other_unit, other_employer, other_contact = make_unit(2, name="星海科技")
    school = SchoolFactory(name="示例理工大学", code="10001", review_levels=ReviewLevels.TWO)
    college, other_college = CollegeFactory(school=school, name="计算机学院"), CollegeFactory(school=school, name="数学学院")
    graduate = ActivatedGraduateFactory(college=college, name="张三", mobile="13700000011")
    second_graduate_entry = ActivatedGraduateFactory(college=college, name="李四")
    favorite, _ = services.favorite_add(actor=employer, graduate=graduate)
    services.favorite_add(actor=other_employer, graduate=graduate)
    college_reviewer = CollegeReviewerFactory(college=college).user
    second_college_reviewer = CollegeReviewerFactory(college=college).user
    school_reviewer = SchoolReviewerFactory(school=school).user
    second_school_reviewer = SchoolReviewerFactory(school=school).user
    outsider_school = SchoolFactory(name="外校大学", code="10099")
    return SimpleNamespace(
        unit=unit, employer=employer, contact=contact, archive=archive,
        other_unit=other_unit, other_employer=other_employer, other_contact=other_contact,
        school=school, college=college, graduate=graduate, student=graduate.user, favorite=favorite,
        second_graduate_entry=second_graduate_entry,
        other_student=ActivatedGraduateFactory(college=college, name="王五").user,
        college_reviewer=college_reviewer, second_college_reviewer=second_college_reviewer,
        school_reviewer=school_reviewer, second_school_reviewer=second_school_reviewer,
        other_college_reviewer=CollegeReviewerFactory(college=other_college).user,
        other_school_reviewer=SchoolReviewerFactory(school=outsider_school).user,
        job_category=JobCategory.objects.get_or_create(name="工程技术人员")[0],
    )


@pytest.fixture
def invite(cast):
    """Send an invitation as a unit's user (the cast's employer unless said otherwise) through the service."""

    def send(*, unit_user=None, favorite=None, **fields):
        actor = unit_user or cast.employer
        if favorite is None:
            unit = UnitMember.objects.get(user=actor).unit
            favorite = unit.favorites.get(graduate=cast.graduate)
        contact = fields.pop("contact", None) or Contact.objects.filter(unit=favorite.unit, is_active=True).first()
        data = {"job_category": cast.job_category, "post_name": "软件工程师", "valid_days": 7, "contact": contact, **fields}
        return services.invite(actor=actor, favorite=favorite, **data)

    return send


@pytest.fixture
def sign_until_school(cast):
    """Accept and pass the college review: the contract waits for the school."""

    def advance(contract, student=None):
        services.accept(actor=student or cast.student, contract=contract)
        services.approve(actor=cast.college_reviewer, contract=contract)
        return Contract.objects.get(pk=contract.pk)

    return advance


@pytest.fixture
def sign(cast, sign_until_school):
    def complete(contract, student=None):
        services.approve(actor=cast.school_reviewer, contract=sign_until_school(contract, student=student))
        return Contract.objects.get(pk=contract.pk)

    return complete


@pytest.fixture
def second_graduate(cast):
    """Another graduate of the same college, in the first unit's favorites."""
    entry = cast.second_graduate_entry
    favorite, _ = services.favorite_add(actor=cast.employer, graduate=entry)
    return SimpleNamespace(entry=entry, student=entry.user, favorite=favorite)


@pytest.fixture
def many_invitations(cast):
    """`n` more invitations from the cast's unit to new graduates."""

    def make(n):
        for i in range(n):
            entry = ActivatedGraduateFactory(college=cast.college, name=f"学生批量{i}")
            favorite, _ = services.favorite_add(actor=cast.employer, graduate=entry)
            services.invite(actor=cast.employer, favorite=favorite, job_category=cast.job_category, post_name="岗位",
                            valid_days=7, contact=cast.contact)

    return make


@pytest.fixture
def unauthenticate():
    def revoke(unit):
        Unit.objects.filter(pk=unit.pk).update(auth_status=AuthStatus.PENDING)
        unit.refresh_from_db()

    return revoke


@pytest.fixture
def one_level():
    def set_one_level(school):
        school.review_levels = ReviewLevels.ONE
        school.save(update_fields=["review_levels"])

    return set_one_level


@pytest.fixture
def other_school():
    return SchoolFactory(name="另一所大学", code="10098")


def _counts_by_unit_and_tab():
    from collections import Counter

    from contracts.counters import stored_tabs
    from contracts.models import Favorite, UnitTabCount
    from contracts.rules import EmployerTab

    kept = Counter()
    for unit_id, tab, count in UnitTabCount.objects.values_list("unit_id", "tab", "count"):
        kept[(unit_id, tab)] += count
    actual = Counter()
    for unit_id, status, stage in Contract.objects.values_list("unit_id", "status", "termination_stage"):
        for tab in stored_tabs(status, stage):
            actual[(unit_id, str(tab))] += 1
    for unit_id in Favorite.objects.values_list("unit_id", flat=True):
        actual[(unit_id, str(EmployerTab.FAVORITES))] += 1
    return +kept, +actual


@pytest.fixture(autouse=True)
def _tab_counters_follow_every_change(request):
    """After every test that used the database, each unit's tab counters equal a count of its rows: every service
    that changes a contract or a favorite keeps them in step (tests that shape rows by hand opt out)."""
    yield
    uses_db = {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db or request.node.get_closest_marker("counters_unchecked"):
        return
    kept, actual = _counts_by_unit_and_tab()
    assert kept == actual, "the tab counters drifted from the rows"
