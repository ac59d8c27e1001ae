import uuid

from django.db import models


class Purpose(models.TextChoices):
    REGISTER = "register", "单位用户注册"
    RESET_PASSWORD = "reset_password", "找回密码"
    CHANGE_MOBILE = "change_mobile", "更换手机号"
    ACTIVATE_STUDENT = "activate_student", "毕业生账号激活"
    SUB_ACCOUNT = "sub_account", "子账号开通"


class SmsCode(models.Model):
    """A one-time code sent to a mobile for one purpose. Only a keyed hash of the code is stored."""

    mobile = models.CharField("手机号", max_length=11)
    purpose = models.CharField("用途", max_length=20, choices=Purpose.choices)
    code_hash = models.CharField("验证码摘要", max_length=64)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间")
    failed_attempts = models.PositiveSmallIntegerField("错误次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        indexes = [models.Index(fields=["mobile", "purpose", "-created_at"], name="smscode_lookup")]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.mobile[:3]}****{self.mobile[-4:]}"


class MobileLastSend(models.Model):
    """When a code was last sent to a mobile, whatever its purpose: the resend wait counts from this time."""

    mobile = models.CharField("手机号", max_length=11, primary_key=True)
    sent_at = models.DateTimeField("最近发送时间")

    class Meta:
        verbose_name = "验证码最近发送时间"
        verbose_name_plural = "验证码最近发送时间"

    def __str__(self):
        return f"{self.mobile[:3]}****{self.mobile[-4:]}"


class SmsMessage(models.Model):
    """Every outgoing SMS, for delivery with retries and for audit. Code messages are stored with the code masked.

    The gateway gets `idempotency_key` with every attempt, so a re-send after an unknown outcome is recognisable.
    """

    class Kind(models.TextChoices):
        CODE = "code", "验证码"
        NOTICE = "notice", "通知"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"
        EXPIRED = "expired", "过期未发送"
        # A code asked for on a page that does not reveal accounts, for a number with none: made, never sent.
        SUPPRESSED = "suppressed", "未发送（无对应账号）"

    mobile = models.CharField("手机号", max_length=11)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    body = models.CharField("内容", max_length=500)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    expires_at = models.DateTimeField("失效时间", null=True, blank=True, help_text="验证码短信：过了此时间不再发送")
    idempotency_key = models.UUIDField("幂等键", default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = "短信记录"
        verbose_name_plural = "短信记录"
        indexes = [models.Index(fields=["status", "created_at"], name="smsmessage_status")]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.mobile[:3]}****{self.mobile[-4:]}"


class OutboxMessage(models.Model):
    """What the development outbox backend 'delivered'. Shown on the DEBUG-only 短信发件箱 page."""

    mobile = models.CharField("手机号", max_length=11)
    body = models.CharField("内容", max_length=500)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    # Like a gateway that honours Idempotency-Key: a second delivery with the same key adds nothing.
    idempotency_key = models.UUIDField("幂等键", null=True, unique=True, editable=False)

    class Meta:
        verbose_name = "短信发件箱（开发）"
        verbose_name_plural = "短信发件箱（开发）"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.body
