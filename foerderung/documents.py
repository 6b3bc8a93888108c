"""The PDFs of an application, rendered by zwk_portal.pdf from templates/pdf/foerderung_*."""

from decimal import Decimal

from django.utils import timezone, translation

from zwk_portal.pdf import render_pdf

from . import abrechnung as rules
from . import selectors
from .models import Anhang, Antrag, Buchung, Dokument, Frist, Generation, Status, Widerspruch
from .validation import format_iban

TEMPLATES = {
    Dokument.Art.ANTRAG: ("pdf/foerderung_antrag.html", "Antrag"),
    Dokument.Art.EINGANG: ("pdf/foerderung_eingang.html", "Eingangsbestätigung"),
    Dokument.Art.BESCHEID: ("pdf/foerderung_bescheid.html", "Zuwendungsbescheid"),
    Dokument.Art.ABLEHNUNG: ("pdf/foerderung_ablehnung.html", "Ablehnungsbescheid"),
    Dokument.Art.NACHWEIS: ("pdf/foerderung_nachweis.html", "Verwendungsnachweis"),
    Dokument.Art.RUECKFORDERUNG: ("pdf/foerderung_rueckforderung.html", "Erstattungsbescheid"),
    Dokument.Art.AUFHEBUNG: ("pdf/foerderung_aufhebung.html", "Abhilfebescheid"),
}


def context(antrag: Antrag, beamter=None, ersetzt=None) -> dict:
    """`beamter`: the officer who issues the document (named in a notice, § 37 Abs. 3
    VwVfG); `ersetzt`: the earlier notice a new one replaces. The Verwendungsnachweis and
    the Erstattungsbescheid read the keys of `_abrechnung_context` too."""
    antrag = selectors.antrag_for_documents(antrag.pk)
    aufruf, kommune = antrag.aufruf, antrag.aufruf.kommune
    if beamter is not None and beamter.pk == antrag.antragsteller_id:
        # The applicant's own submission (Eingang, Verwendungsnachweis): no officer, and the
        # contact is the authority's, never the applicant's own name and address.
        beamter = None
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
        "anhaenge": [a for a in antrag.anhaenge.all() if a.art == Anhang.Art.ANTRAG],
        "originale": [a for a in antrag.anhaenge.all() if a.art == Anhang.Art.ORIGINAL],
        "heute": timezone.localdate(),
        "iban": format_iban(antrag.iban),
        "generationen": ", ".join(
            str(dict(Generation.choices).get(g, g)) for g in antrag.generationen
        ),
        **_abrechnung_context(antrag),
    }


def _abrechnung_context(antrag: Antrag) -> dict:
    """What the Verwendungsnachweis and the Erstattungsbescheid show, from the prefetched
    application: the report with its receipts and their running totals, the final accounting
    (foerderung.abrechnung) and the ledger's balances; `erstattung` is the latest reclaim and
    `bescheid` the latest Zuwendungsbescheid issued before this document."""
    nachweis = getattr(antrag, "verwendungsnachweis", None)
    kosten = {k.pk: k for k in antrag.kosten.all()}
    dateien = {a.pk: a for a in antrag.anhaenge.all()}
    belege, summe = [], Decimal(0)
    for beleg in nachweis.belege.all() if nachweis else ():
        summe += beleg.betrag
        belege.append(
            {
                "beleg": beleg,
                "kostenart": kosten[beleg.kostenposition_id].bezeichnung,
                "summe": summe,
                "datei": dateien[beleg.anhang_id].name if beleg.anhang_id in dateien else "",
            }
        )
    abrechnung = antrag.abrechnung
    rechnerisch, summen = None, {}
    if abrechnung is not None:
        # The Verwendungsnachweis's totals: income planned (with the grant) and received
        # (with the grant as paid), and how far the expenses differ from the plan.
        summen = {
            "einnahmen_geplant": abrechnung.eigenmittel_geplant
            + abrechnung.drittmittel_geplant
            + abrechnung.bewilligt,
            "einnahmen": abrechnung.eigenmittel
            + abrechnung.drittmittel
            + abrechnung.einnahmen
            + abrechnung.ausgezahlt,
            "abweichung": abrechnung.ausgaben - abrechnung.ausgaben_geplant,
        }
        # What the financing type's rule gives before the approved sum caps it: the one rule
        # of foerderung.abrechnung, without a cap.
        rechnerisch = rules.zuwendung(
            art=abrechnung.art,
            bewilligt=Decimal("Infinity"),
            ausgaben=abrechnung.ausgaben,
            deckung=abrechnung.deckungsmittel,
            deckung_geplant=abrechnung.deckungsmittel_geplant,
            anteil_prozent=abrechnung.anteil_prozent,
        )
    rueckforderungen = [b for b in antrag.buchungen.all() if b.art == Buchung.Art.RUECKFORDERUNG]
    return {
        "nachweis": nachweis,
        "belege": belege,
        "saldo": antrag.saldo,
        "abrechnung": abrechnung,
        "zuwendung_rechnerisch": rechnerisch,
        "summen": summen,
        "erstattung": max(rueckforderungen, key=lambda b: (b.created_at, b.pk), default=None),
        "bescheid": antrag.dokumente.filter(art=Dokument.Art.BESCHEID)
        .order_by("-created_at", "-pk")
        .first(),
        "kasse_iban": format_iban(antrag.aufruf.kasse_iban),
    }


def _abhilfe_context(antrag: Antrag) -> dict:
    """What the Abhilfebescheid adds: the objection remedied (its day and the reasons of the
    remedy), what the report lacks (the step's message to the applicant) and by when."""
    schritt = antrag.verlauf.filter(schritt="abhelfen_erstattung").order_by("pk").last()
    frist = antrag.fristen.filter(art=Frist.Art.RUECKFRAGE, erledigt_am=None).order_by("pk").last()
    return {
        "widerspruch": antrag.widersprueche.filter(ergebnis=Widerspruch.Ergebnis.ABHILFE)
        .order_by("erledigt_am", "pk")
        .last(),
        "berichtigen": schritt.nachricht if schritt else "",
        "nachweis_frist": frist.faellig_am if frist else None,
    }


def render(antrag: Antrag, art: str, beamter=None, ersetzt=None) -> bytes:
    """The document in German: an administrative act and the file copy of an application are
    German documents, whatever language the page that issued them was in."""
    template, title = TEMPLATES[art]
    with translation.override("de"):
        ctx = context(antrag, beamter=beamter, ersetzt=ersetzt)
        if art == Dokument.Art.AUFHEBUNG:
            ctx.update(_abhilfe_context(ctx["antrag"]))
        return render_pdf(template, ctx, title=f"{title} {antrag.eingangsnummer or ''}".strip())
