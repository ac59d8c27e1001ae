"""SMS records are evidence of what was sent: operators read them in admin and can neither edit nor delete them."""

import pytest
from django.urls import reverse

from signing_platform.accounts.models import User
from signing_platform.sms.models import SmsMessage
from signing_platform.sms.services import notify
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sms_records_cannot_be_deleted_or_edited(client):
    client.force_login(User.objects.create_superuser("operator", password=PASSWORD))
    message = notify(mobile="13800138000", text="【网签平台】通知")
    listing = client.get(reverse("admin:sms_smsmessage_changelist"))
    assert listing.status_code == 200 and "138" in listing.text and "delete_selected" not in listing.text
    bulk = client.post(reverse("admin:sms_smsmessage_changelist"),
                       {"action": "delete_selected", "_selected_action": [message.pk], "post": "yes"})
    assert bulk.status_code in (200, 302)
    assert client.post(reverse("admin:sms_smsmessage_delete", args=[message.pk]), {"post": "yes"}).status_code == 403
    change = reverse("admin:sms_smsmessage_change", args=[message.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"mobile": "13900139000", "body": "x", "kind": "notice", "status": "sent"}).status_code == 403
    assert client.get(reverse("admin:sms_smsmessage_add")).status_code == 403
    assert SmsMessage.objects.get(pk=message.pk).body == "【网签平台】通知"
