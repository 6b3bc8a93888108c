from django import template

from werkstattplan.models import Werkstattplan

register = template.Library()


@register.inclusion_tag("werkstattplan/_teaser.html")
def werkstattplan_teaser(kommune):
    """The Werkstattplan section on the commune's start page."""
    plan = (
        Werkstattplan.objects.filter(kommune=kommune, published=True)
        .prefetch_related("handlungsfelder")
        .order_by("-first_year", "-pk")
        .first()
    )
    return {"kommune": kommune, "plan": plan}
