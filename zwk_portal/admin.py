from django.contrib import admin

from .models import AuditEintrag


@admin.register(AuditEintrag)
class AuditEintragAdmin(admin.ModelAdmin):
    """Read-only: the log is written by audit.log_download and by nothing else."""

    list_display = ["zeitpunkt", "benutzername", "was", "objekt", "netz"]
    list_filter = ["was", "zeitpunkt"]
    search_fields = ["benutzername", "was", "objekt", "pfad"]
    date_hierarchy = "zeitpunkt"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
