"""Filters and full-text search over the Werkzeuge of one Werkstattplan.

A plain GET form: the URL of a filtered plan can be bookmarked and shared, and
it works without JavaScript. The same form also filters the Einzelmaßnahmen
outside the Werkzeuge (`WerkzeugFilter.massnahmen`). Invalid input (an unknown year or Handlungsfeld)
becomes a German form error and is ignored, never a server error.
"""

import django_filters
from django import forms
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Trim
from django.utils.translation import gettext_lazy as _

from zwk_portal.forms import KernForm

from .models import Massnahme, Werkstattplan, Werkzeug
from .selectors import filter_choices

INVALID_CHOICE = _("Bitte wählen Sie einen Eintrag aus der Liste; „%(value)s“ gibt es hier nicht.")

# The texts the full-text search looks at, besides the Einzelmaßnahmen.
SEARCH_FIELDS = (
    "description",
    "title",
    "ansprechperson",
    "umsetzungsort",
    "beteiligte",
    "steckbrief_beschreibung",
    "zielgruppe",
    "ansprechperson_vor_ort",
    "partner",
    "besonderheiten",
    "handlungsfeld__name",
)


def _normalized(field_name: str):
    """The column with runs of whitespace collapsed, as the choices show it."""
    return Trim(
        Func(
            F(field_name),
            Value(r"\s+"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        )
    )


def _words(text: str) -> list[str]:
    return text.split()[:10]


def massnahme_in_jahr(year: int) -> Q:
    """An Einzelmaßnahme of `year`, by its year, its years or its dates; one without
    any of them is not known to be of any year."""
    return (
        Q(jahr=year, jahr_bis__isnull=True)
        | Q(jahr__lte=year, jahr_bis__gte=year)
        | Q(beginn__year=year)
        | Q(ende__year=year)
        | Q(beginn__year__lt=year, ende__year__gt=year)
    )


def _choice(label, **kwargs):
    return django_filters.ChoiceFilter(
        label=label,
        empty_label=_("Alle"),
        error_messages={"invalid_choice": INVALID_CHOICE},
        **kwargs,
    )


class WerkzeugFilter(django_filters.FilterSet):
    suche = django_filters.CharFilter(
        label=_("Suchbegriff"), method="filter_suche", widget=forms.SearchInput
    )
    handlungsfeld = _choice(_("Handlungsfeld"), field_name="handlungsfeld__slug")
    jahr = _choice(_("Jahr"), method="filter_jahr")
    umsetzungsort = _choice(_("Umsetzungsort"), method="filter_umsetzungsort")
    ansprechperson = _choice(_("Ansprechperson"), method="filter_ansprechperson")
    status = _choice(_("Status"), method="filter_status")

    class Meta:
        model = Werkzeug
        fields = ["suche", "handlungsfeld", "jahr", "umsetzungsort", "ansprechperson", "status"]
        form = KernForm

    def __init__(self, data=None, queryset=None, *, plan: Werkstattplan, **kwargs):
        super().__init__(data, queryset, **kwargs)
        choices = filter_choices(plan)
        self.filters["handlungsfeld"].extra["choices"] = choices["handlungsfeld"]
        self.filters["umsetzungsort"].extra["choices"] = choices["umsetzungsort"]
        self.filters["ansprechperson"].extra["choices"] = choices["ansprechperson"]
        self.filters["status"].extra["choices"] = choices["status"]
        self.filters["jahr"].extra["choices"] = [(str(year), str(year)) for year in plan.years]
        self.filters["suche"].extra["help_text"] = _(
            "Sucht in allen Texten der Werkzeuge und der Einzelmaßnahmen, auch in ihren Zielen."
        )
        self.filters["status"].extra["help_text"] = _(
            "Werkzeuge in diesem Status oder mit einer Einzelmaßnahme in diesem Status."
        )

    @property
    def active(self) -> bool:
        """Whether any filter narrows the plan (valid or not)."""
        return self.is_bound and any(str(self.data.get(name, "")).strip() for name in self.filters)

    def filter_suche(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word must occur in some text of the Werkzeug or of an Einzelmaßnahme
        shown at it (its own or one naming it in `auch_bei`), case-insensitive."""
        for word in _words(value):
            matches = Q()
            for field_name in SEARCH_FIELDS:
                matches |= Q(**{f"{field_name}__icontains": word})
            matches |= Exists(
                Massnahme.objects.filter(
                    Q(werkzeug=OuterRef("pk")) | Q(auch_bei=OuterRef("pk")),
                    Q(title__icontains=word) | Q(ziel__icontains=word),
                )
            )
            queryset = queryset.filter(matches)
        return queryset

    def massnahmen(self, queryset: QuerySet[Massnahme]) -> QuerySet[Massnahme]:
        """The Einzelmaßnahmen of `queryset` (those outside the Werkzeuge) that match
        the valid filters. Cross-cutting ones belong to every Handlungsfeld; none has
        an Umsetzungsort or an Ansprechperson of its own."""
        if not self.is_bound:
            return queryset
        self.form.is_valid()  # invalid fields stay out of cleaned_data, as for the Werkzeuge
        data = self.form.cleaned_data
        for word in _words(data.get("suche") or ""):
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(ziel__icontains=word)
                | Q(handlungsfeld__name__icontains=word)
            )
        if data.get("handlungsfeld"):
            queryset = queryset.filter(
                Q(handlungsfeld__slug=data["handlungsfeld"]) | Q(handlungsfeld__isnull=True)
            )
        if data.get("jahr"):
            queryset = queryset.filter(massnahme_in_jahr(int(data["jahr"])))
        if data.get("status"):
            queryset = queryset.filter(status__slug=data["status"])
        if data.get("umsetzungsort") or data.get("ansprechperson"):
            queryset = queryset.none()
        return queryset

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A Werkzeug of that status, or one with an Einzelmaßnahme of that status shown
        at it (its own or one naming it in `auch_bei`), as the search does with texts."""
        return queryset.filter(
            Q(status__slug=value)
            | Exists(
                Massnahme.objects.filter(
                    Q(werkzeug=OuterRef("pk")) | Q(auch_bei=OuterRef("pk")), status__slug=value
                )
            )
        )

    def filter_jahr(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(jahre__contains=[int(value)])

    def filter_umsetzungsort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.alias(_ort=_normalized("umsetzungsort")).filter(_ort=value)

    def filter_ansprechperson(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.alias(_person=_normalized("ansprechperson")).filter(_person=value)
