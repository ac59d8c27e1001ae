import pytest
from django.db import IntegrityError, connection, transaction

from schools.models import College, EducationLevel, Graduate, Reviewer, School
from signing_platform.accounts.models import Role
from signing_platform.crypto import id_number_hash
from tests.factories import ReviewerUserFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def make_graduate(school, college, id_number=ID, year=2026, **extra):
    graduate = Graduate(
        school=school, college=college, name="张三", gender="male", education_level=EducationLevel.BACHELOR,
        major="计算机科学与技术", graduation_year=year, **extra,
    )
    graduate.set_id_number(id_number)
    graduate.save()
    return graduate


@pytest.fixture
def school():
    return School.objects.create(name="示例大学", code="10001", province="北京")


@pytest.fixture
def college(school):
    return College.objects.create(school=school, name="计算机学院")


def test_id_number_is_stored_hashed_encrypted_and_masked(school, college):
    graduate = make_graduate(school, college)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM schools_graduate WHERE id = %s", [graduate.pk])
        row = cursor.fetchone()
    assert not any(ID in str(value) or ID[:-1] in str(value) for value in row)
    assert graduate.id_masked == "110105********002X"
    assert graduate.id_hash == id_number_hash(ID)
    assert Graduate.objects.get(pk=graduate.pk).id_number() == ID


def test_one_entry_per_school_id_and_year(school, college):
    make_graduate(school, college)
    make_graduate(school, college, year=2027)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_graduate(school, college)


def test_college_reviewer_needs_a_college_and_school_reviewer_has_none(school, college):
    user = ReviewerUserFactory(role=Role.COLLEGE_REVIEWER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reviewer.objects.create(user=user, role=Role.COLLEGE_REVIEWER, school=school)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reviewer.objects.create(user=user, role=Role.SCHOOL_REVIEWER, school=school, college=college)
    Reviewer.objects.create(user=user, role=Role.COLLEGE_REVIEWER, school=school, college=college)


def test_education_levels_have_national_codes():
    assert [level.national_code for level in EducationLevel] == ["41", "31", "11", "01"]
