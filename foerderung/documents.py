"""The PDFs of an application, rendered by zwk_portal.pdf from templates/pdf/foerderung_*."""

from django.utils import timezone

from zwk_portal.pdf import render_pdf

from . import selectors
from .models import Antrag, Dokument, Generation
from .validation import format_iban

TEMPLATES = {
    Dokument.Art.ANTRAG: ("pdf/foerderung_antrag.html", "Antrag"),
    Dokument.Art.EINGANG: ("pdf/foerderung_eingang.html", "Eingangsbestätigung"),
    Dokument.Art.BESCHEID: ("pdf/foerderung_bescheid.html", "Zuwendungsbescheid"),
    Dokument.Art.ABLEHNUNG: ("pdf/foerderung_ablehnung.html", "Ablehnungsbescheid"),
}


def context(antrag: Antrag) -> dict:
    antrag = selectors.antrag_for_documents(antrag.pk)
    return {
        "antrag": antrag,
        "aufruf": antrag.aufruf,
        "kommune": antrag.aufruf.kommune,
        "kosten": list(antrag.kosten.all()),
        "anhaenge": [a for a in antrag.anhaenge.all() if a.art == "antrag"],
        "heute": timezone.localdate(),
        "iban": format_iban(antrag.iban),
        "generationen": ", ".join(
            str(dict(Generation.choices).get(g, g)) for g in antrag.generationen
        ),
    }


def render(antrag: Antrag, art: str) -> bytes:
    template, title = TEMPLATES[art]
    ctx = context(antrag)
    return render_pdf(template, ctx, title=f"{title} {antrag.eingangsnummer or ''}".strip())
