from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from foerderung.models import Foerderaufruf, Status

register = template.Library()


@register.inclusion_tag("foerderung/_teaser.html")
def foerderung_teaser(kommune):
    """The section on the commune's start page: the calls open now, with their deadline."""
    now = timezone.now()
    offene = Foerderaufruf.objects.filter(
        kommune=kommune, published=True, einreichung_ab__lte=now, einreichung_bis__gte=now
    ).order_by("einreichung_bis", "pk")
    for aufruf in (offene := list(offene)):
        aufruf.kommune = kommune  # each links under the commune's slug: no query per call
    return {"kommune": kommune, "aufrufe": offene}


@register.filter
def einzeilig(text: str) -> str:
    """A multi-line address on one line: "Garnisonsstraße 1, 19288 Ludwigslust"."""
    return ", ".join(line.strip() for line in (text or "").splitlines() if line.strip())


@register.filter
def prozent(value) -> str:
    """50 → "50 %", Decimal("62.50") → "62,5 %" (German notation, a non-breaking space before %)."""
    if value is None or value == "":
        return ""
    number = f"{Decimal(value).normalize():f}".replace(".", ",")
    return f"{number}\u00a0%"


@register.simple_tag(takes_context=True)
def status_badge(context, status: str) -> str:
    """The badge of an application's stage (foerderung/_status.html), rendered once per
    stage and page: a long list shows the same few stages in each of its rows."""
    badges = context.render_context.setdefault(status_badge, {})
    if status not in badges:
        badges[status] = render_to_string(
            "foerderung/_status.html", {"status": status, "label": Status(status).label}
        )
    return badges[status]
