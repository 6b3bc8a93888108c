"""Figures next to the plan and on the start page; werkstattplan's templates load these,
so werkstattplan itself knows nothing of statistik."""

from django import template

from werkstattplan.models import Werkzeug

from .. import selectors
from ..models import Wert

register = template.Library()


@register.simple_tag
def plan_zahlen(kommune, handlungsfelder):
    """The figures linked to every Handlungsfeld of a plan page, in two queries."""
    return selectors.planwerte(kommune, handlungsfelder=handlungsfelder)


@register.filter
def zahlen_bei(planwerte, obj) -> list:
    kind = "wz" if isinstance(obj, Werkzeug) else "hf"
    return planwerte.get((kind, obj.pk), [])


@register.inclusion_tag("statistik/_planwerte.html")
def planwerte(kommune, planwerte, pdf=False):
    return {"kommune": kommune, "planwerte": planwerte, "pdf": pdf}


@register.inclusion_tag("statistik/_planwerte.html")
def werkzeug_zahlen(kommune, werkzeug):
    """A Werkzeug's own figures and those of its Handlungsfeld."""
    found = selectors.planwerte(
        kommune, handlungsfelder=[werkzeug.handlungsfeld], werkzeuge=[werkzeug]
    )
    listed = found.get(("wz", werkzeug.pk), []) + found.get(("hf", werkzeug.handlungsfeld_id), [])
    return {"kommune": kommune, "planwerte": listed, "pdf": False}


@register.inclusion_tag("statistik/_teaser.html")
def zahlen_teaser(kommune):
    has_figures = bool(kommune.ags) and Wert.objects.filter(indikator__kommune=kommune).exists()
    return {"kommune": kommune, "has_figures": has_figures}
