from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from signing_platform.validators import mask_mobile, normalize_mobile


class Role(models.TextChoices):
    EMPLOYER = "employer", "单位用户"
    STUDENT = "student", "毕业生"
    COLLEGE_REVIEWER = "college_reviewer", "学院审核员"
    SCHOOL_REVIEWER = "school_reviewer", "学校审核员"
    ADMIN = "admin", "平台管理员"


MOBILE_LOGIN_ROLES = (Role.EMPLOYER, Role.STUDENT)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, *, role, password, mobile=None, username=None, **extra):
        if mobile:
            mobile = normalize_mobile(mobile)
        user = self.model(role=role, mobile=mobile or None, username=username or None, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"], validate_unique=False)
        user.save(using=self._db)
        return user

    def create_user(self, *, role, password=None, mobile=None, username=None, **extra):
        return self._create(role=role, password=password, mobile=mobile, username=username, **extra)

    def create_superuser(self, username, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(role=Role.ADMIN, password=password, username=username, **extra)

    def get_by_natural_key(self, username):
        return self.get(username=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Employers and students sign in by mobile; reviewers and admins by username too."""

    username = models.CharField("用户名", max_length=64, unique=True, null=True, blank=True)
    mobile = models.CharField("手机号", max_length=11, unique=True, null=True, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    name = models.CharField("姓名", max_length=50, blank=True)
    is_active = models.BooleanField("启用", default=True)
    is_staff = models.BooleanField("可登录管理后台", default=False)
    date_joined = models.DateTimeField("注册时间", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="user_mobile_required_for_mobile_roles",
                condition=~Q(role__in=list(MOBILE_LOGIN_ROLES)) | Q(mobile__isnull=False),
            ),
            models.CheckConstraint(
                name="user_has_login_identifier",
                condition=Q(mobile__isnull=False) | Q(username__isnull=False),
            ),
            models.CheckConstraint(name="user_role_valid", condition=Q(role__in=Role.values)),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.username or mask_mobile(self.mobile or "")

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile or "")

    @property
    def is_employer(self) -> bool:
        return self.role == Role.EMPLOYER

    @property
    def is_student(self) -> bool:
        return self.role == Role.STUDENT

    @property
    def is_reviewer(self) -> bool:
        return self.role in (Role.COLLEGE_REVIEWER, Role.SCHOOL_REVIEWER)

    def get_username(self):
        return self.username or self.mobile or ""

    def clean(self):
        # AbstractBaseUser.clean() would copy the mobile into username through get_username(); skip it.
        models.Model.clean(self)
        if self.mobile:
            self.mobile = normalize_mobile(self.mobile)
        self.username = self.username or None


class AuditEvent(models.Model):
    """Append-only record of a change of state outside the contract history: who did what to which record."""

    actor = models.ForeignKey(User, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("操作", max_length=64)
    target_type = models.CharField("对象类型", max_length=64)
    target_id = models.CharField("对象编号", max_length=40)
    detail = models.JSONField("详情", default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        indexes = [models.Index(fields=["target_type", "target_id", "-created_at"], name="audit_target")]

    def __str__(self):
        return f"{self.action} {self.target_type}#{self.target_id}"
