from django import template

register = template.Library()


@register.inclusion_tag("events/_teaser.html")
def events_teaser(kommune):
    """The section on the commune's start page."""
    return {"kommune": kommune}
