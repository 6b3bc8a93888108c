"""Spreadsheets (CSV, XLSX) of the Werkstattplan with django-import-export.

Two kinds:
- one resource per level (Handlungsfeld, Werkzeug, Einzelmaßnahme), keyed by
  id, for bulk edits of existing rows;
- `PlanTabelleResource`, the flat format: one row per Einzelmaßnahme (or per
  Werkzeug without any), with Handlungsfeld and Werkzeug repeated on each row.
  A coordinator can fill it in by hand for a whole plan; export → import gives
  back the same plan.

Imports run in one transaction and are rolled back on any invalid row, so a
file is written all or nothing; the admin shows a preview with every row's
errors first.
"""

from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from .models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug


class ZahlenlisteWidget(widgets.Widget):
    """ "2020, 2021" ↔ [2020, 2021]. Accepts commas, semicolons and spaces."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return []
        if isinstance(value, int | float):
            return [int(value)]
        text = str(value).replace(";", ",").replace(" ", ",")
        numbers = []
        for part in filter(None, (item.strip() for item in text.split(","))):
            try:
                number = float(part)
            except ValueError:
                raise ValueError(_("„%(value)s“ ist keine Zahl.") % {"value": part}) from None
            if number != int(number):
                raise ValueError(_("„%(value)s“ ist keine ganze Zahl.") % {"value": part})
            numbers.append(int(number))
        return sorted(set(numbers))

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
    """A status by its name ("laufend"), among the statuses of the row's plan."""

    def clean(self, value, row=None, **kwargs):
        raise NotImplementedError  # PLACEHOLDER

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


# ---------------------------------------------------------------- per level


class TextResource(resources.ModelResource):
    """Empty spreadsheet cells become "" in text columns, which are never NULL."""

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


class WerkzeugResource(TextResource):
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


