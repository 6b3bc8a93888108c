"""The blank application form of a call as a PDF, read back with pdftotext."""

import datetime
import re
import subprocess
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from foerderung import antragsformular
from foerderung.forms import AntragForm, KostenForm
from foerderung.models import AntragstellerArt, Finanzierungsart
from tests.factories import KommuneFactory

from .factories import AufrufFactory

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def url(aufruf, kommune=None, language="de") -> str:
    with translation.override(language):
        return reverse(
            "foerderung:antragsformular",
            kwargs={"kommune": (kommune or aufruf.kommune).slug, "pk": aufruf.pk},
        )


def pdf_text(content: bytes) -> str:
    """The text in reading order, whitespace (and non-breaking spaces) collapsed."""
    assert content.startswith(b"%PDF")
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def online_labels(aufruf) -> list[str]:
    """Every label of the online application form, as the applicant sees it in German."""
    with translation.override("de"):
        return [str(f.label) for f in AntragForm(aufruf=aufruf).fields.values()]


@pytest.fixture
def aufruf():
    kommune = KommuneFactory(name="Landkreis Musterland", anschrift="Am Markt 1\n19000 Musterstadt")
    return AufrufFactory(
        kommune=kommune,
        title="Kleinprojektefonds Musterland 2099",
        regeln="Gefördert werden Sachkosten und Honorare.",
        mindestbetrag=Decimal("500"),
        hoechstbetrag=Decimal("5000"),
        finanzierungsart=Finanzierungsart.ANTEIL,
        anteil_prozent=Decimal("80"),
        eigenanteil_prozent=Decimal("10"),
        antragsteller_arten=[AntragstellerArt.VEREIN, AntragstellerArt.INITIATIVE],
        einreichung_bis=datetime.datetime(2099, 3, 31, 12, 0, tzinfo=BERLIN),
        umsetzung_von=datetime.date(2099, 5, 1),
        umsetzung_bis=datetime.date(2099, 10, 31),
        kontakt_name="Frieda Förster",
        kontakt_telefon="03871 722-0",
    )


def test_form_pdf_has_the_call_its_rules_and_every_field_of_the_online_form(client, aufruf):
    response = client.get(url(aufruf))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="antragsformular-{aufruf.kommune.slug}-{aufruf.pk}.pdf"'
    )
    text = pdf_text(response.content)
    for expected in [
        "Kleinprojektefonds Musterland 2099",
        "Landkreis Musterland",
        # the rules
        "Gefördert werden Projekte mit demografischem Mehrwert.",
        "Gefördert werden Sachkosten und Honorare.",
        "mindestens 500,00 €, höchstens 5.000,00 €",
        "Anteilfinanzierung: 80 % der zuwendungsfähigen Ausgaben",
        "mindestens 10 % der Gesamtkosten",
        "Verein, Initiative",
        "1. Mai 2099 bis 31. Oktober 2099",
        "31. März 2099, 12:00 Uhr",
        # where it goes, whom to ask
        "Fachdienst Gleichstellung, Generationen und Vielfalt Am Markt 1 19000 Musterstadt",
        "Frieda Förster",
        "Telefon: 03871 722-0",
        # the cost plan, the notice and the signature
        "Gesamtkosten",
        "Datenschutzhinweis (Fassung 2026-11)",
        "Ort, Datum",
        "Unterschrift der vertretungsberechtigten Person",
        "Seite 1 von",
    ]:
        assert expected in text, expected
    for label in online_labels(aufruf):
        assert label in text, label
    with translation.override("de"):
        for heading in [str(f.label) for f in KostenForm().fields.values()]:
            assert heading in text, heading
    # Only the kinds of applicant the call is open to can be ticked.
    assert "Verband" not in text


def test_sections_come_in_the_order_of_the_online_form(client, aufruf):
    text = pdf_text(client.get(url(aufruf)).content)
    positions = [text.index(str(title)) for title, *_rest in antragsformular.ABSCHNITTE]
    assert positions == sorted(positions)
    assert text.index("Name der Organisation") < text.index("Projekttitel")


def test_groups_are_those_of_the_online_form_and_hold_every_field():
    """The online form groups its fields in its template; the paper form's ABSCHNITTE must
    say the same, and leave no field to "Weitere Angaben"."""
    template = Path(settings.BASE_DIR, "templates/foerderung/antrag_form.html").read_text()
    online = [
        (
            re.search(r'<legend[^>]*>{% translate "([^"]+)" %}</legend>', chunk).group(1),
            re.findall(r"field=form\.(\w+)", chunk),
        )
        for chunk in template.split('<fieldset class="kern-fieldset"')[1:]
    ]
    paper = [(str(title), names) for title, _key, names, _hint in antragsformular.ABSCHNITTE]
    assert paper == online
    placed = [name for _title, _key, names, _hint in antragsformular.ABSCHNITTE for name in names]
    assert sorted(placed) == sorted(AntragForm().fields)


def test_a_field_the_online_form_gains_is_on_the_paper_form(monkeypatch, aufruf):
    class Erweitert(AntragForm):
        gegruendet = forms.IntegerField(label="Gegründet im Jahr", required=False)

    monkeypatch.setattr(antragsformular, "AntragForm", Erweitert)
    with translation.override("de"):
        abschnitte = antragsformular.abschnitte(aufruf)
    weitere = [a for a in abschnitte if a.title == "Weitere Angaben"]
    assert [f.label for f in weitere[0].felder] == ["Gegründet im Jahr"]
    assert abschnitte[-1].key == antragsformular.ERKLAERUNGEN  # the signature stays last


def test_deadline_at_the_end_of_the_day_is_a_date_without_hour(aufruf):
    aufruf.einreichung_bis = datetime.datetime(2099, 3, 31, 23, 59, 59, tzinfo=BERLIN)
    assert antragsformular.frist(aufruf)["uhrzeit"] is False
    aufruf.einreichung_bis = datetime.datetime(2099, 3, 31, 12, 0, tzinfo=BERLIN)
    assert antragsformular.frist(aufruf)["uhrzeit"] is True


def test_english_page_gives_the_german_form(client, aufruf):
    address = url(aufruf, language="en")
    assert address.startswith("/en/")
    response = client.get(address)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Name der Organisation" in text and "Unterschrift der vertretungsberechtigten" in text
    assert "31. März 2099" in text


def test_unpublished_call_has_no_form(client, aufruf):
    aufruf.published = False
    aufruf.save()
    assert client.get(url(aufruf)).status_code == 404


def test_call_of_another_commune_has_no_form_under_this_communes_address(client, aufruf):
    other = KommuneFactory()
    assert client.get(url(aufruf, kommune=other)).status_code == 404


def test_unknown_call_has_no_form(client, aufruf):
    address = reverse(
        "foerderung:antragsformular", kwargs={"kommune": aufruf.kommune.slug, "pk": aufruf.pk + 1}
    )
    assert client.get(address).status_code == 404


def test_call_page_links_the_form(client, aufruf):
    response = client.get(aufruf.get_absolute_url())
    page = response.content.decode()
    assert f'href="{url(aufruf)}"' in page
    assert "Antragsformular zum Ausdrucken (PDF)" in page
    assert "auch auf Papier stellen" in page
