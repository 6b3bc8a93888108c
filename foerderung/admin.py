"""The back office: calls with criteria and jury, applications read-only with export."""

from django.contrib import admin
from import_export.admin import ExportMixin

from zwk_portal.audit import AuditedExportMixin

from .models import Antrag, Foerderaufruf, JuryMitgliedschaft, Kriterium, Verlauf
from .resources import AntragResource


class KriteriumInline(admin.TabularInline):
    model = Kriterium
    extra = 1


class JuryInline(admin.TabularInline):
    model = JuryMitgliedschaft
    extra = 1
    autocomplete_fields = ["mitglied"]


@admin.register(Foerderaufruf)
class FoerderaufrufAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kommune",
        "budget",
        "hoechstbetrag",
        "einreichung_bis",
        "published",
    ]
    list_filter = ["kommune", "published"]
    search_fields = ["title"]
    inlines = [KriteriumInline, JuryInline]


class VerlaufInline(admin.TabularInline):
    model = Verlauf
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "von", "nach", "durch", "rolle", "notiz"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Antrag)
class AntragAdmin(AuditedExportMixin, ExportMixin, admin.ModelAdmin):
    """Status changes happen only on the Fachdienst's pages (services); here it is read and export."""

    resource_classes = [AntragResource]
    list_display = [
        "eingangsnummer",
        "title",
        "organisation",
        "aufruf",
        "status",
        "beantragt",
        "bewilligt",
    ]
    list_filter = ["aufruf", "status", "ist_beispiel"]
    search_fields = ["eingangsnummer", "title", "organisation", "email"]
    inlines = [VerlaufInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