class MassnahmeResource(TextResource):
    werkzeug = fields.Field(
        attribute="werkzeug", column_name="werkzeug_id", widget=widgets.ForeignKeyWidget(Werkzeug)
    )
    monate = fields.Field(attribute="monate", column_name="monate", widget=ZahlenlisteWidget())

    class Meta:
        model = Massnahme
        fields = ["id", "werkzeug", "position", "title", "jahr", "monate"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


# ---------------------------------------------------------------- flat


HF_COLUMNS = {
    "Handlungsfeld": "name",
    "Beschreibung des Handlungsfelds": "description",
    "Leitziel": "leitziel",
}
WERKZEUG_COLUMNS = {
    "Werkzeug": "description",
    "Kurztitel": "title",
    "Ansprechperson": "ansprechperson",
    "Umsetzungsort": "umsetzungsort",
    "Beteiligte": "beteiligte",
    "Jahre": "jahre",
    "Status": "status",
    "Fortschritt (%)": "fortschritt",
    "Beschreibung im Steckbrief": "steckbrief_beschreibung",
    "Zielgruppe": "zielgruppe",
    "Umsetzungsort und Ansprechperson vor Ort": "ansprechperson_vor_ort",
    "Partner, Netzwerke, Gruppen und Bevölkerung": "partner",
    "Budget (€)": "budget",
    "Vermerk zum Budget": "budget_vermerk",
    "Externe Beratung": "externe_beratung",
    "Besonderheiten, Kommentare": "besonderheiten",
}
MASSNAHME_COLUMNS = {
    "Einzelmaßnahme": "title",
    "Jahr": "jahr",
    "Monate": "monate",
}
WIDGETS = {
    "jahre": ZahlenlisteWidget(),
    "monate": ZahlenlisteWidget(),
    "status": StatusWidget(),
    "budget": EuroWidget(),
    "externe_beratung": JaNeinWidget(),
    "fortschritt": widgets.IntegerWidget(),
    "jahr": widgets.IntegerWidget(),
}


def _flat_field(prefix: str, attribute: str) -> fields.Field:
    columns = {"hf": HF_COLUMNS, "wz": WERKZEUG_COLUMNS, "mn": MASSNAHME_COLUMNS}[prefix]
    column = next(name for name, attr in columns.items() if attr == attribute)
    return fields.Field(
        attribute=f"{prefix}_{attribute}",
        column_name=column,
        widget=WIDGETS.get(attribute, widgets.CharWidget(allow_blank=True)),
        readonly=True,  # importing is done by the resource itself, level by level
    )


class PlanTabelleResource(resources.ModelResource):
    """The whole plan as one table; import into the plan given as `plan=`."""

    hf_name = _flat_field("hf", "name")
    hf_description = _flat_field("hf", "description")
    hf_leitziel = _flat_field("hf", "leitziel")
    wz_description = _flat_field("wz", "description")
    wz_title = _flat_field("wz", "title")
    wz_ansprechperson = _flat_field("wz", "ansprechperson")
    wz_umsetzungsort = _flat_field("wz", "umsetzungsort")
    wz_beteiligte = _flat_field("wz", "beteiligte")
    wz_jahre = _flat_field("wz", "jahre")
    wz_status = _flat_field("wz", "status")
    wz_fortschritt = _flat_field("wz", "fortschritt")
    wz_steckbrief_beschreibung = _flat_field("wz", "steckbrief_beschreibung")
    wz_zielgruppe = _flat_field("wz", "zielgruppe")
    wz_ansprechperson_vor_ort = _flat_field("wz", "ansprechperson_vor_ort")
    wz_partner = _flat_field("wz", "partner")
    wz_budget = _flat_field("wz", "budget")
    wz_budget_vermerk = _flat_field("wz", "budget_vermerk")
    wz_externe_beratung = _flat_field("wz", "externe_beratung")
    wz_besonderheiten = _flat_field("wz", "besonderheiten")
    mn_title = _flat_field("mn", "title")
    mn_jahr = _flat_field("mn", "jahr")
    mn_monate = _flat_field("mn", "monate")

    class Meta:
        model = Massnahme
        fields = (
            [f"hf_{attr}" for attr in HF_COLUMNS.values()]
            + [f"wz_{attr}" for attr in WERKZEUG_COLUMNS.values()]
            + [f"mn_{attr}" for attr in MASSNAHME_COLUMNS.values()]
        )
        report_skipped = True
        skip_diff = True
        use_transactions = True

    def __init__(self, plan: Werkstattplan | None = None, **kwargs):
        super().__init__(**kwargs)
        self.plan = plan
        self._first_row = {}  # (kind, key) → (row number, values) of the row that set them
        self._unreadable = False

    @classmethod
    def get_display_name(cls):
        return _("Ganzer Plan als Tabelle (eine Zeile je Einzelmaßnahme)")

    # -- export: a plan queryset becomes one row per Einzelmaßnahme

    def iter_queryset(self, queryset):
        if queryset.model is not Werkstattplan:
            queryset = Werkstattplan.objects.filter(
                pk__in=queryset.values("werkzeug__handlungsfeld__plan")
            )
        plans = queryset.prefetch_related("handlungsfelder__werkzeuge__massnahmen")
        for plan in plans:
            for handlungsfeld in plan.handlungsfelder.all():
                hf = {f"hf_{attr}": getattr(handlungsfeld, attr) for attr in HF_COLUMNS.values()}
                werkzeuge = handlungsfeld.werkzeuge.all()
                if not werkzeuge:
                    yield SimpleNamespace(**hf)
                for werkzeug in werkzeuge:
                    wz = {
                        f"wz_{attr}": getattr(werkzeug, attr) for attr in WERKZEUG_COLUMNS.values()
                    }
                    massnahmen = werkzeug.massnahmen.all()
                    if not massnahmen:
                        yield SimpleNamespace(**hf, **wz)
                    for massnahme in massnahmen:
                        mn = {
                            f"mn_{attr}": getattr(massnahme, attr)
                            for attr in MASSNAHME_COLUMNS.values()
                        }
                        yield SimpleNamespace(**hf, **wz, **mn)

    def export_field(self, field, instance, **kwargs):
        if not hasattr(instance, field.attribute):
            return ""
        return super().export_field(field, instance, **kwargs)

    # -- import: each row upserts its Handlungsfeld, Werkzeug and Einzelmaßnahme

    def before_import(self, dataset, **kwargs):
        self._unreadable = True  # until the headers are checked: rows are not read
        if self.plan is None:
            raise ValueError(_("Bitte wählen Sie den Werkstattplan, in den importiert wird."))
        missing = [
            column for column in ("Handlungsfeld", "Werkzeug") if column not in dataset.headers
        ]
        if missing:
            raise ValueError(
                _("Der Tabelle fehlen die Spalten: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        unknown = (
            set(dataset.headers) - set(HF_COLUMNS) - set(WERKZEUG_COLUMNS) - set(MASSNAHME_COLUMNS)
        )
        if unknown:
            raise ValueError(
                _("Unbekannte Spalten: %(columns)s.")
                % {"columns": ", ".join(sorted(map(str, unknown)))}
            )
        self._first_row = {}
        self._unreadable = False

    def _read(self, row, columns: dict[str, str], errors: dict) -> dict:
        values = {}
        for column, attr in columns.items():
            if column not in row:
                continue
            raw = row[column]
            try:
                value = (
                    WIDGETS[attr].clean(raw)
                    if attr in WIDGETS
                    else str(raw if raw is not None else "").strip()
                )
            except ValueError as error:
                errors[column] = str(error)
                continue
            values[attr] = value
        return values

    def _check_consistent(self, kind, key, values, row_number, errors):
        """Rows repeating a Handlungsfeld or Werkzeug must not contradict its first row."""
        first = self._first_row.setdefault((kind, key), (row_number, values))
        first_number, first_values = first
        for attr, value in values.items():
            if value in ("", None, []) or first_values.get(attr) in ("", None, []):
                continue
            if value != first_values[attr]:
                column = next(
                    col for col, a in (HF_COLUMNS | WERKZEUG_COLUMNS).items() if a == attr
                )
                errors[column] = _("Widerspricht Zeile %(number)s für dasselbe %(kind)s.") % {
                    "number": first_number,
                    "kind": kind,
                }

    def import_row(self, row, instance_loader, **kwargs):
        if self._unreadable:
            result = self.get_row_result_class()()
            result.import_type = result.IMPORT_TYPE_SKIP
            return result
        row_number = kwargs["row_number"]
        errors: dict[str, str] = {}
        hf_values = self._read(row, HF_COLUMNS, errors)
        wz_values = self._read(row, WERKZEUG_COLUMNS, errors)
        mn_values = self._read(row, MASSNAHME_COLUMNS, errors)
        self._row_outcome = "skip"
        if not hf_values.get("name"):
            errors["Handlungsfeld"] = _("Jede Zeile braucht ein Handlungsfeld.")
        if not wz_values.get("description") and any(
            value not in ("", None, [])
            for value in list(wz_values.values()) + list(mn_values.values())
        ):
            errors["Werkzeug"] = _(
                "Ohne Werkzeug kann die Zeile keine Werkzeug- oder Maßnahmenangaben haben."
            )
        if not mn_values.get("title") and (mn_values.get("jahr") or mn_values.get("monate")):
            errors["Einzelmaßnahme"] = _(
                "Jahr und Monate gehören zu einer Einzelmaßnahme: bitte benennen Sie sie."
            )
        if hf_values.get("name"):
            self._check_consistent(
                _("Handlungsfeld"), hf_values["name"], hf_values, row_number, errors
            )
        if wz_values.get("description"):
            key = (hf_values.get("name"), wz_values["description"])
            self._check_consistent(_("Werkzeug"), key, wz_values, row_number, errors)
        if errors:
            return self._invalid(errors)
        try:
            self._save_row(hf_values, wz_values, mn_values)
        except ValidationError as error:
            return self._invalid(self._columns_of(error))
        result = self.get_row_result_class()()
        result.import_type = {
            "new": result.IMPORT_TYPE_NEW,
            "update": result.IMPORT_TYPE_UPDATE,
        }.get(self._row_outcome, result.IMPORT_TYPE_SKIP)
        return result

    def _invalid(self, errors):
        result = self.get_row_result_class()()
        result.import_type = result.IMPORT_TYPE_INVALID
        result.validation_error = ValidationError(
            {column: [message] for column, message in errors.items()}
        )
        return result

    @staticmethod
    def _columns_of(error: ValidationError) -> dict[str, str]:
        names = {
            attr: column
            for column, attr in (HF_COLUMNS | WERKZEUG_COLUMNS | MASSNAHME_COLUMNS).items()
        }
        names["__all__"] = "Zeile"
        return {
            names.get(field, field): " ".join(messages)
            for field, messages in error.message_dict.items()
        }

    def _upsert(self, model, lookup: dict, values: dict, parent: dict):
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            last = model.objects.filter(**parent).aggregate(last=Max("position"))["last"]
            obj = model(**lookup, position=(last or 0) + 1)
        changed = created
        for attr, value in values.items():
            if value in ("", None, []) and not created:
                continue  # an empty cell on a repeated row keeps what the first row set
            if getattr(obj, attr) != value:
                setattr(obj, attr, value)
                changed = True
        if changed:
            obj.full_clean()
            obj.save()
            if self._row_outcome == "skip":
                self._row_outcome = "new" if created else "update"
        return obj

    def _save_row(self, hf_values, wz_values, mn_values):
        handlungsfeld = self._upsert(
            Handlungsfeld,
            {"plan": self.plan, "name": hf_values.pop("name")},
            hf_values,
            {"plan": self.plan},
        )
        if not wz_values.get("description"):
            return
        werkzeug = self._upsert(
            Werkzeug,
            {"handlungsfeld": handlungsfeld, "description": wz_values.pop("description")},
            wz_values,
            {"handlungsfeld": handlungsfeld},
        )
        if not mn_values.get("title"):
            return
        self._upsert(
            Massnahme,
            {
                "werkzeug": werkzeug,
                "title": mn_values.pop("title"),
                "jahr": mn_values.pop("jahr", None),
            },
            mn_values,
            {"werkzeug": werkzeug},
        )
