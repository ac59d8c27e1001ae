from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path

from signing_platform.admin import (
    ChinesePermissionsMixin,
    ReadOnlyAdminMixin,
    ReasonForm,
    confirm_with_reason,
    reason_page,
    refusal,
)
from signing_platform.errors import NotFound
from signing_platform.forms import MobileField

from . import services
from .models import AuditEvent, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("role", "username", "mobile", "name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class UnlockForm(ReasonForm):
    """解除频率限制 for a mobile number (registered or not) and/or a client address."""

    mobile = MobileField(required=False)
    ip = forms.GenericIPAddressField(
        label="IP地址", required=False, error_messages={"invalid": "请输入正确的IP地址"}
    )
    field_order = ["mobile", "ip", "reason"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("mobile") and not cleaned.get("ip") and not self.errors:
            raise ValidationError("请填写要解除限制的手机号或IP地址")
        return cleaned


UNLOCK_SUMMARY = "将清零以下账号（手机号、用户名）的登录失败次数和短信验证码发送次数，使其可以立即重试："


@admin.register(User)
class UserAdmin(ChinesePermissionsMixin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("shown_name", "role", "username", "masked_mobile", "is_active", "date_joined")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "mobile", "name")
    ordering = ("-date_joined",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("role", "username", "mobile", "name", "password")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("role", "username", "mobile", "name", "password1", "password2")}),)
    actions = ["unlock_selected"]
    change_list_template = "admin/accounts/user/change_list.html"

    @admin.display(description="姓名", ordering="name")
    def shown_name(self, obj):
        return obj.display_name

    @admin.display(description="手机号")
    def masked_mobile(self, obj):
        return obj.masked_mobile

    def _unlock(self, request, **target) -> bool:
        try:
            services.rate_limits_unlock(actor=request.user, **target)
        except (ValidationError, NotFound) as exc:
            self.message_user(request, refusal(exc), messages.ERROR)
            return False
        return True

    @admin.action(description="解除登录与短信频率限制（填写原因）", permissions=["change"])
    def unlock_selected(self, request, queryset):
        def unlock(users, reason):
            done = sum(self._unlock(request, user=user, reason=reason) for user in users)
            if done:
                self.message_user(request, f"已解除 {done} 个账号的登录与短信频率限制", messages.SUCCESS)

        return confirm_with_reason(self, request, queryset, title="解除频率限制", label="解除原因",
                                   summary=UNLOCK_SUMMARY, apply=unlock)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_unlock": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        unlock = self.admin_site.admin_view(self.unlock_view)
        return [path("unlock/", unlock, name="accounts_user_unlock"), *super().get_urls()]

    def unlock_view(self, request):
        """解除频率限制 of a number nobody registered yet (注册 codes) or of a client address (a school's shared exit)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = UnlockForm(request.POST or None, label="解除原因")
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if self._unlock(request, mobile=data["mobile"], ip=data["ip"] or "", reason=data["reason"]):
                self.message_user(request, "已解除频率限制", messages.SUCCESS)
                return redirect("admin:accounts_user_changelist")
        return reason_page(self, request, rows=[], form=form, title="解除频率限制",
                           summary="清零一个手机号（已注册或未注册）或一个IP地址的登录失败次数和短信验证码发送次数。")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ChinesePermissionsMixin, DjangoGroupAdmin):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "action", "target_type", "target_id", "actor")
    list_filter = ("action", "target_type", "created_at")
    search_fields = ("target_id", "action")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
