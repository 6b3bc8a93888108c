"""Formatting shared by every app: money in German notation."""

from decimal import Decimal

from django import template

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
