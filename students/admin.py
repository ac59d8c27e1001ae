"""Operators' pages of 毕业去向: the code list (editable), and registrations that are read-only except through two
audited actions with a reason: 撤销 (revoke a confirmed registration) and 更正 (correct what it declares)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from signing_platform.admin import ReadOnlyAdminMixin, ReadOnlyInline, ReasonForm, confirm_with_reason, reason_page
from signing_platform.errors import NotFound, get_or_not_found
from signing_platform.forms import apply_service_errors
from signing_platform.uploads import private_file_response

from . import presentation, rules, services
from .forms import RegistrationForm
from .models import Destination, DestinationCode, DestinationEvent, DestinationRecord, RecordStatus

REVOKE_SUMMARY = (
    "将撤销以下已落实的毕业去向登记：毕业生恢复为“未落实”，其核验编号此后核验为“已撤销”，毕业生会收到短信通知。"
    "签约完成自动登记的记录只能通过解约撤销，不在此列。"
)


@admin.register(DestinationCode)
class DestinationCodeAdmin(admin.ModelAdmin):
    """The code list: names, categories, the fields and proof each needs. A code itself never changes once used."""

    list_display = ("code", "name", "category", "field_group", "proof_label", "credit_code_required", "sort_order",
                    "is_active")
    list_editable = ("sort_order", "is_active")
    list_filter = ("category", "field_group", "is_active")
    search_fields = ("code", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False


class CorrectionForm(RegistrationForm):
    """更正: the record's own fields (no proof, no code), and why."""

    reason = forms.CharField(label="更正原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请填写更正原因"})

    def __init__(self, *args, code, **kwargs):
        super().__init__(*args, code=code, can_keep_proof=True, **kwargs)
        self.fields.pop("proof", None)


class EventInline(ReadOnlyInline):
    model = DestinationEvent
    fields = ("created_at", "action", "from_status", "to_status", "actor", "note")
    ordering = ("created_at", "id")
    show_change_link = False


