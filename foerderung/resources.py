"""Spreadsheet exports (django-import-export), used by the admin and the staff list."""

from import_export import fields, resources

from .models import Antrag


class AntragResource(resources.ModelResource):
    aufruf = fields.Field(attribute="aufruf__title", column_name="Aufruf")
    kommune = fields.Field(attribute="aufruf__kommune__name", column_name="Kommune")
    status = fields.Field(attribute="get_status_display", column_name="Status")
    art = fields.Field(attribute="get_art_display", column_name="Art")

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
            "submitted_at",
            "ist_beispiel",
        ]
        export_order = fields

    def get_export_headers(self, selected_fields=None):
        labels = {
            f.name: str(f.verbose_name)
            for f in Antrag._meta.get_fields()
            if hasattr(f, "verbose_name")
        }
        return [labels.get(h, h) for h in super().get_export_headers(selected_fields)]
