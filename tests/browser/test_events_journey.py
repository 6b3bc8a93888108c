"""The resident's whole journey in a real browser, on a phone-sized page, with and without JS."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events.models import Anmeldung
from tests.factories import OnlineOptionFactory, TeilnahmeoptionFactory, VeranstaltungFactory

NOW = datetime(2027, 5, 20, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


@pytest.mark.parametrize("page_fixture", ["page", "page_nojs"])
@pytest.mark.django_db(transaction=True)
def test_resident_registers_confirms_downloads_calendar_and_cancels(
    request, page_fixture, live_server, settings, mailoutbox
):
    settings.SITE_URL = live_server.url
    page = request.getfixturevalue(page_fixture)
    event = VeranstaltungFactory(
        title="Von A nach B im Landkreis Rostock",
        kommune__slug="rostock",
        kommune__name="Landkreis Rostock",
    )
    TeilnahmeoptionFactory(veranstaltung=event, name="Kreisverwaltung Güstrow", kapazitaet=40)
    online = OnlineOptionFactory(veranstaltung=event)

    page.goto(live_server.url + event.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == event.title
    assert online.zugangslink not in page.content()
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # First a mistake: the form keeps what was typed and says what is wrong.
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    assert page.get_by_text("Bitte prüfen Sie Ihre Angaben").is_visible()
    assert page.get_by_label("Vor- und Nachname").input_value() == "Erika Mustermann"
    page.get_by_role("link", name="Bitte geben Sie Ihre E-Mail-Adresse an.").click()

    page.get_by_label("Kreisverwaltung Güstrow").check()
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Bitte prüfen Sie Ihr E-Mail-Postfach"
    )

    [mail] = mailoutbox
    confirm_url = re.search(r"(http://\S+/bestaetigen/\S+/)", mail.body).group(1)
    page.goto(confirm_url)
    page.get_by_role("button", name="Jetzt bestätigen").click()
    assert page.get_by_text("Ihre Anmeldung ist bestätigt").is_visible()
    assert page.locator("#anmeldung-status").inner_text() == "bestätigt"
    assert Anmeldung.objects.get().is_confirmed

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Kalenderdatei herunterladen (.ics)").click()
    content = Path(download_info.value.path()).read_bytes()
    [vevent] = Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert "Kreisverwaltung Güstrow" in str(vevent["LOCATION"])

    page.get_by_role("button", name="Anmeldung stornieren").click()
    assert page.get_by_text("Ihre Anmeldung ist storniert").is_visible()
    assert Anmeldung.objects.get().status == "storniert"
    assert "storniert" in mailoutbox[-1].subject
