"""Every state change of an Anmeldung, one function each.

Capacity is kept by counting and inserting under a row lock on the
Teilnahmeoption (`select_for_update`) inside one transaction, so that many
people registering at the same moment never get more seats than there are.
Mails are written to the outbox in the same transaction (zwk_portal.mail.send)
and sent by the worker once it committed.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import emails
from .models import (
    CONFIRMATION_WINDOW,
    PRIVACY_NOTICE_VERSION,
    Anmeldung,
    Nachricht,
    Teilnahmeoption,
    Veranstaltung,
    Versuch,
    new_token,
)

_CONFIRM_SALT = "events.anmeldung.confirm"


class RegistrationError(Exception):
    """A registration step that is not possible; the message is for the person."""


class RegistrationClosed(RegistrationError):
    pass


class OptionFull(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    def __init__(self, message, anmeldung):
        super().__init__(message)
        self.anmeldung = anmeldung


class DuplicateSubmission(RegistrationError):
    def __init__(self, message, anmeldung):
        super().__init__(message)
        self.anmeldung = anmeldung


class TokenInvalid(RegistrationError):
    pass


class TokenExpired(RegistrationError):
    def __init__(self, message, veranstaltung=None):
        super().__init__(message)
        self.veranstaltung = veranstaltung  # when known: register again on its page


class NotAllowed(RegistrationError):
    pass


ACTIVE = [Anmeldung.Status.PLATZ, Anmeldung.Status.WARTELISTE]


def _lock_option(option: Teilnahmeoption) -> Teilnahmeoption:
    """The option, locked for this transaction (only its own row, not the event's)."""
    return (
        Teilnahmeoption.objects.select_for_update(of=("self",))
        .select_related("veranstaltung__kommune")
        .get(pk=option.pk)
    )


def _seat_counts(option: Teilnahmeoption, now) -> tuple[int, int]:
    """Seats held and confirmed people waiting, in one query. Call under the lock."""
    cutoff = now - CONFIRMATION_WINDOW
    counts = option.anmeldungen.aggregate(
        held=Count(
            "pk",
            filter=Q(status=Anmeldung.Status.PLATZ)
            & (Q(confirmed_at__isnull=False) | Q(created_at__gt=cutoff)),
        ),
        waiting=Count(
            "pk", filter=Q(status=Anmeldung.Status.WARTELISTE, confirmed_at__isnull=False)
        ),
    )
    return counts["held"], counts["waiting"]


def _free_seats(option: Teilnahmeoption, now) -> int | None:
    """Seats still free, or None for unlimited. Call under the option's lock."""
    if option.kapazitaet is None:
        return None
    return option.kapazitaet - option.anmeldungen.holding_seat(now).count()


def _release_expired(option: Teilnahmeoption, now) -> int:
    """Delete unconfirmed Anmeldungen whose 48 hours have passed. Call under the lock."""
    deleted, _rows = option.anmeldungen.filter(
        confirmed_at__isnull=True,
        created_at__lte=now - CONFIRMATION_WINDOW,
        anonymised_at__isnull=True,
    ).delete()
    return deleted


def _promote_waitlist(option: Teilnahmeoption, now) -> list[Anmeldung]:
    """Move the first confirmed people of the waitlist into free seats. Call under the lock."""
    event = option.veranstaltung
    if event.status != Veranstaltung.Status.VEROEFFENTLICHT or event.has_started(now):
        return []
    free = _free_seats(option, now)
    waiting = option.anmeldungen.filter(
        status=Anmeldung.Status.WARTELISTE, confirmed_at__isnull=False
    ).order_by("created_at", "pk")
    movers = list(waiting if free is None else waiting[: max(free, 0)])
    for anmeldung in movers:
        anmeldung.status = Anmeldung.Status.PLATZ
        anmeldung.promoted_at = now
        anmeldung.save(update_fields=["status", "promoted_at"])
        anmeldung.option = option
        emails.promoted(anmeldung)
    return movers


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass
class RateLimit:
    allowed: bool
    reason: str = ""


def _attempt_key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()


def check_rate_limit(*, address: str, email: str, now=None) -> RateLimit:
    """Record a registration attempt and say whether it is within the limits.

    Only keyed hashes of the address and e-mail are stored, for one window.
    """
    now = now or timezone.now()
    window = timedelta(seconds=settings.EVENTS_RATE_LIMIT_WINDOW_SECONDS)
    keys = {"address": _attempt_key("address", address), "email": _attempt_key("email", email)}
    limits = {
        "address": settings.EVENTS_RATE_LIMIT_PER_ADDRESS,
        "email": settings.EVENTS_RATE_LIMIT_PER_EMAIL,
    }
    counts = Versuch.objects.filter(key__in=keys.values(), created_at__gt=now - window).aggregate(
        address=Count("pk", filter=Q(key=keys["address"])),
        email=Count("pk", filter=Q(key=keys["email"])),
    )
    for kind in ("address", "email"):
        if counts[kind] >= limits[kind]:
            return RateLimit(False, kind)
    Versuch.objects.bulk_create(
        [Versuch(key=keys["address"], created_at=now), Versuch(key=keys["email"], created_at=now)]
    )
    return RateLimit(True)


_ALREADY = gettext_lazy(
    "Mit dieser E-Mail-Adresse besteht bereits eine Anmeldung für diese Veranstaltung. "
    "Wir haben Ihnen den Link zu Ihrer Anmeldung noch einmal geschickt."
)


def _check_duplicates(*, event_id: int, email: str, submission_key: str, now) -> None:
    """Refuse a form sent twice or an e-mail already registered; one query.

    An unconfirmed Anmeldung of the same e-mail whose 48 hours have passed is deleted.
    """
    cutoff = now - CONFIRMATION_WINDOW
    same = Q(veranstaltung_id=event_id, email=email, status__in=ACTIVE)
    if submission_key:
        same |= Q(submission_key=submission_key)
    for earlier in Anmeldung.objects.filter(same).order_by("pk"):
        if submission_key and earlier.submission_key == submission_key:
            raise DuplicateSubmission(_("Ihre Anmeldung ist bereits eingegangen."), earlier)
        if earlier.confirmed_at is None and earlier.created_at <= cutoff:
            earlier.delete()
            continue
        raise AlreadyRegistered(str(_ALREADY), earlier)


def register(
    *,
    option: Teilnahmeoption,
    name: str,
    email: str,
    organisation: str = "",
    telefon: str = "",
    barrierefreiheit: str = "",
    frage: str = "",
    privacy_version: str = PRIVACY_NOTICE_VERSION,
    waitlist_ok: bool = False,
    submission_key: str = "",
    now=None,
) -> Anmeldung:
    """Take a seat, or a place on the waitlist when the option is full and that is wanted.

    The Anmeldung counts only once confirmed; until then it holds its seat for 48 hours.
    Seats are counted and the row inserted under a lock on the option, in one transaction.
    """
    now = now or timezone.now()
    email = normalise_email(email)
    fields = {
        "name": name.strip(),
        "email": email,
        "organisation": organisation.strip(),
        "telefon": telefon.strip(),
        "barrierefreiheit": barrierefreiheit.strip(),
        "frage": frage.strip(),
        "datenschutz_version": privacy_version,
        "submission_key": submission_key,
    }
    try:
        anmeldung = _register_locked(option, fields, waitlist_ok=waitlist_ok, now=now)
    except IntegrityError:
        # Someone else committed the same form or e-mail while we waited for the lock:
        # the transaction is rolled back; say which.
        _check_duplicates(
            event_id=option.veranstaltung_id, email=email, submission_key=submission_key, now=now
        )
        raise
    return anmeldung


@transaction.atomic
def _register_locked(option, fields, *, waitlist_ok, now) -> Anmeldung:
    _check_duplicates(
        event_id=option.veranstaltung_id,
        email=fields["email"],
        submission_key=fields["submission_key"],
        now=now,
    )
    option = _lock_option(option)
    event = option.veranstaltung
    if not event.registration_open(now):
        raise RegistrationClosed(_("Für diese Veranstaltung ist keine Anmeldung mehr möglich."))
    held, waiting = _seat_counts(option, now)
    free = None if option.kapazitaet is None else option.kapazitaet - held
    if waiting and (free is None or free > 0):
        # Seats came free (e.g. an unconfirmed registration expired): the waitlist goes first.
        moved = _promote_waitlist(option, now)
        free = None if free is None else free - len(moved)
    if free is None or free > 0:
        status = Anmeldung.Status.PLATZ
    elif waitlist_ok:
        status = Anmeldung.Status.WARTELISTE
    else:
        raise OptionFull(
            _(
                "„%(option)s“ ist leider ausgebucht. Wählen Sie eine andere Teilnahmeoption "
                "oder lassen Sie sich auf die Warteliste setzen."
            )
            % {"option": option.name}
        )
    anmeldung = Anmeldung.objects.create(
        veranstaltung=event, option=option, status=status, created_at=now, **fields
    )
    # In this transaction: the registration and its confirmation mail commit together.
    emails.confirm_request(anmeldung)
    return anmeldung


def resend_manage_link(*, anmeldung: Anmeldung) -> None:
    """Send the personal link again to someone who tried to register twice."""
    with transaction.atomic():
        emails.manage_link(anmeldung)


def confirmation_code(anmeldung: Anmeldung) -> str:
    """The signed code in the confirmation link; it expires with the Anmeldung's 48 hours."""
    return signing.Signer(salt=_CONFIRM_SALT).sign(anmeldung.token)


_EXPIRED = gettext_lazy(
    "Dieser Bestätigungslink ist abgelaufen (er gilt 48 Stunden). "
    "Bitte melden Sie sich noch einmal an."
)


def anmeldung_for_code(code: str, *, now=None) -> Anmeldung:
    """The Anmeldung a confirmation link points to, if the link is genuine and fresh."""
    now = now or timezone.now()
    try:
        token = signing.Signer(salt=_CONFIRM_SALT).unsign(code)
    except signing.BadSignature as error:
        raise TokenInvalid(_("Dieser Bestätigungslink ist ungültig.")) from error
    found = (
        Anmeldung.objects.select_related("veranstaltung__kommune", "option")
        .filter(token=token, anonymised_at__isnull=True)
        .first()
    )
    if found is None:
        raise TokenExpired(str(_EXPIRED))
    if not found.is_confirmed and now - found.created_at > CONFIRMATION_WINDOW:
        raise TokenExpired(str(_EXPIRED), veranstaltung=found.veranstaltung)
    return found


@transaction.atomic
def confirm(*, anmeldung: Anmeldung, now=None) -> Anmeldung:
    """Confirm the e-mail address: from now on the Anmeldung counts. Idempotent."""
    now = now or timezone.now()
    option = _lock_option(anmeldung.option)
    anmeldung = Anmeldung.objects.select_for_update().get(pk=anmeldung.pk)
    anmeldung.option = option
    anmeldung.veranstaltung = option.veranstaltung
    if anmeldung.status == Anmeldung.Status.STORNIERT:
        raise NotAllowed(_("Diese Anmeldung wurde storniert."))
    if anmeldung.is_confirmed:
        return anmeldung
    if now - anmeldung.created_at > CONFIRMATION_WINDOW:
        raise TokenExpired(str(_EXPIRED))
    if anmeldung.veranstaltung.has_started(now):
        raise RegistrationClosed(_("Die Veranstaltung hat bereits begonnen."))
    anmeldung.confirmed_at = now
    anmeldung.save(update_fields=["confirmed_at"])
    if anmeldung.status == Anmeldung.Status.WARTELISTE:
        promoted = _promote_waitlist(option, now)
        if any(p.pk == anmeldung.pk for p in promoted):
            anmeldung.refresh_from_db()
            return anmeldung
    emails.confirmed(anmeldung)
    return anmeldung


@transaction.atomic
def cancel(*, anmeldung: Anmeldung, now=None) -> Anmeldung:
    """Give the seat (or the waitlist place) back; the next on the waitlist moves up."""
    now = now or timezone.now()
    option = _lock_option(anmeldung.option)
    anmeldung = Anmeldung.objects.select_for_update().get(pk=anmeldung.pk)
    anmeldung.option = option
    anmeldung.veranstaltung = option.veranstaltung
    if anmeldung.status == Anmeldung.Status.STORNIERT:
        return anmeldung
    if anmeldung.veranstaltung.has_started(now):
        raise NotAllowed(_("Die Veranstaltung hat bereits begonnen."))
    anmeldung.status = Anmeldung.Status.STORNIERT
    anmeldung.cancelled_at = now
    anmeldung.save(update_fields=["status", "cancelled_at"])
    emails.cancelled(anmeldung)
    _promote_waitlist(option, now)
    return anmeldung


@transaction.atomic
def change_option(*, anmeldung: Anmeldung, option: Teilnahmeoption, now=None) -> Anmeldung:
    """Move to another option of the same event, if it has a free seat."""
    now = now or timezone.now()
    if option.veranstaltung_id != anmeldung.veranstaltung_id:
        raise NotAllowed(_("Diese Teilnahmeoption gehört zu einer anderen Veranstaltung."))
    if option.pk == anmeldung.option_id:
        return anmeldung
    # Lock both options in a fixed order so two moves in opposite directions cannot deadlock.
    locked = {
        o.pk: o
        for o in Teilnahmeoption.objects.select_for_update(of=("self",))
        .select_related("veranstaltung__kommune")
        .filter(pk__in=[option.pk, anmeldung.option_id])
        .order_by("pk")
    }
    old, new = locked[anmeldung.option_id], locked[option.pk]
    anmeldung = Anmeldung.objects.select_for_update().get(pk=anmeldung.pk)
    if not anmeldung.is_active:
        raise NotAllowed(_("Diese Anmeldung wurde storniert."))
    if not new.veranstaltung.registration_open(now):
        raise RegistrationClosed(_("Die Anmeldung für diese Veranstaltung ist geschlossen."))
    free = _free_seats(new, now)
    if free is not None and free <= 0:
        raise OptionFull(
            _("„%(option)s“ ist leider ausgebucht. Ihre Anmeldung bleibt unverändert.")
            % {"option": new.name}
        )
    anmeldung.option = new
    anmeldung.status = Anmeldung.Status.PLATZ
    anmeldung.reminder_sent_at = None
    anmeldung.save(update_fields=["option", "status", "reminder_sent_at"])
    anmeldung.veranstaltung = new.veranstaltung
    if anmeldung.is_confirmed:
        emails.confirmed(anmeldung, changed=True)
    _promote_waitlist(old, now)
    return anmeldung


@transaction.atomic
def check_in(*, anmeldung: Anmeldung, present: bool = True, now=None) -> Anmeldung:
    """Mark someone present at the door (or undo it)."""
    anmeldung = Anmeldung.objects.select_for_update().get(pk=anmeldung.pk)
    if present and anmeldung.checked_in_at is None:
        anmeldung.checked_in_at = now or timezone.now()
    elif not present:
        anmeldung.checked_in_at = None
    anmeldung.save(update_fields=["checked_in_at"])
    return anmeldung


def _participants(veranstaltung: Veranstaltung, option: Teilnahmeoption | None = None):
    """Everyone registered who is still in: seats and waitlist, confirmed."""
    qs = (
        Anmeldung.objects.active()
        .confirmed()
        .filter(veranstaltung=veranstaltung)
        .select_related("option", "veranstaltung__kommune")
    )
    if option is not None:
        qs = qs.filter(option=option)
    return qs


@transaction.atomic
def send_message(
    *,
    veranstaltung: Veranstaltung,
    betreff: str,
    text: str,
    option: Teilnahmeoption | None = None,
    by=None,
    now=None,
) -> Nachricht:
    """A message from the coordination to the confirmed participants (of one option)."""
    recipients = list(_participants(veranstaltung, option).filter(status=Anmeldung.Status.PLATZ))
    for anmeldung in recipients:
        emails.message(anmeldung, betreff=betreff, text=text)
    return Nachricht.objects.create(
        veranstaltung=veranstaltung,
        option=option,
        betreff=betreff,
        text=text,
        empfaenger=len(recipients),
        sent_by=by,
        sent_at=now or timezone.now(),
    )


@transaction.atomic
def announce_change(*, veranstaltung: Veranstaltung, note: str = "") -> int:
    """Tell everyone registered that the event changed (time, place, programme)."""
    recipients = list(_participants(veranstaltung))
    for anmeldung in recipients:
        emails.event_changed(anmeldung, note=note)
    return len(recipients)


@transaction.atomic
def cancel_event(*, veranstaltung: Veranstaltung, note: str = "") -> int:
    """Call the event off and tell everyone registered."""
    veranstaltung = Veranstaltung.objects.select_for_update().get(pk=veranstaltung.pk)
    if veranstaltung.status == Veranstaltung.Status.ABGESAGT:
        return 0
    veranstaltung.status = Veranstaltung.Status.ABGESAGT
    veranstaltung.save(update_fields=["status", "updated_at"])
    recipients = list(_participants(veranstaltung))
    for anmeldung in recipients:
        emails.event_cancelled(anmeldung, note=note)
    return len(recipients)


def send_reminders(*, now=None) -> int:
    """Remind confirmed participants of events that take place tomorrow (Berlin time).

    Idempotent: each Anmeldung remembers when its reminder was sent.
    """
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    sent = 0
    due = (
        Anmeldung.objects.confirmed()
        .filter(
            status=Anmeldung.Status.PLATZ,
            reminder_sent_at__isnull=True,
            veranstaltung__status=Veranstaltung.Status.VEROEFFENTLICHT,
            veranstaltung__beginn__date=tomorrow,
        )
        .values_list("pk", flat=True)
    )
    for pk in due:
        with transaction.atomic():
            anmeldung = (
                Anmeldung.objects.select_for_update(of=("self",))
                .select_related("option", "veranstaltung__kommune")
                .get(pk=pk)
            )
            if anmeldung.reminder_sent_at is not None:
                continue
            anmeldung.reminder_sent_at = now
            anmeldung.save(update_fields=["reminder_sent_at"])
            emails.reminder(anmeldung)
            sent += 1
    return sent


ANONYMISE_AFTER = timedelta(days=30)
DELETE_NEEDS_AFTER = timedelta(days=7)


@transaction.atomic
def apply_retention(*, now=None) -> dict[str, int]:
    """Keep no personal data longer than needed. Idempotent.

    - unconfirmed Anmeldungen older than 48 hours are deleted (their seat is released
      and the waitlist moves up),
    - accessibility needs are deleted 7 days after the event,
    - 30 days after the event every Anmeldung is anonymised: only its option and
      status remain, so counts per option stay.
    - rate-limit records older than a day are deleted.
    """
    now = now or timezone.now()
    released = 0
    expired_options = (
        Anmeldung.objects.filter(
            confirmed_at__isnull=True,
            created_at__lte=now - CONFIRMATION_WINDOW,
            anonymised_at__isnull=True,
        )
        .values_list("option_id", flat=True)
        .distinct()
    )
    for option in Teilnahmeoption.objects.filter(pk__in=list(expired_options)).order_by("pk"):
        locked = _lock_option(option)
        released += _release_expired(locked, now)
        _promote_waitlist(locked, now)
    needs = (
        Anmeldung.objects.filter(veranstaltung__ende__lte=now - DELETE_NEEDS_AFTER)
        .exclude(barrierefreiheit="")
        .update(barrierefreiheit="")
    )
    anonymised = Anmeldung.objects.filter(
        veranstaltung__ende__lte=now - ANONYMISE_AFTER, anonymised_at__isnull=True
    )
    count = anonymise(anonymised, now=now)
    attempts, _rows = Versuch.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return {
        "released": released,
        "needs_deleted": needs,
        "anonymised": count,
        "attempts_deleted": attempts,
    }


def anonymise(anmeldungen, *, now) -> int:
    """Erase everything that identifies the people; only the counts per option remain.

    Row by row, because every row needs a token of its own (they are unique).
    """
    count = 0
    for pk in anmeldungen.values_list("pk", flat=True):
        Anmeldung.objects.filter(pk=pk).update(
            name="",
            email="",
            organisation="",
            telefon="",
            barrierefreiheit="",
            frage="",
            submission_key="",
            token=f"anonym-{new_token()}",
            anonymised_at=now,
        )
        count += 1
    return count
