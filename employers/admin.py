"""Operators' pages: code lists, units (read-only), their users and contacts, and the review of 身份认证 requests."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from signing_platform.admin import (
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ReasonForm,
    confirm_with_reason,
    reason_page,
    refusal,
)
from signing_platform.errors import NotFound

from . import services
from .models import (
    ArchiveInfo,
    AuthenticationRequest,
    Contact,
    Industry,
    Region,
    RequestStatus,
    Unit,
    UnitMember,
    UnitNature,
)


@admin.register(UnitNature)
class UnitNatureAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("name",)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    list_editable = ("is_active",)
    search_fields = ("code", "name")


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "parent")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("code", "name")
    list_select_related = ("parent",)


REJECT_SUMMARY = "将驳回以下待审核的身份认证申请，申请人会收到短信通知："


@admin.register(AuthenticationRequest)
class AuthenticationRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "credit_code", "status", "submitted_at", "applicant", "licence_link", "reviewed_by", "reviewed_at")
    list_filter = ("status", "submitted_at", "nature", "industry", ("province", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "credit_code", "unit__name", "submitted_by__mobile", "contact_name")
    list_select_related = ("submitted_by", "reviewed_by")
    date_hierarchy = "submitted_at"
    actions = ["approve_selected", "reject_selected"]
    change_form_template = "admin/employers/authenticationrequest/change_form.html"
    fields = (
        "unit", "name", "credit_code", "nature", "industry", "province", "city", "address", "contact_name",
        "contact_phone", "licence_link", "licence_preview", "submitted_by", "submitted_at", "status", "reviewed_by", "reviewed_at", "reason",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ["css/admin.css"]}

    @admin.display(description="申请人", ordering="submitted_by__mobile")
    def applicant(self, obj):
        return obj.submitted_by.mobile if obj.submitted_by else "—"

    @admin.display(description="营业执照")
    def licence_link(self, obj):
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">查看营业执照</a>', reverse("employers:licence", args=[obj.pk])
        )

    @admin.display(description="营业执照预览")
    def licence_preview(self, obj):
        if not obj.licence_content_type.startswith("image/"):
            return "PDF 文件，请点击“查看营业执照”打开"
        return format_html(
            '<img src="{}" alt="{}的营业执照" class="licence-preview">',
            reverse("employers:licence", args=[obj.pk]), obj.name,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pending = AuthenticationRequest.objects.filter(pk=object_id, status=RequestStatus.PENDING).exists()
        extra_context = {**(extra_context or {}), "can_review": pending and self.has_operate_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        urls = [
            path("<int:request_id>/approve/", self.admin_site.admin_view(require_POST(self.approve_view)),
                 name="employers_authenticationrequest_approve"),
            path("<int:request_id>/reject/", self.admin_site.admin_view(self.reject_view),
                 name="employers_authenticationrequest_reject"),
        ]
        return urls + super().get_urls()

    def _decide(self, request, decide, ids) -> int:
        done = 0
        for request_id in ids:
            try:
                decide(request_id)
            except ValidationError as exc:
                self.message_user(request, f"申请 {request_id}：{exc.messages[0]}", messages.ERROR)
            else:
                done += 1
        return done

    def _reject(self, request, requests, reason: str) -> int:
        return self._decide(
            request, lambda pk: services.authentication_reject(request_id=pk, reviewer=request.user, reason=reason),
            [item.pk for item in requests],
        )

    @admin.action(description="审核通过所选身份认证申请", permissions=["operate"])
    def approve_selected(self, request, queryset):
        ids = list(queryset.filter(status=RequestStatus.PENDING).values_list("pk", flat=True))
        done = self._decide(request, lambda pk: services.authentication_approve(request_id=pk, reviewer=request.user), ids)
        self.message_user(request, f"已审核通过 {done} 条申请", messages.SUCCESS)

    @admin.action(description="驳回所选身份认证申请（填写原因）", permissions=["operate"])
    def reject_selected(self, request, queryset):
        def reject(requests, reason):
            self.message_user(request, f"已驳回 {self._reject(request, requests, reason)} 条申请", messages.SUCCESS)

        return confirm_with_reason(
            self, request, queryset.filter(status=RequestStatus.PENDING), title="驳回身份认证申请", label="未通过原因",
            summary=REJECT_SUMMARY, apply=reject,
        )

    def approve_view(self, request, request_id):
        if not self.has_operate_permission(request):
            raise PermissionDenied
        auth_request = get_object_or_404(AuthenticationRequest, pk=request_id)
        if self._decide(request, lambda pk: services.authentication_approve(request_id=pk, reviewer=request.user), [auth_request.pk]):
            self.message_user(request, f"“{auth_request.name}”的身份认证已审核通过", messages.SUCCESS)
        return redirect("admin:employers_authenticationrequest_change", auth_request.pk)

    def reject_view(self, request, request_id):
        if not self.has_operate_permission(request):
            raise PermissionDenied
        auth_request = get_object_or_404(AuthenticationRequest, pk=request_id)
        form = ReasonForm(request.POST or None, label="未通过原因")
        if request.method == "POST" and form.is_valid():
            if self._reject(request, [auth_request], form.cleaned_data["reason"]):
                self.message_user(request, f"“{auth_request.name}”的身份认证已驳回", messages.SUCCESS)
            return redirect("admin:employers_authenticationrequest_change", auth_request.pk)
        return reason_page(self, request, rows=[auth_request], form=form, title="驳回身份认证申请", summary=REJECT_SUMMARY)


class UnitMemberInline(ReadOnlyInline):
    model = UnitMember
    fields = ("user", "is_admin", "is_active", "created_at")


class ContactInline(ReadOnlyInline):
    model = Contact
    fields = ("name", "mobile", "email", "is_active")


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a unit's data in force is its last approved 身份认证, so it changes when the unit's admin submits a
    new one and an operator approves it (审核 in 身份认证申请), never by editing it here."""

    list_display = ("name", "credit_code", "auth_status", "province", "city", "authenticated_at", "created_at")
    list_filter = ("auth_status", "nature", "industry", ("province", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "credit_code", "contact_name")
    list_select_related = ("province", "city")
    inlines = [UnitMemberInline, ContactInline]
    fieldsets = (
        (None, {
            "description": "单位信息以审核通过的身份认证为准：如需修改，请单位管理员重新提交身份认证，审核通过后更新。",
            "fields": ("name", "credit_code", "nature", "industry", "province", "city", "address", "contact_name",
                       "contact_phone", "auth_status", "authenticated_at", "created_at"),
        }),
    )


@admin.register(UnitMember)
class UnitMemberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Users of units. The admin role moves only through 设为单位管理员 (services.unit_admin_transfer, audited)."""

    list_display = ("user", "masked_mobile", "unit", "is_admin", "is_active", "created_at")
    list_filter = ("is_admin", "is_active")
    search_fields = ("unit__name", "unit__credit_code", "user__name", "user__mobile")
    search_help_text = "按单位名称、统一社会信用代码、姓名、手机号搜索"
    list_select_related = ("user", "unit")
    actions = ["make_unit_admin"]

    @admin.display(description="手机号")
    def masked_mobile(self, obj):
        return obj.user.masked_mobile

    @admin.action(description="设为单位管理员（填写原因）", permissions=["operate"])
    def make_unit_admin(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "请只选择一位要设为单位管理员的用户", messages.ERROR)
            return None

        def transfer(members, reason):
            member = members[0]
            try:
                services.unit_admin_transfer(actor=request.user, member=member, reason=reason)
            except (ValidationError, NotFound) as exc:
                self.message_user(request, refusal(exc), messages.ERROR)
            else:
                self.message_user(request, f"已将{member.user}设为“{member.unit}”的单位管理员", messages.SUCCESS)

        return confirm_with_reason(
            self, request, queryset.select_related("user", "unit"), title="设为单位管理员", label="变更原因",
            summary="将以下用户设为其单位的单位管理员；该单位原来的管理员改为普通子账号。双方会收到短信通知。",
            apply=transfer,
        )


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """签约联系人 are the unit's own to manage (账号管理, audited); operators find and read them here."""

    list_display = ("name", "mobile", "email", "unit", "is_active")
    list_filter = ("is_active",)
    search_fields = ("unit__name", "unit__credit_code", "name", "mobile")
    search_help_text = "按单位名称、统一社会信用代码、姓名、手机号搜索"
    list_select_related = ("unit",)


@admin.register(ArchiveInfo)
class ArchiveInfoAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "receiver_name", "postcode", "contact_name", "contact_phone", "created_at")
    search_fields = ("unit__name", "receiver_name")
    list_select_related = ("unit",)
