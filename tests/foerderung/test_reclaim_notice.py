"""The Erstattungsbescheid and the Verwendungsnachweis as submitted, read back from their PDFs.

Each case runs the real services from the notice on: the Zuwendungsbescheid, an advance,
the report with its receipts saved as a draft and submitted, the reclaim. The worked
numbers, one per financing type (the rule is in foerderung/abrechnung.py), each with
2.500,00 € granted:

- Festbetrag, 2.400,00 € paid, 2.000,00 € spent -> grant 2.000,00 €, refund 400,00 €;
- Anteil 80 %, 2.400,00 € paid, 2.600,00 € spent -> grant 2.080,00 €, refund 320,00 €;
- Fehlbedarf, Eigenmittel 500,00 €, 2.400,00 € paid, 2.600,00 € spent -> grant 2.100,00 €,
  refund 300,00 €;
- Festbetrag, the whole grant of 2.500,00 € paid, 2.000,00 € spent -> refund 500,00 €.

In the first three less is paid than granted, so that the notice is seen to take the paid
sum from the ledger.
"""

import datetime
import re
import subprocess
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from foerderung import services
from foerderung.models import Anhang, Dokument, Finanzierungsart, Status
from tests.factories import KommuneFactory

from .factories import KASSE, AufrufFactory, antrag_in, fachdienst_user

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SACHBERICHT = "Die Bänke stehen seit Mai am Dorfplatz. Zum Eröffnungsfest kamen 120 Gäste."
KASSENZEICHEN = "5.0123.456789.1"
WIDERSPRUCH_STELLE = (
    "Landkreis Ludwigslust-Parchim\nDer Landrat\nPutlitzer Straße 25\n19370 Parchim"
)
GRUND = "Die Bewirtung beim Fest war im Finanzierungsplan geringer angesetzt."

CASES = {
    "festbetrag": {
        "aufruf": {"finanzierungsart": Finanzierungsart.FESTBETRAG},
        "ausgezahlt": ("2400", "2.400,00 €"),
        "belege": [("Tischlerei Holzmann", "Bänke und Tisch", 0, "1450.00"), ("Getränke Meyer", "Getränke zum Fest", 1, "550.00")],
        "zuwendung": "2.000,00 €",
        "erstattung": "400,00 €",
        "regel": ["als Festbetragsfinanzierung bewilligt", "Bei der Festbetragsfinanzierung", "Nach Ihren Angaben ergibt das 2.000,00 €:", "Zuwendung (Festbetragsfinanzierung) 2.500,00 € 2.000,00 €"],
        "grund": GRUND,
    },
    "anteil": {
        "aufruf": {"finanzierungsart": Finanzierungsart.ANTEIL, "anteil_prozent": Decimal("80")},
        "ausgezahlt": ("2400", "2.400,00 €"),
        "belege": [("Tischlerei Holzmann", "Bänke und Tisch", 0, "1800.00"), ("Getränke Meyer", "Getränke zum Fest", 1, "800.00")],
        "zuwendung": "2.080,00 €",
        "erstattung": "320,00 €",
        "regel": ["als Anteilfinanzierung bewilligt", "beträgt die Zuwendung 80 % der zuwendungsfähigen Ausgaben, höchstens 2.500,00 €", "Nach Ihren Angaben ergibt das 2.080,00 €:", "Zuwendungsfähige Ausgaben 3.000,00 € 2.600,00 €", "Zuwendung (Anteilfinanzierung, 80 %) 2.500,00 € 2.080,00 €"],
    },
    "fehlbedarf": {
        "aufruf": {"finanzierungsart": Finanzierungsart.FEHLBEDARF},
        "ausgezahlt": ("2400", "2.400,00 €"),
        "belege": [("Tischlerei Holzmann", "Bänke und Tisch", 0, "1800.00"), ("Getränke Meyer", "Getränke zum Fest", 1, "800.00")],
        "zuwendung": "2.100,00 €",
        "erstattung": "300,00 €",
        "regel": ["als Fehlbedarfsfinanzierung bewilligt", "die zuwendungsfähigen Ausgaben die Deckungsmittel übersteigen", "Nach Ihren Angaben ergibt das 2.100,00 €:", "Eigenmittel 500,00 € 500,00 €", "Deckungsmittel 500,00 € 500,00 €", "Zuwendung (Fehlbedarfsfinanzierung) 2.500,00 € 2.100,00 €"],
    },
    "festbetrag_voll": {
        "aufruf": {"finanzierungsart": Finanzierungsart.FESTBETRAG},
        "ausgezahlt": ("2500", "2.500,00 €"),
        "belege": [("Tischlerei Holzmann", "Bänke und Tisch", 0, "1450.00"), ("Getränke Meyer", "Getränke zum Fest", 1, "550.00")],
        "zuwendung": "2.000,00 €",
        "erstattung": "500,00 €",
        "regel": ["als Festbetragsfinanzierung bewilligt", "Nach Ihren Angaben ergibt das 2.000,00 €:"],
    },
}  # fmt: skip


