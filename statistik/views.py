"""The public "… in Zahlen" of a Kommune: page, charts (SVG), tables (CSV) and data sheet (PDF).

All four read `selectors.zahlen`, so a chart, its table and the PDF show the same figures.
"""

import base64

from csp.decorators import csp
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunen.views import kommune_page
from zwk_portal.exports import CSV_TYPE, csv_bytes
from zwk_portal.pdf import render_pdf
from zwk_portal.visitor_cache import kept_for_visitors

from . import selectors
from .models import Indikator, Wert

CSV_HEADERS = [
    "ags",
    "region",
    "indikator",
    "merkmal",
    "stichtag",
    "wert",
    "einheit",
    "basis",
    "herausgeber",
    "tabelle",
    "quelle_url",
    "art",
    "abgerufen_am",
    "lizenz",
]
# A chart is an image of its own: no script runs in it, and its styles stay inside it.
SVG_POLICY = {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]}


@kept_for_visitors(60)
@kommune_page
def zahlen(request, kommune):
    return render(
        request,
        "statistik/zahlen.html",
        {"kommune": kommune, "zahlen": selectors.zahlen(kommune)},
    )


@csp(SVG_POLICY)
@kommune_page
def diagramm(request, kommune, key):
    section = selectors.zahlen(kommune).abschnitt(key)
    if section is None or not section.chart:
        raise Http404(_("Dieses Diagramm gibt es nicht."))
    response = HttpResponse(section.svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def _csv_value(wert: Wert) -> str:
    if wert.wert is None:
        return wert.fehlt
    return f"{selectors.knapp(wert.wert):f}".replace(".", ",")


@kommune_page
def tabelle(request, kommune, indikator):
    indikator = get_object_or_404(Indikator, kommune=kommune, slug=indikator)
    rows = [
        [
            wert.ags,
            wert.region,
            indikator.name,
            wert.merkmal,
            wert.stichtag_text if wert.nur_jahr else wert.stichtag,
            _csv_value(wert),
            wert.einheit,
            wert.basis_label,
            wert.herausgeber,
            wert.tabelle,
            wert.quelle,
            "Presse" if wert.art == Wert.Art.PRESSE else "amtlich",
            wert.abgerufen_am,
            wert.lizenz,
        ]
        for wert in indikator.werte.order_by("ags", "merkmal", "stichtag", "pk")
    ]
    response = HttpResponse(csv_bytes(CSV_HEADERS, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{kommune.slug}-{indikator.slug}.csv"'
    return response


@kommune_page
def datenblatt(request, kommune):
    found = selectors.zahlen(kommune)
    charts = {
        section.key: base64.b64encode(section.svg.encode()).decode()
        for section in found.abschnitte
        if section.chart
    }
    title = _("%(kommune)s in Zahlen") % {"kommune": kommune.name}
    content = render_pdf(
        "pdf/statistik_datenblatt.html",
        {"kommune": kommune, "zahlen": found, "charts": charts, "today": timezone.localdate()},
        title=title,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kommune.slug}-in-zahlen.pdf"'
    return response
