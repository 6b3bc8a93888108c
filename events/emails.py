"""The mails of a registration. Each carries the personal link to see, change or cancel.

Called by services inside their transaction; zwk_portal.mail writes them to the
outbox in that transaction, and the worker sends them once it committed.

Each mail to a confirmed person says exactly where they stand (templates/emails/
_events_state.*): "Platz sicher", or "Warteliste, Platz 3". The online join link
goes only to confirmed online seat holders, by mail: in the reminder the day
before, and in every mail to them from that day on (a confirmation, a move up
from the waitlist, a switch to online, a change of the event), since the reminder
has run by then or will not run again for them (`Anmeldung.join_link_due`).
Before that day a mail names the date the link will come. It never goes into a
public page or a calendar file.

A registration without an e-mail address (taken by phone, confirmed by letter) gets no
mail at all; the coordination sees on its page whom to tell by phone or letter.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from zwk_portal import mail

from . import calendar, selectors, services
from .models import Anmeldung


def _context(anmeldung: Anmeldung, now=None, **extra) -> dict:
    veranstaltung = anmeldung.veranstaltung
    join_link_due = anmeldung.join_link_due(now or timezone.now())
    return {
        "anmeldung": anmeldung,
        "veranstaltung": veranstaltung,
        "option": anmeldung.option,
        "kommune": veranstaltung.kommune,
        "manage_url": anmeldung.manage_url(),
        "event_url": veranstaltung.absolute_url(),
        "join_link_due": join_link_due,
        "join_link": anmeldung.option.zugangslink if join_link_due else "",
        "reminder_date": veranstaltung.reminder_date(),
        "waitlist_position": selectors.waitlist_position(anmeldung),
        **extra,
    }


def _reply_to(anmeldung: Anmeldung) -> list[str]:
    email = anmeldung.veranstaltung.kontakt_email
    return [email] if email else []


def _send(name: str, anmeldung: Anmeldung, attachments=(), now=None, **extra) -> None:
    if not anmeldung.email:
        return  # reached by phone or letter only
    mail.send(
        f"events_{name}",
        to=[anmeldung.email],
        context=_context(anmeldung, now, **extra),
        attachments=attachments,
        reply_to=_reply_to(anmeldung),
    )


def _ics(anmeldung: Anmeldung) -> list[tuple[str, bytes, str]]:
    content = calendar.event_ics(anmeldung.veranstaltung, anmeldung.option)
    return [("veranstaltung.ics", content, "text/calendar")]


def confirm_request(anmeldung: Anmeldung, *, reason: str = "") -> None:
    """The confirmation link. `reason`: "" (new), "again" (registered a second time while
    this one waits for confirmation), "renewed" (a new link after the 48 hours).

    A new registration's mail is rendered by the worker (mail.send_later), not in the
    registration's request: nothing it says can change before it is sent."""
    if not anmeldung.email:
        return
    if not reason:
        mail.send_later(
            "events_confirm_request",
            to=[anmeldung.email],
            builder="events.emails.confirm_request_parts",
            args={"anmeldung": anmeldung.pk},
            kommune=anmeldung.veranstaltung.kommune,
            reply_to=_reply_to(anmeldung),
        )
        return
    _send("confirm_request", anmeldung, **_confirm_request_extra(anmeldung, reason))


def _confirm_request_extra(anmeldung: Anmeldung, reason: str) -> dict:
    path = reverse(
        "events:confirm",
        kwargs={
            "kommune": anmeldung.veranstaltung.kommune.slug,
            "code": services.confirmation_code(anmeldung),
        },
    )
    return {
        "confirm_url": settings.SITE_URL + path,
        "expires_at": anmeldung.confirm_by(),
        "reason": reason,
    }


def confirm_request_parts(*, anmeldung: int) -> tuple[dict, list]:
    """The context of a new registration's confirmation mail, for the worker."""
    found = Anmeldung.objects.select_related("veranstaltung__kommune", "option").get(pk=anmeldung)
    return _context(found, **_confirm_request_extra(found, "")), []


def confirmed(anmeldung: Anmeldung, *, changed: bool = False, now=None) -> None:
    on_waitlist = anmeldung.status == Anmeldung.Status.WARTELISTE
    _send(
        "confirmed",
        anmeldung,
        attachments=() if on_waitlist else _ics(anmeldung),
        now=now,
        changed=changed,
        on_waitlist=on_waitlist,
    )


def manage_link(anmeldung: Anmeldung, *, now=None) -> None:
    _send("manage_link", anmeldung, now=now)


def promoted(anmeldung: Anmeldung, *, now=None) -> None:
    _send("promoted", anmeldung, attachments=_ics(anmeldung), now=now)


def cancelled(anmeldung: Anmeldung) -> None:
    _send("cancelled", anmeldung)


def reminder(anmeldung: Anmeldung) -> None:
    _send("reminder", anmeldung, join_link=anmeldung.option.zugangslink)


def event_changed(anmeldung: Anmeldung, *, note: str, now=None) -> None:
    _send("event_changed", anmeldung, attachments=_ics(anmeldung), now=now, note=note)


def event_cancelled(anmeldung: Anmeldung, *, note: str) -> None:
    _send("event_cancelled", anmeldung, note=note)


def message(anmeldung: Anmeldung, *, betreff: str, text: str) -> None:
    _send("message", anmeldung, betreff=betreff, text=text)
