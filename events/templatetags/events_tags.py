from django import template

from events import selectors

register = template.Library()


@register.inclusion_tag("events/_teaser.html")
def events_teaser(kommune):
    """The section on the commune's start page: the next three events."""
    return {"kommune": kommune, "events": list(selectors.public_events(kommune.slug)[:3])}
