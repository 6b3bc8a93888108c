"""The back office of documents: upload, replace, publish; the accessibility check speaks up."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zwk_portal.admin_site import PlainRelatedSelects, TenantAdmin, admin_kommune_ids

from .forms import DokumentForm
from .models import Dokument
from .templatetags.dokumente_tags import dateigroesse


def not_accessible_warning(dokument) -> str:
    """What the coordinator reads after saving a PDF that failed the check (BITV 2.0)."""
    return _(
        "„%(title)s“ ist gespeichert, aber nicht barrierefrei: %(maengel)s Bitte laden Sie eine "
        "barrierefreie Fassung hoch (getaggtes PDF: beim Export aus dem Textprogramm "
        "„PDF/UA“ bzw. „Barrierefreies PDF“ wählen, die Dokumentsprache angeben). Bis dahin "
        "steht in der Liste „nicht barrierefrei“."
    ) % {"title": dokument.title, "maengel": " ".join(dokument.pruefhinweise.splitlines())}


@admin.register(Dokument)
class DokumentAdmin(PlainRelatedSelects, TenantAdmin):
    form = DokumentForm
    list_display = [
        "title",
        "gruppe",
        "datum",
        "format_und_groesse",
        "barrierefrei",
        "published",
        "kommune",
    ]
    list_filter = ["kommune", "gruppe", "published", "barrierefrei", "sprache"]
    search_fields = ["title", "description"]
    date_hierarchy = "datum"
    readonly_fields = ["adresse", "format_und_groesse", "pruefung", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["kommune", "title", "description", ("gruppe", "datum", "sprache")]}),
        (gettext_lazy("Datei"), {"fields": ["datei", "adresse", "format_und_groesse", "pruefung"]}),
        (gettext_lazy("Veröffentlichung"), {"fields": ["published", "created_at", "updated_at"]}),
    ]

    @admin.display(description=gettext_lazy("Format und Größe"))
    def format_und_groesse(self, obj):
        if not obj.pk:
            return "–"
        return f"{obj.format_label}, {dateigroesse(obj.groesse)}"

    @admin.display(description=gettext_lazy("Adresse (bleibt bei jeder Änderung gleich)"))
    def adresse(self, obj):
        if not obj.pk:
            return _("Die Adresse entsteht beim ersten Speichern.")
        url = obj.get_absolute_url()
        hint = "" if obj.published else _(" (Vorschau: nur für Sie, bis es veröffentlicht ist)")
        return format_html('<a href="{}">{}</a>{}', url, url, hint)

    @admin.display(description=gettext_lazy("Prüfung auf Barrierefreiheit"))
    def pruefung(self, obj):
        if not obj.pk:
            return "–"
        if obj.barrierefrei is None:
            return _(
                "Nur PDF-Dateien werden automatisch geprüft. Prüfen Sie Tabellen und "
                "Textdokumente mit der Barrierefreiheitsprüfung Ihres Office-Programms."
            )
        if obj.barrierefrei:
            return _(
                "Getaggt (PDF/UA), Sprache angegeben, mit Text. Ob Überschriften, "
                "Lesereihenfolge und Alternativtexte stimmen, kann nur ein Mensch prüfen."
            )
        return format_html(
            "<strong>{}</strong><ul>{}</ul>",
            _("Nicht barrierefrei:"),
            format_html_join("", "<li>{}</li>", ((m,) for m in obj.pruefhinweise.splitlines())),
        )

    def get_readonly_fields(self, request, obj=None):
        # The address names the Kommune: once saved, a document stays where it was published.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "kommune"] if obj is not None else fields

    def get_list_display(self, request):
        # The Kommune's column only for whoever works in more than one.
        ids = admin_kommune_ids(request.user, self.model)
        columns = super().get_list_display(request)
        if ids is not None and len(ids) <= 1:
            columns = [c for c in columns if c != "kommune"]
        return columns

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.barrierefrei is False:
            self.message_user(request, not_accessible_warning(obj), messages.WARNING)
