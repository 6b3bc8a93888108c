from datetime import timedelta

import pytest
from icalendar import Calendar

from events import calendar, services
from tests.factories import VeranstaltungFactory

pytestmark = pytest.mark.django_db


def _parse(content: bytes):
    parsed = Calendar.from_ical(content)
    events = list(parsed.walk("VEVENT"))
    return parsed, events


def test_event_ics_is_valid_with_berlin_times_and_url_but_no_join_link(
    client, event, site, online, settings
):
    response = client.get(f"/{event.kommune.slug}/veranstaltungen/{event.slug}/kalender.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed, [vevent] = _parse(response.content)
    assert parsed["VERSION"] == "2.0" and parsed["PRODID"]
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent.decoded("DTSTART") == event.beginn
    assert vevent.decoded("DTEND") == event.ende
    assert str(vevent["URL"]) == settings.SITE_URL + event.get_absolute_url()
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent["UID"] and vevent["DTSTAMP"]
    assert online.zugangslink.encode() not in response.content


def test_personal_ics_names_the_site(event, site, register):
    anmeldung = services.confirm(anmeldung=register(site))
    _, [vevent] = _parse(calendar.event_ics(anmeldung.veranstaltung, anmeldung.option))
    assert "Kreisverwaltung Güstrow" in str(vevent["LOCATION"])


def test_feed_lists_published_events_of_the_commune_only(client, event, site):
    VeranstaltungFactory(kommune=event.kommune, status="entwurf", title="Geheimer Entwurf")
    VeranstaltungFactory(title="Andere Kommune")
    later = VeranstaltungFactory(
        kommune=event.kommune, title="Zweiter Abend", beginn=event.beginn + timedelta(days=7)
    )
    response = client.get(f"/{event.kommune.slug}/veranstaltungen/kalender.ics")
    _, vevents = _parse(response.content)
    assert sorted(str(v["SUMMARY"]) for v in vevents) == sorted([event.title, later.title])
    assert all(str(v["URL"]).startswith("http") for v in vevents)
