"""The mails of a registration. Each carries the personal link to see, change or cancel.

Called by services inside their transaction; zwk_portal.mail writes them to the
outbox in that transaction, and the worker sends them once it committed.
The online join link goes only into the reminder (and into messages the
coordination writes), never into a public page or calendar file.
"""

from django.conf import settings
from django.urls import reverse

from zwk_portal import mail

from . import calendar, services
from .models import Anmeldung


def _context(anmeldung: Anmeldung, **extra) -> dict:
    veranstaltung = anmeldung.veranstaltung
    return {
        "anmeldung": anmeldung,
        "veranstaltung": veranstaltung,
        "option": anmeldung.option,
        "kommune": veranstaltung.kommune,
        "manage_url": anmeldung.manage_url(),
        "event_url": veranstaltung.absolute_url(),
        **extra,
    }


def _send(name: str, anmeldung: Anmeldung, attachments=(), **extra) -> None:
    mail.send(
        f"events_{name}",
        to=[anmeldung.email],
        context=_context(anmeldung, **extra),
        attachments=attachments,
        reply_to=[anmeldung.veranstaltung.kontakt_email]
        if anmeldung.veranstaltung.kontakt_email
        else (),
    )


def _ics(anmeldung: Anmeldung) -> list[tuple[str, bytes, str]]:
    content = calendar.event_ics(anmeldung.veranstaltung, anmeldung.option)
    return [("veranstaltung.ics", content, "text/calendar")]


def confirm_request(anmeldung: Anmeldung) -> None:
    path = reverse(
        "events:confirm",
        kwargs={
            "kommune": anmeldung.veranstaltung.kommune.slug,
            "code": services.confirmation_code(anmeldung),
        },
    )
    _send(
        "confirm_request",
        anmeldung,
        confirm_url=settings.SITE_URL + path,
        expires_at=anmeldung.confirmation_expires_at(),
    )


def confirmed(anmeldung: Anmeldung, *, changed: bool = False) -> None:
    on_waitlist = anmeldung.status == Anmeldung.Status.WARTELISTE
    _send(
        "confirmed",
        anmeldung,
        attachments=() if on_waitlist else _ics(anmeldung),
        changed=changed,
        on_waitlist=on_waitlist,
    )


def manage_link(anmeldung: Anmeldung) -> None:
    _send("manage_link", anmeldung)


def promoted(anmeldung: Anmeldung) -> None:
    _send("promoted", anmeldung, attachments=_ics(anmeldung))


def cancelled(anmeldung: Anmeldung) -> None:
    _send("cancelled", anmeldung)


def reminder(anmeldung: Anmeldung) -> None:
    _send("reminder", anmeldung, join_link=anmeldung.option.zugangslink)


def event_changed(anmeldung: Anmeldung, *, note: str) -> None:
    _send("event_changed", anmeldung, attachments=_ics(anmeldung), note=note)


def event_cancelled(anmeldung: Anmeldung, *, note: str) -> None:
    _send("event_cancelled", anmeldung, note=note)


def message(anmeldung: Anmeldung, *, betreff: str, text: str) -> None:
    _send("message", anmeldung, betreff=betreff, text=text)
