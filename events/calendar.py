"""iCalendar (RFC 5545) files: one event, a commune's feed, and a participant's own copy.

Times carry TZID=Europe/Berlin with a VTIMEZONE. The online join link is never
written into a calendar file: it goes only by e-mail to confirmed participants.
"""

from datetime import UTC
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Teilnahmeoption, Veranstaltung


def _host() -> str:
    return urlparse(settings.SITE_URL).hostname or "zwk-portal.invalid"


def _one_line(text: str) -> str:
    """A text of several lines (an address typed in a form, with CR LF) as one line."""
    return ", ".join(line.strip() for line in text.splitlines() if line.strip())


def _location(veranstaltung: Veranstaltung, option: Teilnahmeoption | None) -> str:
    """LOCATION is one line of text: a multi-line address becomes "line, line"."""
    if option is not None:
        if option.is_online:
            return f"Online ({option.plattform})" if option.plattform else "Online"
        parts = [option.name, option.raum, option.anschrift]
        return ", ".join(_one_line(part) for part in parts if _one_line(part))
    return " / ".join(_one_line(o.name) for o in veranstaltung.optionen.all())


def _event(veranstaltung: Veranstaltung, option: Teilnahmeoption | None, now) -> Event:
    berlin = timezone.get_default_timezone()
    event = Event()
    event.add("uid", f"veranstaltung-{veranstaltung.pk}@{_host()}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", veranstaltung.beginn.astimezone(berlin))
    event.add("dtend", veranstaltung.ende.astimezone(berlin))
    event.add("summary", veranstaltung.title)
    description = [veranstaltung.untertitel or veranstaltung.teaser]
    if option is not None and option.is_online:
        description.append(
            "Den Zugangslink schicken wir Ihnen am Tag vor der Veranstaltung per E-Mail "
            "(oder mit Ihrer Bestätigung, wenn sie später kommt)."
        )
    description.append(veranstaltung.absolute_url())
    event.add("description", "\n\n".join(part for part in description if part))
    location = _location(veranstaltung, option)
    if location:
        event.add("location", location)
    event.add("url", veranstaltung.absolute_url())
    event.add("sequence", int(veranstaltung.updated_at.timestamp()) // 60 % 2_000_000_000)
    event.add(
        "status",
        "CANCELLED" if veranstaltung.status == Veranstaltung.Status.ABGESAGT else "CONFIRMED",
    )
    if veranstaltung.kontakt_email:
        event.add("organizer", f"mailto:{veranstaltung.kontakt_email}")
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//ZWK-Portal//Veranstaltungen//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def event_ics(
    veranstaltung: Veranstaltung, option: Teilnahmeoption | None = None, *, now=None
) -> bytes:
    """The .ics of one event; with `option`, the place of that option as location."""
    calendar = _calendar(veranstaltung.title)
    calendar.add_component(_event(veranstaltung, option, now or timezone.now()))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(name: str, veranstaltungen, *, now=None) -> bytes:
    """The feed of several events (a commune's published events)."""
    now = now or timezone.now()
    calendar = _calendar(name)
    for veranstaltung in veranstaltungen:
        calendar.add_component(_event(veranstaltung, None, now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
