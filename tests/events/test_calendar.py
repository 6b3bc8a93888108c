import re
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


def _content_lines(content: bytes) -> list[bytes]:
    """RFC 5545 content lines: unfolded at CRLF + space, each one line with no raw CR or LF."""
    assert content.endswith(b"\r\n")
    unfolded = content.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    lines = unfolded[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
        assert re.match(rb"^[A-Za-z0-9-]+[;:]", line), line
    for physical in content[:-2].split(b"\r\n"):
        assert len(physical) <= 75, physical
    return lines


def test_a_two_line_address_becomes_one_valid_location_line(event, site, register):
    site.raum = "Raum 2.14"
    site.anschrift = "Am Wall 3-5\r\n18273 Güstrow\r\n"  # as a browser sends a textarea
    site.save()
    anmeldung = services.confirm(anmeldung=register(site))
    content = calendar.event_ics(anmeldung.veranstaltung, anmeldung.option)
    lines = _content_lines(content)
    [location_line] = [line for line in lines if line.startswith(b"LOCATION")]
    assert location_line.decode() == (
        "LOCATION:Kreisverwaltung Güstrow\\, Raum 2.14\\, Am Wall 3-5\\, 18273 Güstrow"
    )
    _, [vevent] = _parse(content)
    assert (
        str(vevent["LOCATION"]) == "Kreisverwaltung Güstrow, Raum 2.14, Am Wall 3-5, 18273 Güstrow"
    )
    assert _parse(Calendar.from_ical(content).to_ical())[1][0]["LOCATION"] == vevent["LOCATION"]


def test_feed_with_a_multi_line_site_name_stays_valid(client, event, site):
    site.name = "Kreisverwaltung\nGüstrow"
    site.save()
    content = client.get(f"/{event.kommune.slug}/veranstaltungen/kalender.ics").content
    _content_lines(content)
    _, [vevent] = _parse(content)
    assert "\n" not in str(vevent["LOCATION"])
