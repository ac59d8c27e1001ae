import re

import pytest
from django.urls import reverse

from signing_platform.accounts.models import AuditEvent
from tests.factories import EmployerUserFactory, StudentUserFactory

from .factories import GraduateFactory

ROSTER = reverse("schools:roster")


def signed_in(client, reviewer):
    client.force_login(reviewer.user)
    return client


def test_roster_shows_masked_ids_only(client, cast):
    response = signed_in(client, cast.school_reviewer).get(ROSTER)
    html = response.content.decode()
    assert response.status_code == 200
    assert cast.cs_graduate.id_masked in html and cast.math_graduate.id_masked in html
    assert cast.cs_graduate.id_number() not in html
    assert cast.other_graduate.name not in html
    assert "共 2 条" in html and "第 1 / 1 页" in html


def test_college_reviewer_sees_only_their_college_in_the_list(client, cast):
    html = signed_in(client, cast.college_reviewer).get(ROSTER).content.decode()
    assert "张三" in html and "李四" not in html


def test_id_number_filter_is_posted_and_redirects_to_a_url_without_the_number(client, cast):
    id_number = cast.math_graduate.id_number()
    response = signed_in(client, cast.school_reviewer).post(ROSTER, {"id_number": id_number.lower()})
    assert response.status_code == 302
    assert id_number not in response["Location"] and id_number.lower() not in response["Location"]
    assert "idh=" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "李四" in html and "张三" not in html and "共 1 条" in html
    assert id_number not in html


