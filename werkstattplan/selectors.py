"""Reads of the Werkstattplan, shared by the web pages, the PDFs and the filters.

Every function here runs a fixed number of queries, whatever the plan's size:
the page and the PDF of a plan with 500 Werkzeuge cost as many queries as one
with five.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext

from kommunen.models import Kommune

from .models import Handlungsfeld, Kennzahl, Massnahme, Werkstattplan, Werkzeug
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


# A commune's current plan is its newest published one.
NEWEST_FIRST = ("-first_year", "-pk")


def current_plan(*, kommune: Kommune) -> Werkstattplan | None:
    """The commune's current plan."""
    return (
        Werkstattplan.objects.select_related("kommune")
        .filter(kommune=kommune, published=True)
        .order_by(*NEWEST_FIRST)
        .first()
    )


def current_plans() -> dict[int, Werkstattplan]:
    """{kommune_id: its current plan} of every Kommune that has one, in one query."""
    plans = (
        Werkstattplan.objects.select_related("kommune")
        .filter(published=True)
        .order_by("kommune_id", *NEWEST_FIRST)
        .distinct("kommune_id")
    )
    return {plan.kommune_id: plan for plan in plans}


def plan_werkzeuge(plan: Werkstattplan) -> QuerySet[Werkzeug]:
    """All Werkzeuge of `plan` in display order: the base queryset of the filters."""
    return Werkzeug.objects.filter(handlungsfeld__plan=plan).order_by(
        "handlungsfeld__position", "handlungsfeld_id", "position", "pk"
    )


def plan_massnahmen(plan: Werkstattplan) -> QuerySet[Massnahme]:
    """The Einzelmaßnahmen of `plan` outside any Werkzeug: those of a Handlungsfeld
    and the cross-cutting ones. The base queryset of their filter."""
    return Massnahme.objects.filter(plan=plan, werkzeug__isnull=True)


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


def has_steckbrief_fields(werkzeug: Werkzeug) -> bool:
    """Whether any detail field of the sheet is filled. The sheet itself also has
    the Einzelmaßnahmen (`steckbrief` in `_annotate`)."""
    return any(getattr(werkzeug, name) not in (None, "") for name in STECKBRIEF_FIELDS)


@dataclass
class Verweis:
    """A link to a place of the plan: a Werkzeug, a Handlungsfeld or the cross-cutting section."""

    title: str
    url: str


@dataclass
class Jahresplan:
    """The Einzelmaßnahmen of one year, or (`jahr` None) those over several years or
    without a year; `mit_ziel`/`mit_status`: whether the table needs these columns."""

    jahr: int | None
    massnahmen: list[Massnahme] = field(default_factory=list)
    mit_ziel: bool = False
    mit_status: bool = False


def month_grid(massnahmen: list[Massnahme]) -> list[Jahresplan]:
    """Einzelmaßnahmen grouped by year, years in order, the rest last; each
    Maßnahme gets `monat_flags`, twelve booleans for January to December."""
    by_year: dict[int | None, Jahresplan] = {}
    for massnahme in massnahmen:
        massnahme.monat_flags = [month in massnahme.monate for month in range(1, 13)]
        jahr = None if massnahme.jahr_bis else massnahme.jahr
        jahresplan = by_year.setdefault(jahr, Jahresplan(jahr))
        jahresplan.massnahmen.append(massnahme)
        jahresplan.mit_ziel |= bool(massnahme.ziel)
        jahresplan.mit_status |= massnahme.status_id is not None
    return sorted(by_year.values(), key=lambda plan: (plan.jahr is None, plan.jahr or 0))


def _massnahmen_in_order(queryset: QuerySet[Massnahme]) -> QuerySet[Massnahme]:
    return queryset.select_related("status", "werkzeug", "handlungsfeld").order_by(
        "werkzeug_id", "jahr", "beginn", "position", "pk"
    )


