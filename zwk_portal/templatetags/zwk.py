"""Formatting shared by every app: money in German notation, phone numbers as links."""

from decimal import Decimal

from django import template

from zwk_portal.text import tel_href

register = template.Library()


@register.filter
def euro(amount) -> str:
    """5000 → "5.000,00 €"; None → ""."""
    if amount is None or amount == "":
        return ""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{'.'.join(groups)},{cents}\u00a0€"


@register.filter
def tel(number) -> str:
    """The `tel:` link of a phone number as typed (zwk_portal.text.tel_href)."""
    return tel_href(number)
