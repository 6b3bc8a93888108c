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
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from kommunen.models import Kommune
from zwk_portal.admin_site import TenantAdmin
from zwk_portal.errors import public_message
from zwk_portal.exports import SpreadsheetAdminMixin
from zwk_portal.tenancy import kommune_ids

from .admin_tabelle import PlanTabelleAdminMixin
from .importers import import_table_text
from .models import MONATE, Handlungsfeld, Massnahme, Werkstattplan, Werkzeug
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


class WerkzeugForm(forms.ModelForm):
    plan_for_years = None  # set by the Handlungsfeld inline, which knows the plan

    jahre = forms.TypedMultipleChoiceField(
        label=_("aktiv in den Jahren"), coerce=int, required=False, widget=CheckboxGrid
    )

    class Meta:
        model = Werkzeug
        # Without the Handlungsfeld: its choices depend on the user's Kommunen, so the
        # admin adds it per request (a queryset built at import time would see every plan).
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
        plan = self.plan_for_years
        if plan is None and self.instance.handlungsfeld_id:
            plan = self.instance.handlungsfeld.plan
        self.fields["jahre"].choices = year_choices(plan, self.instance.jahre)


class MassnahmeForm(forms.ModelForm):
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
        fields = ["position", "title", "jahr", "monate"]  # the Werkzeug: see WerkzeugForm
        widgets = {"title": forms.Textarea(attrs={"rows": 2, "cols": 40})}


# ------------------------------------------------------------------ inlines


class HandlungsfeldInline(admin.TabularInline):
    model = Handlungsfeld
    fields = ["position", "name", "leitziel"]
    extra = 0
    show_change_link = True
    # The admin's wide text box pushed the row past the edge of a 1280 px screen.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class WerkzeugInline(admin.StackedInline):
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

    def get_formset(self, request, obj=None, **kwargs):
        form = type(
            "WerkzeugInlineForm", (self.form,), {"plan_for_years": obj.plan if obj else None}
        )
        return super().get_formset(request, obj, form=form, **kwargs)


class MassnahmeInline(admin.TabularInline):
    model = Massnahme
    form = MassnahmeForm
    fields = ["position", "title", "jahr", "monate"]
    extra = 1


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
    inlines = [HandlungsfeldInline]
    change_list_template = "admin/werkstattplan/werkstattplan/change_list.html"

    @admin.display(description=_("Handlungsfelder"))
    def handlungsfeld_count(self, plan):
        return plan.handlungsfeld_count

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
class HandlungsfeldAdmin(SpreadsheetAdminMixin, ImportExportMixin, TenantAdmin):
    list_display = ["name", "plan", "position", "werkzeug_count"]
    list_display_links = ["name"]
    list_editable = ["position"]
    list_filter = ["plan__kommune", "plan"]
    search_fields = ["name", "description", "leitziel"]
    list_select_related = ["plan__kommune"]
    fields = ["plan", "position", "name", "description", "leitziel"]
    inlines = [WerkzeugInline]
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


@admin.register(Werkzeug)
class WerkzeugAdmin(SpreadsheetAdminMixin, ImportExportMixin, TenantAdmin):
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
    list_filter = ["handlungsfeld__plan", "handlungsfeld", JahrFilter, "status", "externe_beratung"]
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
    list_select_related = ["handlungsfeld__plan"]
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
class MassnahmeAdmin(SpreadsheetAdminMixin, ImportExportMixin, TenantAdmin):
    form = MassnahmeForm
    list_display = ["title", "werkzeug", "jahr", "monate_text", "position"]
    list_filter = ["werkzeug__handlungsfeld__plan", "jahr"]
    search_fields = ["title", "werkzeug__description", "werkzeug__title"]
    list_select_related = ["werkzeug"]
    raw_id_fields = ["werkzeug"]
    fields = ["werkzeug", "position", "title", "jahr", "monate"]
    resource_classes = [MassnahmeResource]

    @admin.display(description=_("Monate"))
    def monate_text(self, massnahme):
        return ", ".join(MONATSKUERZEL[month - 1] for month in massnahme.monate)
