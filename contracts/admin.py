"""Operators' pages for contracts: read-only records (they change only through contracts/services, with locks and
events), the history of every contract searchable in one place, and the operators' own transitions as actions."""

from django.contrib import admin, messages

from signing_platform.admin import ReadOnlyAdminMixin, ReadOnlyInline, confirm_with_reason
from signing_platform.errors import NotFound

from . import rules, services
from .models import Contract, ContractEvent, Favorite, JobCategory, TerminationRequest


@admin.register(JobCategory)
class JobCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("name",)


class ContractEventInline(ReadOnlyInline):
    model = ContractEvent
    fields = ("created_at", "action", "from_status", "to_status", "actor", "note")
    ordering = ("created_at", "id")


class GraduateColumns:
    """The student of a contract-related row, by name and masked ID number (the full number is never shown here)."""

    graduate_path = "graduate"

    @admin.display(description="学生姓名")
    def graduate_name(self, obj):
        return self._graduate(obj).name

    @admin.display(description="身份证号")
    def masked_id(self, obj):
        return self._graduate(obj).id_masked

    def _graduate(self, obj):
        for name in self.graduate_path.split("__"):
            obj = getattr(obj, name)
        return obj


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdminMixin, GraduateColumns, admin.ModelAdmin):
    list_display = ("number", "unit", "graduate_name", "masked_id", "school", "graduation_year", "shown_status",
                    "last_event_at")
    list_filter = ("status", "graduation_year", "school")
    search_fields = ("unit__name", "unit__credit_code", "graduate__name", "graduate__id_masked", "agreement_no")
    list_select_related = ("unit", "graduate", "school")
    date_hierarchy = "last_event_at"
    inlines = [ContractEventInline]
    exclude = ("graduate",)
    actions = ["void_selected", "expire_selected"]

    @admin.display(description="编号", ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description="最新状态", ordering="status")
    def shown_status(self, obj):
        return obj.shown_status

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name not in ("id", "graduate")] + [
            "graduate_name", "masked_id"
        ]

    def _apply(self, request, contracts, transition, reason: str, *, verb: str) -> None:
        """Each contract in its own transaction: one refused does not hold back the others."""
        done = 0
        for contract in contracts:
            try:
                transition(actor=request.user, contract=contract, reason=reason)
            except (services.ContractError, NotFound) as exc:
                self.message_user(request, f"签约记录 {contract.pk}：{exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"已{verb} {done} 条签约记录", messages.SUCCESS)

    @admin.action(description="作废所选签约记录（填写原因）", permissions=["operate"])
    def void_selected(self, request, queryset):
        return confirm_with_reason(
            self, request, queryset.filter(rules.operator_voidable_q()).select_related("unit", "graduate"),
            title="作废签约记录", label="作废原因",
            summary="将作废以下尚未签约完成的记录（等待应约、待审核）；双方会收到短信通知，原因会显示在签约详情中。"
                    "已签约的协议须通过解约办理，不能作废；所选记录中的其他状态已略过。",
            apply=lambda rows, reason: self._apply(request, rows, services.operator_void, reason, verb="作废"),
        )

    @admin.action(description="使所选邀请函立即失效（填写原因）", permissions=["operate"])
    def expire_selected(self, request, queryset):
        return confirm_with_reason(
            self, request, queryset.filter(rules.operator_expirable_q()).select_related("unit", "graduate"),
            title="邀请函立即失效", label="失效原因",
            summary="以下等待学生应约的邀请函将立即失效；双方会收到短信通知。所选记录中的其他状态已略过。",
            apply=lambda rows, reason: self._apply(request, rows, services.operator_expire, reason, verb="使失效"),
        )


@admin.register(ContractEvent)
class ContractEventAdmin(ReadOnlyAdminMixin, GraduateColumns, admin.ModelAdmin):
    """Every contract's history in one list: what happened, to which agreement, by whom."""

    graduate_path = "contract__graduate"
    list_display = ("created_at", "contract", "agreement_no", "unit_name", "graduate_name", "action", "from_status",
                    "to_status", "actor", "note")
    list_filter = ("action", "created_at")
    search_fields = ("contract__agreement_no", "contract__graduate__name", "contract__unit__name")
    search_help_text = "按协议书编号、学生姓名、单位名称搜索"
    date_hierarchy = "created_at"
    list_select_related = ("contract__unit", "contract__graduate", "actor")
    # Counting a large history for "共 N 条" on every page is a full scan; the list pages without it.
    show_full_result_count = False
    ordering = ("-created_at", "-id")

    @admin.display(description="协议书编号", ordering="contract__agreement_no")
    def agreement_no(self, obj):
        return obj.contract.agreement_no or "—"

    @admin.display(description="单位名称", ordering="contract__unit__name")
    def unit_name(self, obj):
        return obj.contract.unit.name


@admin.register(Favorite)
class FavoriteAdmin(ReadOnlyAdminMixin, GraduateColumns, admin.ModelAdmin):
    list_display = ("unit", "graduate_name", "masked_id", "created_at")
    search_fields = ("unit__name", "graduate__name", "graduate__id_masked")
    list_select_related = ("unit", "graduate")
    exclude = ("graduate",)
    readonly_fields = ("graduate_name", "masked_id")


@admin.register(TerminationRequest)
class TerminationRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """解约申请 change only through their services; operators read them here."""

    list_display = ("number", "contract", "requester_side", "status", "created_at", "counterpart_deadline",
                    "reviewed_at")
    list_filter = ("status", "requester_side")
    search_fields = ("contract__unit__name", "contract__graduate__name", "contract__agreement_no")
    list_select_related = ("contract__unit", "contract__graduate")
    date_hierarchy = "created_at"
    exclude = ("attachment",)

    @admin.display(description="编号", ordering="pk")
    def number(self, obj):
        return obj.pk
