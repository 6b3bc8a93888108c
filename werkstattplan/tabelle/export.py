"""A plan out to the table: one row per entry, in the plan's order."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from ..models import Kennzahl, Massnahme, Werkstattplan, Werkzeug
from ..resources import JaNeinWidget
from .format import (
    COLUMNS,
    HANDLUNGSFELD,
    HEADERS,
    KENNZAHL,
    MASSNAHME,
    QUERSCHNITT,
    WERKZEUG,
    key_of,
)


def _ordered(plan: Werkstattplan):
    """The plan's entries in file order: (Ebene, object), five queries."""
    handlungsfelder = list(plan.handlungsfelder.order_by("position", "pk"))
    kennzahlen = defaultdict(list)
    for kennzahl in Kennzahl.objects.filter(handlungsfeld__plan=plan).order_by("position", "pk"):
        kennzahlen[kennzahl.handlungsfeld_id].append(kennzahl)
    werkzeuge = defaultdict(list)
    for werkzeug in Werkzeug.objects.filter(handlungsfeld__plan=plan).select_related("status"):
        werkzeuge[werkzeug.handlungsfeld_id].append(werkzeug)
    under = defaultdict(list)  # ("hf"|"wz"|"plan", id) → measures
    massnahmen = (
        Massnahme.objects.filter(plan=plan)
        .select_related("status")
        .prefetch_related("auch_bei")
        .order_by("position", "pk")
    )
    for massnahme in massnahmen:
        if massnahme.werkzeug_id:
            under["wz", massnahme.werkzeug_id].append(massnahme)
        elif massnahme.handlungsfeld_id:
            under["hf", massnahme.handlungsfeld_id].append(massnahme)
        else:
            under["plan", None].append(massnahme)
    for massnahme in under["plan", None]:
        yield QUERSCHNITT, massnahme
    for handlungsfeld in handlungsfelder:
        yield HANDLUNGSFELD, handlungsfeld
        for kennzahl in kennzahlen[handlungsfeld.pk]:
            yield KENNZAHL, kennzahl
        for massnahme in under["hf", handlungsfeld.pk]:
            yield MASSNAHME, massnahme
        for werkzeug in sorted(werkzeuge[handlungsfeld.pk], key=lambda w: (w.position, w.pk)):
            yield WERKZEUG, werkzeug
            for massnahme in under["wz", werkzeug.pk]:
                yield MASSNAHME, massnahme


def export_rows(plan: Werkstattplan) -> tuple[list[str], list[list]]:
    """The plan as rows for `zwk_portal.exports` (native values: XLSX keeps numbers and dates)."""
    rows = []
    for ebene, obj in _ordered(plan):
        row = [plan.key, ebene, key_of(obj)]
        for spalte in COLUMNS:
            attr = spalte.attrs.get(ebene)
            row.append(_cell(obj, attr, spalte.kind) if attr else None)
        rows.append(row)
    return HEADERS, rows


def _cell(obj, attr: str, kind: str):
    if attr == "zeitraum":
        return f"{obj.jahr}–{obj.jahr_bis}" if obj.jahr_bis else obj.jahr
    value = getattr(obj, attr)
    if kind == "status":
        return value.name if value else None
    if kind in ("jahre", "monate"):
        return ", ".join(map(str, value)) or None
    if kind == "auch_bei":
        return "; ".join(key_of(werkzeug) for werkzeug in value.all()) or None
    if kind == "janein":
        return JaNeinWidget().render(value) or None
    return value


def filename(plan: Werkstattplan, fmt: str) -> str:
    today = timezone.localdate().isoformat()
    return f"werkstattplan-{plan.kommune.slug}-{plan.slug}-{today}.{fmt}"
