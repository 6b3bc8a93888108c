from django import template

register = template.Library()


@register.inclusion_tag("foerderung/_teaser.html")
def foerderung_teaser(kommune):
    """The section on the commune's start page."""
    return {"kommune": kommune}
