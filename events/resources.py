"""Spreadsheet export of Anmeldungen (django-import-export), for the admin and the staff page."""

from import_export import fields, resources

from .models import Anmeldung


class AnmeldungResource(resources.ModelResource):
    veranstaltung = fields.Field(attribute="veranstaltung__title", column_name="Veranstaltung")
    option = fields.Field(attribute="option__name", column_name="Teilnahmeoption")
    status = fields.Field(column_name="Status")
    name = fields.Field(attribute="name", column_name="Name")
    email = fields.Field(attribute="email", column_name="E-Mail")
    organisation = fields.Field(attribute="organisation", column_name="Gemeinde / Organisation")
    telefon = fields.Field(attribute="telefon", column_name="Telefon")
    barrierefreiheit = fields.Field(attribute="barrierefreiheit", column_name="Barrierefreiheit")
    frage = fields.Field(attribute="frage", column_name="Frage oder Idee")
    created_at = fields.Field(column_name="Angemeldet")
    confirmed_at = fields.Field(column_name="Bestätigt")
    checked_in_at = fields.Field(column_name="Anwesend")

    class Meta:
        model = Anmeldung
        fields = (
            "veranstaltung",
            "option",
            "status",
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

    @staticmethod
    def _when(value) -> str:
        from django.utils import timezone

        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""

    def dehydrate_status(self, anmeldung):
        return str(anmeldung.state_label())

    def dehydrate_created_at(self, anmeldung):
        return self._when(anmeldung.created_at)

    def dehydrate_confirmed_at(self, anmeldung):
        return self._when(anmeldung.confirmed_at)

    def dehydrate_checked_in_at(self, anmeldung):
        return self._when(anmeldung.checked_in_at)
