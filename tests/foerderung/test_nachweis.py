"""The Verwendungsnachweis as a draft that never loses input, and what the application pages
show of the report, the ledger and the open deadlines.

The page is posted as a browser posts it (tests.html_forms.FormData): every field of the
page, with the changes a person types in.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from foerderung import services
from foerderung.models import Anhang, Beleg, Buchung, Dokument, Frist, Status
from tests.html_forms import FormData

from .factories import (
    KASSE,
    AufrufFactory,
    UserFactory,
    antrag_in,
    buche,
    fachdienst_user,
    nachweis_fuer,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
HEUTE = timezone.localdate()
GESTERN = (HEUTE - datetime.timedelta(days=1)).isoformat()


@pytest.fixture
def antrag(client, kommune):
    """Granted 2.500 €, paid in full as an advance; the applicant is signed in."""
    antrag = antrag_in(Status.AUSGEZAHLT, aufruf=AufrufFactory(kommune=kommune, **KASSE))
    buche(antrag, Buchung.Art.ABSCHLAG, "2500")
    client.force_login(antrag.antragsteller)
    return antrag


def url(antrag) -> str:
    return reverse("foerderung:nachweis", kwargs={"pk": antrag.pk})


def pdf(name="rechnung.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def zeile(antrag, nr: int, position=0, **fields) -> dict:
    """A complete line of the Belegliste (`nr` counts from 0), booked to a cost line."""
    kosten = list(antrag.kosten.all())
    values = {
        "datum": GESTERN,
        "empfaenger": "Tischlerei Holzmann",
        "zweck": "Zwei Bänke und ein Tisch",
        "kostenposition": str(kosten[position].pk),
        "betrag": "1.234,56",
        **fields,
    }
    return {f"beleg-{nr}-{name}": value for name, value in values.items()}


def post(client, antrag, aktion="speichern", page=None, **changes):
    """The report page's form as a browser posts it, with `changes` typed in (a file as a
    SimpleUploadedFile). `page`: the HTML the form is read from (default: a fresh GET)."""
    html = page if page is not None else client.get(url(antrag)).content.decode()
    data = FormData(html).data
    for name, value in changes.items():
        data[name] = value if isinstance(value, SimpleUploadedFile) else [value]
    data["aktion"] = [aktion]
    return client.post(url(antrag), data)


def complete(antrag) -> dict:
    return {
        "sachbericht": "Die Bänke stehen, das Fest war gut besucht.",
        "eigenmittel_ist": "500,00",
        "drittmittel_ist": "0",
        "einnahmen_ist": "0",
        **zeile(antrag, 0, betrag="2.000,00", datei=pdf()),
        **zeile(antrag, 1, position=1, empfaenger="Bäckerei Korn", betrag="1.000,00"),
    }


def field(html: str, name: str) -> str:
    """The <input> (or <select>, <textarea>) of `name` on the page."""
    return re.search(rf'<(input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)


def text(response) -> str:
    return response.content.decode()


def follow(client, response) -> str:
    assert response.status_code == 302, text(response)
    return client.get(response["Location"]).content.decode()


# ---- Draft -------------------------------------------------------------------------------


def test_draft_is_saved_and_resumed_with_text_figures_and_receipts(client, antrag):
    response = post(
        client,
        antrag,
        sachbericht="Bänke gebaut.",
        eigenmittel_ist="1.234,56",
        drittmittel_ist="0",
        **zeile(antrag, 0, datei=pdf("quittung.pdf")),
    )
    assert response.status_code == 302 and response["Location"] == url(antrag)
    html = client.get(response["Location"]).content.decode()
    assert "Entwurf gespeichert." in html
    nachweis = antrag.verwendungsnachweis
    assert nachweis.submitted_at is None
    assert (nachweis.sachbericht, nachweis.eigenmittel_ist) == ("Bänke gebaut.", Decimal("1234.56"))
    assert nachweis.drittmittel_ist == 0 and nachweis.einnahmen_ist is None
    beleg = nachweis.belege.get()
    assert (beleg.betrag, beleg.empfaenger, beleg.anhang.name) == (
        Decimal("1234.56"),
        "Tischlerei Holzmann",
        "quittung.pdf",
    )
    assert beleg.anhang.art == Anhang.Art.BELEG
    # Resumed exactly: the page shows what was stored.
    page = FormData(html).data
    assert page["sachbericht"] == ["\nBänke gebaut."]  # a browser drops the first newline
    assert page["eigenmittel_ist"] == ["1.234,56"] and page["einnahmen_ist"] == [""]
    assert page["beleg-0-betrag"] == ["1.234,56"]
    assert page["beleg-0-anhang"] == [str(beleg.anhang_id)]
    assert page["beleg-TOTAL_FORMS"] == ["4"]  # the stored line and three empty ones
    assert ">quittung.pdf</a>" in html
    assert "Summe bis hier: <strong>1.234,56\u00a0€</strong>" in html
    # Saved again as it stands, the line keeps its file and nothing doubles.
    assert post(client, antrag).status_code == 302
    assert [b.anhang_id for b in antrag.verwendungsnachweis.belege.all()] == [beleg.anhang_id]
    assert antrag.anhaenge.count() == 1


def test_upload_on_a_line_after_a_submit_error_keeps_the_sachbericht_and_figures(client, antrag):
    """The issue's case: "Bitte laden Sie mindestens einen Beleg hoch", then a receipt is
    uploaded, and the Sachbericht and every figure were gone."""
    response = post(
        client,
        antrag,
        aktion="einreichen",
        sachbericht="Was wir gemacht haben.",
        eigenmittel_ist="500",
        drittmittel_ist="0",
        einnahmen_ist="120,50",
    )
    assert response.status_code == 400
    html = text(response)
    assert "Bitte tragen Sie mindestens einen Beleg in die Belegliste ein." in html
    assert "Ihr Entwurf ist gespeichert, aber noch nicht eingereicht." in html
    # The receipt, on a fresh page (as after leaving it, or after a stand-alone upload).
    response = post(client, antrag, **zeile(antrag, 0, datei=pdf("beleg-1.pdf")))
    assert response.status_code == 302
    nachweis = antrag.verwendungsnachweis
    nachweis.refresh_from_db()
    assert nachweis.sachbericht == "Was wir gemacht haben."
    assert (nachweis.eigenmittel_ist, nachweis.einnahmen_ist) == (Decimal(500), Decimal("120.50"))
    assert nachweis.belege.get().anhang.name == "beleg-1.pdf"
    # Now it goes through.
    response = post(client, antrag, aktion="einreichen")
    assert response["Location"] == reverse("foerderung:antrag", kwargs={"pk": antrag.pk})


def test_a_receipt_uploaded_on_its_own_keeps_the_draft(client, antrag):
    post(client, antrag, sachbericht="Entwurf vom Montag.")
    response = client.post(
        reverse("foerderung:anhang_hochladen", kwargs={"pk": antrag.pk}),
        {"art": "beleg", "datei": pdf("nachgereicht.pdf")},
    )
    assert response["Location"] == url(antrag) + "#belegliste"
    page = FormData(client.get(url(antrag)).content.decode()).data
    assert page["sachbericht"] == ["\nEntwurf vom Montag."]


def test_a_wrong_line_is_shown_as_typed_and_everything_else_is_saved(client, antrag):
    response = post(
        client,
        antrag,
        sachbericht="Bericht.",
        eigenmittel_ist="500",
        **zeile(antrag, 0),
        **zeile(antrag, 1, betrag="abc", datei=pdf("kassenbon.pdf")),
    )
    assert response.status_code == 400
    html = text(response)
    assert (
        "Ihr Entwurf ist gespeichert – außer dieser Angabe: Belegliste, Zeile 2. "
        "Bitte korrigieren Sie sie. Auch die Datei „kassenbon.pdf“ ist gespeichert."
    ) in html
    assert 'value="abc"' in field(html, "beleg-1-betrag")
    assert 'aria-invalid="true"' in field(html, "beleg-1-betrag")
    assert "Bitte geben Sie einen Betrag in Euro an, z. B. 1.234,56." in html
    assert 'aria-invalid="true"' not in field(html, "beleg-0-betrag")
    nachweis = antrag.verwendungsnachweis
    assert nachweis.sachbericht == "Bericht." and nachweis.eigenmittel_ist == 500
    assert [b.betrag for b in nachweis.belege.all()] == [Decimal("1234.56")]
    # The file of the wrong line is kept: the page points the line at it.
    anhang = antrag.anhaenge.get(name="kassenbon.pdf")
    assert FormData(html).data["beleg-1-anhang"] == [str(anhang.pk)]
    # Corrected, the line is saved with that file.
    response = post(client, antrag, page=html, **{"beleg-1-betrag": "19,99"})
    assert response.status_code == 302
    assert [(b.betrag, b.anhang_id) for b in antrag.verwendungsnachweis.belege.all()] == [
        (Decimal("1234.56"), None),
        (Decimal("19.99"), anhang.pk),
    ]


def test_a_stored_line_typed_wrong_keeps_its_stored_version(client, antrag):
    post(client, antrag, **zeile(antrag, 0, betrag="80"), **zeile(antrag, 1, betrag="20"))
    response = post(client, antrag, **{"beleg-0-betrag": "-5", "beleg-1-betrag": "25"})
    assert response.status_code == 400
    assert "Bitte geben Sie keinen negativen Betrag an." in text(response)
    belege = antrag.verwendungsnachweis.belege.all()
    assert [b.betrag for b in belege] == [Decimal(80), Decimal(25)]


def test_a_line_can_be_removed_and_more_lines_added(client, antrag):
    post(client, antrag, **zeile(antrag, 0, betrag="80"), **zeile(antrag, 1, betrag="20"))
    response = post(client, antrag, aktion="zeilen", **{"beleg-0-entfernen": "on"})
    assert response.status_code == 302
    assert response["Location"] == url(antrag) + "?zeilen=6#belegliste"
    assert [b.betrag for b in antrag.verwendungsnachweis.belege.all()] == [Decimal(20)]
    page = FormData(client.get(response["Location"]).content.decode()).data
    assert page["beleg-TOTAL_FORMS"] == ["7"]  # one line left, six empty ones


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"beleg-0-datum": "2999-01-01"}, "Das Datum liegt in der Zukunft."),
        ({"beleg-0-datum": "1999-12-31"}, "Es liegt vor dem Jahr 2000."),
        ({"beleg-0-datum": "31.02.2026"}, "Bitte ein gültiges Datum eingeben."),
        ({"beleg-0-betrag": "1.234,567"}, "hat drei Nachkommastellen"),
        ({"beleg-0-betrag": "0"}, "größer oder gleich 0,01"),
        ({"beleg-0-zweck": "x" * 301}, "höchstens 300 Zeichen"),
        ({"beleg-0-empfaenger": ""}, "Bitte geben Sie an, an wen Sie gezahlt haben."),
    ],
)
def test_bad_receipt_lines_are_refused_with_a_message(client, antrag, changes, message):
    response = post(client, antrag, sachbericht="Bericht.", **{**zeile(antrag, 0), **changes})
    assert response.status_code == 400
    assert message in text(response)
    assert antrag.verwendungsnachweis.sachbericht == "Bericht."
    assert not antrag.verwendungsnachweis.belege.exists()


def test_bad_text_and_figures_are_refused_while_the_rest_is_saved(client, antrag):
    response = post(
        client,
        antrag,
        sachbericht="x" * 20001,
        eigenmittel_ist="abc",
        drittmittel_ist="99.999.999.999",
        einnahmen_ist="12,50",
    )
    assert response.status_code == 400
    html = text(response)
    assert "höchstens 20000 Zeichen" in html
    assert (
        "Ihr Entwurf ist gespeichert – außer diesen Angaben: Sachbericht, "
        "Eigenmittel, tatsächlich eingesetzt, in Euro, Drittmittel, tatsächlich erhalten, in Euro."
    ) in html
    nachweis = antrag.verwendungsnachweis
    assert nachweis.einnahmen_ist == Decimal("12.50")
    assert nachweis.sachbericht == "" and nachweis.eigenmittel_ist is None


def test_control_characters_are_removed(client, antrag):
    post(
        client,
        antrag,
        sachbericht="Bericht\x00 mit\u202e Steuerzeichen",
        **zeile(antrag, 0, empfaenger="Holz\x07mann\u202e"),
    )
    nachweis = antrag.verwendungsnachweis
    assert nachweis.sachbericht == "Bericht mit Steuerzeichen"
    assert nachweis.belege.get().empfaenger == "Holzmann"


def test_a_file_that_is_no_receipt_is_refused_at_its_line(client, antrag):
    fake = SimpleUploadedFile(
        "rechnung.pdf", b"MZ\x90\x00 kein pdf", content_type="application/pdf"
    )
    response = post(client, antrag, sachbericht="Bericht.", **zeile(antrag, 0, datei=fake))
    assert response.status_code == 400
    html = text(response)
    assert "„rechnung.pdf“ ist keine PDF-, JPEG- oder PNG-Datei." in html
    assert "außer dieser Angabe: Belegliste, Zeile 1." in html
    assert not antrag.anhaenge.exists()
    assert antrag.verwendungsnachweis.sachbericht == "Bericht."


# ---- Submitting --------------------------------------------------------------------------


def test_submit_with_missing_parts_lists_every_error_at_once(client, antrag):
    response = post(client, antrag, aktion="einreichen")
    assert response.status_code == 400
    html = text(response)
    summary = html[html.index('id="fehler"') : html.index("1. Sachbericht")]
    assert "Bitte beschreiben Sie, was im Projekt gemacht wurde." in summary
    assert summary.count("Bitte geben Sie einen Betrag an (0 oder mehr).") == 3
    assert "Bitte tragen Sie mindestens einen Beleg in die Belegliste ein." in summary
    for target in ("#id_sachbericht", "#id_eigenmittel_ist", "#id_einnahmen_ist", "#belegliste"):
        assert f'href="{target}"' in summary
    assert 'aria-invalid="true"' in field(html, "sachbericht")
    antrag.refresh_from_db()
    assert antrag.status == Status.AUSGEZAHLT


def test_submit_moves_on_stores_one_confirmation_and_a_second_submit_does_nothing(
    client, antrag, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, antrag, aktion="einreichen", **complete(antrag))
    assert response["Location"] == reverse("foerderung:antrag", kwargs={"pk": antrag.pk})
    html = follow(client, response)
    assert "Ihr Verwendungsnachweis ist eingereicht." in html
    antrag.refresh_from_db()
    assert antrag.status == Status.NACHWEIS_EINGEREICHT
    assert antrag.verwendungsnachweis.submitted_at is not None
    assert antrag.dokumente.filter(art=Dokument.Art.NACHWEIS).count() == 1
    assert any(m.attachments for m in mailoutbox if antrag.email in m.to)
    # A second "einreichen" (double click, back button): said so, nothing new.
    data = FormData(client.get(url(antrag)).content.decode()).data
    response = client.post(url(antrag), {**complete(antrag), "aktion": "einreichen"})
    assert response["Location"] == url(antrag)
    html = client.get(url(antrag)).content.decode()
    assert "Ihr Verwendungsnachweis ist bereits eingereicht." in html
    assert "Ihr Verwendungsnachweis ist eingereicht (am" in html  # read only now
    assert "sachbericht" not in data  # no form on the read-only page
    assert antrag.dokumente.filter(art=Dokument.Art.NACHWEIS).count() == 1
    assert Beleg.objects.filter(nachweis__antrag=antrag).count() == 2


def test_the_read_only_page_lists_receipts_with_running_totals(client, antrag):
    post(client, antrag, aktion="einreichen", **complete(antrag))
    html = client.get(url(antrag)).content.decode()
    assert "Die Bänke stehen, das Fest war gut besucht." in html
    assert "Bäckerei Korn" in html and ">rechnung.pdf</a>" in html
    assert "3.000,00\u00a0€" in html  # the running total after the second receipt
    assert "Ausgaben nach Kostenart: geplant / tatsächlich / Abweichung" in html


# ---- Forged and foreign ------------------------------------------------------------------


def test_forged_cost_line_and_file_of_another_application_are_field_errors(client, antrag):
    fremd = antrag_in(Status.AUSGEZAHLT)
    fremde_datei = services.add_attachment(
        antrag=fremd, by=fremd.antragsteller, upload=pdf("fremd.pdf"), art=Anhang.Art.BELEG
    )
    response = post(
        client,
        antrag,
        sachbericht="Bericht.",
        **zeile(antrag, 0, kostenposition=str(fremd.kosten.first().pk)),
        **zeile(antrag, 1, anhang=str(fremde_datei.pk)),
        **zeile(antrag, 2, anhang="x' OR 1=1"),
    )
    assert response.status_code == 400
    html = text(response)
    assert "Bitte wählen Sie eine Kostenart aus der Liste." in html
    assert html.count("Bitte wählen Sie eine Datei dieses Verwendungsnachweises.") >= 2
    assert "fremd.pdf" not in html
    assert not antrag.verwendungsnachweis.belege.exists()
    assert antrag.verwendungsnachweis.sachbericht == "Bericht."


def test_another_persons_report_is_not_found(client, antrag):
    client.force_login(UserFactory())
    assert client.get(url(antrag)).status_code == 404
    assert client.post(url(antrag), {"aktion": "einreichen"}).status_code == 404
    assert not hasattr(antrag, "verwendungsnachweis")


def test_before_the_notice_the_page_sends_back_to_the_application(client):
    antrag = antrag_in(Status.JURY)
    client.force_login(antrag.antragsteller)
    response = client.get(url(antrag))
    assert response["Location"] == reverse("foerderung:antrag", kwargs={"pk": antrag.pk})
    html = client.get(response["Location"]).content.decode()
    assert "Den Verwendungsnachweis können Sie nach dem Zuwendungsbescheid ausfüllen." in html


# ---- The application pages ---------------------------------------------------------------


def test_applicant_page_links_to_the_report_and_shows_the_grant_and_deadline(client, antrag):
    Frist.objects.create(antrag=antrag, art=Frist.Art.NACHWEIS, faellig_am=HEUTE)
    Frist.objects.create(
        antrag=antrag,
        art=Frist.Art.NACHFORDERUNG,
        faellig_am=HEUTE - datetime.timedelta(days=3),
        erledigt_am=timezone.now(),
    )
    html = client.get(reverse("foerderung:antrag", kwargs={"pk": antrag.pk})).content.decode()
    assert f'id="schritt-nachweis_einreichen" href="{url(antrag)}"' in html
    assert "Verwendungsnachweis bearbeiten und einreichen" in html
    assert "Ihre Zuwendung" in html and "Auszahlung (Abschlag)" in html
    assert f"Frist: Verwendungsnachweis vorlegen bis {HEUTE:%d.%m.%Y}" in html
    assert "überfällig" not in html and "Nachforderung beantworten" not in html
    assert "Noch zu erstatten" not in html


def test_an_overdue_deadline_is_said_in_words(client, antrag):
    Frist.objects.create(
        antrag=antrag, art=Frist.Art.NACHWEIS, faellig_am=HEUTE - datetime.timedelta(days=1)
    )
    html = client.get(reverse("foerderung:antrag", kwargs={"pk": antrag.pk})).content.decode()
    assert "Frist: Verwendungsnachweis vorlegen bis" in html
    assert "<strong>überfällig</strong>" in html


def test_the_grant_is_not_told_before_the_notice(client):
    antrag = antrag_in(Status.ENTSCHIEDEN)
    client.force_login(antrag.antragsteller)
    html = client.get(reverse("foerderung:antrag", kwargs={"pk": antrag.pk})).content.decode()
    assert "Ihre Zuwendung" not in html


def test_repayment_box_until_paid_in_full_then_a_closed_case_shows_no_open_amount(
    client, antrag, django_capture_on_commit_callbacks
):
    nachweis_fuer(antrag, "1800")  # 1.800 € spent of 2.500 € paid: 700 € to repay
    antrag.status = Status.RUECKFORDERUNG
    antrag.save()
    faellig = HEUTE + datetime.timedelta(days=30)
    buche(
        antrag, Buchung.Art.RUECKFORDERUNG, "700", faellig_am=faellig, kassenzeichen="KZ-2027-0815"
    )
    seite = reverse("foerderung:antrag", kwargs={"pk": antrag.pk})
    html = client.get(seite).content.decode()
    assert "Noch zu erstatten: 700,00\u00a0€" in html
    assert (
        f"Bitte überweisen Sie 700,00\u00a0€ bis {faellig:%d.%m.%Y} auf das Konto "
        "Kreiskasse Ludwigslust-Parchim, IBAN DE02 1203 0000 0000 2020 51, BIC BYLADEM1001, "
        "Deutsche Kreditbank."
    ) in html
    assert "<strong>KZ-2027-0815</strong>" in html
    fachdienst = fachdienst_user(antrag.aufruf.kommune)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_repayment(antrag=antrag, by=fachdienst, betrag=Decimal(300), datum=HEUTE)
    assert "Noch zu erstatten: 400,00\u00a0€" in client.get(seite).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.record_repayment(antrag=antrag, by=fachdienst, betrag=Decimal(400), datum=HEUTE)
    antrag.refresh_from_db()
    assert antrag.status == Status.ABGESCHLOSSEN
    html = client.get(seite).content.decode()
    assert "Noch zu erstatten" not in html and "Zurückzuzahlen" not in html
    assert "Bitte überweisen Sie" not in html and "KZ-2027-0815" not in html
    assert "Rückzahlung eingegangen" in html  # the ledger is history, not an open amount
    # The cost plan shows what was spent per line, from the receipts.
    assert "1.800,00\u00a0€" in html


def test_staff_page_shows_report_accounting_receipts_ledger_and_deadlines(client, antrag):
    post(client, antrag, aktion="einreichen", **complete(antrag))
    antrag.refresh_from_db()
    Frist.objects.create(
        antrag=antrag, art=Frist.Art.RUECKFRAGE, faellig_am=HEUTE - datetime.timedelta(days=2)
    )
    fachdienst = fachdienst_user(antrag.aufruf.kommune)
    client.force_login(fachdienst)
    response = client.get(reverse("foerderung:verwaltung_antrag", kwargs={"pk": antrag.pk}))
    assert response.status_code == 200
    html = text(response)
    assert "Die Bänke stehen, das Fest war gut besucht." in html
    datei = antrag.anhaenge.get(name="rechnung.pdf")
    link = reverse("foerderung:anhang", kwargs={"pk": antrag.pk, "anhang_pk": datei.pk})
    assert f'href="{link}">rechnung.pdf</a>' in html
    assert "Ausgaben nach Kostenart: geplant / tatsächlich / Abweichung" in html
    assert "Zuwendung nach Verwendungsnachweis" in html
    # 3.000 € spent, 500 € own funds as planned: the fixed sum of 2.500 € stays, all paid.
    assert "Ausgeglichen: weder Schlusszahlung noch Erstattung." in html
    assert "Festbetragsfinanzierung: Die Zuwendung bleibt der bewilligte Betrag" in html
    assert "Alle Buchungen" in html and "Auszahlung (Abschlag)" in html
    assert "Frist: Rückfragen zum Verwendungsnachweis beantworten bis" in html
    assert "<strong>überfällig</strong>" in html
    assert "ist_gesamt" not in html and "Rückforderung 0" not in html


def test_staff_page_names_a_repayment_and_who_recorded_the_reclaim(client, antrag):
    nachweis_fuer(antrag, "1800")
    antrag.status = Status.RUECKFORDERUNG
    antrag.save()
    fachdienst = fachdienst_user(antrag.aufruf.kommune)
    buche(antrag, Buchung.Art.RUECKFORDERUNG, "700", kassenzeichen="KZ-2027-0815", durch=fachdienst)
    client.force_login(fachdienst)
    html = client.get(
        reverse("foerderung:verwaltung_antrag", kwargs={"pk": antrag.pk})
    ).content.decode()
    assert "KZ-2027-0815" in html and "Frieda Förster" in html
    assert "Erstattung" in html and "700,00\u00a0€" in html
