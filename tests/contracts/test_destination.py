"""毕业去向 follows the agreement: 10 (签就业协议形式就业) when signed, back to 未落实 when terminated."""

import pytest
from django.urls import reverse

from contracts import services
from students.models import AGREEMENT_CODE, Destination, DestinationState

pytestmark = pytest.mark.django_db


def test_signing_registers_destination_10_and_termination_returns_it_to_unregistered(client, cast, invite, sign):
    client.force_login(cast.student)
    assert "未落实" in client.get(reverse("destinations:student")).content.decode()
    contract = sign(invite())
    destination = Destination.objects.select_related("record").get(graduate=cast.graduate)
    assert destination.code_id == AGREEMENT_CODE and destination.record.contract == contract
    html = client.get(reverse("destinations:student")).content.decode()
    assert "签就业协议形式就业" in html and contract.agreement_no in html

    services.request_termination(actor=cast.student, contract=contract, reason="考取研究生")
    services.answer_termination(actor=cast.employer, contract=contract, agree=True)
    destination.refresh_from_db()
    assert destination.code_id == AGREEMENT_CODE  # still in force until the school approves
    services.review_termination(actor=cast.school_reviewer, contract=contract, approve=True)
    destination.refresh_from_db()
    assert destination.code is None and destination.record is None and destination.shown == "未落实"
    assert destination.state == DestinationState.UNREGISTERED
    assert "未落实" in client.get(reverse("destinations:student")).content.decode()


def test_a_failed_termination_keeps_the_destination(cast, invite, sign):
    contract = sign(invite())
    services.request_termination(actor=cast.student, contract=contract, reason="个人原因")
    services.answer_termination(actor=cast.employer, contract=contract, agree=False, note="不同意")
    assert Destination.objects.get(graduate=cast.graduate).code_id == AGREEMENT_CODE
