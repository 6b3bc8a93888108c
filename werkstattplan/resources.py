"""Spreadsheets (CSV, XLSX) of the Werkstattplan with django-import-export.

One resource per level (Handlungsfeld, Werkzeug, Einzelmaßnahme), keyed by id,
for bulk edits of existing rows. The whole plan as one table is the tabelle package's,
which uses the widgets below for its cells.

Imports run in one transaction and are rolled back on any invalid row, so a
file is written all or nothing; the admin shows a preview with every row's
errors first.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from .models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug

# "2022–2024", "2022 - 2024": a range of years (en dash or hyphen).
RANGE = re.compile(r"(\d+)\s*[–-]\s*(\d+)")
LONGEST_RANGE = 50


class ZahlenlisteWidget(widgets.Widget):
    """ "2020, 2021" ↔ [2020, 2021]. Accepts commas, semicolons, spaces and ranges
    ("2022–2024" or "2022-2024" → 2022, 2023, 2024)."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return []
        if isinstance(value, int | float):
            return [int(value)]
        text = RANGE.sub(r"\1–\2", str(value)).replace(";", ",").replace(" ", ",")
        numbers = []
        for part in filter(None, (item.strip() for item in text.split(","))):
            if match := RANGE.fullmatch(part):
                numbers += self._range(part, int(match[1]), int(match[2]))
                continue
            try:
                number = float(part)
            except ValueError:
                raise ValueError(_("„%(value)s“ ist keine Zahl.") % {"value": part}) from None
            if number != int(number):
                raise ValueError(_("„%(value)s“ ist keine ganze Zahl.") % {"value": part})
            numbers.append(int(number))
        return sorted(set(numbers))

    @staticmethod
    def _range(text: str, first: int, last: int) -> list[int]:
        if first > last:
            raise ValueError(
                _("„%(value)s“: Der Bereich muss mit der kleineren Zahl beginnen.")
                % {"value": text}
            )
        if last - first + 1 > LONGEST_RANGE:
            raise ValueError(
                _("„%(value)s“ umfasst mehr als %(most)s Jahre; bitte prüfen Sie den Bereich.")
                % {"value": text, "most": LONGEST_RANGE}
            )
        return list(range(first, last + 1))

    def render(self, value, obj=None, **kwargs):
        return ", ".join(str(number) for number in value or [])