def test_htmx_filter_returns_the_fragment_and_pushes_a_clean_url(client, cast):
    id_number = cast.cs_graduate.id_number()
    response = signed_in(client, cast.school_reviewer).post(ROSTER, {"id_number": id_number}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="roster-list"') and "张三" in html and "李四" not in html
    assert id_number not in response["HX-Push-Url"]


def test_a_bad_id_number_in_the_filter_is_reported_next_to_the_field(client, cast):
    response = signed_in(client, cast.school_reviewer).post(ROSTER, {"id_number": "11010519491231002Y"})
    assert response.status_code == 200
    assert "身份证号" in response.content.decode() and 'role="alert"' in response.content.decode()


def test_filters_by_year_college_level_major_and_name(client, cast):
    GraduateFactory(college=cast.math, name="赵六", graduation_year=2025, major="统计学")
    client = signed_in(client, cast.school_reviewer)
    html = client.get(ROSTER, {"year": 2025}).content.decode()
    assert "赵六" in html and "李四" not in html
    html = client.get(ROSTER, {"college": cast.cs.pk, "level": "bachelor", "major": "软件", "name": "张"}).content.decode()
    assert "张三" in html and "赵六" not in html and "李四" not in html


def test_roster_pages_with_a_bounded_number_of_queries(client, cast, django_assert_max_num_queries):
    for _ in range(45):
        GraduateFactory(college=cast.cs)
    client = signed_in(client, cast.school_reviewer)
    with django_assert_max_num_queries(12):
        response = client.get(ROSTER, {"page": 2})
    html = response.content.decode()
    assert "共 47 条" in html and "第 2 / 3 页" in html
    assert re.search(r'href="/school/roster/\?page=3"', html) and re.search(r'href="/school/roster/\?page=1"', html)


def test_roster_refuses_other_roles_and_wrong_methods(client, cast):
    assert client.get(ROSTER).status_code == 302
    client.force_login(EmployerUserFactory())
    assert client.get(ROSTER).status_code == 404
    client.force_login(StudentUserFactory())
    assert client.get(ROSTER).status_code == 404
    signed_in(client, cast.school_reviewer)
    assert client.delete(ROSTER).status_code == 405


def edit_data(graduate, **changes):
    """The edit form as the page gives it: the 身份证号 field blank (the current number is never in the form)."""
    return {
        "name": graduate.name, "id_number": "", "student_no": graduate.student_no,
        "gender": graduate.gender, "education_level": graduate.education_level, "college": graduate.college_id,
        "major": graduate.major, "major_category": graduate.major_category,
        "graduation_year": graduate.graduation_year, "mobile": graduate.mobile, **changes,
    }


def test_reviewer_edits_a_graduate_and_an_audit_row_is_written(client, cast):
    url = reverse("schools:graduate_edit", args=[cast.cs_graduate.pk])
    id_number = cast.cs_graduate.id_number()
    client = signed_in(client, cast.college_reviewer)
    page = client.get(url).content.decode()
    assert cast.cs_graduate.id_number() not in page and cast.cs_graduate.id_masked in page
    response = client.post(url, edit_data(cast.cs_graduate, major="计算机科学与技术", mobile="13912345678"))
    assert response.status_code == 302
    cast.cs_graduate.refresh_from_db()
    assert cast.cs_graduate.major == "计算机科学与技术" and cast.cs_graduate.mobile == "13912345678"
    event = AuditEvent.objects.get(action="graduate.update")
    assert event.actor == cast.college_reviewer.user and sorted(event.detail["fields"]) == ["major", "mobile"]
    assert cast.cs_graduate.id_number() == id_number  # a blank 新身份证号 keeps the number on file


def test_changing_the_id_number_rehashes_it(client, cast):
    from tests.schools.factories import make_id_number

    new = make_id_number(777)
    url = reverse("schools:graduate_edit", args=[cast.cs_graduate.pk])
    signed_in(client, cast.school_reviewer).post(url, edit_data(cast.cs_graduate, id_number=new))
    cast.cs_graduate.refresh_from_db()
    assert cast.cs_graduate.id_number() == new and cast.cs_graduate.id_masked == new[:6] + "********" + new[-4:]


def test_edit_refuses_a_duplicate_id_number_and_a_bad_one(client, cast):
    url = reverse("schools:graduate_edit", args=[cast.cs_graduate.pk])
    client = signed_in(client, cast.school_reviewer)
    duplicate = client.post(url, edit_data(cast.cs_graduate, id_number=cast.math_graduate.id_number()))
    assert "本校该毕业年份已有此身份证号的生源信息" in duplicate.content.decode()
    bad = client.post(url, edit_data(cast.cs_graduate, id_number="110105194912310021"))
    assert "身份证号校验位不正确" in bad.content.decode()
    cast.cs_graduate.refresh_from_db()
    assert cast.cs_graduate.id_number() != cast.math_graduate.id_number()
    assert not AuditEvent.objects.exists()


def test_college_reviewer_cannot_move_a_graduate_to_another_college(client, cast):
    url = reverse("schools:graduate_edit", args=[cast.cs_graduate.pk])
    response = signed_in(client, cast.college_reviewer).post(url, edit_data(cast.cs_graduate, college=cast.math.pk))
    assert response.status_code == 200
    cast.cs_graduate.refresh_from_db()
    assert cast.cs_graduate.college == cast.cs


@pytest.mark.parametrize(("reviewer", "graduate"), [("college_reviewer", "math_graduate"), ("other_reviewer", "cs_graduate")])
def test_edit_of_a_graduate_outside_the_scope_is_404(client, cast, reviewer, graduate):
    url = reverse("schools:graduate_edit", args=[getattr(cast, graduate).pk])
    client = signed_in(client, getattr(cast, reviewer))
    assert client.get(url).status_code == 404
    assert client.post(url, edit_data(getattr(cast, graduate), major="X")).status_code == 404


def test_reviewer_menu(client, cast):
    html = signed_in(client, cast.school_reviewer).get(ROSTER).content.decode()
    for label in ("待审核", "生源信息", "信息更正申请", "审核员管理", "生源导入"):
        assert label in html
    html = signed_in(client, cast.college_reviewer).get(ROSTER).content.decode()
    assert "审核员管理" not in html




def test_htmx_page_links_get_only_the_fragment(client, cast):
    for _ in range(25):
        GraduateFactory(college=cast.cs)
    response = signed_in(client, cast.school_reviewer).get(ROSTER, {"page": 2}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="roster-list"') and "第 2 / 2 页" in html and "<html" not in html


@pytest.mark.parametrize(
    "query", ["year=²", "college=²", "year=٢٠٢٦", "year=99999999999999999999999", "college=99999999999999999999",
              "page=²", "page=99999999999999999999999"]
)
def test_odd_numbers_in_the_list_url_are_ignored_not_a_500(client, cast, query):
    response = signed_in(client, cast.school_reviewer).get(f"{ROSTER}?{query}")
    assert response.status_code == 200 and "共 2 条" in response.content.decode()