def _auch_bei(massnahmen: list[Massnahme], plan: Werkstattplan, labels: dict) -> None:
    """Give each Einzelmaßnahme `auch_bei_ids` and `auch_bei_list` (Verweise to the
    Werkzeuge it names in `auch_bei`) and `gezeigt_bei` (where it is shown), in one
    query for all of them."""
    links = defaultdict(list)
    for massnahme_id, werkzeug_id, slug, title, description in (
        Massnahme.auch_bei.through.objects.filter(massnahme__plan=plan)
        .order_by("werkzeug__handlungsfeld__position", "werkzeug__position", "werkzeug_id")
        .values_list(
            "massnahme_id",
            "werkzeug_id",
            "werkzeug__slug",
            "werkzeug__title",
            "werkzeug__description",
        )
    ):
        title = title or Truncator(description).words(12)
        links[massnahme_id].append((werkzeug_id, Verweis(title, f"{labels['url_prefix']}{slug}/")))
    plan_url = labels["plan_url"]
    for massnahme in massnahmen:
        massnahme.auch_bei_ids = [werkzeug_id for werkzeug_id, _ in links.get(massnahme.pk, [])]
        massnahme.auch_bei_list = [verweis for _, verweis in links.get(massnahme.pk, [])]
        if massnahme.werkzeug_id:
            werkzeug = massnahme.werkzeug
            massnahme.gezeigt_bei = Verweis(
                werkzeug.display_title, f"{labels['url_prefix']}{werkzeug.slug}/"
            )
        elif massnahme.handlungsfeld_id:
            handlungsfeld = massnahme.handlungsfeld
            massnahme.gezeigt_bei = Verweis(
                handlungsfeld.name, f"{plan_url}#hf-{handlungsfeld.slug}"
            )
        else:
            massnahme.gezeigt_bei = Verweis(labels["querschnitt"], f"{plan_url}#fuer-alle")


def plan_tree(
    plan: Werkstattplan,
    *,
    werkzeuge: QuerySet[Werkzeug] | None = None,
    massnahmen: QuerySet[Massnahme] | None = None,
    details: bool = False,
) -> list[Handlungsfeld]:
    """The whole plan in display order: five queries, whatever its size.

    Each Handlungsfeld gets `kennzahl_list`, `massnahme_list` (its Einzelmaßnahmen
    without Werkzeug, out of `massnahmen`, default: all) and `werkzeug_list`: its
    Werkzeuge out of `werkzeuge` (default: all of the plan), each with `url`,
    `years` ((year, active, text for screen readers) per plan year; empty when
    the years are unknown), `steckbrief` (has a detail sheet: measures or detail fields)
    and `steckbrief_felder` (has detail fields). With `details`
    each Werkzeug also gets `grid`, its Einzelmaßnahmen by year (see `month_grid`),
    and `verweise`, the Einzelmaßnahmen of other places that name it in
    `auch_bei`. Every Einzelmaßnahme gets `auch_bei_list` and `gezeigt_bei`.
    The cross-cutting Einzelmaßnahmen are in `plan.querschnitt_list`.
    Labels and URLs are made once per plan, not per row, so that a plan of
    500 Werkzeuge still renders fast.
    """
    handlungsfelder = list(plan.handlungsfelder.order_by("position", "pk"))
    if werkzeuge is None:
        werkzeuge = plan_werkzeuge(plan)
    werkzeuge = werkzeuge.select_related("status").annotate(
        has_massnahmen=Exists(Massnahme.objects.filter(werkzeug=OuterRef("pk")))
    )
    by_handlungsfeld = defaultdict(list)
    for werkzeug in werkzeuge:
        by_handlungsfeld[werkzeug.handlungsfeld_id].append(werkzeug)
    kennzahlen = defaultdict(list)
    for kennzahl in Kennzahl.objects.filter(handlungsfeld__plan=plan).order_by("position", "pk"):
        kennzahlen[kennzahl.handlungsfeld_id].append(kennzahl)
    if massnahmen is None:
        massnahmen = Massnahme.objects.filter(plan=plan) if details else plan_massnahmen(plan)
    massnahmen = list(_massnahmen_in_order(massnahmen))
    labels = _year_labels(plan)
    _auch_bei(massnahmen, plan, labels)
    by_place, verweise = defaultdict(list), defaultdict(list)
    plan.querschnitt_list = []
    for massnahme in massnahmen:
        if massnahme.werkzeug_id:
            by_place[("wz", massnahme.werkzeug_id)].append(massnahme)
        elif massnahme.handlungsfeld_id:
            by_place[("hf", massnahme.handlungsfeld_id)].append(massnahme)
        else:
            plan.querschnitt_list.append(massnahme)
        for werkzeug_id in massnahme.auch_bei_ids:
            if werkzeug_id != massnahme.werkzeug_id:
                verweise[werkzeug_id].append(massnahme)
    for handlungsfeld in handlungsfelder:
        handlungsfeld.plan = plan  # cached, so URLs need no query
        handlungsfeld.kennzahl_list = kennzahlen.get(handlungsfeld.pk, [])
        handlungsfeld.massnahme_list = by_place.get(("hf", handlungsfeld.pk), [])
        handlungsfeld.werkzeug_list = by_handlungsfeld.get(handlungsfeld.pk, [])
        for werkzeug in handlungsfeld.werkzeug_list:
            _annotate(werkzeug, handlungsfeld, plan, labels)
            werkzeug.grid = month_grid(by_place.get(("wz", werkzeug.pk), []))
            werkzeug.verweise = verweise.get(werkzeug.pk, [])
    return handlungsfelder


