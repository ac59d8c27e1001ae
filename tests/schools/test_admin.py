import pytest
from django.urls import reverse

from schools.models import Graduate
from signing_platform.accounts.models import Role
from tests.factories import UserFactory

from .factories import make_id_number


@pytest.fixture
def admin_client(db, client):
    client.force_login(UserFactory(role=Role.ADMIN, mobile=None, username="ops", is_staff=True, is_superuser=True))
    return client


def admin_data(cast, id_number, **changes):
    return {
        "school": cast.school.pk, "college": cast.cs.pk, "name": "钱七", "student_no": "1", "gender": "male",
        "education_level": "bachelor", "major": "软件工程", "major_category": "", "graduation_year": 2026,
        "mobile": "", "id_number": id_number, "user": "", "confirmed_at_0": "", "confirmed_at_1": "", **changes,
    }


def test_admin_adds_a_graduate_with_a_protected_id_number(admin_client, cast):
    response = admin_client.post(reverse("admin:schools_graduate_add"), admin_data(cast, make_id_number(555)))
    assert response.status_code == 302
    graduate = Graduate.objects.get(name="钱七")
    assert graduate.id_number() == make_id_number(555) and graduate.id_masked.startswith("110105****")
    listing = admin_client.get(reverse("admin:schools_graduate_changelist")).content.decode()
    assert graduate.id_masked in listing and make_id_number(555) not in listing


def test_admin_refuses_a_duplicate_and_a_college_of_another_school(admin_client, cast):
    url = reverse("admin:schools_graduate_add")
    duplicate = admin_client.post(url, admin_data(cast, cast.cs_graduate.id_number()))
    assert "该学校该毕业年份已有此身份证号的生源信息" in duplicate.content.decode()
    foreign = admin_client.post(url, admin_data(cast, make_id_number(556), college=cast.other_college.pk))
    assert "院系须属于所选学校" in foreign.content.decode()
    assert not Graduate.objects.filter(name="钱七").exists()
