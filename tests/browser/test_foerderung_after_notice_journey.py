"""From the notice to the closed case in Debian's chromium, every role by its own buttons:
the Fachdienst pays an advance, the association saves its report as a draft and resumes
it, the Fachdienst sends it back with a question, the association answers, the Fachdienst
accepts it with a reclaim notice, the money comes back in two parts, and the case closes
with no open amount left on the association's page. The mails of each step are checked."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from foerderung.models import Antrag, Dokument, Status
from tests.foerderung.factories import KASSE, AufrufFactory, antrag_in, fachdienst_user

from .test_foerderung_decision_journey import _as, _step

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def _text(dokument: Dokument) -> str:
    with dokument.datei.open("rb") as handle:
        out = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=handle.read(), capture_output=True, check=True
        ).stdout.decode()
    return " ".join(out.split())


@pytest.mark.django_db(transaction=True)
def test_from_the_notice_to_the_closed_case(live_server, browser, settings, tmp_path):
    settings.ZWK_REQUIRE_2FA = False
    aufruf = AufrufFactory(
        kommune__slug="ludwigslust-parchim",
        kommune__name="Landkreis Ludwigslust-Parchim",
        kommune__anschrift="Putlitzer Straße 25\n19370 Parchim",
        aktenzeichen="KPF-2026",
        umsetzung_von=timezone.localdate() - datetime.timedelta(days=60),
        umsetzung_bis=timezone.localdate() - datetime.timedelta(days=1),
        **KASSE,
    )
    antrag = antrag_in(Status.ENTSCHIEDEN, aufruf=aufruf, title="Treffpunkt am Dorfteich")
    applicant = antrag.antragsteller
    fachdienst = fachdienst_user(aufruf.kommune)
    base = live_server.url
    staff_url = f"{base}/verwaltung/foerderung/antraege/{antrag.pk}/"
    amt = _as(browser, live_server, fachdienst)
    amt.set_viewport_size({"width": 1280, "height": 900})
    verein = _as(browser, live_server, applicant)  # 390 px, like a phone

    # The notice, and the whole grant paid in advance.
    amt.goto(staff_url)
    _step(amt, "bescheid")
    mail.outbox.clear()
    _step(amt, "auszahlen", **{"Ausgezahlter Betrag": "2.500,00"})
    assert "Erledigt: Auszahlung vermerken" in amt.content()
    (paid,) = _mails_to(applicant.email)
    assert "Auszahlung (Abschlag): 2.500,00\xa0€" in paid.body

    # The association starts its report, saves the draft, leaves, and comes back to it.
    verein.goto(f"{base}/konto/antraege/{antrag.pk}/")
    verein.get_by_role("link", name="Verwendungsnachweis bearbeiten und einreichen").click()
    verein.get_by_label("Sachbericht").fill("Bänke und Tisch stehen am Dorfteich.")
    verein.get_by_label("Eigenmittel, tatsächlich eingesetzt").fill("500,00")
    verein.get_by_label("Drittmittel, tatsächlich erhalten").fill("0")
    verein.get_by_label("Sonstige Einnahmen des Projekts").fill("0")
    zeile = verein.locator("#beleg-zeile-1")
    zeile.get_by_label("Datum der Zahlung").fill(timezone.localdate().isoformat())
    zeile.get_by_label("Betrag in Euro").fill("2.000,00")
    zeile.get_by_label("Zahlungsempfänger").fill("Tischlerei Holzmann")
    zeile.get_by_label("Zweck").fill("Zwei Bänke und ein Tisch")
    zeile.get_by_label("Kostenart laut Finanzierungsplan").select_option(label="Bänke und Tisch")
    rechnung = tmp_path / "rechnung.pdf"
    rechnung.write_bytes(PDF)
    zeile.get_by_label("Neue Datei zu diesem Beleg hochladen").set_input_files(str(rechnung))
    verein.get_by_role("button", name="Entwurf speichern").click()
    assert "gespeichert" in verein.content()
    verein.goto(f"{base}/konto/antraege/{antrag.pk}/")
    verein.get_by_role("link", name="Verwendungsnachweis bearbeiten und einreichen").click()
    assert verein.get_by_label("Sachbericht").input_value().startswith("Bänke und Tisch")
    assert "rechnung.pdf" in verein.content()
    mail.outbox.clear()
    verein.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    antrag.refresh_from_db()
    assert antrag.status == Status.NACHWEIS_EINGEREICHT
    (receipt,) = _mails_to(applicant.email)
    assert receipt.attachments and receipt.attachments[0][2] == "application/pdf"
    (todo,) = _mails_to(fachdienst.email)
    assert "Zu erledigen: Verwendungsnachweis prüfen" in todo.subject

    # The Fachdienst asks a question; the association answers and resubmits.
    amt.goto(staff_url)
    assert "Tischlerei Holzmann" in amt.content()
    mail.outbox.clear()
    _step(
        amt,
        "nachweis_rueckfrage",
        **{"Ihre Fragen": "Wofür war der Tisch? Bitte ergänzen Sie den Sachbericht."},
    )
    (question,) = _mails_to(applicant.email)
    assert "Wofür war der Tisch?" in question.body
    verein.goto(f"{base}/konto/antraege/{antrag.pk}/")
    assert "Wofür war der Tisch?" in verein.content()
    verein.get_by_role("link", name="Verwendungsnachweis bearbeiten und einreichen").click()
    sachbericht = verein.get_by_label("Sachbericht")
    sachbericht.fill(sachbericht.input_value() + " Der Tisch dient dem Erzählcafé.")
    verein.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    antrag.refresh_from_db()
    assert antrag.status == Status.NACHWEIS_EINGEREICHT
    assert antrag.dokumente.filter(art=Dokument.Art.NACHWEIS).count() == 2

    # 500,00 € were not spent: the Fachdienst accepts the report with a reclaim notice.
    amt.goto(staff_url)
    assert "500,00" in amt.content()
    mail.outbox.clear()
    _step(amt, "rueckfordern", **{"Kassenzeichen": "KZ-2026-0815"})
    antrag.refresh_from_db()
    assert antrag.status == Status.RUECKFORDERUNG
    (reclaim,) = _mails_to(applicant.email)
    assert "500,00\xa0€" in reclaim.body and "KZ-2026-0815" in reclaim.body
    notice = antrag.dokumente.get(art=Dokument.Art.RUECKFORDERUNG)
    text = _text(notice)
    for fact in ("500,00 €", "KZ-2026-0815", "DE02 1203 0000 0000 2020 51", "§ 49a", "Förster"):
        assert fact in text, fact
    verein.goto(f"{base}/konto/antraege/{antrag.pk}/")
    assert "KZ-2026-0815" in verein.content() and "500,00" in verein.content()

    # The money comes back in two parts; the second closes the case.
    amt.goto(staff_url)
    mail.outbox.clear()
    _step(amt, "rueckzahlung", **{"Eingegangener Betrag": "200,00"})
    antrag = Antrag.objects.get(pk=antrag.pk)  # fresh, with fresh balances
    assert antrag.status == Status.RUECKFORDERUNG and antrag.saldo.offen_rueckzahlung == 300
    assert _mails_to(applicant.email) == []
    _step(amt, "rueckzahlung", **{"Eingegangener Betrag": "300,00"})
    antrag = Antrag.objects.get(pk=antrag.pk)
    assert antrag.status == Status.ABGESCHLOSSEN
    (closed,) = _mails_to(applicant.email)
    assert "vollständig eingegangen" in closed.body
    assert antrag.saldo.netto == Decimal("2000.00")

    # Nothing open is shown any more.
    verein.goto(f"{base}/konto/antraege/{antrag.pk}/")
    page = verein.content()
    assert "Abgeschlossen" in page
    assert "Noch zu erstatten" not in page and "Zurückzuzahlen" not in page
