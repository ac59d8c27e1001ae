"""Operators read the exports (who exported which list with which filters, how many rows); never their files."""

from django.contrib import admin

from signing_platform.admin import ReadOnlyAdminMixin

from .models import Export


@admin.register(Export)
class ExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "user", "title", "row_count", "background", "status", "expires_at")
    list_filter = ("status", "kind", "background", "created_at")
    search_fields = ("user__username", "user__mobile", "user__name", "title")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    exclude = ("file",)