def werkzeug_detail(plan: Werkstattplan, slug: str) -> Werkzeug | None:
    """One Werkzeug of `plan` with its Handlungsfeld, its Einzelmaßnahmen and those
    of other places that name it in `auch_bei` (three queries)."""
    werkzeug = (
        Werkzeug.objects.select_related("handlungsfeld", "status")
        .filter(handlungsfeld__plan=plan, slug=slug)
        .first()
    )
    if werkzeug is not None:
        labels = _year_labels(plan)
        massnahmen = list(
            _massnahmen_in_order(
                Massnahme.objects.filter(Q(werkzeug=werkzeug) | Q(auch_bei=werkzeug)).distinct()
            )
        )
        _auch_bei(massnahmen, plan, labels)
        eigene = [massnahme for massnahme in massnahmen if massnahme.werkzeug_id == werkzeug.pk]
        werkzeug.verweise = [
            massnahme for massnahme in massnahmen if massnahme.werkzeug_id != werkzeug.pk
        ]
        werkzeug.has_massnahmen = bool(eigene)
        _annotate(werkzeug, werkzeug.handlungsfeld, plan, labels)
        werkzeug.grid = month_grid(eigene)
    return werkzeug


def _year_labels(plan: Werkstattplan) -> dict:
    """Screen-reader texts of the year cells, the URL prefix of the plan's Werkzeuge
    and the other labels the tree needs once per plan."""
    url = reverse(
        "werkstattplan:werkzeug",
        kwargs={"kommune": plan.kommune.slug, "plan": plan.slug, "werkzeug": "x"},
    )
    return {
        "url_prefix": url[: -len("x/")],
        "plan_url": plan.get_absolute_url(),
        "querschnitt": gettext("Für alle Handlungsfelder"),
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
    # No years at all means the years are unknown, not that it was never active.
    werkzeug.years = [
        (year, True, labels[year]) if year in active else (year, False, labels["inactive"])
        for year in plan.years
        if active
    ]
    werkzeug.steckbrief_felder = has_steckbrief_fields(werkzeug)
    werkzeug.steckbrief = werkzeug.has_massnahmen or werkzeug.steckbrief_felder


def count_werkzeuge(handlungsfelder: list[Handlungsfeld]) -> int:
    return sum(len(handlungsfeld.werkzeug_list) for handlungsfeld in handlungsfelder)


def count_massnahmen(plan: Werkstattplan, handlungsfelder: list[Handlungsfeld]) -> int:
    """The Einzelmaßnahmen outside the Werkzeuge that `plan_tree` put on the page."""
    return len(plan.querschnitt_list) + sum(
        len(handlungsfeld.massnahme_list) for handlungsfeld in handlungsfelder
    )
