"""Spreadsheet exports (django-import-export), used by the admin and the staff list."""

from django.db.models import QuerySet
from import_export import fields, resources, widgets

from . import selectors
from .models import Antrag


def _ledger_field(name: str, column_name: str) -> fields.Field:
    return fields.Field(attribute=name, column_name=column_name, widget=widgets.DecimalWidget())


class AntragResource(resources.ModelResource):
    """One row per application, with the ledger's sums (selectors.mit_saldo) next to the
    approved amount: the staff list's CSV and XLSX, and the admin's export."""

    aufruf = fields.Field(attribute="aufruf__title", column_name="Aufruf")
    kommune = fields.Field(attribute="aufruf__kommune__name", column_name="Kommune")
    status = fields.Field(attribute="get_status_display", column_name="Status")
    art = fields.Field(attribute="get_art_display", column_name="Art")
    kanal = fields.Field(attribute="get_kanal_display", column_name="Eingangsweg")
    ausgezahlt = _ledger_field("ausgezahlt", "Ausgezahlt")
    zurueckgefordert = _ledger_field("zurueckgefordert", "Zurückgefordert")
    zurueckgezahlt = _ledger_field("zurueckgezahlt", "Zurückgezahlt")

    class Meta:
        model = Antrag
        fields = [
            "eingangsnummer",
            "kommune",
            "aufruf",
            "status",
            "organisation",
            "art",
            "gemeinde",
            "kontakt_name",
            "email",
            "title",
            "kurzbeschreibung",
            "beginn",
            "ende",
            "gesamtkosten",
            "eigenmittel",
            "drittmittel",
            "beantragt",
            "bewilligt",
            "ausgezahlt",
            "zurueckgefordert",
            "zurueckgezahlt",
            "submitted_at",
            "kanal",
            "eingegangen_am",
            "ist_beispiel",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        """The ledger's sums, unless the caller's queryset carries them already."""
        if isinstance(queryset, QuerySet) and "ausgezahlt" not in queryset.query.annotations:
            queryset = selectors.mit_saldo(queryset)
        return queryset

    def get_export_headers(self, selected_fields=None):
        labels = {
            f.name: str(f.verbose_name)
            for f in Antrag._meta.get_fields()
            if hasattr(f, "verbose_name")
        }
        return [labels.get(h, h) for h in super().get_export_headers(selected_fields)]
