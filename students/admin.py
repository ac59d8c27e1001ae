from django.contrib import admin

from signing_platform.admin import ReadOnlyAdminMixin

from .models import Destination


@admin.register(Destination)
class DestinationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the signing platform sets and clears code 10 itself, with an audit event each time."""

    list_display = ("graduate", "code", "contract", "updated_at")
    list_filter = ("code",)
    search_fields = ("graduate__name", "graduate__id_masked")
    list_select_related = ("graduate", "contract")
