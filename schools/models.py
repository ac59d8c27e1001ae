from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from signing_platform.accounts.models import Role
from signing_platform.crypto import decrypt_id_number, encrypt_id_number, id_number_hash
from signing_platform.validators import mask_id_number


class ReviewLevels(models.IntegerChoices):
    ONE = 1, "一级审核（学校）"
    TWO = 2, "二级审核（学院、学校）"


# 学历层次 and the code each has in the national graduate-employment data standard (used in agreement numbers).
_EDUCATION_NATIONAL_CODES = {"junior_college": "41", "bachelor": "31", "master": "11", "doctor": "01"}


class EducationLevel(models.TextChoices):
    JUNIOR_COLLEGE = "junior_college", "专科"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生"
    DOCTOR = "doctor", "博士研究生"

    @property
    def national_code(self) -> str:
        return _EDUCATION_NATIONAL_CODES[self.value]


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class School(models.Model):
    name = models.CharField("学校名称", max_length=100, unique=True)
    code = models.CharField(
        "学校代码",
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{5}$", "学校代码应为5位数字")],
    )
    province = models.CharField("所在省份", max_length=20)
    review_levels = models.PositiveSmallIntegerField("审核级数", choices=ReviewLevels.choices, default=ReviewLevels.TWO)

    class Meta:
        verbose_name = "学校"
        verbose_name_plural = "学校"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="school_review_levels_valid", condition=Q(review_levels__in=ReviewLevels.values)),
        ]

    def __str__(self):
        return self.name

    @property
    def has_college_review(self) -> bool:
        return self.review_levels == ReviewLevels.TWO


class College(models.Model):
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.CASCADE, related_name="colleges")
    name = models.CharField("院系名称", max_length=100)

    class Meta:
        verbose_name = "院系"
        verbose_name_plural = "院系"
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="college_unique_name_per_school")]

    def __str__(self):
        return self.name


REVIEWER_ROLES = (Role.COLLEGE_REVIEWER, Role.SCHOOL_REVIEWER)


class Reviewer(models.Model):
    """The reviewer side of a user: a school reviewer belongs to a school, a college reviewer also to one college."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="reviewer"
    )
    # Mirrors user.role so the database can require a college exactly for college reviewers.
    role = models.CharField(
        "审核员类型", max_length=20, choices=[(role.value, role.label) for role in REVIEWER_ROLES]
    )
    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="reviewers")
    college = models.ForeignKey(
        College, verbose_name="院系", null=True, blank=True, on_delete=models.PROTECT, related_name="reviewers"
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "审核员"
        verbose_name_plural = "审核员"
        constraints = [
            models.CheckConstraint(
                name="reviewer_college_iff_college_role",
                condition=Q(role=Role.COLLEGE_REVIEWER, college__isnull=False)
                | Q(role=Role.SCHOOL_REVIEWER, college__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.college or self.school})"

    @property
    def is_school_reviewer(self) -> bool:
        return self.role == Role.SCHOOL_REVIEWER


class Graduate(models.Model):
    """A roster entry (生源信息): one graduate of one school and graduation year.

    The ID number is never stored in clear: `id_hash` finds it, `id_encrypted` shows it to the graduate (and, through
    the audited services.graduate_reveal_id_number, to a reviewer or operator who asks), `id_masked` is for pages.
    """

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="graduates")
    college = models.ForeignKey(College, verbose_name="院系", on_delete=models.PROTECT, related_name="graduates")
    name = models.CharField("姓名", max_length=50)
    student_no = models.CharField("学号", max_length=30, blank=True)
    gender = models.CharField("性别", max_length=6, choices=Gender.choices)
    education_level = models.CharField("学历层次", max_length=20, choices=EducationLevel.choices)
    major = models.CharField("专业", max_length=100)
    major_category = models.CharField("专业类", max_length=100, blank=True)
    graduation_year = models.PositiveSmallIntegerField(
        "毕业年份", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    mobile = models.CharField("手机号", max_length=11, blank=True)
    id_hash = models.CharField("身份证号摘要", max_length=64, db_index=True, editable=False)
    id_encrypted = models.TextField("身份证号密文", editable=False)
    id_masked = models.CharField("身份证号", max_length=18, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="graduate",
    )
    confirmed_at = models.DateTimeField("信息确认时间", null=True, blank=True)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "生源信息"
        verbose_name_plural = "生源信息"
        ordering = ["-graduation_year", "college_id", "student_no", "id"]
        # Operators see the masked number; revealing the full one (audited) needs this permission.
        permissions = [("reveal_id_number", "可查看完整身份证号")]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "id_hash", "graduation_year"], name="graduate_unique_id_per_school_year"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "graduation_year"], name="graduate_school_year"),
            models.Index(fields=["college", "graduation_year"], name="graduate_college_year"),
        ]

    def __str__(self):
        return f"{self.name}（{self.id_masked}）"

    def set_id_number(self, id_number: str) -> None:
        """Store a normalised ID number in its three protected forms."""
        self.id_hash = id_number_hash(id_number)
        self.id_encrypted = encrypt_id_number(id_number)
        self.id_masked = mask_id_number(id_number)

    def id_number(self) -> str:
        """The full ID number: for the graduate's own pages; anyone else gets it through graduate_reveal_id_number."""
        return decrypt_id_number(self.id_encrypted)

    @property
    def education_national_code(self) -> str:
        return EducationLevel(self.education_level).national_code


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    RESOLVED = "resolved", "已更正"
    DECLINED = "declined", "未更正"


class CorrectionRequest(models.Model):
    """A graduate's request that the school correct their roster data (信息更正申请)."""

    graduate = models.ForeignKey(
        Graduate, verbose_name="毕业生", on_delete=models.CASCADE, related_name="correction_requests"
    )
    message = models.TextField("需要更正的内容", max_length=500)
    status = models.CharField("状态", max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING)
    reply = models.CharField("处理说明", max_length=200, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "信息更正申请"
        verbose_name_plural = "信息更正申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["graduate"],
                condition=Q(status=CorrectionStatus.PENDING),
                name="correction_one_pending_per_graduate",
            ),
        ]

    def __str__(self):
        return f"{self.graduate.name} {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        """Still waiting for the school (the one request a graduate may have open)."""
        return self.status == CorrectionStatus.PENDING

    @property
    def badge(self) -> str:
        """The style of its status badge."""
        return {CorrectionStatus.RESOLVED: "badge-ok", CorrectionStatus.DECLINED: "badge-muted"}.get(self.status, "")


class GraduationYearClosure(models.Model):
    """A 毕业年份 (届) an operator closed, for one school or for every school (no school): no new invitations,
    acceptances, activations or 毕业去向 registrations for that year (schools/rules.py); the invitations of that year
    still awaiting an answer were voided when it closed. What was signed or registered stays readable."""

    school = models.ForeignKey(
        School, verbose_name="学校", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="空：全部学校",
    )
    year = models.PositiveSmallIntegerField("毕业年份", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    reason = models.CharField("关闭原因", max_length=200)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField("关闭时间", auto_now_add=True)
    voided = models.PositiveIntegerField("作废的邀请函", default=0)

    class Meta:
        verbose_name = "已关闭的毕业年度"
        verbose_name_plural = "已关闭的毕业年度"
        ordering = ["-year", "school_id"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="closure_one_per_school_year"),
            models.UniqueConstraint(fields=["year"], condition=Q(school__isnull=True), name="closure_one_per_year_for_all"),
        ]

    def __str__(self):
        return f"{self.year}届（{self.school.name if self.school_id else '全部学校'}）"
