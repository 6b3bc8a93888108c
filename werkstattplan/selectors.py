"""Reads of the Werkstattplan, shared by the web pages, the PDFs and the filters.

Every function here runs a fixed number of queries, whatever the plan's size:
the page and the PDF of a plan with 500 Werkzeuge cost as many queries as one
with five.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from kommunen.models import Kommune

from .models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug
from .permissions import can_preview

# The detail sheet ("Steckbrief") of a Werkzeug consists of these fields and its Einzelmaßnahmen.
STECKBRIEF_FIELDS = (
    "steckbrief_beschreibung",
    "zielgruppe",
    "ansprechperson_vor_ort",
    "partner",
    "budget",
    "budget_vermerk",
    "externe_beratung",
    "besonderheiten",
)


def visible_plan(*, kommune: Kommune, plan: str, user=None) -> Werkstattplan | None:
    """The plan `plan` of `kommune` if `user` may see it (one query)."""
    found = (
        Werkstattplan.objects.select_related("kommune").filter(kommune=kommune, slug=plan).first()
    )
    if found is None or (not found.published and not can_preview(user, found)):
        return None
    return found


def current_plan(*, kommune: Kommune) -> Werkstattplan | None:
    """The commune's newest published plan."""
    return (
        Werkstattplan.objects.select_related("kommune")
        .filter(kommune=kommune, published=True)
        .order_by("-first_year", "-pk")
        .first()
    )


def plan_werkzeuge(plan: Werkstattplan) -> QuerySet[Werkzeug]:
    """All Werkzeuge of `plan` in display order: the base queryset of the filters."""
    return Werkzeug.objects.filter(handlungsfeld__plan=plan).order_by(
        "handlungsfeld__position", "handlungsfeld_id", "position", "pk"
    )


def filter_choices(plan: Werkstattplan) -> dict[str, list[tuple[str, str]]]:
    """The values offered by the filter form, from the whole plan (three queries)."""
    handlungsfelder = list(
        plan.handlungsfelder.order_by("position", "pk").values_list("slug", "name")
    )
    orte, personen = set(), set()
    for ort, person in plan_werkzeuge(plan).values_list("umsetzungsort", "ansprechperson"):
        if ort.strip():
            orte.add(" ".join(ort.split()))
        if person.strip():
            personen.add(" ".join(person.split()))
    return {
        "handlungsfeld": handlungsfelder,
        "status": list(plan.status_liste.values_list("slug", "name")),
        "umsetzungsort": [(value, value) for value in sorted(orte, key=str.casefold)],
        "ansprechperson": [(value, value) for value in sorted(personen, key=str.casefold)],
    }


def has_steckbrief(werkzeug: Werkzeug) -> bool:
    """Whether the Werkzeug has a detail sheet: Einzelmaßnahmen or detail fields.

    Needs `has_massnahmen`, which `plan_tree` and `werkzeug_detail` set.
    """
    if werkzeug.has_massnahmen:
        return True
    return any(getattr(werkzeug, name) not in (None, "") for name in STECKBRIEF_FIELDS)


@dataclass
class Jahresplan:
    """The Einzelmaßnahmen of one year (or without a year: `jahr` is None)."""

    jahr: int | None
    massnahmen: list[Massnahme] = field(default_factory=list)


def month_grid(massnahmen: list[Massnahme]) -> list[Jahresplan]:
    """Einzelmaßnahmen grouped by year, years in order, undated last; each
    Maßnahme gets `monat_flags`, twelve booleans for January to December."""
    by_year: dict[int | None, Jahresplan] = {}
    for massnahme in massnahmen:
        massnahme.monat_flags = [month in massnahme.monate for month in range(1, 13)]
        by_year.setdefault(massnahme.jahr, Jahresplan(massnahme.jahr)).massnahmen.append(massnahme)
    return sorted(by_year.values(), key=lambda plan: (plan.jahr is None, plan.jahr or 0))


def _massnahmen_in_order(queryset: QuerySet[Massnahme]) -> QuerySet[Massnahme]:
    return queryset.order_by("werkzeug_id", "jahr", "position", "pk")


