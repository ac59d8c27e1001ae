"""Operators in Django admin: the code list is editable; registrations are read-only except through 撤销 and 更正,
each with a reason, an event and an audit entry."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from signing_platform.accounts.models import AuditEvent, Role
from students.models import DestinationCode, DestinationEvent, DestinationRecord, DestinationState, RecordStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(role=Role.ADMIN, mobile=None, username="ops", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def confirmed(cast, register, confirm):
    return confirm(register("11"))


def test_the_code_list_is_editable_but_a_code_keeps_its_number(client, operator):
    code = DestinationCode.objects.get(code="519")
    url = reverse("admin:students_destinationcode_change", args=[code.pk])
    html = client.get(url).content.decode()
    assert 'name="code"' not in html and 'name="name"' in html
    data = {"name": "其他地方基层项目（含志愿服务）", "category": "employed", "field_group": "unit",
            "proof_label": "项目录取文件", "credit_code_required": "", "sort_order": 90, "is_active": "on", "code": "999"}
    assert client.post(url, data).status_code == 302
    code.refresh_from_db()
    assert code.name == "其他地方基层项目（含志愿服务）" and code.code == "519"
    assert client.get(reverse("admin:students_destinationcode_delete", args=[code.pk])).status_code == 403


def test_a_registration_is_read_only(client, operator, confirmed):
    url = reverse("admin:students_destinationrecord_change", args=[confirmed.pk])
    html = client.get(url).content.decode()
    assert confirmed.verification_no in html and "撤销该登记" in html and "更正登记信息" in html and "提交登记" in html
    assert client.post(url, {"unit_name": "改掉"}).status_code == 403
    assert client.get(reverse("admin:students_destinationrecord_add")).status_code == 403
    assert client.get(reverse("admin:students_destinationrecord_delete", args=[confirmed.pk])).status_code == 403
    assert DestinationRecord.objects.get(pk=confirmed.pk).unit_name == confirmed.unit_name
    proof = client.get(reverse("admin:students_destinationrecord_proof", args=[confirmed.pk]))
    assert proof.status_code == 200 and proof["Content-Type"] == "image/png"
    assert client.get(reverse("admin:students_destination_changelist")).status_code == 200


def test_revoking_needs_a_reason_and_is_audited(client, operator, cast, confirmed):
    url = reverse("admin:students_destinationrecord_revoke", args=[confirmed.pk])
    assert "撤销原因" in client.get(url).content.decode()
    assert "请填写撤销原因" in client.post(url, {"reason": ""}).content.decode()
    assert DestinationRecord.objects.get(pk=confirmed.pk).status == RecordStatus.CONFIRMED
    client.post(url, {"reason": "用人单位反馈未录用"})
    confirmed.refresh_from_db()
    assert confirmed.status == RecordStatus.REVOKED
    assert DestinationEvent.objects.filter(record=confirmed, action="operator_revoke", actor=operator).count() == 1
    assert AuditEvent.objects.filter(action="destination.operator_revoke", actor=operator).count() == 1
    assert cast.graduate.destination.state == DestinationState.UNREGISTERED


def test_revoking_selected_rows_as_an_action(client, operator, cast, confirmed, register):
    pending = register("70", proof=None)
    changelist = reverse("admin:students_destinationrecord_changelist")
    data = {"action": "revoke_selected", "_selected_action": [confirmed.pk, pending.pk]}
    page = client.post(changelist, data).content.decode()
    assert cast.graduate.name in page and "撤销原因" in page and "确认" in page
    client.post(changelist, {**data, "apply": "1", "reason": "材料不实"})
    assert DestinationRecord.objects.get(pk=confirmed.pk).status == RecordStatus.REVOKED
    assert DestinationRecord.objects.get(pk=pending.pk).status == RecordStatus.PENDING_COLLEGE


def test_correcting_keeps_the_old_value_and_the_reason(client, operator, confirmed):
    url = reverse("admin:students_destinationrecord_correct", args=[confirmed.pk])
    html = client.get(url).content.decode()
    assert 'value="北京示例数据有限公司"' in html and 'name="proof"' not in html and 'name="code"' not in html
    data = {
        "unit_name": "北京示例数据科技有限公司", "credit_code": confirmed.credit_code,
        "unit_nature": confirmed.unit_nature_id, "industry": confirmed.industry_id, "region": confirmed.region_id,
        "job_category": confirmed.job_category_id,
    }
    assert "请填写更正原因" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "reason": "单位全称有误"}).status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.unit_name == "北京示例数据科技有限公司" and confirmed.status == RecordStatus.CONFIRMED
    audit = AuditEvent.objects.get(action="destination.operator_correct")
    assert audit.detail["changes"] == {"unit_name": ["北京示例数据有限公司", "北京示例数据科技有限公司"]}
    assert audit.detail["reason"] == "单位全称有误"


def test_staff_who_may_only_view_cannot_act(client, confirmed):
    viewer = UserFactory(role=Role.ADMIN, mobile=None, username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_destinationrecord"))
    client.force_login(viewer)
    assert client.get(reverse("admin:students_destinationrecord_change", args=[confirmed.pk])).status_code == 200
    for action in ("revoke", "correct"):
        url = reverse(f"admin:students_destinationrecord_{action}", args=[confirmed.pk])
        assert client.post(url, {"reason": "x"}).status_code == 403
    assert DestinationRecord.objects.get(pk=confirmed.pk).status == RecordStatus.CONFIRMED
    assert not DestinationEvent.objects.filter(action__startswith="operator").exists()
