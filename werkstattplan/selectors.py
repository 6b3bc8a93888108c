"""Reads of the Werkstattplan, shared by the web pages, the PDFs and the filters.

Every function here runs a fixed number of queries, whatever the plan's size:
the page and the PDF of a plan with 500 Werkzeuge cost as many queries as one
with five.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from .models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug

PREVIEW_PERMISSION = "werkstattplan.view_werkstattplan"

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


def can_preview(user) -> bool:
    """Staff with the view permission may see plans that are not published yet."""
    return bool(user and user.is_authenticated and user.has_perm(PREVIEW_PERMISSION))


def visible_plan(*, kommune: str, plan: str, user=None) -> Werkstattplan | None:
    """The plan `plan` of the commune `kommune` if `user` may see it (one query)."""
    found = (
        Werkstattplan.objects.select_related("kommune")
        .filter(kommune__slug=kommune, slug=plan)
        .first()
    )
    if found is None or (not found.published and not can_preview(user)):
        return None
    return found


def current_plan(*, kommune: str) -> Werkstattplan | None:
    """The commune's newest published plan."""
    return (
        Werkstattplan.objects.select_related("kommune")
        .filter(kommune__slug=kommune, published=True)
        .order_by("-first_year", "-pk")
        .first()
    )


def plan_werkzeuge(plan: Werkstattplan) -> QuerySet[Werkzeug]:
    """All Werkzeuge of `plan` in display order: the base queryset of the filters."""
    return Werkzeug.objects.filter(handlungsfeld__plan=plan).order_by(
        "handlungsfeld__position", "handlungsfeld_id", "position", "pk"
    )


def filter_choices(plan: Werkstattplan) -> dict[str, list[tuple[str, str]]]:
    """The values offered by the filter form, from the whole plan (two queries)."""
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
        "umsetzungsort": [(value, value) for value in sorted(orte, key=str.casefold)],
        "ansprechperson": [(value, value) for value in sorted(personen, key=str.casefold)],
    }


def has_steckbrief(werkzeug: Werkzeug) -> bool:
    """Whether the Werkzeug has a detail sheet: Einzelmaßnahmen or detail fields.

    Needs the Werkzeug's massnahmen prefetched (as `plan_tree` and `werkzeug_detail` do).
    """
    if any(getattr(werkzeug, name) not in (None, "") for name in STECKBRIEF_FIELDS):
        return True
    return bool(werkzeug.massnahmen.all())


@dataclass
class Jahresplan:
    """The Einzelmaßnahmen of one year (or without a year: `jahr` is None)."""

    jahr: int | None
    massnahmen: list[Massnahme] = field(default_factory=list)


def month_grid(werkzeug: Werkzeug) -> list[Jahresplan]:
    """The Werkzeug's Einzelmaßnahmen grouped by year, years in order, undated last."""
    by_year: dict[int | None, Jahresplan] = {}
    for massnahme in werkzeug.massnahmen.all():
        massnahme.monat_flags = [month in massnahme.monate for month in range(1, 13)]
        by_year.setdefault(massnahme.jahr, Jahresplan(massnahme.jahr)).massnahmen.append(massnahme)
    return sorted(by_year.values(), key=lambda plan: (plan.jahr is None, plan.jahr or 0))


def _massnahmen_prefetch() -> Prefetch:
    return Prefetch("massnahmen", queryset=Massnahme.objects.order_by("jahr", "position", "pk"))


def plan_tree(
    plan: Werkstattplan, *, werkzeuge: QuerySet[Werkzeug] | None = None
) -> list[Handlungsfeld]:
    """The whole plan in display order, in three queries.

    Each Handlungsfeld gets `werkzeug_list`: its Werkzeuge out of `werkzeuge`
    (default: all of the plan), each with `years` (one flag per plan year),
    `steckbrief` (has a detail sheet) and `grid` (month grid by year).
    Handlungsfelder without any of those Werkzeuge keep an empty list.
    """
    handlungsfelder = list(plan.handlungsfelder.order_by("position", "pk"))
    if werkzeuge is None:
        werkzeuge = plan_werkzeuge(plan)
    by_handlungsfeld = defaultdict(list)
    for werkzeug in werkzeuge.prefetch_related(_massnahmen_prefetch()):
        by_handlungsfeld[werkzeug.handlungsfeld_id].append(werkzeug)
    for handlungsfeld in handlungsfelder:
        handlungsfeld.plan = plan  # cached, so URLs need no query
        handlungsfeld.werkzeug_list = by_handlungsfeld.get(handlungsfeld.pk, [])
        for werkzeug in handlungsfeld.werkzeug_list:
            _annotate(werkzeug, handlungsfeld, plan)
    return handlungsfelder


def werkzeug_detail(plan: Werkstattplan, slug: str) -> Werkzeug | None:
    """One Werkzeug of `plan` with its Handlungsfeld and Einzelmaßnahmen (two queries)."""
    werkzeug = (
        Werkzeug.objects.select_related("handlungsfeld")
        .prefetch_related(_massnahmen_prefetch())
        .filter(handlungsfeld__plan=plan, slug=slug)
        .first()
    )
    if werkzeug is not None:
        _annotate(werkzeug, werkzeug.handlungsfeld, plan)
    return werkzeug


def _annotate(werkzeug: Werkzeug, handlungsfeld: Handlungsfeld, plan: Werkstattplan) -> None:
    handlungsfeld.plan = plan
    werkzeug.handlungsfeld = handlungsfeld
    active = set(werkzeug.jahre or [])
    werkzeug.years = [(year, year in active) for year in plan.years]
    werkzeug.steckbrief = has_steckbrief(werkzeug)
    werkzeug.grid = month_grid(werkzeug)


def count_werkzeuge(handlungsfelder: list[Handlungsfeld]) -> int:
    return sum(len(handlungsfeld.werkzeug_list) for handlungsfeld in handlungsfelder)
