from django import template
from django.db.models import Count

from werkstattplan.models import MONATE, Werkstattplan

register = template.Library()


@register.inclusion_tag("werkstattplan/_teaser.html")
def werkstattplan_teaser(kommune):
    """The Werkstattplan section on the commune's start page (two queries)."""
    plan = (
        Werkstattplan.objects.filter(kommune=kommune, published=True)
        .order_by("-first_year", "-pk")
        .first()
    )
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
