"""The coordinator's back office for the Werkstattplan.

A plan is edited top-down without hunting through pages: the plan lists its
Handlungsfelder, a Handlungsfeld its Werkzeuge, a Werkzeug its
Einzelmaßnahmen, each with a link one level down. Years and months are
checkbox grids. Spreadsheets go in and out with django-import-export.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Max, Min
from django.forms.models import BaseInlineFormSet, ModelChoiceIterator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from kommunen.models import Kommune
from zwk_portal.admin_site import PlainRelatedSelects, TenantAdmin, blank_rows
from zwk_portal.errors import public_message
from zwk_portal.exports import SpreadsheetAdminMixin
from zwk_portal.tenancy import kommune_ids

from .admin_tabelle import PlanTabelleAdminMixin
from .importers import import_table_text
from .models import (
    MONATE,
    Handlungsfeld,
    Kennzahl,
    Massnahme,
    Planstatus,
    Werkstattplan,
    Werkzeug,
)
from .resources import (
    HandlungsfeldResource,
    MassnahmeResource,
    WerkzeugResource,
)

MONATSKUERZEL = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]


class CheckboxGrid(forms.CheckboxSelectMultiple):
    """Years or months as a row of checkboxes (laid out by static/css/admin.css, on every admin page)."""


def year_choices(plan: Werkstattplan | None, stored: list[int]) -> list[tuple[int, str]]:
    if plan is not None:
        years = set(plan.years)
    else:
        # A new Werkzeug has no plan yet: offer every year of any plan; the
        # model's validation then checks the chosen Handlungsfeld's period.
        span = Werkstattplan.objects.aggregate(first=Min("first_year"), last=Max("last_year"))
        years = set(range(span["first"], span["last"] + 1)) if span["first"] else set()
    # Years saved earlier stay visible, even outside the period, so they can be unticked.
    return [(year, str(year)) for year in sorted(years | set(stored or []))]


def offer_statuses_of(form, plan: Werkstattplan | None) -> None:
    """The status select offers the statuses of the object's plan; without a plan yet,
    every status the user may choose, named with its plan (the model refuses a foreign one)."""
    field = form.fields.get("status")
    if field is None:
        return
    if plan is not None:
        field.queryset = field.queryset.filter(plan=plan)
    else:
        field.queryset = field.queryset.select_related("plan__kommune")
        field.label_from_instance = lambda status: f"{status.name} ({status.plan})"


class WerkzeugForm(forms.ModelForm):
    parent_plan = None  # set by an inline, which knows the plan

    jahre = forms.TypedMultipleChoiceField(
        label=_("aktiv in den Jahren"), coerce=int, required=False, widget=CheckboxGrid
    )

    class Meta:
        model = Werkzeug
        # Without the Handlungsfeld and the status: their choices depend on the user's
        # Kommunen, so the admin adds them per request (a queryset built at import time
        # would see every plan).
        fields = [
            field.name
            for field in Werkzeug._meta.fields
            if field.editable and not field.primary_key and not field.is_relation
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "ansprechperson": forms.Textarea(attrs={"rows": 2}),
            "umsetzungsort": forms.Textarea(attrs={"rows": 1}),
            "beteiligte": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plan = self.parent_plan
        if plan is None and self.instance.handlungsfeld_id:
            plan = self.instance.handlungsfeld.plan
        self.fields["jahre"].choices = year_choices(plan, self.instance.jahre)
        offer_statuses_of(self, plan)


class OfferedIterator(ModelChoiceIterator):
    def __init__(self, field):
        super().__init__(field)
        self.queryset = field.offered


class AuchBeiField(forms.ModelMultipleChoiceField):
    """Shows `offered` (the Werkzeuge of the measure's plan) and accepts any Werkzeug of
    `queryset` (all the user may use), so that the form can say in words why one of
    another plan does not fit instead of "not a valid choice"."""

    iterator = OfferedIterator
    widget = forms.CheckboxSelectMultiple
    _offered = None

    @property
    def offered(self):
        return self.queryset if self._offered is None else self._offered

    @offered.setter
    def offered(self, queryset):
        self._offered = queryset
        self.widget.choices = self.choices

    def label_from_instance(self, werkzeug):
        return f"{werkzeug.handlungsfeld.name} › {werkzeug.display_title}"


class MassnahmeForm(forms.ModelForm):
    parent_plan = None  # set by an inline, which knows the plan

    monate = forms.TypedMultipleChoiceField(
        label=_("Monate"),
        coerce=int,
        required=False,
        widget=CheckboxGrid,
        choices=[
            (number, kuerzel)
            for (number, _name), kuerzel in zip(MONATE, MONATSKUERZEL, strict=True)
        ],
    )

    class Meta:
        model = Massnahme
        # Plan, Handlungsfeld, Werkzeug, status and auch_bei: added per request, see WerkzeugForm.
        fields = [
            "position",
            "title",
            "ziel",
            "jahr",
            "jahr_bis",
            "monate",
            "beginn",
            "ende",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "ziel": forms.Textarea(attrs={"rows": 2, "cols": 40}),
            "beginn": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ende": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "plan" in self.fields:
            self.fields["plan"].required = False  # clean() derives it from the place
        plan = self.parent_plan or (self.instance.plan if self.instance.plan_id else None)
        offer_statuses_of(self, plan)
        auch_bei = self.fields.get("auch_bei")
        if auch_bei is not None:
            if plan is not None:
                auch_bei.offered = auch_bei.queryset.filter(handlungsfeld__plan=plan).exclude(
                    pk=self.instance.werkzeug_id
                )
            else:
                auch_bei.offered = auch_bei.queryset
                auch_bei.label_from_instance = lambda w: (
                    f"{w.handlungsfeld.plan.title}: {w.handlungsfeld.name} › {w.display_title}"
                )

    def clean(self):
        data = super().clean()
        werkzeug, handlungsfeld = data.get("werkzeug"), data.get("handlungsfeld")
        if "plan" in self.fields:
            plan = data.get("plan")
            place = werkzeug.handlungsfeld if werkzeug else handlungsfeld
            if place is not None and plan is not None and place.plan_id != plan.pk:
                field = "werkzeug" if werkzeug else "handlungsfeld"
                self.add_error(
                    field,
                    _("Das gehört zu einem anderen Werkstattplan als dem gewählten."),
                )
            elif place is not None:
                data["plan"] = place.plan  # derived, as the model does it on saving
            elif plan is None:
                self.add_error(
                    "plan",
                    _("Bitte wählen Sie den Werkstattplan, ein Handlungsfeld oder ein Werkzeug."),
                )
        plan = (
            data.get("plan")
            or self.parent_plan
            or (self.instance.plan if self.instance.plan_id else None)
        )
        own = werkzeug if "werkzeug" in self.fields else self.instance.werkzeug
        for other in data.get("auch_bei") or []:
            if own is not None and other.pk == own.pk:
                self.add_error(
                    "auch_bei",
                    _(
                        "„%(werkzeug)s“ ist das eigene Werkzeug der Einzelmaßnahme; bitte wählen "
                        "Sie unter „auch bei“ nur weitere Werkzeuge."
                    )
                    % {"werkzeug": other.display_title},
                )
            elif plan is not None and other.handlungsfeld.plan_id != plan.pk:
                self.add_error(
                    "auch_bei",
                    _(
                        "„%(werkzeug)s“ gehört zu einem anderen Werkstattplan; eine "
                        "Einzelmaßnahme kann nur bei Werkzeugen ihres eigenen Plans stehen."
                    )
                    % {"werkzeug": other.display_title},
                )
        return data


# ------------------------------------------------------------------ inlines


class PlanstatusFormSet(BaseInlineFormSet):
    def clean(self):
        # The foreign keys RESTRICT a status in use. Django's inline would say that deleting it
        # "requires deleting" the Werkzeuge; what helps is to change their status first.
        errors = []
        for form in self.initial_forms:
            status = form.instance
            if not (self.can_delete and self._should_delete_form(form)) or not status.pk:
                continue
            werkzeuge = Werkzeug.objects.filter(status=status).count()
            massnahmen = Massnahme.objects.filter(status=status).count()
            used = []
            if werkzeuge:
                used.append(
                    ngettext("%(count)s Werkzeug", "%(count)s Werkzeugen", werkzeuge)
                    % {"count": werkzeuge}
                )
            if massnahmen:
                used.append(
                    ngettext("%(count)s Einzelmaßnahme", "%(count)s Einzelmaßnahmen", massnahmen)
                    % {"count": massnahmen}
                )
            if used:
                errors.append(
                    _(
                        "Der Status „%(name)s“ kann nicht gelöscht werden: Er ist noch bei "
                        "%(used)s eingetragen. Bitte ändern Sie dort zuerst den Status."
                    )
                    % {"name": status.name, "used": get_text_list(used, _("und"))}
                )
        if errors:
            raise ValidationError(errors)
        super().clean()


class PlanstatusInline(admin.TabularInline):
    model = Planstatus
    formset = PlanstatusFormSet
    fields = ["position", "name"]
    extra = 1
    verbose_name_plural = _("Status der Werkzeuge und Einzelmaßnahmen")


class HandlungsfeldInline(admin.TabularInline):
    model = Handlungsfeld
    fields = ["position", "name", "leitziel"]
    extra = 0
    show_change_link = True
    # The admin's wide text box pushed the row past the edge of a 1280 px screen.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class KennzahlInline(admin.TabularInline):
    model = Kennzahl
    fields = ["position", "text", "quelle", "stand"]
    # Narrow boxes: the row stays within a 1280 px screen.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 20})},
        models.DateField: {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
    }

    def get_extra(self, request, obj=None, **kwargs):
        return blank_rows(obj, "kennzahlen", empty=2)


class PlanInline:
    """An inline whose form needs the plan of the page's object (years, statuses)."""

    def get_formset(self, request, obj=None, **kwargs):
        plan = obj.plan if obj is not None and obj.pk else None
        form = type(f"{self.form.__name__}InPlan", (self.form,), {"parent_plan": plan})
        return super().get_formset(request, obj, form=form, **kwargs)


class WerkzeugInline(PlanInline, PlainRelatedSelects, admin.StackedInline):
    model = Werkzeug
    form = WerkzeugForm
    fields = [
        "position",
        "title",
        "description",
        "ansprechperson",
        "umsetzungsort",
        "jahre",
        "status",
    ]
    extra = 0
    show_change_link = True


class MassnahmeInline(PlanInline, PlainRelatedSelects, admin.StackedInline):
    # Stacked, a few fields to a line: as a table, nine columns with the month grid
    # ran far past the edge of a 1280 px screen.
    model = Massnahme
    form = MassnahmeForm
    fk_name = "werkzeug"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("position", "status"),
                    ("title", "ziel"),
                    ("jahr", "jahr_bis"),
                    "monate",
                    ("beginn", "ende"),
                ]
            },
        )
    ]
    extra = 1
    show_change_link = True  # "auch bei": on the Einzelmaßnahme's own page


