"""Each PDF's text, read back with pdftotext."""

import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from foerderung import services
from foerderung.models import Dokument, Status

from .factories import AntragFactory, antrag_in, fachdienst_user

pytestmark = pytest.mark.django_db


def text(dokument: Dokument) -> str:
    with dokument.datei.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_application_and_receipt_pdfs():
    antrag = AntragFactory()
    services.add_attachment(
        antrag=antrag,
        by=antrag.antragsteller,
        upload=SimpleUploadedFile("lageplan.pdf", b"%PDF-1.4\n%%EOF"),
    )
    services.submit(antrag=antrag, by=antrag.antragsteller)
    antrag.refresh_from_db()
    pdf = text(antrag.dokumente.get(art="antrag"))
    assert "Antrag auf Förderung aus dem Kleinprojektefonds" in pdf
    assert antrag.eingangsnummer in pdf
    assert "Treffpunkt für Jung und Alt" in pdf
    assert "3.000,00 €" in pdf and "2.500,00 €" in pdf
    assert "DE89 3704 0044 0532 0130 00" in pdf
    assert "lageplan.pdf" in pdf
    assert "Fassung 2026-11" in pdf
    receipt = text(antrag.dokumente.get(art="eingang"))
    assert "Eingangsbestätigung" in receipt and antrag.eingangsnummer in receipt


def test_zuwendungsbescheid_pdf():
    antrag = antrag_in(Status.ENTSCHIEDEN, beantragt=Decimal("2500"))
    antrag.bewilligt = Decimal("2000")
    antrag.begruendung = "Das Eröffnungsfest ist nicht zuwendungsfähig."
    antrag.save()
    dokument = services.issue_notice(antrag=antrag, by=fachdienst_user())
    pdf = text(dokument)
    for expected in [
        "Zuwendungsbescheid",
        "Heimatverein Beispieldorf e. V.",
        "Zuwendungszweck",
        "2.000,00 €",
        "Festbetragsfinanzierung",
        "Bewilligungszeitraum",
        antrag.aufruf.umsetzung_von.strftime("%d.%m.%Y"),
        "Auszahlung",
        "Nebenbestimmungen",
        "Verwendungsnachweis",
        antrag.aufruf.nachweis_faellig.strftime("%d.%m.%Y"),
        "Rechtsbehelfsbelehrung",
        "Widerspruch",
    ]:
        assert expected in pdf, expected


def test_ablehnungsbescheid_pdf_has_the_reason():
    antrag = antrag_in(Status.JURY)
    unit = fachdienst_user()
    services.decide(
        antrag=antrag,
        by=unit,
        entscheidung="ablehnung",
        begruendung="Das Projekt hat bereits begonnen.",
    )
    services.issue_notice(antrag=antrag, by=unit)
    pdf = text(antrag.dokumente.get(art="ablehnung"))
    assert "Ablehnungsbescheid" in pdf
    assert "Das Projekt hat bereits begonnen." in pdf
    assert "Rechtsbehelfsbelehrung" in pdf
