from django import template

from aktuelles import selectors

register = template.Library()

START_PAGE_COUNT = 3


@register.inclusion_tag("aktuelles/_teaser.html")
def aktuelles_teaser(kommune):
    """The section on the commune's start page: the latest three articles; none, no section."""
    latest = list(selectors.public_artikel(kommune)[:START_PAGE_COUNT])
    return {"kommune": kommune, "artikel_liste": latest}


@register.simple_tag
def aus_aktuelles(obj):
    """The public articles linked to an event, a Werkzeug or a call, in one query
    (templates/aktuelles/_aus_aktuelles.html, included on their pages)."""
    return selectors.linked_to(obj)
