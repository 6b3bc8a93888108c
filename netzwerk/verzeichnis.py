"""The network's directory of communes and its comparison of Handlungsfelder.

Both show each Kommune's current plan, the newest published one (the rule of
werkstattplan.selectors.current_plan), and nothing of any other plan: every query
below asks for published plans only. Each page costs a fixed number of queries,
however many communes, plans and Werkzeuge there are.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from csp.decorators import csp
from django.db.models import Count, F
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kommunen.models import Kommune
from statistik import charts
from statistik.views import SVG_POLICY
from werkstattplan.models import Handlungsfeld, Werkstattplan, Werkzeug
from werkstattplan.selectors import current_plans
from zwk_portal.visitor_cache import kept_for_visitors

from .views import network_page

CHART_FIELDS = 15  # the chart shows the most shared Handlungsfelder; the table all of them


# ------------------------------------------------------------------------- selectors


def plan_handlungsfelder(plans: dict[int, Werkstattplan]) -> list[Handlungsfeld]:
    """The Handlungsfelder of `plans` in display order, each with `werkzeug_count` (one query)."""
    by_pk = {plan.pk: plan for plan in plans.values()}
    handlungsfelder = list(
        Handlungsfeld.objects.filter(plan__in=by_pk, plan__published=True)
        .annotate(werkzeug_count=Count("werkzeuge"))
        .order_by("plan_id", "position", "pk")
    )
    for handlungsfeld in handlungsfelder:
        handlungsfeld.plan = by_pk[handlungsfeld.plan_id]  # cached: URLs need no query
    return handlungsfelder


@dataclass
class Eintrag:
    """One commune of the directory, with what its current plan holds."""

    kommune: Kommune
    plan: Werkstattplan | None
    handlungsfelder: list[Handlungsfeld] = field(default_factory=list)
    werkzeuge: int = 0
    status: list[tuple[str, int]] = field(default_factory=list)  # (name, Werkzeuge)


def verzeichnis_eintraege() -> list[Eintrag]:
    """Every Kommune by name with its current plan's Handlungsfelder and its Werkzeuge
    counted by status (four queries)."""
    plans = current_plans()
    eintraege = {
        kommune.pk: Eintrag(
            kommune=kommune,
            plan=plans.get(kommune.pk),
        )
        for kommune in Kommune.objects.order_by("name", "pk")
    }
    by_plan = {eintrag.plan.pk: eintrag for eintrag in eintraege.values() if eintrag.plan}
    for handlungsfeld in plan_handlungsfelder(plans):
        by_plan[handlungsfeld.plan_id].handlungsfelder.append(handlungsfeld)
    counts = (
        Werkzeug.objects.filter(
            handlungsfeld__plan__in=by_plan, handlungsfeld__plan__published=True
        )
        .values_list("handlungsfeld__plan_id", "status__name")
        .annotate(anzahl=Count("pk"))
        .order_by("handlungsfeld__plan_id", F("status__position").asc(nulls_last=True), "status_id")
    )
    for plan_id, status, anzahl in counts:
        eintrag = by_plan[plan_id]
        eintrag.status.append((status or _("ohne Status"), anzahl))
        eintrag.werkzeuge += anzahl
    return list(eintraege.values())


@dataclass
class Feld:
    """A Handlungsfeld as several communes name it: the normalised name's group."""

    name: str  # the most frequent spelling
    handlungsfelder: list[Handlungsfeld]
    kommunen: int
    werkzeuge: int


def normalised(name: str) -> str:
    """The key of a name's group: "Mobilität  und Verkehr" and " mobilität und verkehr"
    are the same field."""
    return " ".join(name.split()).casefold()


def handlungsfelder_im_vergleich() -> list[Feld]:
    """The Handlungsfelder of every current plan, grouped by normalised name, the most
    shared first (two queries)."""
    groups = defaultdict(list)
    for handlungsfeld in plan_handlungsfelder(current_plans()):
        groups[normalised(handlungsfeld.name)].append(handlungsfeld)
    felder = []
    for key, handlungsfelder in groups.items():
        spellings = Counter(" ".join(h.name.split()) for h in handlungsfelder)
        handlungsfelder.sort(key=lambda h: (h.plan.kommune.name.casefold(), h.pk))
        felder.append(
            (
                key,
                Feld(
                    name=max(sorted(spellings), key=spellings.__getitem__),
                    handlungsfelder=handlungsfelder,
                    kommunen=len({h.plan.kommune_id for h in handlungsfelder}),
                    werkzeuge=sum(h.werkzeug_count for h in handlungsfelder),
                ),
            )
        )
    felder.sort(key=lambda pair: (-pair[1].kommunen, pair[0]))
    return [feld for _key, feld in felder]


# ----------------------------------------------------------------------------- views


@kept_for_visitors(60)
@network_page
def verzeichnis(request):
    return render(request, "netzwerk/verzeichnis.html", {"eintraege": verzeichnis_eintraege()})


@kept_for_visitors(60)
@network_page
def vergleich(request):
    felder = handlungsfelder_im_vergleich()
    return render(
        request,
        "netzwerk/vergleich.html",
        {
            "felder": felder,
            "geteilt": sum(1 for feld in felder if feld.kommunen > 1),
            "einzeln": sum(1 for feld in felder if feld.kommunen == 1),
            "chart_fields": CHART_FIELDS,
        },
    )


@csp(SVG_POLICY)
@network_page
def vergleich_svg(request):
    felder = handlungsfelder_im_vergleich()[:CHART_FIELDS]
    description = _("Zahl der Kommunen je Handlungsfeld: %(werte)s.") % {
        "werte": "; ".join(f"{feld.name}: {feld.kommunen}" for feld in felder)
    }
    svg = charts.balken(
        title=_("Handlungsfelder im Vergleich: Zahl der Kommunen"),
        description=description,
        labels=[feld.name for feld in felder],
        werte=[Decimal(feld.kommunen) for feld in felder],
        # The bars carry bare numbers: balken() would print "1 Kommunen"; the title names the unit.
        einheit="",
        horizontal=True,
        counts=True,
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
