"""A draft never loses input: one wrong field no longer throws away the others or the files.

Every valid field, every valid cost line and every chosen file is stored; the page comes
back (400) with what was typed, the wrong fields marked and a message naming them.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from foerderung.models import Status
from tests.test_betrag_field import FormData

from .factories import VALID_IBAN, AntragFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
BAD_IBAN = "DE89370400440532013001"  # check digits do not match


@pytest.fixture
def antrag(client):
    antrag = AntragFactory()
    client.force_login(antrag.antragsteller)
    return antrag


def url(antrag) -> str:
    return reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})


def post(client, antrag, files=None, **changes):
    """The edit page's form as a browser posts it, with `changes` typed in."""
    data = FormData(client.get(url(antrag)).content.decode()).data
    data.update({name: [value] for name, value in changes.items()})
    if files:
        data["dateien"] = files
    return client.post(url(antrag), data)


def field(html: str, name: str) -> str:
    """The <input> of `name` on the page."""
    return re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)


def test_bad_iban_keeps_the_title_and_the_file_and_names_the_iban(client, antrag):
    pdf = SimpleUploadedFile("kostenplan.pdf", PDF, content_type="application/pdf")
    response = post(client, antrag, files=[pdf], iban=BAD_IBAN, title="Bänke für alle")
    assert response.status_code == 400
    antrag.refresh_from_db()
    assert antrag.title == "Bänke für alle"
    assert antrag.iban == VALID_IBAN
    assert list(antrag.anhaenge.values_list("name", flat=True)) == ["kostenplan.pdf"]
    assert [k.betrag for k in antrag.kosten.all()] == [Decimal("2000"), Decimal("1000")]
    html = response.content.decode()
    assert (
        "Ihr Entwurf ist gespeichert – außer dieser Angabe: IBAN. Bitte korrigieren Sie sie. "
        "Auch die Datei „kostenplan.pdf“ ist gespeichert."
    ) in html
    assert f'value="{BAD_IBAN}"' in field(html, "iban")
    assert 'aria-invalid="true"' in field(html, "iban")
    assert "Prüfziffer der IBAN" in html
    assert 'aria-invalid="true"' not in field(html, "title")
    assert ">kostenplan.pdf</a>" in html  # the stored file is listed on the page that came back


def test_several_wrong_fields_are_all_named(client, antrag):
    response = post(client, antrag, iban=BAD_IBAN, plz="1928", ort="Hagenow")
    assert response.status_code == 400
    assert (
        "Ihr Entwurf ist gespeichert – außer diesen Angaben: Postleitzahl, IBAN. "
        "Bitte korrigieren Sie sie."
    ) in response.content.decode()
    antrag.refresh_from_db()
    assert (antrag.ort, antrag.plz, antrag.iban) == ("Hagenow", "19288", VALID_IBAN)


def test_a_wrong_amount_keeps_the_rest_and_comes_back_as_typed(client, antrag):
    response = post(client, antrag, beantragt="2.500,125", eigenmittel="1.000", title="Neu")
    assert response.status_code == 400
    html = response.content.decode()
    assert "außer dieser Angabe: Beantragte Förderung." in html
    assert "„2.500,125“ hat drei Nachkommastellen." in html
    assert 'value="2.500,125"' in field(html, "beantragt")
    assert 'value="1.000"' in field(html, "eigenmittel")  # what was typed, not reformatted
    antrag.refresh_from_db()
    assert (antrag.title, antrag.eigenmittel, antrag.beantragt) == (
        "Neu",
        Decimal("1000"),
        Decimal("2500"),
    )


def test_a_wrong_cost_line_keeps_its_stored_line_and_the_good_lines_are_saved(client, antrag):
    response = post(
        client,
        antrag,
        **{
            "kosten-0-betrag": "1.500",
            "kosten-1-betrag": "tausend",
            "kosten-2-bezeichnung": "Plakate",
            "kosten-2-betrag": "250,50",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "außer dieser Angabe: Kostenplan, Zeile 2." in html
    assert 'value="tausend"' in field(html, "kosten-1-betrag")
    antrag.refresh_from_db()
    assert [(k.bezeichnung, k.betrag) for k in antrag.kosten.all()] == [
        ("Bänke und Tisch", Decimal("1500")),
        ("Fest zur Eröffnung", Decimal("1000")),  # the stored line, not lost
        ("Plakate", Decimal("250.50")),
    ]
    assert antrag.gesamtkosten == Decimal("2750.50")


def test_a_refused_cost_list_keeps_the_stored_plan(client, antrag):
    changes = {"kosten-TOTAL_FORMS": "31", "kosten-0-betrag": "1.500"}  # at most 30 lines
    response = post(client, antrag, title="Neu", **changes)
    assert response.status_code == 400
    assert "außer dieser Angabe: Kostenplan." in response.content.decode()
    antrag.refresh_from_db()
    assert antrag.title == "Neu"
    assert [k.betrag for k in antrag.kosten.all()] == [Decimal("2000"), Decimal("1000")]


def test_a_valid_start_after_the_stored_end_waits_for_a_valid_end(client, antrag):
    beginn, later = antrag.beginn, antrag.ende + datetime.timedelta(days=10)
    response = post(client, antrag, beginn=later.isoformat(), ende="31.02.", title="Neu")
    assert response.status_code == 400
    html = response.content.decode()
    assert "außer diesen Angaben: Projektbeginn, Projektende." in html
    assert "Wird gespeichert, sobald auch „Projektende“ stimmt." in html
    antrag.refresh_from_db()
    assert antrag.title == "Neu" and antrag.beginn == beginn


def test_submitting_with_a_wrong_field_saves_the_rest_and_does_not_submit(client, antrag):
    pdf = SimpleUploadedFile("angebot.pdf", PDF, content_type="application/pdf")
    response = post(client, antrag, files=[pdf], aktion="einreichen", plz="123", title="Neu")
    assert response.status_code == 400
    html = response.content.decode()
    assert "außer dieser Angabe: Postleitzahl." in html
    assert "Ihr Antrag ist noch nicht eingereicht." in html
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTWURF and antrag.eingangsnummer is None
    assert antrag.title == "Neu" and antrag.plz == "19288"
    assert antrag.anhaenge.get().name == "angebot.pdf"


def test_a_draft_without_errors_is_saved_and_the_page_reloads(client, antrag):
    response = post(client, antrag, title="Neu", beantragt="2 500,00")
    assert response.status_code == 302
    antrag.refresh_from_db()
    assert antrag.title == "Neu" and antrag.beantragt == Decimal("2500")


def test_a_refused_file_is_named_and_the_fields_are_saved(client, antrag):
    fake = SimpleUploadedFile("programm.pdf", b"MZ\x90\x00binary")
    good = SimpleUploadedFile("plan.pdf", PDF)
    response = post(client, antrag, files=[fake, good], title="Neu")
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Ihr Entwurf ist gespeichert. Auch die Datei „plan.pdf“ ist gespeichert. "
        "Nicht jede Datei wurde angenommen."
    ) in html
    assert "keine PDF-, JPEG- oder PNG-Datei" in html
    antrag.refresh_from_db()
    assert antrag.title == "Neu"
    assert list(antrag.anhaenge.values_list("name", flat=True)) == ["plan.pdf"]
