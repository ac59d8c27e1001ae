"""SMS records are evidence of what the platform sent (and when): operators read them, nobody edits or deletes them."""

from django.contrib import admin

from signing_platform.admin import ReadOnlyAdminMixin

from .models import OutboxMessage, SmsCode, SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "mobile", "status", "attempts", "sent_at", "last_error")
    list_filter = ("kind", "status")
    search_fields = ("mobile",)
    date_hierarchy = "created_at"


@admin.register(SmsCode)
class SmsCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "purpose", "mobile", "failed_attempts", "used_at", "revoked_at", "expires_at")
    list_filter = ("purpose",)
    search_fields = ("mobile",)
    exclude = ("code_hash",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "mobile", "body")
    search_fields = ("mobile",)