MARGINS = re.compile(
    r"Seite \d+ von \d+|(Erstattungsbescheid|Verwendungsnachweis) vom [\d.]+ · Az\."
)


def pdf_lines(dokument: Dokument) -> list[str]:
    """The lines of the stored PDF as pdftotext lays them out."""
    with dokument.datei.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    raw = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return raw.replace("\f", "\n").splitlines()


def flowing(lines: list[str]) -> str:
    """The text in one line, the running header and footer of the pages after the text that
    flows across them; a name broken at its hyphen ("Ludwigslust-|Parchim") is joined."""
    body = [line.strip() for line in lines if not MARGINS.search(line)]
    margins = [line for line in lines if MARGINS.search(line)]
    text = "\n".join(body)
    text = re.sub(r"(?<=\w-)\n(?=\w)", "", text)
    return " ".join(" ".join([text, *margins]).split())


def pdf_text(dokument: Dokument) -> str:
    return flowing(pdf_lines(dokument))


def beleg_row(lines: list[str], nummer: int) -> str:
    """The row of receipt `nummer` in the Belegliste: its lines, as far as the next empty one
    (a cell's text may wrap onto the row's next line)."""
    start = next(i for i, line in enumerate(lines) if re.match(rf"{nummer}\s+\d\d\.", line))
    end = next(i for i in range(start, len(lines)) if not lines[i].strip())
    return " ".join(" ".join(lines[start:end]).split())


def in_order(text: str, *expected: str) -> None:
    """Each of `expected` appears in `text`, in this order."""
    position = 0
    for part in expected:
        found = text.find(part, position)
        assert found >= 0, f"„{part}“ fehlt (oder steht zu früh):\n{text}"
        position = found + len(part)


def _fall(name: str, *, grund: str = "") -> dict:
    """One case of CASES, from the notice to the reclaim, through the services."""
    case = CASES[name]
    kommune = KommuneFactory(
        name="Landkreis Ludwigslust-Parchim",
        slug=f"erstattung-{name}",
        anschrift="Garnisonsstraße 1\n19288 Ludwigslust",
    )
    aufruf = AufrufFactory(
        kommune=kommune,
        title="Kleinprojektefonds 2026",
        aktenzeichen="20.1-KPF-2026",
        widerspruch_stelle=WIDERSPRUCH_STELLE,
        **KASSE,
        **case["aufruf"],
    )
    beamter = fachdienst_user(
        kommune, username=f"erstattung-{name}", first_name="Maria", last_name="Muster"
    )
    antrag = antrag_in(Status.ENTSCHIEDEN, aufruf=aufruf)  # 2.500,00 € requested and granted
    owner = antrag.antragsteller
    heute = timezone.localdate()
    bescheid = services.issue_notice(antrag=antrag, by=beamter)
    bescheid_am = datetime.datetime.combine(
        heute - datetime.timedelta(days=120), datetime.time(9, 15), tzinfo=BERLIN
    )
    Dokument.objects.filter(pk=bescheid.pk).update(created_at=bescheid_am)
    services.pay(
        antrag=antrag,
        by=beamter,
        betrag=Decimal(case["ausgezahlt"][0]),
        datum=heute - datetime.timedelta(days=100),
    )
    datei = services.add_attachment(
        antrag=antrag,
        by=owner,
        upload=SimpleUploadedFile("rechnung-holzmann.pdf", b"%PDF-1.4\n%%EOF"),
        art=Anhang.Art.BELEG,
    )
    kosten = list(antrag.kosten.all())
    belege = [
        {
            "kostenposition": kosten[zeile],
            "datum": heute - datetime.timedelta(days=30 - i),
            "empfaenger": empfaenger,
            "zweck": zweck,
            "betrag": Decimal(betrag),
            "anhang": datei if i == 0 else None,
        }
        for i, (empfaenger, zweck, zeile, betrag) in enumerate(case["belege"])
    ]
    services.save_nachweis(
        antrag=antrag,
        by=owner,
        data={
            "sachbericht": SACHBERICHT,
            "eigenmittel_ist": Decimal("500"),
            "drittmittel_ist": Decimal("0"),
            "einnahmen_ist": Decimal("0"),
        },
        belege=belege,
    )
    nachweis_am = datetime.datetime.combine(
        heute - datetime.timedelta(days=3), datetime.time(14, 35), tzinfo=BERLIN
    )
    services.submit_nachweis(antrag=antrag, by=owner, now=nachweis_am)
    frist = heute + datetime.timedelta(days=30)
    erstattungsbescheid = services.reclaim(
        antrag=antrag, by=beamter, kassenzeichen=KASSENZEICHEN, frist=frist, begruendung=grund
    )
    antrag.refresh_from_db()
    return {
        "antrag": antrag,
        "bescheid": pdf_text(erstattungsbescheid),
        "dokument": erstattungsbescheid,
        "bescheid_am": bescheid_am.strftime("%d.%m.%Y"),
        "nachweis_am": nachweis_am.strftime("%d.%m.%Y"),
        "frist": frist.strftime("%d.%m.%Y"),
        "heute": heute.strftime("%d.%m.%Y"),
        "belege": [beleg["datum"].strftime("%d.%m.%Y") for beleg in belege],
    }


