"""Operators' pages: code lists, units, and the review of 身份认证 requests (approve / reject with a reason)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

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


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="未通过原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写未通过原因"},
    )


@admin.register(AuthenticationRequest)
class AuthenticationRequestAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
            '<img src="{}" alt="{}的营业执照" style="max-width: 640px; max-height: 480px">',
            reverse("employers:licence", args=[obj.pk]), obj.name,
        )

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

    def _may_review(self, request) -> bool:
        return self.has_change_permission(request)

    @admin.action(description="审核通过所选身份认证申请", permissions=["change"])
    def approve_selected(self, request, queryset):
        ids = list(queryset.filter(status=RequestStatus.PENDING).values_list("pk", flat=True))
        done = self._decide(request, lambda pk: services.authentication_approve(request_id=pk, reviewer=request.user), ids)
        self.message_user(request, f"已审核通过 {done} 条申请", messages.SUCCESS)

    @admin.action(description="驳回所选身份认证申请（填写原因）", permissions=["change"])
    def reject_selected(self, request, queryset):
        queryset = queryset.filter(status=RequestStatus.PENDING)
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            ids = list(queryset.values_list("pk", flat=True))
            done = self._decide(
                request, lambda pk: services.authentication_reject(request_id=pk, reviewer=request.user, reason=reason), ids
            )
            self.message_user(request, f"已驳回 {done} 条申请", messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/employers/authenticationrequest/reject.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": "驳回身份认证申请",
            "form": form, "requests": queryset, "action_checkbox_name": ACTION_CHECKBOX_NAME, "as_action": True,
        })

    def approve_view(self, request, request_id):
        if not self._may_review(request):
            raise PermissionDenied
        auth_request = get_object_or_404(AuthenticationRequest, pk=request_id)
        if self._decide(request, lambda pk: services.authentication_approve(request_id=pk, reviewer=request.user), [auth_request.pk]):
            self.message_user(request, f"“{auth_request.name}”的身份认证已审核通过", messages.SUCCESS)
        return redirect("admin:employers_authenticationrequest_change", auth_request.pk)

    def reject_view(self, request, request_id):
        if not self._may_review(request):
            raise PermissionDenied
        auth_request = get_object_or_404(AuthenticationRequest, pk=request_id)
        form = RejectForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            if self._decide(
                request, lambda pk: services.authentication_reject(request_id=pk, reviewer=request.user, reason=reason),
                [auth_request.pk],
            ):
                self.message_user(request, f"“{auth_request.name}”的身份认证已驳回", messages.SUCCESS)
            return redirect("admin:employers_authenticationrequest_change", auth_request.pk)
        return TemplateResponse(request, "admin/employers/authenticationrequest/reject.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": "驳回身份认证申请",
            "form": form, "requests": [auth_request], "original": auth_request, "as_action": False,
        })


class UnitMemberInline(admin.TabularInline):
    model = UnitMember
    fields = ("user", "is_admin", "is_active", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "mobile", "email", "is_active")
    extra = 0
    can_delete = False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "auth_status", "province", "city", "authenticated_at", "created_at")
    list_filter = ("auth_status", "nature", "industry", ("province", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "credit_code", "contact_name")
    list_select_related = ("province", "city")
    # Status and authenticated data change only through the review of authentication requests.
    readonly_fields = ("credit_code", "auth_status", "authenticated_at", "created_at")
    inlines = [UnitMemberInline, ContactInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArchiveInfo)
class ArchiveInfoAdmin(admin.ModelAdmin):
    list_display = ("unit", "receiver_name", "postcode", "contact_name", "contact_phone", "created_at")
    search_fields = ("unit__name", "receiver_name")
    list_select_related = ("unit",)
    readonly_fields = ("unit", "has_archive_authority", "receiver_name", "address", "postcode", "contact_name",
                       "contact_phone", "created_by", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
