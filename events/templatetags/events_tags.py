from django import template
from django.db.models import Prefetch

from events import selectors

register = template.Library()


@register.inclusion_tag("events/_teaser.html")
def events_teaser(kommune):
    """The section on the commune's start page: the next three events with seats left."""
    events = list(
        selectors.public_events(kommune.slug).prefetch_related(
            Prefetch("optionen", queryset=selectors.options_with_counts())
        )[:3]
    )
    rows = [
        (event, [(option, selectors.seats_left(option)) for option in event.optionen.all()])
        for event in events
    ]
    latest = selectors.rueckblicke(kommune).first()
    return {"kommune": kommune, "events": events, "rows": rows, "latest": latest}


@register.inclusion_tag("events/_entstanden_aus.html")
def entstanden_aus(werkzeug):
    """On a Werkzeug's page: the results of events it takes up."""
    return {"ergebnisse": list(selectors.entstanden_aus(werkzeug))}
