import uuid
from datetime import timedelta

from django.db import migrations, models

# The lifetime codes had when the rows below were written (settings.SMS_CODE_TTL_SECONDS).
CODE_TTL = timedelta(minutes=5)


def backfill(apps, schema_editor):
    """Give each existing message its own idempotency key, and each code message the expiry of its code."""
    SmsMessage = apps.get_model("sms", "SmsMessage")
    for pk in SmsMessage.objects.filter(idempotency_key__isnull=True).values_list("pk", flat=True).iterator():
        SmsMessage.objects.filter(pk=pk).update(idempotency_key=uuid.uuid4())
    SmsMessage.objects.filter(kind="code", expires_at__isnull=True).update(expires_at=models.F("created_at") + CODE_TTL)


class Migration(migrations.Migration):

    dependencies = [
        ("sms", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MobileLastSend",
            fields=[
                ("mobile", models.CharField(max_length=11, primary_key=True, serialize=False, verbose_name="手机号")),
                ("sent_at", models.DateTimeField(verbose_name="最近发送时间")),
            ],
            options={
                "verbose_name": "验证码最近发送时间",
                "verbose_name_plural": "验证码最近发送时间",
            },
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="idempotency_key",
            field=models.UUIDField(editable=False, null=True, unique=True, verbose_name="幂等键"),
        ),
        migrations.AddField(
            model_name="smsmessage",
            name="expires_at",
            field=models.DateTimeField(
                blank=True, help_text="验证码短信：过了此时间不再发送", null=True, verbose_name="失效时间"
            ),
        ),
        # Nullable first, filled row by row, then unique: one default for all existing rows would collide.
        migrations.AddField(
            model_name="smsmessage",
            name="idempotency_key",
            field=models.UUIDField(editable=False, null=True, verbose_name="幂等键"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="smsmessage",
            name="idempotency_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="幂等键"),
        ),
        migrations.AlterField(
            model_name="smsmessage",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="开始发送时间"),
        ),
        migrations.AlterField(
            model_name="smsmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "待发送"),
                    ("sending", "发送中"),
                    ("sent", "已发送"),
                    ("failed", "发送失败"),
                    ("expired", "过期未发送"),
                    ("suppressed", "未发送（无对应账号）"),
                ],
                default="pending",
                max_length=10,
                verbose_name="状态",
            ),
        ),
    ]