@pytest.mark.parametrize("name", list(CASES))
def test_erstattungsbescheid_sets_the_refund_with_its_reasons(
    name, django_capture_on_commit_callbacks
):
    case = CASES[name]
    with django_capture_on_commit_callbacks(execute=True):
        fall = _fall(name, grund=case.get("grund", ""))
    text, antrag = fall["bescheid"], fall["antrag"]
    assert antrag.status == Status.RUECKFORDERUNG
    # the letterhead: authority, address, and in the information block beside it the
    # Aktenzeichen, the officer and the date
    for fact in (
        "Landkreis Ludwigslust-Parchim Fachdienst Gleichstellung",
        "Heimatverein Beispieldorf e. V.",
        "19288 Ludwigslust",
        f"Aktenzeichen {antrag.aktenzeichen}",
        "Name Maria Muster",
        f"Datum {fall['heute']}",
    ):
        assert fact in text, fact
    in_order(
        text,
        "Erstattungsbescheid Kleinprojektefonds 2026: Projekt „Treffpunkt für Jung und Alt“",
        f"nach Prüfung Ihres Verwendungsnachweises vom {fall['nachweis_am']} erlässt der "
        "Landkreis Ludwigslust-Parchim folgenden Bescheid:",
        # the Tenor first
        f"Die mit Zuwendungsbescheid vom {fall['bescheid_am']} bewilligte Zuwendung von "
        f"2.500,00 € ermäßigt sich nach Ihrem Verwendungsnachweis vom {fall['nachweis_am']} "
        f"auf {case['zuwendung']}.",
        "Insoweit ist der Zuwendungsbescheid durch die Bedingung unter Nr. 4.3 seiner "
        "Nebenbestimmungen unwirksam geworden.",
        f"Der zu erstattende Betrag wird auf {case['erstattung']} festgesetzt "
        "(§ 49a Abs. 1 Satz 2 VwVfG).",
        f"bis zum {fall['frist']} zu überweisen an Kreiskasse Ludwigslust-Parchim, "
        "IBAN DE02 1203 0000 0000 2020 51, BIC BYLADEM1001, Deutsche Kreditbank, "
        f"unter Angabe des Kassenzeichens {KASSENZEICHEN}.",
        "fünf Prozentpunkten über dem Basiszinssatz",
        "(§ 49a Abs. 3 Satz 1 VwVfG)",
        "Der Landkreis Ludwigslust-Parchim sieht davon ab, die Zinsen geltend zu machen, wenn "
        f"der Erstattungsbetrag bis zum {fall['frist']} vollständig eingeht "
        "(§ 49a Abs. 3 Satz 2 VwVfG).",
        # the reasons: the computation, the legal basis, the hearing
        "Begründung",
        *case["regel"],
        f"Zuwendung nach dem Verwendungsnachweis {case['zuwendung']}",
        f"Ausgezahlt {case['ausgezahlt'][1]}",
        f"Zu erstatten (ausgezahlt abzüglich Zuwendung) {case['erstattung']}",
        "auflösende Bedingung (§ 36 Abs. 2 Nr. 2 VwVfG)",
        "(§ 49a Abs. 1 VwVfG)",
        "Von einer Anhörung wurde abgesehen, weil dieser Bescheid nicht zu Ihren Ungunsten von "
        "Ihren eigenen Angaben im Verwendungsnachweis abweicht (§ 28 Abs. 2 Nr. 3 VwVfG).",
        # the Rechtsbehelfsbelehrung and the officer
        "Rechtsbehelfsbelehrung",
        "innerhalb eines Monats nach seiner Bekanntgabe Widerspruch erhoben werden",
        "einzulegen bei: Landkreis Ludwigslust-Parchim Der Landrat Putlitzer Straße 25 "
        "19370 Parchim",
        "Mit freundlichen Grüßen Im Auftrag Maria Muster",
        "Dieser Bescheid wurde elektronisch erstellt und ist ohne Unterschrift gültig.",
        # the running header of the second page
        f"Erstattungsbescheid vom {fall['heute']} · Az. {antrag.aktenzeichen}",
    )
    assert "Seite 1 von" in text
    if case.get("grund"):
        in_order(text, "Begründung", "Ergänzend:", case["grund"], "Anhörung")
    else:
        assert "Ergänzend" not in text
    # the applicant is told, with the notice attached and the amount, due date, Kassenzeichen
    to_applicant = [m for m in mail.outbox if antrag.email in m.to]
    notice_mail = to_applicant[-1]
    assert [a[0] for a in notice_mail.attachments] == [fall["dokument"].dateiname]
    assert notice_mail.attachments[0][1].startswith(b"%PDF")
    assert f"{case['erstattung']} zu zahlen bis {fall['frist']}, Kassenzeichen {KASSENZEICHEN}" in (
        " ".join(notice_mail.body.split())
    )


