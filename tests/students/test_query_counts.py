"""毕业去向 lists and pages run a fixed number of queries, whether they show 1 row or 50."""

import pytest
from django.urls import reverse

from students import services
from students.models import DestinationRecord
from tests.schools.factories import ActivatedGraduateFactory

pytestmark = pytest.mark.django_db

LIMIT = 11


def queries_for(client, url, django_assert_max_num_queries, limit=LIMIT, **headers):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return response, len(captured.captured_queries)


@pytest.fixture
def many_registrations(cast, register):
    """`n` more registrations of new graduates of the cast's college, of several codes."""

    def make(n):
        codes = ["11", "801", "75", "76", "85", "70"]
        for i in range(n):
            graduate = ActivatedGraduateFactory(college=cast.college)
            code = codes[i % len(codes)]
            register(code, student=graduate.user, proof=None if code == "70" else "png")

    return make


@pytest.mark.parametrize("level", ["college", "school"])
def test_queue_and_history_at_1_and_50_rows(client, cast, register, many_registrations, django_assert_max_num_queries,
                                            level):
    register("11")
    if level == "school":
        services.approve(actor=cast.college_reviewer, record=DestinationRecord.objects.get())
    reviewer = getattr(cast, f"{level}_reviewer")
    client.force_login(reviewer)
    queue = reverse("destinations:review_queue")
    response, one = queries_for(client, queue, django_assert_max_num_queries)
    assert "共 1 条" in response.content.decode()
    many_registrations(49)
    if level == "school":
        services.batch_approve(actor=cast.college_reviewer, record_ids=list(
            DestinationRecord.objects.filter(status="pending_college").values_list("pk", flat=True)))
    response, fifty = queries_for(client, queue, django_assert_max_num_queries)
    assert "共 50 条" in response.content.decode() and fifty == one
    queries_for(client, queue + "?category=study", django_assert_max_num_queries, HTTP_HX_REQUEST="true")

    history = reverse("destinations:review_history")
    services.batch_approve(actor=reviewer, record_ids=[DestinationRecord.objects.filter(
        status=f"pending_{level}").first().pk])
    _, one = queries_for(client, history, django_assert_max_num_queries)
    services.batch_approve(actor=reviewer, record_ids=list(
        DestinationRecord.objects.filter(status=f"pending_{level}").values_list("pk", flat=True)))
    response, fifty = queries_for(client, history, django_assert_max_num_queries)
    assert "共 50 条" in response.content.decode() and fifty == one


def test_a_record_page_and_the_graduate_page(client, cast, register, confirm, django_assert_max_num_queries):
    confirm(register("11"))
    record = register("801")
    services.return_for_correction(actor=cast.college_reviewer, record=record, reason="请补充")
    client.force_login(cast.college_reviewer)
    queries_for(client, reverse("destinations:review_detail", args=[record.pk]), django_assert_max_num_queries)
    client.force_login(cast.student)
    queries_for(client, reverse("destinations:student"), django_assert_max_num_queries)
    queries_for(client, reverse("destinations:register"), django_assert_max_num_queries)

