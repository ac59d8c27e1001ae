import pytest
from django.urls import reverse

from schools.models import Reviewer
from signing_platform.accounts.models import AuditEvent, Role, User

URL = reverse("schools:reviewers")
NEW = {"username": "cs_reviewer2", "name": "新审核员", "password1": "Shenhe#2026", "password2": "Shenhe#2026"}


def test_school_reviewer_adds_a_college_reviewer(client, cast):
    client.force_login(cast.school_reviewer.user)
    response = client.post(URL, {**NEW, "college": cast.cs.pk})
    assert response.status_code == 302
    created = Reviewer.objects.get(user__username="cs_reviewer2")
    assert created.role == Role.COLLEGE_REVIEWER and created.college == cast.cs and created.school == cast.school
    assert created.user.role == Role.COLLEGE_REVIEWER and created.user.check_password("Shenhe#2026")
    assert AuditEvent.objects.filter(action="reviewer.create", actor=cast.school_reviewer.user).exists()
    assert "cs_reviewer2" in client.get(URL).content.decode()


def test_a_taken_username_or_another_schools_college_is_refused(client, cast):
    client.force_login(cast.school_reviewer.user)
    taken = client.post(URL, {**NEW, "username": cast.college_reviewer.user.username, "college": cast.cs.pk})
    assert "该用户名已被使用" in taken.content.decode()
    foreign = client.post(URL, {**NEW, "college": cast.other_college.pk})
    assert foreign.status_code == 200 and 'id="id_college_error"' in foreign.content.decode()
    assert not User.objects.filter(username="cs_reviewer2").exists()
    assert not AuditEvent.objects.exists()


def test_the_list_shows_only_the_schools_college_reviewers(client, cast, django_assert_max_num_queries):
    client.force_login(cast.school_reviewer.user)
    with django_assert_max_num_queries(8):
        html = client.get(URL).content.decode()
    assert cast.college_reviewer.user.username in html and cast.other_reviewer.user.username not in html


def test_disable_and_enable_a_college_reviewer(client, cast):
    client.force_login(cast.school_reviewer.user)
    url = reverse("schools:reviewer_set_active", args=[cast.college_reviewer.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    cast.college_reviewer.refresh_from_db()
    assert not cast.college_reviewer.is_active and not cast.college_reviewer.user.is_active
    assert AuditEvent.objects.filter(action="reviewer.disable").count() == 1
    client.post(url, {"active": "0"})
    assert AuditEvent.objects.filter(action="reviewer.disable").count() == 1  # already disabled: no second event
    client.post(url, {"active": "1"})
    cast.college_reviewer.refresh_from_db()
    assert cast.college_reviewer.is_active and cast.college_reviewer.user.is_active


def test_a_disabled_college_reviewer_loses_the_roster(client, cast):
    client.force_login(cast.school_reviewer.user)
    client.post(reverse("schools:reviewer_set_active", args=[cast.college_reviewer.pk]), {"active": "0"})
    client.force_login(cast.college_reviewer.user)
    assert client.get(reverse("schools:roster")).status_code in (302, 404)


@pytest.mark.parametrize("actor", ["college_reviewer", "other_reviewer"])
def test_outsiders_cannot_manage_reviewers(client, cast, actor):
    client.force_login(getattr(cast, actor).user)
    url = reverse("schools:reviewer_set_active", args=[cast.math_reviewer.pk])
    assert client.post(url, {"active": "0"}).status_code == 404
    cast.math_reviewer.refresh_from_db()
    assert cast.math_reviewer.is_active


def test_a_school_reviewer_cannot_be_disabled_from_the_page(client, cast):
    client.force_login(cast.school_reviewer.user)
    url = reverse("schools:reviewer_set_active", args=[cast.school_reviewer.pk])
    assert client.post(url, {"active": "0"}).status_code == 404


def test_wrong_method(client, cast):
    client.force_login(cast.school_reviewer.user)
    assert client.get(reverse("schools:reviewer_set_active", args=[cast.college_reviewer.pk])).status_code == 405
