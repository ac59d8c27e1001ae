"""Each list page and 查看详情 runs a fixed number of queries, whether it shows 1 row or 50."""

import pytest
from django.urls import reverse

from contracts import services
from contracts.models import Contract

pytestmark = pytest.mark.django_db
# Every page, at 1 row or 50 (issue 10's target: at most 8).
PAGE_QUERIES = 8


def queries_for(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("tab", ["favorites", "signing", "signed", "failed", "void"])
def test_employer_tabs(client, cast, invite, many_invitations, django_assert_max_num_queries, tab):
    invite()
    client.force_login(cast.employer)
    url = reverse("contracts:employer_list") + f"?tab={tab}"
    queries_for(client, url, django_assert_max_num_queries, PAGE_QUERIES)
    many_invitations(49)
    queries_for(client, url, django_assert_max_num_queries, PAGE_QUERIES)


def test_employer_detail(client, cast, invite, sign, django_assert_max_num_queries):
    contract = sign(invite())
    client.force_login(cast.employer)
    queries_for(client, reverse("contracts:employer_detail", args=[contract.pk]), django_assert_max_num_queries, PAGE_QUERIES)


def test_review_queue_and_history(client, cast, invite, many_invitations, django_assert_max_num_queries):
    many_invitations(50)
    for contract in Contract.objects.all():
        services.accept(actor=contract.graduate.user, contract=contract)
    client.force_login(cast.college_reviewer)
    response = queries_for(client, reverse("contracts:review_queue"), django_assert_max_num_queries, PAGE_QUERIES)
    assert "共 50 条" in response.content.decode()
    services.batch_approve(actor=cast.college_reviewer, contract_ids=list(Contract.objects.values_list("pk", flat=True)))
    response = queries_for(client, reverse("contracts:review_history"), django_assert_max_num_queries, PAGE_QUERIES)
    assert "共 50 条" in response.content.decode()


def test_student_pages(client, cast, invite, sign, django_assert_max_num_queries):
    first = invite()
    invite(unit_user=cast.other_employer)
    client.force_login(cast.student)
    queries_for(client, reverse("contracts:student_invitations"), django_assert_max_num_queries, PAGE_QUERIES)
    queries_for(client, reverse("contracts:student_detail", args=[first.pk]), django_assert_max_num_queries, PAGE_QUERIES)
    sign(first)
    queries_for(client, reverse("students:home"), django_assert_max_num_queries, PAGE_QUERIES)


@pytest.fixture
def many_terminations(cast, many_invitations):
    """`n` signed contracts of the cast's unit whose students asked to terminate, then agreed by the unit."""

    def make(n, *, agree=False):
        many_invitations(n)
        for contract in Contract.objects.filter(status="invited").exclude(graduate=cast.graduate):
            services.accept(actor=contract.graduate.user, contract=contract)
            services.approve(actor=cast.college_reviewer, contract=contract)
            services.approve(actor=cast.school_reviewer, contract=contract)
            services.request_termination(actor=contract.graduate.user, contract=contract, reason="考研")
            if agree:
                services.answer_termination(actor=cast.employer, contract=contract, agree=True)

    return make


@pytest.mark.parametrize("tab", ["terminating", "terminated", "termination_failed"])
def test_termination_tabs(client, cast, invite, sign, many_terminations, django_assert_max_num_queries, tab):
    contract = sign(invite())
    services.request_termination(actor=cast.employer, contract=contract, reason="岗位取消")
    client.force_login(cast.employer)
    url = reverse("contracts:employer_list") + f"?tab={tab}"
    queries_for(client, url, django_assert_max_num_queries, PAGE_QUERIES)
    many_terminations(20)
    response = queries_for(client, url, django_assert_max_num_queries, PAGE_QUERIES)
    if tab == "terminating":
        assert "共 21 条" in response.content.decode()


def test_termination_queue_history_and_details(client, cast, many_terminations, django_assert_max_num_queries):
    many_terminations(1, agree=True)
    client.force_login(cast.school_reviewer)
    queries_for(client, reverse("contracts:termination_queue"), django_assert_max_num_queries, PAGE_QUERIES)
    many_terminations(20, agree=True)
    response = queries_for(client, reverse("contracts:termination_queue"), django_assert_max_num_queries, PAGE_QUERIES)
    assert "共 21 条" in response.content.decode()
    contract = Contract.objects.filter(status="terminating").first()
    queries_for(client, reverse("contracts:review_detail", args=[contract.pk]), django_assert_max_num_queries, PAGE_QUERIES)
    for pk in Contract.objects.filter(status="terminating").values_list("pk", flat=True):
        services.review_termination(actor=cast.school_reviewer, contract=Contract(pk=pk), approve=True)
    response = queries_for(client, reverse("contracts:termination_history"), django_assert_max_num_queries, PAGE_QUERIES)
    assert "共 21 条" in response.content.decode()
    client.force_login(cast.employer)
    queries_for(client, reverse("contracts:employer_detail", args=[contract.pk]), django_assert_max_num_queries, PAGE_QUERIES)
    client.force_login(contract.graduate.user)
    queries_for(client, reverse("contracts:student_detail", args=[contract.pk]), django_assert_max_num_queries, PAGE_QUERIES)


def test_my_contract_with_a_termination(client, cast, invite, sign, django_assert_max_num_queries):
    contract = sign(invite())
    services.request_termination(actor=cast.employer, contract=contract, reason="岗位取消")
    client.force_login(cast.student)
    response = queries_for(client, reverse("students:home"), django_assert_max_num_queries, PAGE_QUERIES)
    assert "解约进度" in response.content.decode()


# ---------------------------------------------------------------------------------------------- POSTs
# A POST that acts on a contract costs the sign-in, the gate, the service's lock and its writes: it does not load
# the detail page's events and termination requests first.


def posted(client, url, data, django_assert_max_num_queries, limit, **headers):
    with django_assert_max_num_queries(limit):
        response = client.post(url, data, **headers)
    assert response.status_code in (200, 204, 302), response.status_code
    return response


def test_accept_and_refuse_cost_the_lock_and_the_writes(client, cast, invite, second_graduate,
                                                        django_assert_max_num_queries):
    contract = invite()
    client.force_login(cast.student)
    confirm = {"details_confirmed": "on", "binding_understood": "on", "archive_confirmed": "on"}
    # 应约 also asks, under the lock, whether a registered 毕业去向 stands in the way (one query), and whether the
    # graduation year is closed, holding it open (on PostgreSQL the lock is a statement of its own before the check).
    posted(client, reverse("contracts:student_accept", args=[contract.pk]), confirm, django_assert_max_num_queries, 14)
    assert Contract.objects.get(pk=contract.pk).status == "accepted"
    other = invite(favorite=second_graduate.favorite)
    client.force_login(second_graduate.student)
    # Refusing moves the record to another tab: one counter write more than accepting did without the year's rule.
    posted(client, reverse("contracts:student_refuse", args=[other.pk]), {}, django_assert_max_num_queries, 12)
    assert Contract.objects.get(pk=other.pk).status == "refused"


def test_withdraw_costs_the_lock_and_the_writes(client, cast, invite, django_assert_max_num_queries):
    contract = invite()
    client.force_login(cast.employer)
    posted(client, reverse("contracts:withdraw", args=[contract.pk]), {}, django_assert_max_num_queries, 12,
           HTTP_HX_REQUEST="true")
    assert Contract.objects.get(pk=contract.pk).status == "withdrawn"


def test_approve_and_reject_cost_the_lock_and_the_writes(client, cast, invite, second_graduate,
                                                         django_assert_max_num_queries):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    client.force_login(cast.college_reviewer)
    posted(client, reverse("contracts:review_approve", args=[contract.pk]), {}, django_assert_max_num_queries, 11)
    assert Contract.objects.get(pk=contract.pk).status == "college_approved"
    other = invite(favorite=second_graduate.favorite)
    services.accept(actor=second_graduate.student, contract=other)
    # Both parties are told and the record changes tab: a notice and a counter write more than an approval.
    posted(client, reverse("contracts:review_reject", args=[other.pk]), {"reason": "材料不全"},
           django_assert_max_num_queries, 13)
    assert Contract.objects.get(pk=other.pk).status == "rejected"


def test_workbench(client, cast, invite, many_invitations, django_assert_max_num_queries):
    invite()
    client.force_login(cast.employer)
    queries_for(client, reverse("employers:home"), django_assert_max_num_queries, PAGE_QUERIES)
    many_invitations(49)
    response = queries_for(client, reverse("employers:home"), django_assert_max_num_queries, PAGE_QUERIES)
    html = response.content.decode()
    # Its lists are bounded: the ten latest events, not fifty.
    assert html.count("查看详情") <= 2 * 10
