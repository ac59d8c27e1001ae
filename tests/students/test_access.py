"""Every 毕业去向 URL against everyone who must not use it: anonymous users are sent to sign in, every other role and
tenant gets 404 (GET, POST and htmx alike), and nothing in the database changes. The public checks answer anyone."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from students.models import Destination, DestinationEvent, DestinationRecord
from tests.schools.factories import (
    ActivatedGraduateFactory,
    CollegeFactory,
    CollegeReviewerFactory,
    SchoolReviewerFactory,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Url:
    name: str
    needs_record: bool
    methods: tuple[str, ...]
    owner: str  # "student" or "reviewer"


URLS = [
    Url("destinations:student", False, ("get",), "student"),
    Url("destinations:register", False, ("get", "post"), "student"),
    Url("destinations:certificate", False, ("get",), "student"),
    Url("destinations:withdraw", True, ("post",), "student"),
    Url("destinations:proof", True, ("get",), "student"),
    Url("destinations:review_queue", False, ("get", "post"), "reviewer"),
    Url("destinations:review_history", False, ("get", "post"), "reviewer"),
    Url("destinations:review_batch_approve", False, ("post",), "reviewer"),
    Url("destinations:review_detail", True, ("get",), "reviewer"),
    Url("destinations:review_proof", True, ("get",), "reviewer"),
    Url("destinations:review_approve", True, ("post",), "reviewer"),
    Url("destinations:review_return", True, ("post",), "reviewer"),
]


def state():
    return (
        list(DestinationRecord.objects.order_by("pk").values_list("pk", "status", "unit_name")),
        DestinationEvent.objects.count(),
        list(Destination.objects.order_by("pk").values_list("pk", "state", "record_id", "request_id")),
    )


@pytest.fixture
def record(cast, register, confirm):
    """A confirmed record of the cast's graduate, then a pending change: both kinds of object are at stake."""
    confirm(register("11"))
    return register("801")


def outsiders(cast, other_school):
    """Everyone who must not reach the cast graduate's record, by URL owner."""
    other_student = ActivatedGraduateFactory(college=cast.college).user
    return {
        "employer": cast.employer,
        "other student": other_student,
        "college reviewer of another college": cast.other_college_reviewer,
        "school reviewer of another school": cast.other_school_reviewer,
        "college reviewer of another school": CollegeReviewerFactory(college=CollegeFactory(school=other_school)).user,
        "student": cast.student,
        "college reviewer": cast.college_reviewer,
        "school reviewer": cast.school_reviewer,
    }


def request(client, url: str, method: str, htmx: bool):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data = {"record": ["1", "2", "3"], "reason": "不符", "code": "70", "note": "x"} if method == "post" else {}
    return getattr(client, method)(url, data, **headers)


@pytest.mark.parametrize("url", URLS, ids=lambda url: url.name)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_anonymous_users_are_sent_to_sign_in(client, record, url, htmx):
    path = reverse(url.name, args=[record.pk] if url.needs_record else [])
    before = state()
    for method in url.methods:
        response = request(client, path, method, htmx)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), method
    assert state() == before


@pytest.mark.parametrize("url", URLS, ids=lambda url: url.name)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_other_roles_and_tenants_get_404_and_change_nothing(client, cast, record, other_school, url, htmx):
    people = outsiders(cast, other_school)
    if url.owner == "student":
        # Pages of one's own (no record in the URL) are every student's; a record in the URL is its owner's only.
        kept_out = ["employer", "college reviewer", "school reviewer", "college reviewer of another college"]
        if url.needs_record:
            kept_out.append("other student")
    else:
        kept_out = ["employer", "student", "other student"]
        if url.needs_record:
            kept_out += ["college reviewer of another college", "school reviewer of another school",
                         "college reviewer of another school"]
    path = reverse(url.name, args=[record.pk] if url.needs_record else [])
    before = state()
    for who in kept_out:
        client.force_login(people[who])
        for method in url.methods:
            response = request(client, path, method, htmx)
            assert response.status_code == 404, (who, method, response.status_code)
    assert state() == before


def test_a_reviewer_of_the_wrong_level_or_an_outsider_school_changes_nothing_in_a_batch(client, cast, record,
                                                                                        other_school):
    before = state()
    for reviewer in (cast.school_reviewer, cast.other_school_reviewer, SchoolReviewerFactory(school=other_school).user):
        client.force_login(reviewer)
        client.post(reverse("destinations:review_batch_approve"), {"record": [record.pk]})
        client.post(reverse("destinations:review_approve", args=[record.pk]))
        client.post(reverse("destinations:review_return", args=[record.pk]), {"reason": "不符"})
    assert state() == before


def test_the_owner_and_the_reviewers_do_reach_them(client, cast, record):
    client.force_login(cast.student)
    for name in ("destinations:student", "destinations:register", "destinations:certificate"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("destinations:proof", args=[record.pk])).status_code == 200
    for reviewer in (cast.college_reviewer, cast.school_reviewer):
        client.force_login(reviewer)
        assert client.get(reverse("destinations:review_detail", args=[record.pk])).status_code == 200
        assert client.get(reverse("destinations:review_proof", args=[record.pk])).status_code == 200


@pytest.mark.parametrize("name", ["destinations:verify_destination", "destinations:verify_agreement"])
def test_the_public_checks_answer_anyone(client, cast, name):
    assert client.get(reverse(name)).status_code == 200
    for user in (cast.employer, cast.student, cast.school_reviewer):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200
    assert client.put(reverse(name)).status_code == 405
