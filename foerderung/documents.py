"""The PDFs of an application, rendered by zwk_portal.pdf from templates/pdf/foerderung_*."""

from django.utils import timezone, translation

from zwk_portal.pdf import render_pdf

from . import selectors
from .models import Antrag, Dokument, Generation, Status
from .validation import format_iban

TEMPLATES = {
    Dokument.Art.ANTRAG: ("pdf/foerderung_antrag.html", "Antrag"),
    Dokument.Art.EINGANG: ("pdf/foerderung_eingang.html", "Eingangsbestätigung"),
    Dokument.Art.BESCHEID: ("pdf/foerderung_bescheid.html", "Zuwendungsbescheid"),
    Dokument.Art.ABLEHNUNG: ("pdf/foerderung_ablehnung.html", "Ablehnungsbescheid"),
}


def context(antrag: Antrag, beamter=None, ersetzt=None) -> dict:
    """`beamter`: the officer who issues the document (named in a notice, § 37 Abs. 3
    VwVfG); `ersetzt`: the earlier notice a new one replaces."""
    antrag = selectors.antrag_for_documents(antrag.pk)
    aufruf, kommune = antrag.aufruf, antrag.aufruf.kommune
    finanziert = antrag.eigenmittel + antrag.drittmittel + (antrag.bewilligt or 0)
    return {
        "beamter": beamter,
        "ersetzt": ersetzt,
        # The notice's contact: the officer, reachable at the call's address (a shared mailbox
        # outlives staff changes), else the Kommune's, else their own.
        "kontakt": {
            "name": beamter.get_full_name() if beamter else aufruf.kontakt_name,
            "email": aufruf.kontakt_email
            or kommune.kontakt_email
            or (beamter.email if beamter else ""),
            "telefon": aufruf.kontakt_telefon or kommune.kontakt_telefon,
        },
        # Where to object (Rechtsbehelfsbelehrung): the call's authority, else the Kommune.
        "widerspruch_stelle": aufruf.widerspruch_stelle.strip()
        or "\n".join(filter(None, [kommune.name, kommune.anschrift.strip()])),
        # After a Teilbewilligung the applicant covers the rest of the costs.
        "finanzierungsluecke": max(antrag.gesamtkosten - finanziert, 0),
        "jury_beraten": antrag.verlauf.filter(nach=Status.JURY).exists(),
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


def render(antrag: Antrag, art: str, beamter=None, ersetzt=None) -> bytes:
    """The document in German: an administrative act and the file copy of an application are
    German documents, whatever language the page that issued them was in."""
    template, title = TEMPLATES[art]
    with translation.override("de"):
        ctx = context(antrag, beamter=beamter, ersetzt=ersetzt)
        return render_pdf(template, ctx, title=f"{title} {antrag.eingangsnummer or ''}".strip())
