from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from signing_platform.uploads import private_storage, random_name


class UnitNature(models.Model):
    """单位性质 (SPEC §8): a code list seeded by migration, editable in admin."""

    name = models.CharField("名称", max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位性质"
        verbose_name_plural = "单位性质"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Industry(models.Model):
    """单位行业: the 20 sections (A–T) of GB/T 4754."""

    code = models.CharField("门类代码", max_length=1, unique=True)
    name = models.CharField("名称", max_length=60)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位行业"
        verbose_name_plural = "单位行业"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Region(models.Model):
    """所在地区: GB/T 2260 provinces (no parent) and prefecture-level cities (parent = province)."""

    code = models.CharField("区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=40)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name


class AuthStatus(models.TextChoices):
    UNAUTHENTICATED = "unauthenticated", "未认证"
    PENDING = "pending", "待审核"
    AUTHENTICATED = "authenticated", "已认证"
    REJECTED = "rejected", "未通过"


class Unit(models.Model):
    """An employer unit. Holds the data in force: the last approved authentication."""

    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    nature = models.ForeignKey(UnitNature, verbose_name="单位性质", null=True, blank=True, on_delete=models.PROTECT)
    industry = models.ForeignKey(Industry, verbose_name="单位行业", null=True, blank=True, on_delete=models.PROTECT)
    province = models.ForeignKey(Region, verbose_name="所在省份", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(Region, verbose_name="所在城市", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    address = models.CharField("单位地址", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    auth_status = models.CharField("认证状态", max_length=20, choices=AuthStatus.choices, default=AuthStatus.UNAUTHENTICATED)
    authenticated_at = models.DateTimeField("认证时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"

    def __str__(self):
        return self.name

    @property
    def is_authenticated(self) -> bool:
        return self.auth_status == AuthStatus.AUTHENTICATED


class UnitMember(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="unit_member")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="members")
    is_admin = models.BooleanField("单位管理员", default=False)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("加入时间", default=timezone.now)

    class Meta:
        verbose_name = "单位用户"
        verbose_name_plural = "单位用户"
        constraints = [
            # A unit has one admin at a time: handing the role over (services.unit_admin_transfer) demotes the old one.
            models.UniqueConstraint(fields=["unit"], condition=Q(is_admin=True), name="unit_one_admin"),
        ]

    def __str__(self):
        return f"{self.user}（{self.unit}）"


class Contact(models.Model):
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField("姓名", max_length=50)
    mobile = models.CharField("手机号", max_length=11)
    email = models.EmailField("邮箱", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "签约联系人"
        verbose_name_plural = "签约联系人"

    def __str__(self):
        return self.name


class ArchiveInfo(models.Model):
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="archive_history")
    has_archive_authority = models.BooleanField("是否具有人事档案管理权限")
    receiver_name = models.CharField("档案接收单位名称", max_length=100)
    address = models.CharField("地址", max_length=200)
    postcode = models.CharField("邮政编码", max_length=6, validators=[RegexValidator(r"^\d{6}$", "邮政编码应为6位数字")])
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "档案信息"
        verbose_name_plural = "档案信息"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.unit}：{self.receiver_name}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    REJECTED = "rejected", "未通过"


def licence_upload_to(instance, filename):
    return random_name("licences", filename)


class AuthenticationRequest(models.Model):
    """One 身份认证 submission: the data as submitted, the licence, and the platform's decision.

    The unit's data in force stays on Unit; an approval copies this row onto it.
    """

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="authentication_requests")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    nature = models.ForeignKey(UnitNature, verbose_name="单位性质", on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey(Industry, verbose_name="单位行业", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(Region, verbose_name="所在省份", on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey(Region, verbose_name="所在城市", on_delete=models.PROTECT, related_name="+")
    address = models.CharField("单位地址", max_length=200)
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=20)
    licence = models.FileField("营业执照", upload_to=licence_upload_to, storage=private_storage, max_length=200)
    licence_content_type = models.CharField("营业执照类型", max_length=40)
    status = models.CharField("审核状态", max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reason = models.CharField("未通过原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "身份认证申请"
        verbose_name_plural = "身份认证申请"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # A unit has at most one request under review at a time.
            models.UniqueConstraint(fields=["unit"], condition=Q(status="pending"), name="one_pending_authentication_per_unit"),
            models.CheckConstraint(
                condition=Q(status="pending", reviewed_at__isnull=True)
                | Q(status__in=["approved", "rejected"], reviewed_at__isnull=False),
                name="authentication_decision_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_status_display()}）"