class JaNeinWidget(widgets.Widget):
    """Externe Beratung: "ja" / "nein" / empty (unknown)."""

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().lower()
        if text in {"", "none"}:
            return None
        if text in {"ja", "j", "yes", "true", "1", "x", "wahr"}:
            return True
        if text in {"nein", "n", "no", "false", "0", "falsch"}:
            return False
        raise ValueError(
            _("Bitte „ja“ oder „nein“ eintragen, nicht „%(value)s“.") % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        return {True: "ja", False: "nein"}.get(value, "")


class EuroWidget(widgets.Widget):
    """Money as people type it: "1.000,00", "1000", "1000.50", "1.000,00 €"."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        if isinstance(value, int | float | Decimal):
            return Decimal(str(value)).quantize(Decimal("0.01"))
        text = str(value).replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            amount = Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValueError(_("„%(value)s“ ist kein Betrag in Euro.") % {"value": value}) from None
        return amount

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value  # a number in XLSX (formatted as money there), "1500,25" in CSV
        return f"{value:.2f}".replace(".", ",")


class StatusWidget(widgets.Widget):
    """A status by its name ("laufend"), among the statuses of the row's plan.

    The plan comes from the row's other cells: `PlanStatusMixin` passes it as `plan`.
    """

    def clean(self, value, row=None, plan=None, **kwargs):
        name = str(value if value is not None else "").strip()
        if not name:
            return None
        if plan is None:
            raise ValueError(
                _(
                    "Ein Status gehört zu einem Werkstattplan: bitte geben Sie in der Zeile "
                    "auch an, wohin sie gehört."
                )
            )
        statuses = list(plan.status_liste.all())
        for status in statuses:
            if name.casefold() in (status.name.casefold(), status.slug):
                return status
        raise ValueError(
            _("Den Status „%(name)s“ hat der Plan „%(plan)s“ nicht; möglich sind: %(statuses)s.")
            % {
                "name": name,
                "plan": plan.title,
                "statuses": ", ".join(f"„{status.name}“" for status in statuses),
            }
        )

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


# ---------------------------------------------------------------- per level


class TextResource(resources.ModelResource):
    """Empty spreadsheet cells become "" in text columns, which are never NULL; the
    columns are those of the export."""

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.CharField | models.TextField):
            return widgets.CharWidget
        return super().widget_from_django_field(f, default)

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.CharField | models.TextField):
            kwargs["allow_blank"] = True
        return kwargs

    def before_import(self, dataset, **kwargs):
        # A misspelt column would be skipped without a word, and its cells lost.
        headers = [str(header) for header in dataset.headers or []]
        known = {field.column_name for field in self.get_import_fields()}
        problems = []
        if "id" not in headers:
            problems.append(_("Es fehlt die Spalte „id“ (leer für neue Zeilen)."))
        if unknown := [header for header in headers if header not in known]:
            problems.append(_("Unbekannte Spalten: %(columns)s.") % {"columns": ", ".join(unknown)})
        if problems:
            raise ValueError(
                " ".join(problems)
                + " "
                + _("Bitte verwenden Sie die Spalten, wie der Export sie liefert.")
            )
        super().before_import(dataset, **kwargs)


class PlanStatusMixin:
    """Reads the status cell after the row's place in the plan, and within that plan."""

    def plan_of(self, instance) -> Werkstattplan | None:
        raise NotImplementedError

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if isinstance(field.widget, StatusWidget):
            kwargs["plan"] = self.plan_of(instance)
        super().import_field(field, instance, row, is_m2m, **kwargs)


class HandlungsfeldResource(TextResource):
    plan = fields.Field(
        attribute="plan", column_name="plan_id", widget=widgets.ForeignKeyWidget(Werkstattplan)
    )

    class Meta:
        model = Handlungsfeld
        fields = ["id", "plan", "position", "name", "description", "leitziel"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class WerkzeugResource(PlanStatusMixin, TextResource):
    handlungsfeld = fields.Field(
        attribute="handlungsfeld",
        column_name="handlungsfeld_id",
        widget=widgets.ForeignKeyWidget(Handlungsfeld),
    )
    jahre = fields.Field(attribute="jahre", column_name="jahre", widget=ZahlenlisteWidget())
    budget = fields.Field(attribute="budget", column_name="budget", widget=EuroWidget())
    externe_beratung = fields.Field(
        attribute="externe_beratung", column_name="externe_beratung", widget=JaNeinWidget()
    )
    status = fields.Field(attribute="status", column_name="status", widget=StatusWidget())

    class Meta:
        model = Werkzeug
        fields = [
            "id",
            "handlungsfeld",
            "position",
            "title",
            "description",
            "ansprechperson",
            "umsetzungsort",
            "beteiligte",
            "jahre",
            "status",
            "fortschritt",
            "steckbrief_beschreibung",
            "zielgruppe",
            "ansprechperson_vor_ort",
            "partner",
            "budget",
            "budget_vermerk",
            "externe_beratung",
            "besonderheiten",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def plan_of(self, werkzeug):
        return werkzeug.handlungsfeld.plan if werkzeug.handlungsfeld_id else None


class MassnahmeResource(PlanStatusMixin, TextResource):
    """An Einzelmaßnahme: under a Werkzeug, or a Handlungsfeld, or (neither) the plan."""

    plan = fields.Field(
        attribute="plan", column_name="plan_id", widget=widgets.ForeignKeyWidget(Werkstattplan)
    )
    handlungsfeld = fields.Field(
        attribute="handlungsfeld",
        column_name="handlungsfeld_id",
        widget=widgets.ForeignKeyWidget(Handlungsfeld),
    )
    werkzeug = fields.Field(
        attribute="werkzeug", column_name="werkzeug_id", widget=widgets.ForeignKeyWidget(Werkzeug)
    )
    status = fields.Field(attribute="status", column_name="status", widget=StatusWidget())
    monate = fields.Field(attribute="monate", column_name="monate", widget=ZahlenlisteWidget())

    class Meta:
        model = Massnahme
        fields = [
            "id",
            "plan",
            "handlungsfeld",
            "werkzeug",
            "position",
            "title",
            "ziel",
            "status",
            "jahr",
            "jahr_bis",
            "monate",
            "beginn",
            "ende",
        ]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def plan_of(self, massnahme):
        if massnahme.werkzeug_id:
            return massnahme.werkzeug.handlungsfeld.plan
        if massnahme.handlungsfeld_id:
            return massnahme.handlungsfeld.plan
        return massnahme.plan if massnahme.plan_id else None

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # The plan follows the Werkzeug or Handlungsfeld (Massnahme.save() does the same);
        # a plan_id that says otherwise is a mistake in the file, not a move.
        place = self.plan_of(instance)
        named = str(row.get("plan_id") or "").strip()
        if place is not None and named and instance.plan_id != place.pk:
            errors.setdefault("plan", []).append(
                _("Die Zeile nennt einen anderen Plan als ihr Werkzeug bzw. Handlungsfeld.")
            )
        if place is not None and "plan" not in errors:
            instance.plan = place
        if errors:
            raise ValidationError(errors)
