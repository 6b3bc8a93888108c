"""The letters of a registration (templates/pdf/anmeldung_brief.html): the confirmation, and
what people without e-mail must be told later (a change, the cancellation, a message).

For people who registered by phone and have no e-mail, or want a letter: DIN 5008, sent
by the Kommune, with the date, the place, where they stand and how to change or cancel
(the personal link and the contact's phone number). Rendered anew on each download, so
it always says where the person stands now (a move up from the waitlist, a new place).
"""

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zwk_portal.pdf import render_pdf

from . import selectors
from .models import Anmeldung, Benachrichtigung


def when(veranstaltung) -> str:
    """ "Mittwoch, 27. Mai 2026, 18:00–20:00 Uhr" (Berlin time; an end on another day with
    its own date). In the active language: German inside `brief_pdf`."""
    start = timezone.localtime(veranstaltung.beginn)
    end = timezone.localtime(veranstaltung.ende)
    day = date_format(start, "l, j. F Y")
    if end.date() == start.date():
        return _("%(day)s, %(start)s–%(end)s Uhr") % {
            "day": day,
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
        }
    return _("%(day)s, %(start)s Uhr bis %(end_day)s, %(end)s Uhr") % {
        "day": day,
        "start": start.strftime("%H:%M"),
        "end_day": date_format(end, "l, j. F Y"),
        "end": end.strftime("%H:%M"),
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def brief_context(anmeldung: Anmeldung, benachrichtigung: Benachrichtigung | None = None) -> dict:
    veranstaltung = anmeldung.veranstaltung
    kommune = veranstaltung.kommune
    kontakt = veranstaltung.kontakt
    return {
        "anmeldung": anmeldung,
        "event": veranstaltung,
        "option": anmeldung.option,
        "kommune": kommune,
        # The event's contact where it has one, the coordination's number and address else.
        "kontakt_name": kontakt.name,
        "kontakt_telefon": kontakt.telefon or kommune.kontakt_telefon,
        "kontakt_email": kontakt.email or kommune.kontakt_email,
        # The return address above the window: "Landkreis Rostock · Straße 1, 18273 Güstrow".
        "absender": " · ".join(filter(None, [kommune.name, ", ".join(_lines(kommune.anschrift))])),
        "empfaenger": _lines(anmeldung.anschrift),
        "when": when(veranstaltung),
        "waitlist_position": selectors.waitlist_position(anmeldung),
        "manage_url": anmeldung.manage_url(),
        "reminder_date": veranstaltung.reminder_date(),
        "heute": timezone.localdate(),
        # What this letter has to tell besides (a change, the cancellation, a message).
        "benachrichtigung": benachrichtigung,
    }


def _subject(anmeldung: Anmeldung, benachrichtigung: Benachrichtigung | None) -> str:
    title = anmeldung.veranstaltung.title
    anlass = benachrichtigung.anlass if benachrichtigung else None
    if anlass == Benachrichtigung.Anlass.ABGESAGT:
        return _("Absage: %(title)s") % {"title": title}
    if anlass == Benachrichtigung.Anlass.GEAENDERT:
        return _("Änderung: %(title)s") % {"title": title}
    if anlass == Benachrichtigung.Anlass.NACHGERUECKT:
        return _("Ihr Platz ist frei geworden: %(title)s") % {"title": title}
    if anlass == Benachrichtigung.Anlass.NACHRICHT:
        return benachrichtigung.betreff
    return _("Ihre Anmeldung: %(title)s") % {"title": title}


def brief_pdf(anmeldung: Anmeldung, benachrichtigung: Benachrichtigung | None = None) -> bytes:
    """The letter as PDF, in German whatever the page's language: the confirmation, or with
    a `benachrichtigung` the news it carries, with where the person stands now."""
    with translation.override("de"):
        return render_pdf(
            "pdf/anmeldung_brief.html",
            brief_context(anmeldung, benachrichtigung),
            title=_subject(anmeldung, benachrichtigung),
        )
