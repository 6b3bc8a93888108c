"""An objection to the Erstattungsbescheid in Debian's chromium: the Fachdienst, at 1280 px
without JavaScript, records it (first without its content: refused in German, the date
kept), books money that comes anyway and remedies it (first without reasons); the
association, on a 390 px phone, reads that the deadline rests, then finds the
Abhilfebescheid and what to put right in its report."""

import pytest
from django.core import mail
from django.utils import timezone

from foerderung.models import Antrag, Buchung, Dokument, Status
from tests.foerderung.test_reclaim_notice import _fall

from .test_foerderung_decision_journey import _as, _step


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_an_objection_to_the_refund_notice_is_remedied(live_server, browser, settings):
    settings.ZWK_REQUIRE_2FA = False
    fall = _fall("festbetrag")  # 2.400,00 € paid, 2.000,00 € spent: 400,00 € reclaimed
    antrag = fall["antrag"]
    beamter = antrag.verlauf.last().durch
    staff_url = f"{live_server.url}/verwaltung/foerderung/antraege/{antrag.pk}/"
    own_url = f"{live_server.url}/konto/antraege/{antrag.pk}/"
    amt = _as(browser, live_server, beamter, width=1280, javascript=False)
    verein = _as(browser, live_server, antrag.antragsteller)

    # Recorded without its content: refused in German, the day kept.
    heute = timezone.localdate().isoformat()  # a date field: the browser's own picker
    amt.goto(staff_url)
    _step(amt, "widerspruch_erstattung", **{"Widerspruch eingegangen am": heute})
    form = amt.locator("#schritt-widerspruch_erstattung")
    assert "Bitte geben Sie an, was der Widerspruch vorbringt." in form.inner_text()
    assert form.get_by_label("Widerspruch eingegangen am").input_value() == heute
    assert Antrag.objects.get(pk=antrag.pk).status == Status.RUECKFORDERUNG
    _step(
        amt,
        "widerspruch_erstattung",
        **{"Was bringt der Widerspruch vor?": "Die Rechnung der Polsterei fehlt."},
    )
    assert Antrag.objects.get(pk=antrag.pk).status == Status.WIDERSPRUCH_ERSTATTUNG
    assert "aufschiebende Wirkung" not in amt.content()  # its hint went with its button
    assert "Widerspruch gegen den Erstattungsbescheid" in amt.content()

    verein.goto(own_url)
    page = verein.content()
    assert "Bis darüber entschieden ist, ruht die Zahlungsfrist." in page
    assert "Noch zu erstatten" not in page and _fits(verein)

    # Money comes anyway; then the remedy, first without reasons.
    amt.goto(staff_url)
    _step(amt, "rueckzahlung_trotz_widerspruch", **{"Eingegangener Betrag": "100,00"})
    assert Antrag.objects.get(pk=antrag.pk).saldo.zurueckgezahlt == 100
    mail.outbox.clear()
    nachricht = "Bitte tragen Sie die Rechnung der Polsterei als Beleg ein."
    _step(amt, "abhelfen_erstattung", **{"Was ist im Verwendungsnachweis": nachricht})
    form = amt.locator("#schritt-abhelfen_erstattung")
    assert "Bitte geben Sie die Gründe an; sie stehen im Bescheid." in form.inner_text()
    assert nachricht in form.get_by_label("Was ist im Verwendungsnachweis").input_value()
    _step(
        amt,
        "abhelfen_erstattung",
        **{"Gründe der Abhilfe": "Die Rechnung lag dem Nachweis bei und wurde übersehen."},
    )
    antrag = Antrag.objects.get(pk=antrag.pk)
    assert antrag.status == Status.NACHWEIS_RUECKFRAGE
    assert antrag.buchungen.get(art=Buchung.Art.AUFHEBUNG).betrag == 300
    assert "Rückforderung aufgehoben" in amt.content() and _fits(amt)
    (bescheid,) = [m for m in mail.outbox if antrag.email in m.to]
    assert nachricht in " ".join(bescheid.body.split())

    # The association finds the notice and what to do.
    verein.goto(own_url)
    page = verein.content()
    assert nachricht in page and "Abhilfebescheid" in page and _fits(verein)
    # The repayment booked meanwhile is in the ledger, not again in the timeline.
    assert page.count("ruht die Zahlungsfrist") == 1
    link = verein.get_by_role("link", name="Abhilfebescheid", exact=False).first
    pdf = verein.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert antrag.dokumente.filter(art=Dokument.Art.AUFHEBUNG).count() == 1
