from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is written by audit.log_download and by nothing else."""

    list_display = ["created_at", "username", "what", "object_label", "network"]
    list_filter = ["what", "created_at"]
    search_fields = ["username", "what", "object_label", "path"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp's own device admin offers QR code and config pages (a 500 for an unknown
# id, and a QR library we do not install). Here the coordination only sees who has
# a device and deletes one when a phone is lost; the user then sets it up again.
import django_otp.plugins.otp_totp.admin  # noqa: E402, F401 - registers first, so that we can replace it

admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