class MassnahmeOhneWerkzeugInline(MassnahmeInline):
    """Einzelmaßnahmen of the Handlungsfeld itself, not of one of its Werkzeuge."""

    fk_name = "handlungsfeld"
    verbose_name = _("Einzelmaßnahme ohne Werkzeug")
    verbose_name_plural = _("Einzelmaßnahmen ohne Werkzeug")

    def get_extra(self, request, obj=None, **kwargs):
        return blank_rows(obj, "massnahmen", empty=1)


# ------------------------------------------------------------------ filters


class JahrFilter(admin.SimpleListFilter):
    title = _("aktiv im Jahr")
    parameter_name = "jahr"

    def lookups(self, request, model_admin):
        span = Werkstattplan.objects.aggregate(first=Min("first_year"), last=Max("last_year"))
        if not span["first"]:
            return []
        return [(str(year), str(year)) for year in range(span["first"], span["last"] + 1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(jahre__contains=[int(self.value())])
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """By the status's short name: each plan has its own statuses, most share the defaults."""

    title = _("Status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        names = {}
        for slug, name in Planstatus.objects.order_by("position", "pk").values_list("slug", "name"):
            names.setdefault(slug, name)
        return list(names.items())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status__slug=self.value())
        return queryset


# ------------------------------------------------------------------ plan


class SeedTextImportForm(forms.Form):
    kommune = forms.ModelChoiceField(queryset=Kommune.objects.none(), label=_("Kommune"))
    title = forms.CharField(label=_("Titel des Plans"), max_length=200)
    slug = forms.SlugField(
        label=_("Kurzname in Adressen"), max_length=80, help_text=_("z. B. 2020-2023")
    )
    text = forms.CharField(
        label=_("Tabellentext"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text=_(
            "Der aus dem PDF kopierte Text der Tabelle (Spalten durch Tabulatoren getrennt), "
            "mit Übersicht und Steckbriefen."
        ),
    )
    published = forms.BooleanField(label=_("gleich veröffentlichen"), required=False)

    def __init__(self, *args, kommunen, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = kommunen

    def clean(self):
        data = super().clean()
        if (
            data.get("kommune")
            and data.get("slug")
            and Werkstattplan.objects.filter(kommune=data["kommune"], slug=data["slug"]).exists()
        ):
            self.add_error("slug", _("Diese Kommune hat schon einen Plan mit diesem Kurznamen."))
        return data


class DryRun(Exception):
    """Raised inside the preview's transaction to roll it back."""


@admin.register(Werkstattplan)
class WerkstattplanAdmin(PlanTabelleAdminMixin, TenantAdmin):
    list_display = [
        "title",
        "kommune",
        "first_year",
        "last_year",
        "stand",
        "published",
        "handlungsfeld_count",
    ]
    list_filter = ["kommune", "published"]
    search_fields = ["title", "kommune__name"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [HandlungsfeldInline, PlanstatusInline]
    change_list_template = "admin/werkstattplan/werkstattplan/change_list.html"

    @admin.display(description=_("Handlungsfelder"))
    def handlungsfeld_count(self, plan):
        return plan.handlungsfeld_count

    def get_inlines(self, request, obj):
        if obj is None:
            return [HandlungsfeldInline]  # a new plan gets the default statuses on saving
        return super().get_inlines(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("kommune")
            .annotate(handlungsfeld_count=Count("handlungsfelder"))
        )

    # -- the PDF table text of a Werkstattplan (seed 003 and plans like it)

    def get_urls(self):
        return [
            path(
                "aus-tabellentext/",
                self.admin_site.admin_view(self.import_text_view),
                name="werkstattplan_werkstattplan_import_text",
            ),
            *self.tabelle_urls(),
            *super().get_urls(),
        ]

    def import_text_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        ids = kommune_ids(request.user, "werkstattplan.add_werkstattplan")
        kommunen = Kommune.objects.all() if ids is None else Kommune.objects.filter(pk__in=ids)
        form = SeedTextImportForm(request.POST or None, kommunen=kommunen)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            arguments = {
                "kommune": data["kommune"],
                "title": data["title"],
                "slug": data["slug"],
                "published": data["published"],
            }
            try:
                if "importieren" in request.POST:
                    plan = import_table_text(data["text"], **arguments)
                    LogEntry.objects.log_actions(
                        user_id=request.user.pk,
                        queryset=[plan],
                        action_flag=CHANGE,
                        change_message=str(_("Aus Tabellentext importiert.")),
                    )
                    messages.success(
                        request,
                        _("Der Werkstattplan „%(title)s“ wurde angelegt.") % {"title": plan.title},
                    )
                    return redirect(
                        reverse("admin:werkstattplan_werkstattplan_change", args=[plan.pk])
                    )
                preview = self._preview(import_table_text, data["text"], arguments)
            except (ValueError, ValidationError) as error:
                messages_text = (
                    error.messages
                    if isinstance(error, ValidationError)
                    else [public_message(error)]
                )
                form.add_error("text", messages_text)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Werkstattplan aus Tabellentext importieren"),
            "form": form,
            "preview": preview,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/werkstattplan/import_text.html", context)

    @staticmethod
    def _preview(import_table_text, text, arguments):
        """Import inside a transaction, read the result back, then roll it back."""
        preview = {}
        try:
            with transaction.atomic():
                plan = import_table_text(text, **arguments)
                preview["plan"] = plan
                preview["handlungsfelder"] = [
                    {
                        "name": hf.name,
                        "werkzeuge": [
                            {
                                "title": wz.display_title,
                                "jahre": wz.jahre,
                                "massnahmen": len(wz.massnahmen.all()),
                                "budget": wz.budget_text,
                            }
                            for wz in hf.werkzeuge.all()
                        ],
                    }
                    for hf in plan.handlungsfelder.prefetch_related("werkzeuge__massnahmen")
                ]
                raise DryRun
        except DryRun:
            pass
        return preview


# ------------------------------------------------------------------ levels


@admin.register(Handlungsfeld)
class HandlungsfeldAdmin(
    SpreadsheetAdminMixin, ImportExportMixin, PlainRelatedSelects, TenantAdmin
):
    list_display = ["name", "plan", "position", "werkzeug_count"]
    list_display_links = ["name"]
    list_editable = ["position"]
    list_filter = ["plan__kommune", "plan"]
    search_fields = ["name", "description", "leitziel"]
    list_select_related = ["plan__kommune"]
    fields = ["plan", "position", "name", "description", "leitziel"]
    inlines = [KennzahlInline, WerkzeugInline, MassnahmeOhneWerkzeugInline]
    resource_classes = [HandlungsfeldResource]

    @admin.display(description=_("Werkzeuge"))
    def werkzeug_count(self, handlungsfeld):
        return handlungsfeld.werkzeug_count

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(werkzeug_count=Count("werkzeuge"))


class HandlungsfeldChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, handlungsfeld):
        return f"{handlungsfeld.name} ({handlungsfeld.plan.title}, {handlungsfeld.plan.kommune})"


class WerkzeugChoiceField(forms.ModelChoiceField):
    """A Werkzeug chosen in another admin (a Rückblick's result, a figure next to the plan)."""

    def label_from_instance(self, obj):
        return f"{obj.handlungsfeld.name} › {obj.display_title}"


class PlanWerkzeugChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.handlungsfeld.plan.title}: {obj.handlungsfeld.name} › {obj.display_title}"


@admin.register(Werkzeug)
class WerkzeugAdmin(SpreadsheetAdminMixin, ImportExportMixin, PlainRelatedSelects, TenantAdmin):
    form = WerkzeugForm
    list_display = [
        "display_title",
        "handlungsfeld",
        "jahre_text",
        "status",
        "fortschritt",
        "position",
    ]
    list_editable = ["position"]
    list_filter = [
        "handlungsfeld__plan",
        "handlungsfeld",
        JahrFilter,
        StatusFilter,
        "externe_beratung",
    ]
    search_fields = [
        "title",
        "description",
        "ansprechperson",
        "umsetzungsort",
        "beteiligte",
        "zielgruppe",
        "partner",
        "besonderheiten",
    ]
    list_select_related = ["handlungsfeld__plan", "status"]
    inlines = [MassnahmeInline]
    resource_classes = [WerkzeugResource]
    fieldsets = [
        (None, {"fields": ["handlungsfeld", "position", "title", "slug", "description"]}),
        (_("Übersicht"), {"fields": ["ansprechperson", "umsetzungsort", "beteiligte", "jahre"]}),
        (_("Stand der Umsetzung"), {"fields": ["status", "fortschritt"]}),
        (
            _("Steckbrief"),
            {
                "fields": [
                    "steckbrief_beschreibung",
                    "zielgruppe",
                    "ansprechperson_vor_ort",
                    "partner",
                    ("budget", "budget_vermerk"),
                    "externe_beratung",
                    "besonderheiten",
                ]
            },
        ),
    ]

    readonly_fields = ["herkunft"]

    def get_fieldsets(self, request, obj=None):
        """A copy from another commune's plan names where it came from, at the top."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.herkunft:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": ["herkunft", *options["fields"]]}), *rest]

    @admin.display(description=_("Werkzeug"), ordering="title")
    def werkzeug(self, werkzeug):
        return werkzeug.display_title

    @admin.display(description=_("Jahre"))
    def jahre_text(self, werkzeug):
        return ", ".join(map(str, werkzeug.jahre))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "handlungsfeld":
            kwargs["form_class"] = HandlungsfeldChoiceField
            kwargs["queryset"] = Handlungsfeld.objects.select_related("plan__kommune")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Massnahme)
class MassnahmeAdmin(SpreadsheetAdminMixin, ImportExportMixin, PlainRelatedSelects, TenantAdmin):
    form = MassnahmeForm
    list_display = ["title", "ort", "zeitraum_text", "monate_text", "status", "position"]
    list_filter = ["plan", StatusFilter, "jahr"]
    search_fields = ["title", "ziel", "werkzeug__description", "werkzeug__title"]
    list_select_related = ["plan", "handlungsfeld", "werkzeug", "status"]
    fieldsets = [
        (
            _("Ort im Plan"),
            {
                "fields": ["plan", "handlungsfeld", "werkzeug", "auch_bei"],
                "description": _(
                    "Eine Einzelmaßnahme gehört zu einem Werkzeug, oder ohne Werkzeug zu einem "
                    "Handlungsfeld, oder ohne beides zum ganzen Plan. Unter „auch bei“ "
                    "erscheint sie zusätzlich bei weiteren Werkzeugen desselben Plans."
                ),
            },
        ),
        (None, {"fields": ["position", "title", "ziel", "status"]}),
        (_("Zeitraum"), {"fields": [("jahr", "jahr_bis"), "monate", ("beginn", "ende")]}),
    ]
    resource_classes = [MassnahmeResource]

    @admin.display(description=_("gehört zu"))
    def ort(self, massnahme):
        if massnahme.werkzeug_id:
            return massnahme.werkzeug.display_title
        if massnahme.handlungsfeld_id:
            return massnahme.handlungsfeld.name
        return _("ganzer Plan")

    @admin.display(description=_("Zeitraum"))
    def zeitraum_text(self, massnahme):
        return massnahme.zeitraum

    @admin.display(description=_("Monate"))
    def monate_text(self, massnahme):
        return ", ".join(MONATSKUERZEL[month - 1] for month in massnahme.monate)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "handlungsfeld":
            kwargs["form_class"] = HandlungsfeldChoiceField
            kwargs["queryset"] = Handlungsfeld.objects.select_related("plan__kommune")
        elif db_field.name == "werkzeug":
            kwargs["form_class"] = PlanWerkzeugChoiceField
            kwargs["queryset"] = Werkzeug.objects.select_related("handlungsfeld__plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "auch_bei":
            # Built per request: Werkzeuge in the Kommunen where the user may edit measures.
            queryset = Werkzeug.objects.select_related("handlungsfeld__plan")
            ids = kommune_ids(
                request.user, "werkstattplan.add_massnahme", "werkstattplan.change_massnahme"
            )
            if ids is not None:
                queryset = queryset.filter(handlungsfeld__plan__kommune__in=ids)
            return AuchBeiField(
                queryset,
                required=False,
                label=db_field.verbose_name,
                help_text=_("Nur Werkzeuge desselben Plans, ohne das eigene Werkzeug."),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)
