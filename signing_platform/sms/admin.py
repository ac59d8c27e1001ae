from django.contrib import admin

from .models import OutboxMessage, SmsCode, SmsMessage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "mobile", "status", "attempts", "sent_at", "last_error")
    list_filter = ("kind", "status")
    search_fields = ("mobile",)
    date_hierarchy = "created_at"


@admin.register(SmsCode)
class SmsCodeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "purpose", "mobile", "failed_attempts", "used_at", "revoked_at", "expires_at")
    list_filter = ("purpose",)
    search_fields = ("mobile",)
    exclude = ("code_hash",)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "mobile", "body")
    search_fields = ("mobile",)
