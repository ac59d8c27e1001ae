import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from schools.models import CorrectionRequest, CorrectionStatus, Graduate
from signing_platform.accounts.models import AuditEvent, Role
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


def reveals():
    return AuditEvent.objects.filter(action="graduate.reveal_id_number")


def test_the_change_form_shows_the_id_number_masked(admin_client, cast):
    graduate = cast.cs_graduate
    page = admin_client.get(reverse("admin:schools_graduate_change", args=[graduate.pk])).text
    assert graduate.id_number() not in page and graduate.id_masked in page
    assert reverse("admin:schools_graduate_reveal_id_number", args=[graduate.pk]) in page and "查看完整证件号" in page


def test_saving_the_change_form_without_a_new_number_keeps_it(admin_client, cast):
    graduate = cast.cs_graduate
    number = graduate.id_number()
    data = admin_data(cast, "", name=graduate.name, student_no=graduate.student_no)
    response = admin_client.post(reverse("admin:schools_graduate_change", args=[graduate.pk]), data)
    assert response.status_code == 302
    graduate.refresh_from_db()
    assert graduate.id_number() == number
    new = make_id_number(557)
    admin_client.post(reverse("admin:schools_graduate_change", args=[graduate.pk]), admin_data(cast, new))
    graduate.refresh_from_db()
    assert graduate.id_number() == new


def test_reveal_shows_the_number_once_and_audits_it(admin_client, cast):
    graduate = cast.cs_graduate
    url = reverse("admin:schools_graduate_reveal_id_number", args=[graduate.pk])
    assert admin_client.get(url).status_code == 405
    assert not reveals().exists()
    page = admin_client.post(url)
    assert page.status_code == 200 and graduate.id_number() in page.text and "已记入操作日志" in page.text
    assert "no-store" in page["Cache-Control"] and graduate.id_number() not in page.request["PATH_INFO"]
    event = reveals().get()
    assert event.actor.username == "ops" and event.target_id == str(graduate.pk)


def test_reveal_is_limited_per_operator(admin_client, cast):
    url = reverse("admin:schools_graduate_reveal_id_number", args=[cast.cs_graduate.pk])
    for _ in range(20):
        admin_client.post(url)
    refused = admin_client.post(url, follow=True)
    assert "查看完整证件号过于频繁" in refused.text and cast.cs_graduate.id_number() not in refused.text
    assert reveals().count() == 20


def test_staff_without_the_reveal_permission_cannot_reveal(client, cast):
    staff = UserFactory(role=Role.ADMIN, mobile=None, username="clerk", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_graduate", "change_graduate"]))
    client.force_login(staff)
    change = client.get(reverse("admin:schools_graduate_change", args=[cast.cs_graduate.pk])).text
    reveal = reverse("admin:schools_graduate_reveal_id_number", args=[cast.cs_graduate.pk])
    assert cast.cs_graduate.id_masked in change and reveal not in change
    response = client.post(reveal)
    assert response.status_code == 403 and cast.cs_graduate.id_number() not in response.text
    staff.user_permissions.add(Permission.objects.get(codename="reveal_id_number"))
    client.force_login(staff)
    assert cast.cs_graduate.id_number() in client.post(reveal).text
    assert reveals().count() == 1


def test_correction_requests_are_read_only(admin_client, cast):
    correction = CorrectionRequest.objects.create(graduate=cast.cs_graduate, message="姓名有误")
    change = reverse("admin:schools_correctionrequest_change", args=[correction.pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and "姓名有误" in page.text
    response = admin_client.post(change, {"graduate": cast.cs_graduate.pk, "message": "x", "status": "resolved"})
    assert response.status_code == 403
    delete = reverse("admin:schools_correctionrequest_delete", args=[correction.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.PENDING and correction.message == "姓名有误"
