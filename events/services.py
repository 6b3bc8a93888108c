"""Every state change of an Anmeldung, one function each.

Capacity is kept by counting and inserting under a row lock on the
Teilnahmeoption (`_lock_option`) inside one transaction, so that many
people registering at the same moment never get more seats than there are.
Mails are written to the outbox in the same transaction (zwk_portal.mail.send)
and sent by the worker once it committed.

Every count asks the rules of events/models.py (`holds_seat_q`, `waiting_q`,
`Teilnahmeoption.seats_free`; under the lock their SQL twin `_SEAT_COUNT_SQL`, which a
test holds to them), so the public page, a booking and the waitlist
agree at every moment. A seat freed by an unconfirmed registration whose 48 hours
passed goes to the first confirmed person on the waitlist the next time anyone
counts under the option's lock (a booking, a confirmation, a cancellation, a
change, a page that sees the seat free), not only with the nightly job.

A mail to a seat holder sent from the day before the event on carries what the
reminder would (the online join link): it counts as the reminder
(`reminder_sent_at`), and a change of the event starts the reminder over.
"""

import functools
import hashlib
import hmac
import ipaddress
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kommunen.models import Kommune
from zwk_portal.rows import Columns

from . import emails
from .models import (
    CONFIRMATION_WINDOW,
    PRIVACY_NOTICE_VERSION,
    Anmeldung,
    Benachrichtigung,
    Idee,
    Nachricht,
    Teilnahmeoption,
    Veranstaltung,
    Versuch,
    lapsed_q,
    new_token,
)
from .selectors import EVENT_COLUMNS, OPTION_COLUMNS

logger = logging.getLogger(__name__)

_CONFIRM_SALT = "events.anmeldung.confirm"
# Addresses in settings.ZWK_EVENTS_TRUSTED_NETWORKS (public-sector networks, often a
# whole office behind one address) may register this many times as often.
TRUSTED_NETWORK_FACTOR = 10


class RegistrationError(Exception):
    """A registration step that is not possible; the message is for the person."""


class RegistrationClosed(RegistrationError):
    pass


