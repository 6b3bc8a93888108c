from functools import lru_cache

from django import template
from django.db.models import Count
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from werkstattplan import selectors
from werkstattplan.models import MONATE

register = template.Library()


@register.inclusion_tag("werkstattplan/_teaser.html")
def werkstattplan_teaser(kommune):
    """The Werkstattplan section on the commune's start page (two queries)."""
    plan = selectors.current_plan(kommune=kommune)
    handlungsfelder = []
    if plan is not None:
        handlungsfelder = list(
            plan.handlungsfelder.order_by("position", "pk").annotate(
                anzahl_werkzeuge=Count("werkzeuge")
            )
        )
    return {"kommune": kommune, "plan": plan, "handlungsfelder": handlungsfelder}


@register.simple_tag
def month_names():
    """[(1, "Januar"), …, (12, "Dezember")] for the column headers of a month grid."""
    return MONATE


@lru_cache(maxsize=512)
def _year_cell(active: bool, label: str) -> str:
    if active:
        return format_html(
            '<td class="kern-table__cell year-cell year-cell--active"><span aria-hidden="true">✓</span>'
            '<span class="visually-hidden">{}</span></td>',
            label,
        )
    return format_html(
        '<td class="kern-table__cell year-cell"><span class="visually-hidden">{}</span></td>', label
    )


@register.simple_tag
def year_cells(werkzeug):
    """The year cells of a Werkzeug's row: "✓" plus "aktiv 2021" for screen readers,
    or "nicht aktiv"; one cell "keine Angabe" across all years when they are unknown.
    Built once per distinct cell, as a plan may have hundreds of rows."""
    if not werkzeug.years:
        return format_html(
            '<td class="kern-table__cell year-cell year-cell--unknown" colspan="{}">{}</td>',
            len(werkzeug.handlungsfeld.plan.years),
            gettext("keine Angabe"),
        )
    return mark_safe("".join(_year_cell(active, label) for _, active, label in werkzeug.years))


@register.simple_tag
def plan_status(status, unknown=False):
    """A status of the plan as text in a KERN badge, never as a colour only; with
    `unknown=True` "keine Angabe" when there is none (in a status column). A tag, not an
    include: a plan of hundreds of rows shows it in every row."""
    if status is None:
        return gettext("keine Angabe") if unknown else ""
    return format_html(
        '<span class="kern-badge kern-badge--info"><span class="kern-label kern-label--small">'
        '<span class="visually-hidden">{} </span>{}</span></span>',
        gettext("Status:"),
        status.name,
    )
