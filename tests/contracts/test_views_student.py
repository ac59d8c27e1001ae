import pytest
from django.urls import reverse

from contracts import services
from contracts.models import ContractEvent, ContractStatus

pytestmark = pytest.mark.django_db
S = ContractStatus
ACCEPT_BOXES = {"details_confirmed": "on", "binding_understood": "on", "archive_confirmed": "on"}


def test_my_invitations_lists_open_ones_with_a_countdown(client, cast, invite):
    contract = invite()
    client.force_login(cast.student)
    html = client.get(reverse("contracts:student_invitations")).content.decode()
    assert cast.unit.name in html and contract.post_name in html and "data-deadline" in html and "应约" in html


def test_accept_page_says_it_is_binding_and_shows_own_details_and_archive(client, cast, invite):
    contract = invite()
    client.force_login(cast.student)
    html = client.get(reverse("contracts:student_accept", args=[contract.pk])).content.decode()
    assert "应约具有约束力" in html and "其他邀请函只能查看" in html
    assert cast.graduate.major in html and cast.archive.receiver_name in html


def test_accept_needs_every_confirmation(client, cast, invite):
    contract = invite()
    client.force_login(cast.student)
    response = client.post(reverse("contracts:student_accept", args=[contract.pk]), {"details_confirmed": "on"})
    assert response.status_code == 200 and "请确认已知晓应约的约束力" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == S.INVITED
    response = client.post(reverse("contracts:student_accept", args=[contract.pk]), ACCEPT_BOXES)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == S.ACCEPTED
    assert ContractEvent.objects.filter(contract=contract, action="accept", actor=cast.student).exists()


def test_other_invitations_become_view_only_after_accepting(client, cast, invite):
    first, second = invite(), invite(unit_user=cast.other_employer)
    services.accept(actor=cast.student, contract=first)
    client.force_login(cast.student)
    html = client.get(reverse("contracts:student_detail", args=[second.pk])).content.decode()
    assert "其他邀请函只能查看" in html
    assert reverse("contracts:student_accept", args=[second.pk]) not in html
    response = client.post(reverse("contracts:student_accept", args=[second.pk]), ACCEPT_BOXES)
    assert "你已有正在审核或已生效的签约" in response.content.decode()


def test_refuse_with_optional_reason(client, cast, invite):
    contract = invite()
    client.force_login(cast.student)
    assert client.get(reverse("contracts:student_refuse", args=[contract.pk])).status_code == 405
    client.post(reverse("contracts:student_refuse", args=[contract.pk]), {"reason": "已签其他单位"})
    contract.refresh_from_db()
    assert contract.status == S.REFUSED and contract.student_note == "已签其他单位"


def test_other_students_and_roles_get_404(client, cast, invite):
    contract = invite()
    for outsider in (cast.other_student, cast.employer, cast.school_reviewer):
        client.force_login(outsider)
        for name in ("contracts:student_detail", "contracts:student_accept"):
            assert client.get(reverse(name, args=[contract.pk])).status_code == 404
        assert client.post(reverse("contracts:student_refuse", args=[contract.pk])).status_code == 404
    contract.refresh_from_db()
    assert contract.status == S.INVITED


def test_my_signing_shows_the_current_contract_with_its_progress(client, cast, invite, sign):
    client.force_login(cast.student)
    assert "暂无签约记录" in client.get(reverse("students:home")).content.decode()
    contract = sign(invite())
    html = client.get(reverse("students:home")).content.decode()
    assert "签约完成" in html and contract.agreement_no in html and cast.unit.name in html
