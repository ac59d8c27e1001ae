from django.contrib import admin

from .models import Contract, ContractEvent, Favorite, JobCategory, TerminationRequest


@admin.register(JobCategory)
class JobCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "sort_order", "is_active")
    list_editable = ("sort_order", "is_active")
    search_fields = ("name",)


class ContractEventInline(admin.TabularInline):
    model = ContractEvent
    fields = ("created_at", "action", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("created_at", "id")

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyMixin:
    """Contracts change only through their services (with locks and events); the admin reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("pk", "unit", "graduate_name", "masked_id", "school", "graduation_year", "status", "last_event_at")
    list_filter = ("status", "graduation_year", "school")
    search_fields = ("unit__name", "unit__credit_code", "graduate__name", "graduate__id_masked", "agreement_no")
    list_select_related = ("unit", "graduate", "school")
    date_hierarchy = "last_event_at"
    inlines = [ContractEventInline]
    exclude = ("graduate",)

    @admin.display(description="学生姓名", ordering="graduate__name")
    def graduate_name(self, obj):
        return obj.graduate.name

    @admin.display(description="证件号码")
    def masked_id(self, obj):
        return obj.graduate.id_masked

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "graduate"] + ["graduate_name", "masked_id"]


@admin.register(Favorite)
class FavoriteAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("unit", "graduate_name", "masked_id", "created_at")
    search_fields = ("unit__name", "graduate__name", "graduate__id_masked")
    list_select_related = ("unit", "graduate")
    exclude = ("graduate",)

    @admin.display(description="学生姓名")
    def graduate_name(self, obj):
        return obj.graduate.name

    @admin.display(description="证件号码")
    def masked_id(self, obj):
        return obj.graduate.id_masked


@admin.register(TerminationRequest)
class TerminationRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """解约申请 change only through their services; operators read them here."""

    list_display = ("pk", "contract", "requester_side", "status", "created_at", "counterpart_deadline", "reviewed_at")
    list_filter = ("status", "requester_side")
    search_fields = ("contract__unit__name", "contract__graduate__name", "contract__agreement_no")
    list_select_related = ("contract__unit", "contract__graduate")
    date_hierarchy = "created_at"
    exclude = ("attachment",)