def plan_tree(
    plan: Werkstattplan, *, werkzeuge: QuerySet[Werkzeug] | None = None, details: bool = False
) -> list[Handlungsfeld]:
    """The whole plan in display order: two queries, three with `details`.

    Each Handlungsfeld gets `werkzeug_list`: its Werkzeuge out of `werkzeuge`
    (default: all of the plan), each with `url`, `years` ((year, active, text
    for screen readers) per plan year) and `steckbrief` (has a detail sheet);
    with `details` also `grid`, its Einzelmaßnahmen by year (see `month_grid`).
    Labels and URLs are made once per plan, not per row, so that a plan of
    500 Werkzeuge still renders fast.
    """
    handlungsfelder = list(plan.handlungsfelder.order_by("position", "pk"))
    if werkzeuge is None:
        werkzeuge = plan_werkzeuge(plan)
    werkzeuge = werkzeuge.annotate(
        has_massnahmen=Exists(Massnahme.objects.filter(werkzeug=OuterRef("pk")))
    )
    by_handlungsfeld = defaultdict(list)
    for werkzeug in werkzeuge:
        by_handlungsfeld[werkzeug.handlungsfeld_id].append(werkzeug)
    massnahmen = defaultdict(list)
    if details:
        for massnahme in _massnahmen_in_order(
            Massnahme.objects.filter(werkzeug__handlungsfeld__plan=plan)
        ):
            massnahmen[massnahme.werkzeug_id].append(massnahme)
    labels = _year_labels(plan)
    for handlungsfeld in handlungsfelder:
        handlungsfeld.plan = plan  # cached, so URLs need no query
        handlungsfeld.werkzeug_list = by_handlungsfeld.get(handlungsfeld.pk, [])
        for werkzeug in handlungsfeld.werkzeug_list:
            _annotate(werkzeug, handlungsfeld, plan, labels)
            werkzeug.grid = month_grid(massnahmen.get(werkzeug.pk, []))
    return handlungsfelder


def werkzeug_detail(plan: Werkstattplan, slug: str) -> Werkzeug | None:
    """One Werkzeug of `plan` with its Handlungsfeld and Einzelmaßnahmen (two queries)."""
    werkzeug = (
        Werkzeug.objects.select_related("handlungsfeld")
        .filter(handlungsfeld__plan=plan, slug=slug)
        .first()
    )
    if werkzeug is not None:
        massnahmen = list(_massnahmen_in_order(werkzeug.massnahmen.all()))
        werkzeug.has_massnahmen = bool(massnahmen)
        _annotate(werkzeug, werkzeug.handlungsfeld, plan, _year_labels(plan))
        werkzeug.grid = month_grid(massnahmen)
    return werkzeug


def _year_labels(plan: Werkstattplan) -> dict:
    """Screen-reader texts of the year cells and the URL prefix of the plan's Werkzeuge."""
    url = reverse(
        "werkstattplan:werkzeug",
        kwargs={"kommune": plan.kommune.slug, "plan": plan.slug, "werkzeug": "x"},
    )
    return {
        "url_prefix": url[: -len("x/")],
        "inactive": gettext("nicht aktiv"),
        **{year: gettext("aktiv %(year)s") % {"year": year} for year in plan.years},
    }


def _annotate(
    werkzeug: Werkzeug, handlungsfeld: Handlungsfeld, plan: Werkstattplan, labels: dict
) -> None:
    handlungsfeld.plan = plan
    werkzeug.handlungsfeld = handlungsfeld
    werkzeug.url = f"{labels['url_prefix']}{werkzeug.slug}/"
    active = set(werkzeug.jahre or [])
    werkzeug.years = [
        (year, True, labels[year]) if year in active else (year, False, labels["inactive"])
        for year in plan.years
    ]
    werkzeug.steckbrief = has_steckbrief(werkzeug)


def count_werkzeuge(handlungsfelder: list[Handlungsfeld]) -> int:
    return sum(len(handlungsfeld.werkzeug_list) for handlungsfeld in handlungsfelder)
