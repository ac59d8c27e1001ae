import pytest
from django.urls import reverse

from contracts import services
from contracts.models import ContractEvent, ContractStatus
from signing_platform.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db
S = ContractStatus
QUEUE = reverse("contracts:review_queue")


@pytest.fixture
def accepted(cast, invite):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    return contract


def test_college_queue_lists_accepted_contracts_of_the_college(client, cast, accepted):
    client.force_login(cast.college_reviewer)
    html = client.get(QUEUE).content.decode()
    assert cast.graduate.name in html and cast.graduate.id_masked in html and "批量通过" in html
    client.force_login(cast.school_reviewer)
    assert cast.graduate.name not in client.get(QUEUE).content.decode()


def test_approve_then_school_approve_through_the_pages(client, cast, accepted):
    client.force_login(cast.college_reviewer)
    assert client.get(reverse("contracts:review_approve", args=[accepted.pk])).status_code == 405
    client.post(reverse("contracts:review_approve", args=[accepted.pk]))
    client.force_login(cast.school_reviewer)
    assert cast.graduate.name in client.get(QUEUE).content.decode()
    client.post(reverse("contracts:review_approve", args=[accepted.pk]))
    accepted.refresh_from_db()
    assert accepted.status == S.SIGNED
    history = client.get(reverse("contracts:review_history")).content.decode()
    assert cast.graduate.name in history and "学校审核通过" in history


def test_reject_requires_a_reason(client, cast, accepted):
    client.force_login(cast.college_reviewer)
    response = client.post(reverse("contracts:review_reject", args=[accepted.pk]), {"reason": ""})
    assert response.status_code == 200 and "请填写不通过原因" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED
    client.post(reverse("contracts:review_reject", args=[accepted.pk]), {"reason": "岗位信息不完整"})
    accepted.refresh_from_db()
    assert accepted.status == S.REJECTED
    assert ContractEvent.objects.get(contract=accepted, action="reject").note == "岗位信息不完整"


def test_batch_approve_selected_rows(client, cast, accepted, second_graduate, invite):
    other = invite(favorite=second_graduate.favorite)
    services.accept(actor=second_graduate.student, contract=other)
    client.force_login(cast.college_reviewer)
    response = client.post(reverse("contracts:review_batch_approve"), {"contract": [accepted.pk, other.pk]}, follow=True)
    assert "已审核通过2条记录" in response.content.decode()
    accepted.refresh_from_db()
    other.refresh_from_db()
    assert accepted.status == other.status == S.COLLEGE_APPROVED


def test_reviewer_detail_masks_the_id_number_until_revealed(client, cast, accepted):
    client.force_login(cast.college_reviewer)
    html = client.get(reverse("contracts:review_detail", args=[accepted.pk])).content.decode()
    assert cast.graduate.id_number() not in html and cast.graduate.id_masked in html
    assert "查看完整证件号" in html and "审核通过" in html and "审核不通过" in html
    reveal = reverse("contracts:review_id_number", args=[accepted.pk])
    assert f'hx-post="{reveal}"' in html
    # Without JavaScript the page comes back showing the number; with htmx only the cell does.
    page = client.post(reveal)
    assert page.status_code == 200 and cast.graduate.id_number() in page.text and "审核通过" in page.text
    assert "no-store" in page["Cache-Control"]
    cell = client.post(reveal, headers={"HX-Request": "true"})
    assert cell.text.strip().startswith(f'<span id="id-number-{cast.graduate.pk}"')
    assert cast.graduate.id_number() in cell.text and "审核通过" not in cell.text
    events = AuditEvent.objects.filter(action="graduate.reveal_id_number", actor=cast.college_reviewer)
    assert events.count() == 2 and events.first().target_id == str(cast.graduate.pk)
    assert client.get(reveal).status_code == 405


def test_only_reviewers_in_scope_may_reveal_on_the_detail(client, cast, accepted):
    reveal = reverse("contracts:review_id_number", args=[accepted.pk])
    for outsider in (cast.other_college_reviewer, cast.other_school_reviewer, cast.employer, cast.student):
        client.force_login(outsider)
        assert client.post(reveal).status_code == 404
    assert not AuditEvent.objects.filter(action="graduate.reveal_id_number").exists()


def test_reviewers_of_other_colleges_and_schools_get_404(client, cast, accepted):
    urls = [reverse("contracts:review_detail", args=[accepted.pk]), reverse("contracts:agreement_pdf", args=[accepted.pk])]
    for outsider in (cast.other_college_reviewer, cast.other_school_reviewer):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404
        for name in ("contracts:review_approve", "contracts:review_reject"):
            assert client.post(reverse(name, args=[accepted.pk]), {"reason": "x"}).status_code == 404
        response = client.post(reverse("contracts:review_batch_approve"), {"contract": [accepted.pk]}, follow=True)
        assert "请先勾选要审核通过的记录" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == S.ACCEPTED
    client.force_login(cast.employer)
    assert client.get(QUEUE).status_code == 404


def test_queue_runs_a_fixed_number_of_queries(client, cast, accepted, django_assert_max_num_queries):
    client.force_login(cast.college_reviewer)
    with django_assert_max_num_queries(9):
        client.get(QUEUE)
    with django_assert_max_num_queries(9):
        client.get(reverse("contracts:review_history"))


def test_agreement_pdf_for_the_parties_once_signed(client, cast, accepted):
    services.approve(actor=cast.college_reviewer, contract=accepted)
    client.force_login(cast.employer)
    assert client.get(reverse("contracts:agreement_pdf", args=[accepted.pk])).status_code == 404
    services.approve(actor=cast.school_reviewer, contract=accepted)
    for party in (cast.employer, cast.student, cast.school_reviewer):
        client.force_login(party)
        response = client.get(reverse("contracts:agreement_pdf", args=[accepted.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
