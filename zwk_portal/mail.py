"""Outgoing e-mail: rendered from a template trio, written to the outbox, sent by the worker.

A mail is `templates/emails/<name>.subject.txt`, `<name>.txt` and
`<name>.html`; the text and HTML parts extend `emails/base.txt` and
`emails/base.html` (greeting, closing, footer with the portal's name and why
the person gets the mail).

`send()` is called inside the service's transaction and writes the mail
(`OutgoingMail`) and its delivery task in that same transaction: a change that
commits has its mail queued, a rolled-back change has none, and no crash can fall
between the two. The worker sends only what committed. While the mail server is
unreachable it retries with growing pauses up to MAIL_RETRY_CEILING and keeps
trying at that pace until MAIL_GIVE_UP_AFTER; then the mail is "fehlgeschlagen"
and waits in the admin ("Postausgang") for "erneut senden" or "verwerfen".
`recover()` (run by the worker, zwk_portal.worker) takes back a mail whose worker
died while sending it. Each mail keeps the Message-ID it got when it was written.
"""

import base64
import logging
import re
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from .models import OutgoingMail
from .tenancy import scopes_disabled

logger = logging.getLogger(__name__)

Status = OutgoingMail.Status
# Waiting for the worker: a "deliver" task for the mail is queued or will be.
WAITING = [Status.QUEUED, Status.RETRYING]
# Not yet gone out, and nobody decided to leave it: what /health/ measures the queue by.
UNSENT = [Status.QUEUED, Status.RETRYING, Status.SENDING]
# A mail's content once it is sent or discarded (the subject and recipients stay).
EMPTIED = {"text": "", "html": "", "attachments": [], "compose": None}