def test_verwendungsnachweis_pdf_gives_the_report_as_submitted(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        fall = _fall("festbetrag")
    antrag = fall["antrag"]
    lines = pdf_lines(antrag.dokumente.get(art=Dokument.Art.NACHWEIS))
    text = flowing(lines)
    in_order(
        text,
        "Verwendungsnachweis",
        "Kleinprojektefonds 2026 · Landkreis Ludwigslust-Parchim",
        f"Eingang am {fall['nachweis_am']} um 14:35 Uhr · Aktenzeichen {antrag.aktenzeichen}",
        "keine Anerkennung und kein Bescheid",
        f"Zuwendungsbescheid vom {fall['bescheid_am']}",
        "Bewilligt 2.500,00 €",
        "Sachbericht",
        SACHBERICHT,
        # income planned against actual, with the grant as paid
        "Eigenmittel 500,00 € 500,00 €",
        "Drittmittel 0,00 € 0,00 €",
        "Sonstige Einnahmen des Projekts – 0,00 €",
        "Zuwendung aus dem Kleinprojektefonds (bewilligt / ausgezahlt) 2.500,00 € 2.400,00 €",
        "Einnahmen insgesamt 3.000,00 € 2.900,00 €",
        # expenses per line of the cost plan: planned, actual, difference
        "Bänke und Tisch 2.000,00 € 1.450,00 € -550,00 €",
        "Fest zur Eröffnung 1.000,00 € 550,00 € -450,00 €",
        "Ausgaben insgesamt 3.000,00 € 2.000,00 € -1.000,00 €",
        "Belegliste",
        "Summe der Belege 2.000,00 €",
        # the provisional result
        "Vorläufiges Ergebnis der Abrechnung",
        "vorbehaltlich der Prüfung Ihres Verwendungsnachweises",
        "Zuwendung nach Ihren Angaben 2.000,00 €",
        "Bereits ausgezahlt 2.400,00 €",
        "Erstattung 400,00 €",
        "Bitte zahlen Sie erst, wenn Ihnen der Erstattungsbescheid",
        f"Verwendungsnachweis vom {fall['nachweis_am']} · Az. {antrag.aktenzeichen}",
    )
    # the receipts: date, payee, purpose, cost line, amount, running total, file
    erster, zweiter = beleg_row(lines, 1), beleg_row(lines, 2)
    for fact in (
        fall["belege"][0],
        "Tischlerei",
        "Holzmann",
        "Bänke und Tisch Bänke und Tisch",
        "1.450,00 € 1.450,00 €",
        "holzmann.pdf",
    ):
        assert fact in erster, (fact, erster)
    for fact in (fall["belege"][1], "Getränke Meyer", "Fest", "550,00 € 2.000,00 € –"):
        assert fact in zweiter, (fact, zweiter)
    for not_a_notice in ("Rechtsbehelfsbelehrung", "Widerspruch", "Im Auftrag"):
        assert not_a_notice not in text
    # the applicant got it by mail on submission
    attached = [name for m in mail.outbox for name, *_ in m.attachments]
    nachweis = antrag.dokumente.get(art=Dokument.Art.NACHWEIS)
    assert nachweis.dateiname in attached


def test_eingangsbestaetigung_never_names_the_applicant_as_the_authoritys_contact():
    """The applicant's own submission is rendered with the applicant as `by`: the information
    block names the authority's contact, not the applicant."""
    aufruf = AufrufFactory(kontakt_name="", kontakt_email="")
    antrag = antrag_in(Status.ENTWURF, aufruf=aufruf)
    owner = antrag.antragsteller
    owner.first_name, owner.last_name = "Petra", "Portal"
    owner.save()
    services.submit(antrag=antrag, by=owner)
    text = pdf_text(antrag.dokumente.get(art=Dokument.Art.EINGANG))
    assert "Eingangsbestätigung" in text
    assert "Petra Portal" not in text
    assert owner.email not in text