class OptionFull(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    def __init__(self, message, anmeldung, status=None):
        super().__init__(message)
        self.anmeldung = anmeldung
        # What a new registration would have got ("platz" or "warteliste"), so that the
        # page can answer exactly as for a new one; None when not known.
        self.status = status


class DuplicateSubmission(RegistrationError):
    def __init__(self, message, anmeldung):
        super().__init__(message)
        self.anmeldung = anmeldung


class TokenInvalid(RegistrationError):
    pass


class TokenExpired(RegistrationError):
    def __init__(self, message, veranstaltung=None, anmeldung=None):
        super().__init__(message)
        self.veranstaltung = veranstaltung  # when known: register again on its page
        self.anmeldung = anmeldung  # when still there: a new link (renew_confirmation)


class NotAllowed(RegistrationError):
    pass


class RateLimited(RegistrationError):
    """Too many attempts from the address or with the e-mail (`check_rate_limit`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


ACTIVE = [Anmeldung.Status.PLATZ, Anmeldung.Status.WARTELISTE]


def _atomic_keeping_what_was_settled(func):
    """Atomic, but a refusal (RegistrationError) is raised only after the transaction
    committed what the lock settled before it: the waitlist moving up into a seat that
    an expired hold freed stays moved, though this booking or change is refused."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with transaction.atomic():
            try:
                return func(*args, **kwargs)
            except RegistrationError as error:
                refusal = error
        raise refusal

    return wrapper


# The option's lock and its seat count are the two statements every registration, change
# and cancellation waits in line for: written by hand, because the ORM takes longer to
# compose them than PostgreSQL to run them (zwk_portal/rows.py).
_KOMMUNE = Columns(Kommune, "k")
# FOR KEY SHARE of the event: a step that changes its status (cancelling it locks it
# FOR UPDATE) waits until this transaction is done, and one that came first is seen, so
# that nobody registers for an event that is being called off without being told.
_LOCK_OPTION_SQL = f"""
SELECT {OPTION_COLUMNS.sql}, {EVENT_COLUMNS.sql}, {_KOMMUNE.sql}
FROM {Teilnahmeoption._meta.db_table} o
JOIN {Veranstaltung._meta.db_table} v ON v.id = o.veranstaltung_id
JOIN {Kommune._meta.db_table} k ON k.id = v.kommune_id
WHERE o.id = %s
FOR UPDATE OF o FOR KEY SHARE OF v
"""
# `holds_seat_q` and `waiting_q` in SQL; tests/events/test_seat_count_sql.py holds them
# to the same answers for every kind of registration.
_SEAT_COUNT_SQL = f"""
SELECT count(*) FILTER (
           WHERE status = %(platz)s AND (confirmed_at IS NOT NULL OR created_at > %(cutoff)s)
       ),
       count(*) FILTER (WHERE status = %(warteliste)s AND confirmed_at IS NOT NULL)
FROM {Anmeldung._meta.db_table} WHERE option_id = %(option)s
"""


def _lock_option(option: Teilnahmeoption) -> Teilnahmeoption:
    """The option, read afresh and locked for this transaction, with its event and
    Kommune (the event's row only against a change of its status, see above)."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_OPTION_SQL, [option.pk])
        row = cursor.fetchone()
    if row is None:
        raise Teilnahmeoption.DoesNotExist
    locked = OPTION_COLUMNS.instance(row)
    locked.veranstaltung = EVENT_COLUMNS.instance(row, len(OPTION_COLUMNS))
    locked.veranstaltung.kommune = _KOMMUNE.instance(row, len(OPTION_COLUMNS) + len(EVENT_COLUMNS))
    return locked


def _seat_counts(option: Teilnahmeoption, now) -> tuple[int, int]:
    """Seats held and confirmed people waiting, in one query. Call under the lock."""
    params = {
        "platz": Anmeldung.Status.PLATZ,
        "warteliste": Anmeldung.Status.WARTELISTE,
        "cutoff": now - CONFIRMATION_WINDOW,
        "option": option.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(_SEAT_COUNT_SQL, params)
        held, waiting = cursor.fetchone()
    return held, waiting


def _free_seats(option: Teilnahmeoption, now) -> int | None:
    """Seats a newcomer can take, or None for unlimited. Call under the option's lock,
    after `_promote_waitlist` (which gives the waitlist what is owed to it)."""
    held, waiting = _seat_counts(option, now)
    return option.seats_free(held=held, waiting=waiting)


def _release_expired(option: Teilnahmeoption, now) -> int:
    """Delete unconfirmed Anmeldungen whose 48 hours have passed. Call under the lock."""
    deleted, _rows = option.anmeldungen.filter(lapsed_q(now), anonymised_at__isnull=True).delete()
    return deleted


def _reminder_state(anmeldung: Anmeldung, now) -> None:
    """After a mail to a seat holder: sent from the day before on, it carried what the
    reminder would (the join link), so it counts as the reminder; before, the daily job
    still sends it (again, after a change of the event)."""
    due = (
        anmeldung.status == Anmeldung.Status.PLATZ
        and anmeldung.is_confirmed
        and anmeldung.veranstaltung.reminder_due(now)
    )
    if due or anmeldung.reminder_sent_at is not None:
        anmeldung.reminder_sent_at = now if due else None
        anmeldung.save(update_fields=["reminder_sent_at"])


def _tell_offline(anmeldung: Anmeldung, anlass: str, *, betreff="", text="", now=None) -> None:
    """Whom no mail reaches (registered by phone or on paper without an e-mail address) goes
    on the coordination's list to call or write to (`Benachrichtigung`). Called beside each
    mail that tells of a change; the mail itself is skipped without an address."""
    if not anmeldung.email:
        Benachrichtigung.objects.create(
            anmeldung=anmeldung,
            anlass=anlass,
            betreff=betreff,
            text=text,
            created_at=now or timezone.now(),
        )


def done_benachrichtigung(*, benachrichtigung: Benachrichtigung, by, now=None) -> bool:
    """Mark the call made or the letter sent. False if someone else was first."""
    return bool(
        Benachrichtigung.objects.filter(pk=benachrichtigung.pk, done_at=None).update(
            done_at=now or timezone.now(), done_by=by
        )
    )


def _promote_waitlist(option: Teilnahmeoption, now) -> list[Anmeldung]:
    """Move the first confirmed people of the waitlist into free seats. Call under the lock.

    Seats come free by a cancellation, a change of option or an unconfirmed registration
    whose 48 hours passed; whoever counts next under the lock moves the waitlist up.
    """
    event = option.veranstaltung
    if event.status != Veranstaltung.Status.VEROEFFENTLICHT or event.has_started(now):
        return []
    held, waiting = _seat_counts(option, now)
    if not waiting:
        return []
    free = None if option.kapazitaet is None else option.kapazitaet - held
    if free is not None and free <= 0:
        return []
    queue = option.anmeldungen.waiting()
    movers = list(queue if free is None else queue[:free])
    for anmeldung in movers:
        anmeldung.status = Anmeldung.Status.PLATZ
        anmeldung.promoted_at = now
        anmeldung.save(update_fields=["status", "promoted_at"])
        anmeldung.option = option
        anmeldung.veranstaltung = event
        emails.promoted(anmeldung, now=now)
        _tell_offline(anmeldung, Benachrichtigung.Anlass.NACHGERUECKT, now=now)
        _reminder_state(anmeldung, now)
    return movers


def promote_waitlists(*, options, now=None) -> list[Anmeldung]:
    """Options read with their seat counts (selectors.options_with_counts): where a seat
    is free while someone confirmed waits (an unconfirmed hold expired since), move them
    up now, under the option's lock. Asks nothing more of the database otherwise."""
    now = now or timezone.now()
    moved = []
    for option in options:
        free = None if option.kapazitaet is None else option.kapazitaet - option.held
        if not option.waitlist_count or (free is not None and free <= 0):
            continue
        event = option.veranstaltung
        if event.status == Veranstaltung.Status.VEROEFFENTLICHT and not event.has_started(now):
            with transaction.atomic():
                moved += _promote_waitlist(_lock_option(option), now)
    return moved


def normalise_email(email: str) -> str:
    return email.strip().lower()


@dataclass
class RateLimit:
    allowed: bool
    reason: str = ""


def _attempt_key(kind: str, value: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()


def _address_limit(address: str) -> int:
    """Attempts per window from one address: generous, as a whole office may share one;
    TRUSTED_NETWORK_FACTOR times that from the networks in ZWK_EVENTS_TRUSTED_NETWORKS."""
    limit = settings.EVENTS_RATE_LIMIT_PER_ADDRESS
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return limit
    for network in settings.ZWK_EVENTS_TRUSTED_NETWORKS:
        try:
            trusted = ipaddress.ip_network(network, strict=False)
        except ValueError:
            logger.warning("ZWK_EVENTS_TRUSTED_NETWORKS: %r is no network, ignored", network)
            continue
        if ip.version == trusted.version and ip in trusted:
            return limit * TRUSTED_NETWORK_FACTOR
    return limit


# Counts the attempts in the window and records this one only if it is within both limits,
# in one statement (its INSERT is invisible to its own SELECT: the counts are from before).
_ATTEMPT_SQL = """
WITH counts AS (
    SELECT count(*) FILTER (WHERE key = %(address)s) AS by_address,
           count(*) FILTER (WHERE key = %(email)s) AS by_email
    FROM {table} WHERE key IN (%(address)s, %(email)s) AND created_at > %(since)s
), recorded AS (
    INSERT INTO {table} (key, created_at)
    SELECT key, %(now)s FROM (VALUES (%(address)s), (%(email)s)) AS attempt (key), counts
    WHERE by_address < %(address_limit)s AND by_email < %(email_limit)s
)
SELECT by_address, by_email FROM counts
"""


def check_rate_limit(*, address: str, email: str, now=None) -> RateLimit:
    """Record a registration attempt and say whether it is within the limits.

    Strict per e-mail, generous per address (see `_address_limit`). Only keyed hashes of
    the address and e-mail are stored, for one window; a refused attempt is not recorded.
    One statement; inside `register` it is part of the registration's transaction.
    """
    now = now or timezone.now()
    window = timedelta(seconds=settings.EVENTS_RATE_LIMIT_WINDOW_SECONDS)
    limits = {
        "address_limit": _address_limit(address),
        "email_limit": settings.EVENTS_RATE_LIMIT_PER_EMAIL,
    }
    params = {
        "address": _attempt_key("address", address),
        "email": _attempt_key("email", email),
        "now": now,
        "since": now - window,
        **limits,
    }
    with connection.cursor() as cursor:
        cursor.execute(_ATTEMPT_SQL.format(table=Versuch._meta.db_table), params)
        by_address, by_email = cursor.fetchone()
    if by_address >= limits["address_limit"]:
        return RateLimit(False, "address")
    if by_email >= limits["email_limit"]:
        return RateLimit(False, "email")
    return RateLimit(True)


_ALREADY = gettext_lazy(
    "Mit dieser E-Mail-Adresse besteht bereits eine Anmeldung für diese Veranstaltung. "
    "Wir haben Ihnen den Link zu Ihrer Anmeldung noch einmal geschickt."
)


def _check_resubmission(submission_key: str) -> None:
    """Refuse the same form sent twice (a double click); it answers as the first did."""
    if not submission_key:
        return
    earlier = Anmeldung.objects.filter(submission_key=submission_key).first()
    if earlier is not None:
        raise DuplicateSubmission(_("Ihre Anmeldung ist bereits eingegangen."), earlier)


def _check_same_email(*, event_id: int, email: str, now, status=None) -> None:
    """Refuse an e-mail already registered for the event; `status` is what the new
    registration would have got. An unconfirmed Anmeldung of the same e-mail whose 48
    hours have passed is deleted: the new registration takes its place."""
    same = Anmeldung.objects.filter(veranstaltung_id=event_id, email=email, status__in=ACTIVE)
    for earlier in same.order_by("pk"):
        if earlier.is_lapsed(now):
            earlier.delete()
            continue
        raise AlreadyRegistered(str(_ALREADY), earlier, status=status)


def register(
    *,
    option: Teilnahmeoption,
    name: str,
    email: str,
    organisation: str = "",
    telefon: str = "",
    barrierefreiheit: str = "",
    frage: str = "",
    idee_oeffentlich: bool = False,
    privacy_version: str = PRIVACY_NOTICE_VERSION,
    waitlist_ok: bool = False,
    submission_key: str = "",
    client_address: str | None = None,
    kanal: str = Anmeldung.Kanal.ONLINE,
    erfasst_von=None,
    bestaetigung: str = Anmeldung.Bestaetigung.EMAIL,
    anschrift: str = "",
    now=None,
) -> Anmeldung:
    """Take a seat, or a place on the waitlist when the option is full and that is wanted.

    The Anmeldung counts only once confirmed; until then it holds its seat for 48 hours.
    One transaction: the attempt for the rate limit (with `client_address`), the lock on
    the option, the seat count, the insert and the confirmation mail. Duplicates (the same
    form twice, an address already registered) are found by the database's unique
    constraints, not asked for first: the insert fails, and only then do we look which.

    A staff entry (`kanal` "telefon" or "papier", `erfasst_von` the coordinator) takes the
    same way: the same lock, seat count, waitlist, registration period and duplicate
    checks; an e-mail address already registered is refused as online. Two things of the
    public form make no sense for it and are skipped:

    - the rate limit: it guards the public form against floods from one address; the
      coordination's office address says nothing about the caller (`client_address` is
      ignored);
    - the double opt-in: it proves that whoever typed the address can read its mail. The
      caller confirmed to the coordinator in person and may have no e-mail at all, and an
      unconfirmed registration would lose its seat after 48 hours. A staff entry is
      confirmed at once: by e-mail (`bestaetigung` "email") the confirmation mail goes
      out as after a click on the link, by letter ("brief", to `anschrift`) no mail.
    """
    now = now or timezone.now()
    email = normalise_email(email)
    staff_entry = kanal != Anmeldung.Kanal.ONLINE
    if staff_entry:
        client_address = None  # no rate limit for the coordination's entries, see above
    if bestaetigung == Anmeldung.Bestaetigung.EMAIL and not email:
        raise RegistrationError(_("Für eine Bestätigung per E-Mail fehlt die E-Mail-Adresse."))
    if bestaetigung == Anmeldung.Bestaetigung.BRIEF and not anschrift.strip():
        raise RegistrationError(_("Für eine Bestätigung per Brief fehlt die Postanschrift."))
    fields = {
        "name": name.strip(),
        "email": email,
        "organisation": organisation.strip(),
        "telefon": telefon.strip(),
        "barrierefreiheit": barrierefreiheit.strip(),
        "frage": frage.strip(),
        # A consent to publish nothing means nothing: only with a Frage oder Idee.
        "idee_oeffentlich": bool(idee_oeffentlich and frage.strip()),
        "datenschutz_version": privacy_version,
        "submission_key": submission_key,
        "kanal": kanal,
        "erfasst_von": erfasst_von if staff_entry else None,
        "bestaetigung": bestaetigung,
        "anschrift": anschrift.strip(),
        # A staff entry is confirmed when it is entered (no double opt-in, see above).
        "confirmed_at": now if staff_entry else None,
    }
    for _attempt in range(2):
        decided = {}
        try:
            return _register_locked(
                option,
                fields,
                waitlist_ok=waitlist_ok,
                client_address=client_address,
                decided=decided,
                now=now,
            )
        except IntegrityError:
            # A unique constraint refused the insert and rolled everything back, the attempt
            # too: count it again, or repeating a known address would mail it without end.
            if client_address is not None:
                limit = check_rate_limit(address=client_address, email=email, now=now)
                if not limit.allowed:
                    raise RateLimited(limit.reason) from None
            # Say which constraint.
            _check_resubmission(submission_key)
            if email:  # registrations without an e-mail address are never duplicates
                _check_same_email(
                    event_id=option.veranstaltung_id,
                    email=email,
                    now=now,
                    status=decided.get("status"),
                )
            # Only a lapsed registration of the same address stood in the way, and it is
            # deleted now: once more.
    raise RegistrationError(
        _("Die Anmeldung ist gerade nicht möglich. Bitte versuchen Sie es noch einmal.")
    )


@_atomic_keeping_what_was_settled
def _register_locked(option, fields, *, waitlist_ok, client_address, decided, now) -> Anmeldung:
    if client_address is not None:
        limit = check_rate_limit(address=client_address, email=fields["email"], now=now)
        if not limit.allowed:
            raise RateLimited(limit.reason)
    option = _lock_option(option)
    event = option.veranstaltung
    if not event.registration_open(now):
        raise RegistrationClosed(_("Für diese Veranstaltung ist keine Anmeldung mehr möglich."))
    free = None
    # Without a limit (an online option, mostly) there is nothing to count: everyone gets a
    # seat. Whoever waits there from before a limit was lifted moves up with the next page
    # view of the event (views._event_or_404), as after any change of the option.
    if option.kapazitaet is not None:
        held, waiting = _seat_counts(option, now)
        if waiting and option.seats_free(held=held, waiting=0) != 0:
            # Seats came free (e.g. an unconfirmed registration expired): the waitlist first.
            _promote_waitlist(option, now)
            held, waiting = _seat_counts(option, now)
        free = option.seats_free(held=held, waiting=waiting)
    if free is None or free > 0:
        status = Anmeldung.Status.PLATZ
    elif waitlist_ok:
        status = Anmeldung.Status.WARTELISTE
    else:
        # The twin of a double click, which waited for the lock, may have taken the last
        # seat: it answers as the first did, not "ausgebucht".
        _check_resubmission(fields["submission_key"])
        raise OptionFull(
            _(
                "„%(option)s“ ist leider ausgebucht. Wählen Sie eine andere Teilnahmeoption "
                "oder lassen Sie sich auf die Warteliste setzen."
            )
            % {"option": option.name}
        )
    # Only now, after the same answers as for anyone, may the address turn out to be known
    # (the insert below fails): `register` then answers with this status.
    decided["status"] = status
    anmeldung = Anmeldung.objects.create(
        veranstaltung=event, option=option, status=status, created_at=now, **fields
    )
    # In this transaction: the registration and its confirmation mail commit together.
    if not anmeldung.is_confirmed:
        emails.confirm_request(anmeldung)
    elif anmeldung.bestaetigung == Anmeldung.Bestaetigung.EMAIL:
        # A staff entry, confirmed at once: the mail a click on the link would have sent.
        emails.confirmed(anmeldung, now=now)
        if anmeldung.status == Anmeldung.Status.PLATZ:
            _reminder_state(anmeldung, now)
    # By letter: no mail; the coordination prints the letter (events.documents).
    return anmeldung


def resend_manage_link(*, anmeldung: Anmeldung, now=None) -> None:
    """Answer a second registration with a known address by mail only (the page says the
    same as for a new one): the personal link when the Anmeldung is confirmed, its
    confirmation link again while it waits to be confirmed."""
    now = now or timezone.now()
    with transaction.atomic():
        if anmeldung.is_confirmed:
            emails.manage_link(anmeldung, now=now)
        else:
            emails.confirm_request(anmeldung, reason="again")


def confirmation_code(anmeldung: Anmeldung) -> str:
    """The signed code in the confirmation link; it expires with the Anmeldung's 48 hours.

    It names the event too, so that an expired link whose Anmeldung is gone still leads
    to the page where one can register again.
    """
    return signing.Signer(salt=_CONFIRM_SALT).sign(
        f"{anmeldung.token}.{anmeldung.veranstaltung_id}"
    )


_EXPIRED = gettext_lazy(
    "Dieser Bestätigungslink ist abgelaufen (er gilt 48 Stunden). "
    "Bitte melden Sie sich noch einmal an."
)
_LAPSED = gettext_lazy(
    "Dieser Bestätigungslink ist abgelaufen (er gilt 48 Stunden). "
    "Ihre Anmeldung ist noch gespeichert, hält aber keinen Platz mehr."
)


def anmeldung_for_code(code: str, *, now=None) -> Anmeldung:
    """The Anmeldung a confirmation link points to, if the link is genuine and fresh.

    TokenExpired carries the Anmeldung while it is still there (a new link can be had),
    else the event (to register again).
    """
    now = now or timezone.now()
    try:
        value = signing.Signer(salt=_CONFIRM_SALT).unsign(code)
    except signing.BadSignature as error:
        raise TokenInvalid(_("Dieser Bestätigungslink ist ungültig.")) from error
    token, _dot, event_id = value.partition(".")  # tokens have no "."; older codes no event
    found = (
        Anmeldung.objects.select_related("veranstaltung__kommune", "option")
        .filter(token=token, anonymised_at__isnull=True)
        .first()
    )
    if found is None:
        event = None
        if event_id.isdigit():
            event = Veranstaltung.objects.select_related("kommune").filter(pk=event_id).first()
        raise TokenExpired(str(_EXPIRED), veranstaltung=event)
    if found.is_lapsed(now):
        raise TokenExpired(str(_LAPSED), veranstaltung=found.veranstaltung, anmeldung=found)
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
    if anmeldung.is_lapsed(now):
        raise TokenExpired(str(_LAPSED), veranstaltung=anmeldung.veranstaltung, anmeldung=anmeldung)
    if anmeldung.veranstaltung.has_started(now):
        raise RegistrationClosed(_("Die Veranstaltung hat bereits begonnen."))
    anmeldung.confirmed_at = now
    anmeldung.save(update_fields=["confirmed_at"])
    if anmeldung.status == Anmeldung.Status.WARTELISTE:
        promoted = _promote_waitlist(option, now)
        if any(p.pk == anmeldung.pk for p in promoted):
            anmeldung.refresh_from_db()
            return anmeldung
    emails.confirmed(anmeldung, now=now)
    if anmeldung.status == Anmeldung.Status.PLATZ:
        _reminder_state(anmeldung, now)
    return anmeldung


@_atomic_keeping_what_was_settled
def renew_confirmation(*, anmeldung: Anmeldung, waitlist_ok: bool = False, now=None) -> Anmeldung:
    """A new confirmation link for an Anmeldung whose 48 hours passed unconfirmed.

    Under the option's lock, as a new registration would: a seat if one is free, else
    the waitlist if the person wants it (or was on it already), else OptionFull. The 48
    hours start again. One still inside its 48 hours just gets its link again; a
    confirmed one stays as it is.
    """
    now = now or timezone.now()
    option = _lock_option(anmeldung.option)
    anmeldung = Anmeldung.objects.select_for_update().filter(pk=anmeldung.pk).first()
    if anmeldung is None or anmeldung.anonymised_at is not None:
        raise TokenExpired(str(_EXPIRED), veranstaltung=option.veranstaltung)
    anmeldung.option = option
    anmeldung.veranstaltung = event = option.veranstaltung
    if not anmeldung.is_active:
        raise NotAllowed(_("Diese Anmeldung wurde storniert."))
    if anmeldung.is_confirmed:
        return anmeldung
    if anmeldung.is_lapsed(now):
        if not event.registration_open(now):
            raise RegistrationClosed(_("Für diese Veranstaltung ist keine Anmeldung mehr möglich."))
        _promote_waitlist(option, now)
        free = _free_seats(option, now)
        if free is None or free > 0:
            anmeldung.status = Anmeldung.Status.PLATZ
        elif waitlist_ok or anmeldung.status == Anmeldung.Status.WARTELISTE:
            anmeldung.status = Anmeldung.Status.WARTELISTE
        else:
            raise OptionFull(
                _(
                    "„%(option)s“ ist inzwischen ausgebucht. Möchten Sie auf die Warteliste, "
                    "kreuzen Sie das bitte an."
                )
                % {"option": option.name}
            )
        anmeldung.created_at = now
        anmeldung.save(update_fields=["status", "created_at"])
    emails.confirm_request(anmeldung, reason="renewed")
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


@_atomic_keeping_what_was_settled
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
    if anmeldung.is_lapsed(now):
        raise TokenExpired(str(_LAPSED), veranstaltung=new.veranstaltung, anmeldung=anmeldung)
    if not new.veranstaltung.registration_open(now):
        raise RegistrationClosed(_("Die Anmeldung für diese Veranstaltung ist geschlossen."))
    _promote_waitlist(new, now)  # whoever waits there comes before a change
    free = _free_seats(new, now)
    if free is not None and free <= 0:
        raise OptionFull(
            _("„%(option)s“ ist leider ausgebucht. Ihre Anmeldung bleibt unverändert.")
            % {"option": new.name}
        )
    anmeldung.option = new
    anmeldung.status = Anmeldung.Status.PLATZ
    anmeldung.save(update_fields=["option", "status"])
    anmeldung.veranstaltung = new.veranstaltung
    if anmeldung.is_confirmed:
        emails.confirmed(anmeldung, changed=True, now=now)
    _reminder_state(anmeldung, now)  # unconfirmed: the reminder waits for the confirmation
    _promote_waitlist(old, now)
    return anmeldung


@transaction.atomic
def withdraw_idea_consent(*, anmeldung: Anmeldung) -> int:
    """The registrant withdraws the consent to publish the idea (Art. 7 (3) DSGVO): it
    leaves every Rückblick at once. Returns how many published copies were removed."""
    Anmeldung.objects.filter(pk=anmeldung.pk).update(idee_oeffentlich=False)
    anmeldung.idee_oeffentlich = False
    removed, _rows = Idee.objects.filter(anmeldung=anmeldung).delete()
    return removed


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


def message_recipients(veranstaltung: Veranstaltung, option: Teilnahmeoption | None = None):
    """Whom a message of the coordination reaches: the confirmed seat holders (of one option)
    with an e-mail address.

    The one rule for the staff page's preview and for `send_message`.
    """
    return (
        _participants(veranstaltung, option)
        .filter(status=Anmeldung.Status.PLATZ)
        .exclude(email="")  # reached by phone or letter only
    )


def offline_recipients(veranstaltung: Veranstaltung, option: Teilnahmeoption | None = None):
    """The seat holders a message cannot reach by mail: they go on the list to call."""
    return _participants(veranstaltung, option).filter(status=Anmeldung.Status.PLATZ, email="")


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
    recipients = list(message_recipients(veranstaltung, option))
    for anmeldung in recipients:
        emails.message(anmeldung, betreff=betreff, text=text)
    for anmeldung in offline_recipients(veranstaltung, option):
        _tell_offline(anmeldung, Benachrichtigung.Anlass.NACHRICHT, betreff=betreff, text=text)
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
    """Tell everyone registered that the event changed (time, place, programme).

    The reminder starts over, for a new date: from the day before the event on this mail
    carries the join link itself, else the daily job sends the reminder again.
    """
    now = timezone.now()
    recipients = list(_participants(veranstaltung).select_for_update(of=("self",)))
    for anmeldung in recipients:
        emails.event_changed(anmeldung, note=note, now=now)
        _tell_offline(anmeldung, Benachrichtigung.Anlass.GEAENDERT, text=note, now=now)
    seats = [a.pk for a in recipients if a.status == Anmeldung.Status.PLATZ]
    if seats:
        due = recipients[0].veranstaltung.reminder_due(now)
        Anmeldung.objects.filter(pk__in=seats).update(reminder_sent_at=now if due else None)
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
    # What was still to be told of a change or a message is moot now: the letter of the
    # cancellation replaces it.
    Benachrichtigung.objects.filter(anmeldung__veranstaltung=veranstaltung, done_at=None).update(
        done_at=timezone.now()
    )
    for anmeldung in recipients:
        emails.event_cancelled(anmeldung, note=note)
        _tell_offline(anmeldung, Benachrichtigung.Anlass.ABGESAGT, text=note)
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
        .exclude(email="")  # no mail without an address
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
        Anmeldung.objects.lapsed(now)
        .filter(anonymised_at__isnull=True)
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
            anschrift="",
            barrierefreiheit="",
            frage="",
            submission_key="",
            token=f"anonym-{new_token()}",
            anonymised_at=now,
        )
        count += 1
    return count