@admin.register(DestinationRecord)
class DestinationRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a registration changes only through the graduate, the reviewers, signing, or the two audited
    operator actions below (which need the change permission: "operate")."""

    list_display = ("graduate", "code", "status", "offline", "school", "graduation_year", "submitted_at",
                    "verification_no")
    list_filter = ("status", "code__category", "code", "offline", "graduation_year",
                   ("school", admin.RelatedOnlyFieldListFilter))
    search_fields = ("graduate__name", "graduate__id_masked", "verification_no", "unit_name", "school_name")
    list_select_related = ("graduate", "code", "school")
    date_hierarchy = "submitted_at"
    actions = ["revoke_selected"]
    inlines = [EventInline]
    fields = (
        "graduate", "school", "college", "graduation_year", "code", "offline", "contract", "status",
        "two_level_review", "unit_name", "credit_code", "unit_nature", "industry", "region", "job_category",
        "work_kind", "school_name", "major", "country", "note", "proof_link", "submitted_by", "submitted_at",
        "college_approved_at", "decided_at", "return_reason", "ended_at", "end_note", "verification_no",
        "operator_actions",
    )
    readonly_fields = fields

    @admin.display(description="证明材料")
    def proof_link(self, obj):
        if not obj.proof:
            return "—"
        return format_html('<a href="{}">下载证明材料</a>', reverse("admin:students_destinationrecord_proof", args=[obj.pk]))

    @admin.display(description="运营操作")
    def operator_actions(self, obj):
        links = []
        if rules.can_operator_correct(obj):
            links.append(format_html('<a href="{}">更正登记信息</a>',
                                     reverse("admin:students_destinationrecord_correct", args=[obj.pk])))
        if rules.can_operator_revoke(obj):
            links.append(format_html('<a href="{}">撤销该登记</a>',
                                     reverse("admin:students_destinationrecord_revoke", args=[obj.pk])))
        return format_html(" · ".join(["{}"] * len(links)), *links) if links else "—"

    def get_urls(self):
        urls = [
            path("<int:record_id>/proof/", self.admin_site.admin_view(self.proof_view),
                 name="students_destinationrecord_proof"),
            path("<int:record_id>/correct/", self.admin_site.admin_view(self.correct_view),
                 name="students_destinationrecord_correct"),
            path("<int:record_id>/revoke/", self.admin_site.admin_view(self.revoke_view),
                 name="students_destinationrecord_revoke"),
        ]
        return urls + super().get_urls()

    def _record(self, request, record_id) -> DestinationRecord:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_or_not_found(DestinationRecord.objects.select_related("code", "graduate"), pk=record_id)

    def proof_view(self, request, record_id):
        record = self._record(request, record_id)
        if not record.proof:
            return redirect("admin:students_destinationrecord_change", record.pk)
        extension = record.proof.name.rsplit(".", 1)[-1]
        return private_file_response(record.proof, content_type=record.proof_content_type,
                                     download_name=f"proof-{record.pk}.{extension}")

    def correct_view(self, request, record_id):
        """更正: change what the registration declares, with the reason (an event and an audit entry keep both)."""
        record = self._record(request, record_id)
        if not self.has_operate_permission(request):
            raise PermissionDenied
        initial = {name: getattr(record, name) for name in services.destinations.DESCRIPTIVE_FIELDS}
        form = CorrectionForm(request.POST or None, code=record.code, initial={**initial, "region": record.region_id})
        if request.method == "POST" and form.is_valid():
            changes = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
            try:
                services.operator_correct(actor=request.user, record=record, changes=changes,
                                          reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except services.DestinationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, "已更正该毕业去向登记", messages.SUCCESS)
                return redirect("admin:students_destinationrecord_change", record.pk)
        return TemplateResponse(request, "admin/students/destinationrecord/correct.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "title": "更正毕业去向登记", "form": form,
            "record": record, "code_label": presentation.code_label(record),
        })

    def revoke_view(self, request, record_id):
        """撤销 one confirmed registration, with the reason (the graduate is told)."""
        record = self._record(request, record_id)
        if not self.has_operate_permission(request):
            raise PermissionDenied
        form = ReasonForm(request.POST or None, label="撤销原因")
        if request.method == "POST" and form.is_valid():
            self._revoke(request, [record], form.cleaned_data["reason"])
            return redirect("admin:students_destinationrecord_change", record.pk)
        return reason_page(self, request, rows=[record], form=form, title="撤销毕业去向登记", summary=REVOKE_SUMMARY)

    def _revoke(self, request, records, reason: str) -> None:
        """Each record in its own transaction: one refused does not hold back the others."""
        done = 0
        for record in records:
            try:
                services.operator_revoke(actor=request.user, record=record, reason=reason)
            except (services.DestinationError, NotFound) as exc:
                self.message_user(request, f"{record.graduate.name}：{exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"已撤销 {done} 条毕业去向登记", messages.SUCCESS)

    @admin.action(description="撤销所选已落实的登记（填写原因）", permissions=["operate"])
    def revoke_selected(self, request, queryset):
        queryset = queryset.filter(status=RecordStatus.CONFIRMED, contract__isnull=True).select_related("graduate", "code")
        return confirm_with_reason(self, request, queryset, title="撤销毕业去向登记", summary=REVOKE_SUMMARY,
                                   label="撤销原因", apply=lambda rows, reason: self._revoke(request, rows, reason))


@admin.register(Destination)
class DestinationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each graduate's current 毕业去向 (kept by the services); read-only."""

    list_display = ("graduate", "code", "state", "record", "updated_at")
    list_filter = ("state", "code__category", "code")
    search_fields = ("graduate__name", "graduate__id_masked")
    list_select_related = ("graduate", "code", "record")
    readonly_fields = ("graduate", "record", "code", "request", "state", "updated_at")
