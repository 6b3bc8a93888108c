from django import template

from seiten import markup

register = template.Library()


@register.filter
def seitentext(text: str):
    """A page's plain text as escaped paragraphs, subheadings, lists and links."""
    return markup.render(text)
