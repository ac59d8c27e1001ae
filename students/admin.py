from django.contrib import admin

from .models import Destination


@admin.register(Destination)
class DestinationAdmin(admin.ModelAdmin):
    """Read-only: the signing platform sets and clears code 10 itself, with an audit event each time."""

    list_display = ("graduate", "code", "contract", "updated_at")
    list_filter = ("code",)
    search_fields = ("graduate__name", "graduate__id_masked")
    list_select_related = ("graduate", "contract")
    readonly_fields = ("graduate", "code", "contract", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
