"""Spreadsheet export of Anmeldungen (django-import-export), for the admin and the staff page."""

from import_export import fields, resources, widgets

from .models import Anmeldung

WHEN = widgets.DateTimeWidget(format="%d.%m.%Y %H:%M")


class AnmeldungResource(resources.ModelResource):
    veranstaltung = fields.Field(attribute="veranstaltung__title", column_name="Veranstaltung")
    option = fields.Field(attribute="option__name", column_name="Teilnahmeoption")
    status = fields.Field(column_name="Status")
    kanal = fields.Field(column_name="Anmeldeweg")
    name = fields.Field(attribute="name", column_name="Name")
    email = fields.Field(attribute="email", column_name="E-Mail")
    organisation = fields.Field(attribute="organisation", column_name="Gemeinde / Organisation")
    telefon = fields.Field(attribute="telefon", column_name="Telefon")
    barrierefreiheit = fields.Field(attribute="barrierefreiheit", column_name="Barrierefreiheit")
    frage = fields.Field(attribute="frage", column_name="Frage oder Idee")
    # Real dates in XLSX; "31.12.2026 18:00" (Berlin) in CSV and wherever text is wanted.
    created_at = fields.Field(attribute="created_at", column_name="Angemeldet", widget=WHEN)
    confirmed_at = fields.Field(attribute="confirmed_at", column_name="Bestätigt", widget=WHEN)
    checked_in_at = fields.Field(attribute="checked_in_at", column_name="Anwesend", widget=WHEN)

    class Meta:
        model = Anmeldung
        fields = (
            "veranstaltung",
            "option",
            "status",
            "kanal",
            "name",
            "email",
            "organisation",
            "telefon",
            "barrierefreiheit",
            "frage",
            "created_at",
            "confirmed_at",
            "checked_in_at",
        )
        export_order = fields

    def dehydrate_status(self, anmeldung):
        return str(anmeldung.state_label())

    def dehydrate_kanal(self, anmeldung):
        return str(anmeldung.get_kanal_display())