# What each mail (templates/emails/<kind>.*) is, as the staff read it in the Postausgang;
# tests/test_outbox.py holds that every template has its label.
KINDS = {
    "events_confirm_request": _("Veranstaltung: Anmeldung bitte bestätigen"),
    "events_confirmed": _("Veranstaltung: Anmeldung bestätigt"),
    "events_manage_link": _("Veranstaltung: persönlicher Link"),
    "events_promoted": _("Veranstaltung: Platz von der Warteliste"),
    "events_reminder": _("Veranstaltung: Erinnerung"),
    "events_cancelled": _("Veranstaltung: Abmeldung"),
    "events_message": _("Veranstaltung: Nachricht an Teilnehmende"),
    "events_event_changed": _("Veranstaltung: geändert"),
    "events_event_cancelled": _("Veranstaltung: abgesagt"),
    "foerderung_eingang": _("Förderantrag: Eingangsbestätigung"),
    "foerderung_status": _("Förderantrag: neuer Stand"),
    "foerderung_frist": _("Förderantrag: Frist"),
    "foerderung_zugang": _("Förderantrag: E-Mail-Adresse nachgetragen"),
    "foerderung_zu_erledigen": _("Förderantrag: zu erledigen (Fachdienst)"),
    "foerderung_fristen_fachdienst": _("Förderantrag: abgelaufene Fristen (Fachdienst)"),
    "konto_invitation": _("Konto: Einladung"),
    "konto_login_link": _("Konto: Anmeldelink"),
    "konto_passwort_zuruecksetzen": _("Konto: neues Passwort"),
    "seiten_barrieremeldung": _("Barriere gemeldet"),
    "vor_postausgang": _("aus der Warteschlange vor dem Postausgang"),
}


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def render(name: str, context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the mail `name`, in German."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override("de"):
        subject = " ".join(render_to_string(f"emails/{name}.subject.txt", context).split())
        context["subject"] = subject
        text = _tidy(render_to_string(f"emails/{name}.txt", context))
        html = render_to_string(f"emails/{name}.html", context)
    return subject, text, html


def _tidy(text: str) -> str:
    """No trailing spaces and at most one blank line in a row, whatever the template's tags left."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def send(
    name: str,
    *,
    to: list[str],
    context: dict,
    kommune=None,
    attachments: list[tuple[str, bytes, str]] = (),
    reply_to: list[str] = (),
) -> OutgoingMail:
    """Write the mail `name` for `to` to the outbox, in the caller's transaction.

    kommune: whose mail it is (its coordination sees it in the Postausgang); by default
    the template's `kommune`; None for the installation's own mails (login links,
    passwords). attachments: (filename, content, mimetype) triples.
    """
    kommune = kommune or context.get("kommune")
    subject, text, html = render(name, context)
    return queue(
        kind=name,
        to=to,
        subject=subject,
        text=text,
        html=html,
        kommune=kommune,
        attachments=attachments,
        reply_to=reply_to,
    )


def send_later(
    name: str,
    *,
    to: list[str],
    builder: str,
    args: dict,
    kommune=None,
    reply_to: list[str] = (),
) -> OutgoingMail:
    """As `send`, but the worker renders the mail: the request only writes the row.

    `builder` is the dotted path of a function that takes `args` (JSON: ids, not objects)
    and returns the template's context and the attachments, read from the database when
    the worker sends. For a mail on a hot path whose words do not change in between, such
    as the confirmation link of a new registration."""
    return queue(
        kind=name,
        to=to,
        subject="",
        text="",
        html="",
        kommune=kommune,
        reply_to=reply_to,
        compose={"builder": builder, "args": args},
    )


def queue(
    *,
    kind: str,
    to: list[str],
    subject: str,
    text: str,
    html: str,
    kommune=None,
    attachments: list[tuple[str, bytes, str]] = (),
    reply_to: list[str] = (),
    compose: dict | None = None,
) -> OutgoingMail:
    """Write an already rendered mail and its delivery task, both or neither.

    Inside the caller's transaction no savepoint of its own (a failure here rolls the
    caller's change back too, as it must); alone, a transaction of its own."""
    with transaction.atomic(savepoint=False):
        mail = OutgoingMail.objects.create(
            kommune=kommune,
            kind=kind,
            recipients=list(to),
            reply_to=list(reply_to),
            subject=subject[:300],
            text=text,
            html=html,
            attachments=_encoded(attachments),
            message_id=make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost"),
            compose=compose,
        )
        deliver.enqueue(mail.pk)
    return mail


def backoff(attempts: int) -> timedelta:
    """The pause after the `attempts`-th failed attempt: 1, 2, 4 … minutes, at most the ceiling."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 20)), settings.MAIL_RETRY_CEILING)


def message(mail: OutgoingMail) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=mail.recipients,
        reply_to=mail.reply_to or None,
        headers={"Message-ID": mail.message_id},
    )
    email.attach_alternative(mail.html, "text/html")
    for filename, content, mimetype in mail.attachments:
        email.attach(filename, base64.b64decode(content), mimetype)
    return email


@task()
def deliver(mail_id: int) -> str:
    """Send one mail of the outbox. Harmless when run twice: only a waiting mail is sent."""
    with scopes_disabled():
        mail = _claim(mail_id)
        if mail is None:
            return "nichts zu tun"
        try:
            if mail.compose is not None:
                _compose(mail)
        except ObjectDoesNotExist:
            # What the mail was about is gone (e.g. deleted at a person's request): nothing
            # is left to say, and nobody to say it about.
            OutgoingMail.objects.filter(pk=mail.pk).update(
                status=Status.DISCARDED,
                last_error="Nicht mehr zu erstellen: der Anlass ist gelöscht.",
                **EMPTIED,
            )
            return "verworfen"
        except Exception as error:
            return _failed(mail, error)
        try:
            message(mail).send()
        except Exception as error:
            return _failed(mail, error)
        # Unconditionally: a mail that went out is "gesendet", even if recover() took it
        # back meanwhile, so that it is not sent again. Its content goes: it may hold a
        # login or confirmation link, and the staff need only who got what when.
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=Status.SENT, sent_at=timezone.now(), last_error="", **EMPTIED
        )
    return "gesendet"


def _encoded(attachments) -> list[list[str]]:
    """(filename, content, mimetype) triples as the outbox keeps them (JSON, base64)."""
    return [
        [filename, base64.b64encode(content).decode("ascii"), mimetype]
        for filename, content, mimetype in attachments
    ]


def _compose(mail: OutgoingMail) -> None:
    """Render a mail written by `send_later` and keep the result, so that a retry sends
    the same words."""
    context, attachments = import_string(mail.compose["builder"])(**mail.compose["args"])
    mail.subject, mail.text, mail.html = render(mail.kind, context)
    mail.subject = mail.subject[:300]
    mail.attachments = _encoded(attachments)
    mail.compose = None
    mail.save(update_fields=["subject", "text", "html", "attachments", "compose"])


def _claim(mail_id: int) -> OutgoingMail | None:
    """Mark a waiting mail as being sent, in a transaction of its own that commits at once."""
    with transaction.atomic():
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, status__in=WAITING)
            .first()
        )
        if mail is None:
            return None
        mail.status = Status.SENDING
        mail.claimed_at = timezone.now()
        mail.attempts += 1
        mail.save(update_fields=["status", "claimed_at", "attempts"])
    return mail


def _failed(mail: OutgoingMail, error: Exception) -> str:
    now = timezone.now()
    give_up = now - mail.queued_at >= settings.MAIL_GIVE_UP_AFTER
    status = Status.FAILED if give_up else Status.RETRYING
    next_attempt_at = now if give_up else now + backoff(mail.attempts)
    with transaction.atomic():
        still_ours = OutgoingMail.objects.filter(
            pk=mail.pk, status=Status.SENDING, claimed_at=mail.claimed_at
        ).update(
            status=status,
            next_attempt_at=next_attempt_at,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        if still_ours and not give_up:
            deliver.using(run_after=next_attempt_at).enqueue(mail.pk)
    if give_up:
        logger.error(
            "Mail %s not sent after %d attempts, left for the staff", mail.pk, mail.attempts
        )
        return "fehlgeschlagen"
    logger.warning("Mail server not reachable, mail %s retried at %s", mail.pk, next_attempt_at)
    return "neuer Versuch geplant"


# ------------------------------------------------------------------ staff actions


def resend(mail: OutgoingMail) -> bool:
    """ "Erneut senden": a failed, held or waiting mail gets a new round of attempts now."""
    now = timezone.now()
    with transaction.atomic():
        changed = OutgoingMail.objects.filter(
            pk=mail.pk, status__in=[Status.FAILED, Status.HELD, *WAITING]
        ).update(status=Status.QUEUED, queued_at=now, next_attempt_at=now)
        if changed:
            deliver.enqueue(mail.pk)
    return bool(changed)


def discard(mail: OutgoingMail) -> bool:
    """ "Verwerfen": the mail is not sent; it stays in the list until the retention removes it."""
    return bool(
        OutgoingMail.objects.filter(
            pk=mail.pk, status__in=[Status.FAILED, Status.HELD, *WAITING]
        ).update(status=Status.DISCARDED, **EMPTIED)
    )


# ------------------------------------------------------------------ the worker's side


def recover(*, now=None) -> int:
    """Take back mails whose sending was interrupted and queue mails that lost their task.

    A mail "wird gesendet" for longer than MAIL_SEND_TIMEOUT belongs to a worker that
    died (kill -9, out of memory, reboot): it is retried. A waiting mail overdue by as
    long without a queued task (its task was lost, e.g. by an old restore) gets one.
    Returns how many mails were queued again.
    """
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415 - the database queue only

    now = now or timezone.now()
    cutoff = now - settings.MAIL_SEND_TIMEOUT
    with scopes_disabled(), transaction.atomic():
        stalled = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(status=Status.SENDING, claimed_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        OutgoingMail.objects.filter(pk__in=stalled).update(
            status=Status.RETRYING,
            next_attempt_at=now,
            last_error="Versand unterbrochen (Worker beendet); neuer Versuch.",
        )
        tasks = DBTaskResult.objects.filter(task_path=deliver.module_path)
        queued = {
            args["args"][0]
            for args in tasks.filter(status="READY").values_list("args_kwargs", flat=True)
            if args.get("args") and isinstance(args["args"][0], int)
        }
        orphaned = [
            pk
            for pk in OutgoingMail.objects.filter(
                status__in=WAITING, next_attempt_at__lt=cutoff
            ).values_list("pk", flat=True)
            if pk not in queued
        ]
        for pk in stalled + orphaned:
            deliver.enqueue(pk)
        # The interrupted tasks themselves would stay "RUNNING" for ever.
        tasks.filter(status="RUNNING", started_at__lt=cutoff).update(
            status="FAILED",
            finished_at=now,
            exception_class_path="zwk_portal.mail.Interrupted",
            traceback="Worker beendet, während er diese E-Mail sendete; sie wurde neu eingeplant.",
        )
    if stalled or orphaned:
        logger.warning(
            "Mails queued again: %d interrupted, %d without task", len(stalled), len(orphaned)
        )
    return len(stalled) + len(orphaned)


def hold_after_restore() -> int:
    """After a restore: what was waiting at the snapshot may have gone out since; staff decide."""
    with scopes_disabled():
        return OutgoingMail.objects.filter(status__in=UNSENT).update(
            status=Status.HELD,
            last_error="Nach einer Wiederherstellung zurückgehalten: vielleicht schon gesendet.",
        )
