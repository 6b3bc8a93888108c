from django import template

register = template.Library()


@register.inclusion_tag("foerderung/_teaser.html")
def foerderung_teaser(kommune):
    """The section on the commune's start page."""
    return {"kommune": kommune}


@register.filter
def einzeilig(text: str) -> str:
    """A multi-line address on one line: "Garnisonsstraße 1, 19288 Ludwigslust"."""
    return ", ".join(line.strip() for line in (text or "").splitlines() if line.strip())
