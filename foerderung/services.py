"""Every change to a Förderaufruf's applications goes through one function here.

Keyword-only, atomic, guard first; mails go to the outbox in the same transaction
and are sent by the worker after the commit (zwk_portal.mail). Services
never see the request; views, admin actions and commands call the same ones.
"""

import contextlib
import datetime
import hashlib
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from zwk_portal.konto import services as konto
from zwk_portal.templatetags.zwk import euro

from . import documents, emails, permissions, selectors
from .models import (
    DATENSCHUTZ_VERSION,
    Anhang,
    Antrag,
    Befangenheit,
    Beleg,
    Bewertung,
    Buchung,
    Dokument,
    Entscheidung,
    Foerderaufruf,
    Frist,
    JuryMitgliedschaft,
    Kostenposition,
    Kriterium,
    Verlauf,
    Verwendungsnachweis,
    Widerspruch,
)
from .validation import (
    MAX_BELEG_FILES,
    MAX_FILES,
    antrag_errors,
    normalize_iban,
    sniff,
    upload_error,
)
from .workflow import (
    ANFECHTBAR,
    ENDE,
    FACHDIENST,
    NACHWEIS_OFFEN,
    SCHRITTE,
    ZU_ERLEDIGEN,
    Schritt,
    Status,
    schritt_nach,
)

# Texts the services write into the record (history, notes): German, whatever language the
# page that triggered them was in, so not translated.
RECORD = {
    "erneut": "erneut eingereicht",
    "widerspruch": "Widerspruch vom %(d)s. %(v)s",
    "zahlung": "%(art)s: %(b)s, überwiesen am %(d)s.",
    "rueckforderung": "Erstattungsbescheid: %(b)s zu zahlen bis %(d)s, Kassenzeichen %(k)s.",
    "rueckzahlung": "Zahlungseingang: %(b)s am %(d)s; noch offen: %(o)s.",
    "beglichen": "Der Erstattungsbetrag ist vollständig eingegangen.",
    "nachweis_erneut": "Verwendungsnachweis erneut eingereicht",
    "email": "E-Mail-Adresse nachgetragen: %(e)s (mit Einverständnis der Antragstellerin / "
    "des Antragstellers). Nachrichten und Bescheide gehen ab jetzt per E-Mail.",
}


class ServiceError(Exception):
    """A refused action with a German message and, optionally, errors per form field."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def _lock(antrag: Antrag) -> Antrag:
    return Antrag.objects.select_for_update().select_related("aufruf__kommune").get(pk=antrag.pk)


def _schritt(antrag: Antrag, service: str, schritt: Schritt | None) -> Schritt:
    """The step a service performs: the one asked for, or the one of this service that fits
    the application's state (services called without a step: tests, demo, commands)."""
    if schritt is None:
        schritt = next((s for s in SCHRITTE if s.service == service and s.passt(antrag)), None)
    if schritt is None or not schritt.passt(antrag):
        raise ServiceError(
            _("Dieser Schritt ist im Status „%(status)s“ nicht (mehr) möglich.")
            % {"status": Status(antrag.status).label}
        )
    return schritt


def _require_notes(schritt: Schritt, **notes: str) -> None:
    """The notes the table requires for `schritt` (the form says so first; this holds for
    every caller)."""
    for name, value in notes.items():
        if name in schritt.pflicht and not value.strip():
            message = _("Bitte füllen Sie dieses Feld aus.")
            raise ServiceError(message, {name: [message]})


def _move(
    antrag: Antrag,
    schritt: Schritt,
    *,
    by,
    nachricht: str = "",
    vermerk: str = "",
    frist=None,
) -> Verlauf:
    """Take `schritt` as the table allows and append a history row. Call under a row lock.

    Settles the deadlines the step answers (all of them in an end state), opens the one it
    sets (`frist`: its date), and tells the Fachdienst when somebody else's step leaves it
    something to do."""
    _schritt(antrag, schritt.service, schritt)
    rolle = next(iter(sorted(schritt.wer & permissions.rollen(by, antrag))), None)
    if rolle is None:
        raise PermissionDenied(_("Diesen Schritt dürfen Sie nicht ausführen."))
    _require_notes(schritt, nachricht=nachricht, vermerk=vermerk)
    if schritt.frist and frist is None:
        message = _("Bitte geben Sie eine Frist an.")
        raise ServiceError(message, {"frist": [message]})
    if schritt.frist and frist <= timezone.localdate():
        message = _("Die Frist muss in der Zukunft liegen.")
        raise ServiceError(message, {"frist": [message]})
    von = antrag.status
    antrag.status = schritt.nach
    antrag.save(update_fields=["status", "updated_at"])
    offen = antrag.fristen.filter(erledigt_am=None)
    if schritt.nach not in ENDE:
        offen = offen.filter(art__in=schritt.erledigt | ({schritt.frist} - {None}))
    offen.update(erledigt_am=timezone.now())
    if schritt.frist:
        Frist.objects.create(antrag=antrag, art=schritt.frist, faellig_am=frist)
    if schritt.nach in ZU_ERLEDIGEN and rolle != FACHDIENST:
        emails.zu_erledigen(antrag, ZU_ERLEDIGEN[schritt.nach])
    return Verlauf.objects.create(
        antrag=antrag,
        von=von,
        nach=schritt.nach,
        durch=by,
        rolle=rolle,
        schritt=schritt.name,
        nachricht=nachricht.strip(),
        vermerk=vermerk.strip(),
    )


def _money_changed(antrag: Antrag) -> None:
    """Forget the balances read before a ledger entry was added."""
    antrag.__dict__.pop("saldo", None)
    antrag.__dict__.pop("abrechnung", None)


def _tell(antrag: Antrag, schritt: Schritt, nachricht: str, dokumente=()) -> None:
    """The applicant's mail, where the table says so: the message to them, never the Vermerk."""
    if schritt.mail:
        emails.status(antrag, note=nachricht.strip(), dokumente=dokumente)


class Veraltet(ServiceError):
    """The form was filled in on an older state of the application."""


class DuplicateSubmission(ServiceError):
    """The same staff form sent twice (a double click): `antrag` is the one the first made."""

    def __init__(self, message: str, antrag: Antrag):
        super().__init__(message)
        self.antrag = antrag


@transaction.atomic
def perform(schritt: Schritt, *, antrag: Antrag, by, data: dict, stand: int | None = None):
    """What the one step view calls: the step's service with the step's fields.

    `stand`: the application's state the form was shown on (selectors.stand). If anything
    happened since (a double click on a step that may repeat, such as a payment, or a
    colleague's step), nothing is done: the person sees the new state first."""
    antrag = _lock(antrag)
    if stand is not None and stand != selectors.stand(antrag):
        raise Veraltet(
            _(
                "Der Antrag wurde inzwischen bearbeitet (vielleicht durch einen doppelten Klick "
                "oder von einer Kollegin / einem Kollegen). Es wurde nichts gespeichert; bitte "
                "prüfen Sie den aktuellen Stand."
            )
        )
    service = globals()[schritt.service]
    fields = {name: data[name] for name in schritt.felder if name in data}
    return service(antrag=antrag, by=by, schritt=schritt, **fields)


# ---- Applicant ---------------------------------------------------------------------------


def _check_deadline(aufruf: Foerderaufruf, *, eingegangen_am=None, now) -> None:
    """The one rule of the deadline (create_antrag and submit ask it).

    Online the moment of submitting counts: until `einreichung_bis`. On paper or by e-mail
    the day it arrived counts (`eingegangen_am`), not the day the Fachdienst types it in: a
    form that arrived on the last day is in time, whenever it is typed. A receipt stamp has
    no time, so the first and the last day count in full; a day still to come is no receipt.
    """
    frist = timezone.localtime(aufruf.einreichung_bis)
    values = {"datum": formats.date_format(frist, "d.m.Y"), "zeit": frist.strftime("%H:%M")}
    if eingegangen_am is None:
        if now > aufruf.einreichung_bis:
            raise ServiceError(
                _(
                    "Die Einreichungsfrist ist am %(datum)s um %(zeit)s Uhr abgelaufen. "
                    "Ihr Entwurf bleibt gespeichert."
                )
                % values
            )
        return
    values["eingang"] = formats.date_format(eingegangen_am, "d.m.Y")
    ab = timezone.localtime(aufruf.einreichung_ab)
    if eingegangen_am > timezone.localdate(now):
        message = _("Der Eingangstag %(eingang)s liegt in der Zukunft.") % values
    elif eingegangen_am < ab.date():
        message = _(
            "Der Antrag ist am %(eingang)s eingegangen, vor Beginn der Einreichung am %(ab)s."
        ) % {**values, "ab": formats.date_format(ab, "d.m.Y")}
    elif eingegangen_am > frist.date():
        message = (
            _(
                "Der Antrag ist am %(eingang)s eingegangen, nach der Einreichungsfrist "
                "(%(datum)s, %(zeit)s Uhr). Er kann nicht mehr angenommen werden."
            )
            % values
        )
    else:
        return
    raise ServiceError(message, {"eingegangen_am": [message]})


@transaction.atomic
def create_antrag(
    *,
    aufruf: Foerderaufruf,
    by,
    antragsteller=None,
    kanal: str = Antrag.Kanal.ONLINE,
    eingegangen_am=None,
    submission_key: str = "",
    now=None,
) -> Antrag:
    """A new draft for `by`. Only while the call is open.

    One that came on paper or by e-mail (`kanal`), typed in by the Fachdienst `by` for the
    account `antragsteller` (enter_paper_antrag): only if it arrived in time
    (`eingegangen_am`, _check_deadline), whether or not the call is open today."""
    now = now or timezone.now()
    if kanal == Antrag.Kanal.ONLINE:
        if not aufruf.ist_offen(now):
            raise ServiceError(_("Für diesen Aufruf können keine Anträge mehr gestellt werden."))
        antragsteller, erfasst_von, rolle = by, None, "antragsteller"
    else:
        if not permissions.can_enter_paper(by, aufruf) or antragsteller.pk == by.pk:
            raise PermissionDenied
        if not aufruf.published:
            raise ServiceError(_("Dieser Aufruf ist nicht veröffentlicht."))
        _check_deadline(aufruf, eingegangen_am=eingegangen_am, now=now)
        erfasst_von, rolle = by, FACHDIENST
    antrag = Antrag.objects.create(
        aufruf=aufruf,
        antragsteller=antragsteller,
        email=antragsteller.email,
        kontakt_name=antragsteller.get_full_name(),
        kanal=kanal,
        eingegangen_am=eingegangen_am if erfasst_von else None,
        erfasst_von=erfasst_von,
        submission_key=submission_key,
    )
    Verlauf.objects.create(antrag=antrag, von="", nach=Status.ENTWURF, durch=by, rolle=rolle)
    return antrag


@transaction.atomic
def save_draft(
    *, antrag: Antrag, by, data: dict, kosten: list[tuple[str, Decimal]], datenschutz: bool
) -> Antrag:
    """Store the applicant's form and cost plan. Only in Entwurf and Nachforderung (and by
    the Fachdienst only a draft it types in from paper, enter_paper_antrag)."""
    antrag = _lock(antrag)
    if not (permissions.can_edit(by, antrag) or permissions.can_enter_paper(by, antrag)):
        raise ServiceError(_("Dieser Antrag kann nicht mehr geändert werden."))
    for name, value in data.items():
        setattr(antrag, name, value)
    antrag.iban = normalize_iban(antrag.iban)
    if datenschutz and not antrag.datenschutz_version:
        antrag.datenschutz_version = DATENSCHUTZ_VERSION
        antrag.consented_at = timezone.now()
    elif not datenschutz:
        antrag.datenschutz_version = ""
        antrag.consented_at = None
    antrag.kosten.all().delete()
    Kostenposition.objects.bulk_create(
        Kostenposition(antrag=antrag, bezeichnung=text, betrag=betrag, position=i)
        for i, (text, betrag) in enumerate(kosten)
    )
    antrag.gesamtkosten = sum((betrag for _, betrag in kosten), Decimal(0))
    antrag.save()
    return antrag


def eingangsnummer(antrag: Antrag, eingang: datetime.datetime) -> str:
    """The receipt number: the year it came in, the call, and its place among the call's
    numbered applications (counted under the call's lock: no number twice)."""
    aufruf = Foerderaufruf.objects.select_for_update().get(pk=antrag.aufruf_id)
    count = aufruf.antraege.exclude(eingangsnummer=None).count()
    return f"KPF-{timezone.localtime(eingang).year}-{aufruf.pk:02d}-{count + 1:04d}"


def _eingang(antrag: Antrag, now) -> datetime.datetime:
    """When it came in: the moment it was submitted online; for paper the day it arrived
    (from its first minute: the receipt stamp has no time)."""
    if antrag.eingegangen_am is None:
        return now
    return datetime.datetime.combine(
        antrag.eingegangen_am, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )


@transaction.atomic
def submit(*, antrag: Antrag, by, schritt: Schritt | None = None, now=None) -> Antrag:
    """Submit a complete draft before the deadline, or resubmit after a Nachforderung.

    `submitted_at` stays the date of the first submission: it decides whether the
    deadline was met. Each submission gets its own receipt.

    The applicant submits their own application; an application that came on paper or by
    e-mail the Fachdienst submits for them from the draft it typed in (enter_paper_antrag,
    the table's "papier_erfassen"): then the day it arrived counts for the deadline and is
    `submitted_at`, and the receipt goes by e-mail only where there is an address (else the
    Fachdienst prints it as a letter)."""
    now = now or timezone.now()
    antrag = _lock(antrag)
    if not permissions.can_submit(by, antrag):
        raise PermissionDenied
    if antrag.status not in (Status.ENTWURF, Status.NACHFORDERUNG):
        raise ServiceError(_("Dieser Antrag ist bereits eingereicht."))
    schritt = _schritt(antrag, "submit", schritt)
    if antrag.status == Status.ENTWURF:
        _check_deadline(antrag.aufruf, eingegangen_am=antrag.eingegangen_am, now=now)
    errors = antrag_errors(antrag, list(antrag.kosten.values_list("betrag", flat=True)))
    if errors:
        raise ServiceError(_("Der Antrag ist noch nicht vollständig."), errors)
    erneut = antrag.status == Status.NACHFORDERUNG
    antrag.submitted_at = antrag.submitted_at or _eingang(antrag, now)
    if not antrag.eingangsnummer:
        antrag.eingangsnummer = eingangsnummer(antrag, antrag.submitted_at)
    antrag.save(update_fields=["eingangsnummer", "submitted_at", "updated_at"])
    if erneut:
        nachricht = RECORD["erneut"]
    else:
        with translation.override("de"):  # the record is German, like RECORD
            nachricht = antrag.eingangsvermerk
    _move(antrag, schritt, by=by, nachricht=nachricht)
    pdf_antrag = _store(antrag, Dokument.Art.ANTRAG, by)
    pdf_eingang = _store(antrag, Dokument.Art.EINGANG, by)
    emails.eingang(antrag, [pdf_antrag, pdf_eingang])
    return antrag


def applicant_account(*, email: str, name: str = ""):
    """The account a paper application belongs to (`Antrag.antragsteller` is required).

    With an e-mail address: the account of that address, found or created without a usable
    password (zwk_portal.konto.services.account_for). The applicant signs in with a login
    link to that address, as every applicant may, and finds the application under "Mein
    Konto" as if they had applied online; the receipt mail says how. Whoever reads the
    address's mail owns the account: the rule of every login link.

    Without one: a new account that cannot sign in at all (no address, no usable password,
    inactive), held by the Fachdienst for this one application. An account of its own, not a
    shared "paper" account: every rule that reads the owner (the applicant's pages, nobody
    decides in their own cause, the jury's exclusions) holds as for any application, and no
    two paper applicants ever see each other's. Should the applicant give an address later,
    whoever keeps the accounts enters it on this account and activates it; from then on a
    login link to that address opens it.
    """
    if email.strip():
        return konto.account_for(email, name=name)
    first, _sep, last = name.strip().rpartition(" ")
    user = get_user_model()(
        username=f"papierantrag-{uuid.uuid4().hex}",
        email="",
        first_name=first[:150],
        last_name=last[:150],
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def add_applicant_email(*, antrag: Antrag, by, email: str) -> Antrag:
    """The address of an applicant who applied on paper without one, given later (with their
    consent, e.g. on the phone): from now on they get the mails of the procedure, and sign
    in by a login link to that address to follow and answer it online.

    The application moves to the account of that address (found or created, as for a paper
    application with an address); the account without an address that held it is deleted
    if it holds nothing else, with the name it kept. A history row records who did it."""
    antrag = _lock(antrag)
    if not permissions.can_process(by, antrag):
        raise PermissionDenied
    if antrag.email and antrag.email.lower() == email.strip().lower():
        return antrag  # the same form twice (a double click): done already
    if antrag.ist_online or emails.reachable(antrag):
        raise ServiceError(_("Dieser Antrag hat bereits eine E-Mail-Adresse."))
    account = konto.account_for(email, name=antrag.kontakt_name)
    if account.pk == by.pk:  # nobody decides in their own cause (permissions.rollen)
        message = _(
            "Das ist die E-Mail-Adresse Ihres eigenen Kontos. Diesen Antrag bearbeitet dann "
            "bitte eine Kollegin oder ein Kollege."
        )
        raise ServiceError(message, {"email": [message]})
    platzhalter = antrag.antragsteller
    antrag.antragsteller = account
    antrag.email = account.email
    antrag.save(update_fields=["antragsteller", "email", "updated_at"])
    Verlauf.objects.create(
        antrag=antrag,
        von=antrag.status,
        nach=antrag.status,
        durch=by,
        rolle=FACHDIENST,
        vermerk=RECORD["email"] % {"e": account.email},
    )
    if (
        not platzhalter.email
        and not Antrag._base_manager.filter(antragsteller=platzhalter).exists()
    ):
        with contextlib.suppress(ProtectedError):  # still named somewhere: it stays, inactive
            platzhalter.delete()
    emails.zugang(antrag)
    return antrag


def _papier_errors(aufruf, kanal, data, kosten, datenschutz, eingegangen_am, originale, now):
    """Everything the steps below would refuse, asked at once, so that the Fachdienst sees
    all of it on the first try: the deadline and the completeness, by the same two rules
    (_check_deadline, validation.antrag_errors) the steps ask again on the way."""
    errors: dict[str, list[str]] = {}
    if not originale:
        errors["datei"] = [_("Bitte fügen Sie das Original des Antrags als Scan bei.")]
    try:
        _check_deadline(aufruf, eingegangen_am=eingegangen_am, now=now or timezone.now())
    except ServiceError as error:
        errors.update(error.errors)
    entwurf = Antrag(aufruf=aufruf, kanal=kanal, **data)
    entwurf.datenschutz_version = DATENSCHUTZ_VERSION if datenschutz else ""
    for field, messages in antrag_errors(entwurf, [betrag for _text, betrag in kosten]).items():
        errors.setdefault(field, []).extend(messages)
    return errors


@transaction.atomic
def enter_paper_antrag(
    *,
    aufruf: Foerderaufruf,
    by,
    data: dict,
    kosten: list[tuple[str, Decimal]],
    datenschutz: bool,
    eingegangen_am,
    originale: list,
    kanal: str = Antrag.Kanal.PAPIER,
    submission_key: str = "",
    now=None,
) -> Antrag:
    """An application that came on paper (or by e-mail), typed in by the Fachdienst `by`.

    The same steps as online, in one transaction: the draft (create_antrag: in time by the
    day it arrived), the form and cost plan (save_draft), the original as scanned
    (add_attachment, `originale`: one or more files), the submission (submit: the deadline,
    completeness, Eingangsnummer, history, PDFs, the receipt mail where there is an address).
    Anything refused refuses all: nothing is stored. The applicant's account:
    applicant_account. The same form sent twice (`submission_key`) enters one application:
    DuplicateSubmission names it."""
    if kanal == Antrag.Kanal.ONLINE:
        raise ValueError("enter_paper_antrag is for applications that came on paper or by e-mail")
    # The call's row first: a second click waits here until the first has committed, then
    # finds its application below.
    aufruf = Foerderaufruf.objects.select_for_update().get(pk=aufruf.pk)
    if not permissions.can_enter_paper(by, aufruf):
        raise PermissionDenied
    if submission_key:
        earlier = Antrag._base_manager.filter(submission_key=submission_key).first()
        if earlier is not None and earlier.aufruf_id == aufruf.pk:
            raise DuplicateSubmission(_("Dieser Antrag ist bereits erfasst."), earlier)
        if earlier is not None:
            raise ServiceError(_("Das Formular ist ungültig. Bitte laden Sie die Seite neu."))
    if errors := _papier_errors(
        aufruf, kanal, data, kosten, datenschutz, eingegangen_am, originale, now
    ):
        raise ServiceError(_("Der Antrag ist noch nicht vollständig."), errors)
    account = applicant_account(email=data.get("email", ""), name=data.get("kontakt_name", ""))
    if account.pk == by.pk:  # nobody decides in their own cause (permissions.rollen)
        message = _(
            "Das ist die E-Mail-Adresse Ihres eigenen Kontos. Ihren eigenen Antrag erfasst "
            "bitte eine Kollegin oder ein Kollege."
        )
        raise ServiceError(message, {"email": [message]})
    antrag = create_antrag(
        aufruf=aufruf,
        by=by,
        antragsteller=account,
        kanal=kanal,
        eingegangen_am=eingegangen_am,
        submission_key=submission_key,
        now=now,
    )
    save_draft(antrag=antrag, by=by, data=data, kosten=kosten, datenschutz=datenschutz)
    for upload in originale:
        add_attachment(antrag=antrag, by=by, upload=upload, art=Anhang.Art.ORIGINAL)
    return submit(antrag=antrag, by=by, now=now)


@transaction.atomic
def withdraw(*, antrag: Antrag, by, schritt: Schritt | None = None, nachricht: str = "") -> Antrag:
    antrag = _lock(antrag)
    _move(antrag, _schritt(antrag, "withdraw", schritt), by=by, nachricht=nachricht)
    return antrag


@transaction.atomic
def add_attachment(*, antrag: Antrag, by, upload, art: str = Anhang.Art.ANTRAG) -> Anhang:
    """Store an upload privately after checking size, count and type from its content."""
    antrag = _lock(antrag)
    if art == Anhang.Art.BELEG:
        allowed = antrag.antragsteller_id == by.pk and antrag.status in NACHWEIS_OFFEN
    elif art == Anhang.Art.ORIGINAL:
        allowed = permissions.can_enter_paper(by, antrag)
    else:
        allowed = permissions.can_edit(by, antrag)
    if not allowed:
        raise ServiceError(_("Zu diesem Antrag können Sie gerade keine Dateien hochladen."))
    limit = MAX_BELEG_FILES if art == Anhang.Art.BELEG else MAX_FILES
    if antrag.anhaenge.filter(art=art).count() >= limit:
        message = _("Sie können höchstens %(n)s Dateien hochladen.") % {"n": limit}
        raise ServiceError(message, {"datei": [message]})
    name = (upload.name or "datei").replace("/", "_")[-150:]
    upload.seek(0)
    head = upload.read(16)
    if message := upload_error(name, upload.size, head):
        raise ServiceError(message, {"datei": [message]})
    upload.seek(0)
    content = upload.read()
    anhang = Anhang(
        antrag=antrag,
        art=art,
        name=name,
        mimetype=sniff(head),
        groesse=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        hochgeladen_von=by,
    )
    anhang.datei.save(name, ContentFile(content), save=False)
    anhang.save()
    return anhang


@transaction.atomic
def delete_attachment(*, anhang: Anhang, by) -> None:
    antrag = _lock(anhang.antrag)
    if not permissions.can_edit(by, antrag) or anhang.art != Anhang.Art.ANTRAG:
        raise ServiceError(_("Diese Datei kann nicht mehr gelöscht werden."))
    datei = anhang.datei
    anhang.delete()
    transaction.on_commit(lambda: datei.storage.delete(datei.name))


# ---- Fachdienst and jury -------------------------------------------------------------------


@transaction.atomic
def step(
    *,
    antrag: Antrag,
    by,
    schritt: Schritt | None = None,
    nachricht: str = "",
    vermerk: str = "",
    frist=None,
) -> Antrag:
    """A step that moves, notes, sets a deadline and mails as the table says, and does
    nothing else (e.g. the formal check, questions on the report)."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "step", schritt)
    _move(antrag, schritt, by=by, nachricht=nachricht, vermerk=vermerk, frist=frist)
    _tell(antrag, schritt, nachricht)
    return antrag


@transaction.atomic
def request_more(
    *,
    antrag: Antrag,
    by,
    nachricht: str,
    frist=None,
    schritt: Schritt | None = None,
    vermerk: str = "",
) -> Antrag:
    """Ask the applicant for more by a deadline; the message says what is missing."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "request_more", schritt)
    _move(antrag, schritt, by=by, nachricht=nachricht, vermerk=vermerk, frist=frist)
    _tell(antrag, schritt, nachricht)
    return antrag


@transaction.atomic
def forward_to_jury(
    *, antrag: Antrag, by, schritt: Schritt | None = None, vermerk: str = ""
) -> Antrag:
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "forward_to_jury", schritt)
    if not antrag.aufruf.kriterien.exists():
        raise ServiceError(_("Der Aufruf hat noch keine Jurykriterien."))
    _move(antrag, schritt, by=by, vermerk=vermerk)
    return antrag


def _needs_reasons(begruendung: str, entscheidung: str) -> None:
    if entscheidung != Entscheidung.BEWILLIGUNG and not begruendung.strip():
        message = (
            _("Bitte begründen Sie die Ablehnung; die Gründe stehen im Bescheid.")
            if entscheidung == Entscheidung.ABLEHNUNG
            else _(
                "Bitte begründen Sie, warum weniger als beantragt bewilligt wird; "
                "die Gründe stehen im Bescheid."
            )
        )
        raise ServiceError(message, {"begruendung": [message]})


def _record_decision(
    antrag: Antrag, *, by, entscheidung: str, betrag: Decimal | None, begruendung: str
) -> str:
    """Check and store a decision on `antrag` (locked); returns its summary for the history.

    The call's row is locked first, so two approvals at once never exceed the budget."""
    aufruf = Foerderaufruf.objects.select_for_update().get(pk=antrag.aufruf_id)
    if entscheidung not in Entscheidung.values:
        message = _("Bitte wählen Sie eine Entscheidung.")
        raise ServiceError(message, {"entscheidung": [message]})
    _needs_reasons(begruendung, entscheidung)
    if entscheidung == Entscheidung.ABLEHNUNG:
        betrag = None
    elif entscheidung == Entscheidung.BEWILLIGUNG:
        betrag = antrag.beantragt
    elif betrag is None or betrag <= 0 or betrag >= antrag.beantragt:
        message = _("Eine Teilbewilligung liegt über 0,00 € und unter den beantragten %(b)s.") % {
            "b": euro(antrag.beantragt)
        }
        raise ServiceError(message, {"betrag": [message]})
    if betrag is not None:
        bisher = antrag.bewilligt or Decimal(0)  # a correction replaces the earlier amount
        rest = aufruf.budget - selectors.committed(aufruf) + bisher
        if betrag > rest:
            message = _(
                "Das Budget reicht nicht: Es sind noch %(rest)s frei, bewilligt werden sollen "
                "%(b)s."
            ) % {"rest": euro(rest), "b": euro(betrag)}
            raise ServiceError(message, {"betrag": [message]})
    antrag.bewilligt = betrag
    antrag.begruendung = begruendung.strip()
    antrag.decided_at = timezone.now()
    antrag.decided_by = by
    antrag.save(
        update_fields=["bewilligt", "begruendung", "decided_at", "decided_by", "updated_at"]
    )
    with translation.override("de"):  # the record is German, whatever the page's language
        label = str(Entscheidung(entscheidung).label)
    return f"{label}: {euro(betrag)}" if betrag is not None else str(label)


@transaction.atomic
def decide(
    *,
    antrag: Antrag,
    by,
    entscheidung: str,
    betrag: Decimal | None = None,
    begruendung: str = "",
    vermerk: str = "",
    schritt: Schritt | None = None,
) -> Antrag:
    """Record a decision: the jury's (nobody is told yet, the applicant learns it with the
    notice the Fachdienst issues next), a correction of a notified one, or the remedy of an
    objection (Abhilfe). The table says which by the state; a new notice follows each."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "decide", schritt)
    _require_notes(schritt, vermerk=vermerk)
    if not schritt.wer & permissions.rollen(by, antrag):
        raise PermissionDenied(_("Diesen Schritt dürfen Sie nicht ausführen."))
    objection = antrag.status == Status.WIDERSPRUCH
    summary = _record_decision(
        antrag, by=by, entscheidung=entscheidung, betrag=betrag, begruendung=begruendung
    )
    _move(antrag, schritt, by=by, vermerk=f"{summary}. {vermerk}".strip())
    if objection:
        _close_objection(antrag, Widerspruch.Ergebnis.ABHILFE)
    return antrag


@transaction.atomic
def return_to_jury(*, antrag: Antrag, by, vermerk: str, schritt: Schritt | None = None) -> Antrag:
    """The Fachdienst does not overrule the jury: it sends the decision back, with reasons."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "return_to_jury", schritt)
    _move(antrag, schritt, by=by, vermerk=vermerk)
    antrag.bewilligt = None
    antrag.begruendung = ""
    antrag.decided_at = None
    antrag.decided_by = None
    antrag.save(
        update_fields=["bewilligt", "begruendung", "decided_at", "decided_by", "updated_at"]
    )
    return antrag


def _officer_named(by) -> None:
    if not by.get_full_name().strip():
        raise ServiceError(
            _(
                "Ein Bescheid nennt die Person, die ihn erlässt (§ 37 Abs. 3 VwVfG). Bitte tragen "
                "Sie zuerst Vor- und Nachnamen in Ihrem Konto ein."
            )
        )


def _last_notice(antrag: Antrag, arten=(Dokument.Art.BESCHEID, Dokument.Art.ABLEHNUNG)):
    return antrag.dokumente.filter(art__in=arten).order_by("-created_at", "-pk").first()


@transaction.atomic
def issue_notice(
    *,
    antrag: Antrag,
    by,
    schritt: Schritt | None = None,
    nachricht: str = "",
    vermerk: str = "",
) -> Dokument:
    """Issue the decision as the authority's notice, in the officer's name, and mail it.

    Rendered once and stored with its hash; a later notice (after a correction or an
    objection) is a new document that names the one it replaces."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "issue_notice", schritt)
    _officer_named(by)
    ersetzt = _last_notice(antrag)
    frist = antrag.aufruf.nachweis_faellig if schritt.frist else None
    if frist is not None and frist <= timezone.localdate():
        raise ServiceError(
            _(
                "Die Frist für den Verwendungsnachweis (%(datum)s) ist schon vorbei. Bitte "
                "setzen Sie im Förderaufruf ein späteres Datum."
            )
            % {"datum": formats.date_format(frist, "d.m.Y")}
        )
    _move(antrag, schritt, by=by, nachricht=nachricht, vermerk=vermerk, frist=frist)
    dokument = _store(antrag, schritt.dokument, by, ersetzt=ersetzt)
    _tell(antrag, schritt, nachricht, [dokument])
    return dokument


@transaction.atomic
def reject_formally(
    *,
    antrag: Antrag,
    by,
    begruendung: str,
    schritt: Schritt | None = None,
    nachricht: str = "",
    vermerk: str = "",
) -> Dokument:
    """The Fachdienst rejects before the jury, e.g. not eligible or still incomplete."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "reject_formally", schritt)
    _officer_named(by)
    _needs_reasons(begruendung, Entscheidung.ABLEHNUNG)
    if not schritt.wer & permissions.rollen(by, antrag):
        raise PermissionDenied(_("Diesen Schritt dürfen Sie nicht ausführen."))
    antrag.bewilligt = None
    antrag.begruendung = begruendung.strip()
    antrag.decided_at = timezone.now()
    antrag.decided_by = by
    antrag.save(
        update_fields=["bewilligt", "begruendung", "decided_at", "decided_by", "updated_at"]
    )
    _move(antrag, schritt, by=by, nachricht=nachricht, vermerk=vermerk)
    dokument = _store(antrag, schritt.dokument, by)
    _tell(antrag, schritt, nachricht, [dokument])
    return dokument


@transaction.atomic
def record_objection(
    *,
    antrag: Antrag,
    by,
    eingegangen_am,
    inhalt: str,
    vermerk: str = "",
    schritt: Schritt | None = None,
) -> Widerspruch:
    """A Widerspruch against the last notice, with the day it came in: the decision on the
    application, or the Erstattungsbescheid."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "record_objection", schritt)
    arten = ANFECHTBAR[antrag.status]
    errors = {}
    if eingegangen_am is None or eingegangen_am > timezone.localdate():
        errors["eingegangen_am"] = [_("Bitte geben Sie den Eingangstag an (nicht in der Zukunft).")]
    if not inhalt.strip():
        errors["inhalt"] = [_("Bitte geben Sie an, was der Widerspruch vorbringt.")]
    if errors:
        raise ServiceError(_("Bitte prüfen Sie die markierten Angaben."), errors)
    bescheid = _last_notice(antrag, arten)
    if bescheid is None:
        raise ServiceError(_("Es gibt keinen Bescheid, gegen den sich ein Widerspruch richtet."))
    _move(
        antrag,
        schritt,
        by=by,
        vermerk=RECORD["widerspruch"]
        % {"d": formats.date_format(eingegangen_am, "d.m.Y"), "v": vermerk},
    )
    return Widerspruch.objects.create(
        antrag=antrag,
        bescheid=bescheid,
        eingegangen_am=eingegangen_am,
        inhalt=inhalt.strip(),
        erfasst_von=by,
    )


def _close_objection(antrag: Antrag, ergebnis: str) -> None:
    antrag.widersprueche.filter(ergebnis=Widerspruch.Ergebnis.OFFEN).update(
        ergebnis=ergebnis, erledigt_am=timezone.now()
    )


@transaction.atomic
def forward_objection(
    *, antrag: Antrag, by, nachricht: str, schritt: Schritt | None = None, vermerk: str = ""
) -> Antrag:
    """Not remedied: forwarded to the authority that decides on objections; the notice stands."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "forward_objection", schritt)
    _move(antrag, schritt, by=by, nachricht=nachricht, vermerk=vermerk)
    _close_objection(antrag, Widerspruch.Ergebnis.WEITERGELEITET)
    _tell(antrag, schritt, nachricht)
    return antrag


def _datum_error(datum) -> None:
    if datum is None or datum > timezone.localdate():
        message = _("Bitte geben Sie den Tag an (nicht in der Zukunft).")
        raise ServiceError(message, {"datum": [message]})


def _betrag_error(message: str) -> ServiceError:
    return ServiceError(message, {"betrag": [message]})


@transaction.atomic
def pay(
    *,
    antrag: Antrag,
    by,
    betrag: Decimal,
    datum,
    schritt: Schritt | None = None,
    nachricht: str = "",
    vermerk: str = "",
) -> Buchung:
    """Record a transfer to the applicant: an advance (before the report, several possible,
    together at most the grant) or the final payment (exactly what the report leaves due)."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "pay", schritt)
    _datum_error(datum)
    if betrag is None or betrag <= 0:
        raise _betrag_error(_("Bitte geben Sie einen Betrag über 0,00 € an."))
    if schritt.nach == Status.ABGESCHLOSSEN:
        art = Buchung.Art.SCHLUSSZAHLUNG
        rest = antrag.abrechnung.schlusszahlung
        if betrag != rest:
            raise _betrag_error(
                _("Die Schlusszahlung beträgt laut Verwendungsnachweis genau %(rest)s.")
                % {"rest": euro(rest)}
            )
    else:
        art = Buchung.Art.ABSCHLAG
        rest = antrag.saldo.auszuzahlen
        if betrag > rest:
            raise _betrag_error(
                _(
                    "Es kann höchstens der bewilligte Betrag ausgezahlt werden: noch offen sind "
                    "%(rest)s."
                )
                % {"rest": euro(rest)}
            )
    with translation.override("de"):
        label = str(Buchung.Art(art).label)
    text = RECORD["zahlung"] % {
        "art": label,
        "b": euro(betrag),
        "d": formats.date_format(datum, "d.m.Y"),
    }
    nachricht = f"{text} {nachricht}".strip()
    # The move first: it checks the step's condition on the money before this payment.
    _move(antrag, schritt, by=by, nachricht=nachricht, vermerk=vermerk)
    buchung = Buchung.objects.create(antrag=antrag, art=art, betrag=betrag, datum=datum, durch=by)
    _money_changed(antrag)
    _tell(antrag, schritt, nachricht)
    return buchung


# ---- Verwendungsnachweis -------------------------------------------------------------------


def _nachweis_for(antrag: Antrag, by) -> Verwendungsnachweis:
    if antrag.antragsteller_id != by.pk:
        raise PermissionDenied
    if antrag.status not in NACHWEIS_OFFEN:
        raise ServiceError(_("Der Verwendungsnachweis kann gerade nicht bearbeitet werden."))
    nachweis, _created = Verwendungsnachweis.objects.get_or_create(antrag=antrag)
    return nachweis


NACHWEIS_FIELDS = ("sachbericht", "eigenmittel_ist", "drittmittel_ist", "einnahmen_ist")


@transaction.atomic
def save_nachweis(*, antrag: Antrag, by, data: dict, belege: list[dict]) -> Verwendungsnachweis:
    """Store the report as a draft: the fields in `data` (those of NACHWEIS_FIELDS) and the
    receipts, which replace the stored list. A receipt is a dict with the fields of Beleg
    (`kostenposition` a Kostenposition of this application, `anhang` an Anhang or None)."""
    antrag = _lock(antrag)
    nachweis = _nachweis_for(antrag, by)
    for name, value in data.items():
        if name in NACHWEIS_FIELDS:
            setattr(nachweis, name, value.strip() if isinstance(value, str) else value)
    nachweis.save()
    positionen = {k.pk for k in antrag.kosten.all()}
    eigene = {a.pk for a in antrag.anhaenge.filter(art=Anhang.Art.BELEG)}
    for beleg in belege:
        if beleg["kostenposition"].pk not in positionen or (
            beleg.get("anhang") and beleg["anhang"].pk not in eigene
        ):
            raise PermissionDenied
    nachweis.belege.all().delete()
    Beleg.objects.bulk_create(
        Beleg(nachweis=nachweis, position=i, **beleg) for i, beleg in enumerate(belege)
    )
    return nachweis


def nachweis_errors(nachweis: Verwendungsnachweis) -> dict[str, list[str]]:
    """What a report still lacks before it can be submitted (the draft page shows it too)."""
    errors = {}
    if not nachweis.sachbericht.strip():
        errors["sachbericht"] = [_("Bitte beschreiben Sie, was im Projekt gemacht wurde.")]
    for name in ("eigenmittel_ist", "drittmittel_ist", "einnahmen_ist"):
        if getattr(nachweis, name) is None:
            errors[name] = [_("Bitte geben Sie einen Betrag an (0 oder mehr).")]
    if not nachweis.belege.exists():
        errors["belege"] = [_("Bitte tragen Sie mindestens einen Beleg in die Belegliste ein.")]
    return errors


@transaction.atomic
def submit_nachweis(
    *, antrag: Antrag, by, schritt: Schritt | None = None, now=None
) -> Verwendungsnachweis:
    """Submit the stored draft of the report, complete; the applicant gets it back as PDF with
    the receipt. Resubmitted after questions, it replaces the earlier version."""
    antrag = _lock(antrag)
    nachweis = _nachweis_for(antrag, by)
    schritt = _schritt(antrag, "submit_nachweis", schritt)
    if errors := nachweis_errors(nachweis):
        raise ServiceError(_("Der Verwendungsnachweis ist noch nicht vollständig."), errors)
    erneut = antrag.status == Status.NACHWEIS_RUECKFRAGE
    nachweis.submitted_at = now or timezone.now()
    nachweis.save(update_fields=["submitted_at", "updated_at"])
    _move(antrag, schritt, by=by, nachricht=RECORD["nachweis_erneut"] if erneut else "")
    dokument = _store(antrag, schritt.dokument, by)
    _tell(antrag, schritt, "", [dokument])
    return nachweis


@transaction.atomic
def accept_nachweis(
    *, antrag: Antrag, by, schritt: Schritt | None = None, nachricht: str = "", vermerk: str = ""
) -> Antrag:
    """The Fachdienst accepts the report: closed, or the final payment is due. The Vermerk is
    the internal Prüfvermerk; the applicant reads only the message."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "accept_nachweis", schritt)
    nachweis = antrag.verwendungsnachweis
    nachweis.pruefvermerk = vermerk.strip()
    nachweis.save(update_fields=["pruefvermerk", "updated_at"])
    _move(antrag, schritt, by=by, nachricht=nachricht, vermerk=vermerk)
    _tell(antrag, schritt, nachricht)
    return antrag


@transaction.atomic
def reclaim(
    *,
    antrag: Antrag,
    by,
    kassenzeichen: str,
    frist,
    begruendung: str = "",
    nachricht: str = "",
    vermerk: str = "",
    schritt: Schritt | None = None,
) -> Dokument:
    """The report leaves less grant than was paid: set the amount to be repaid by a notice
    (Erstattungsbescheid, § 49a Abs. 1 VwVfG) with due date, the Kasse's account and the
    Kassenzeichen, in the officer's name, and mail it."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "reclaim", schritt)
    _officer_named(by)
    aufruf = antrag.aufruf
    if not (aufruf.kasse_iban and aufruf.kasse_kontoinhaber):
        raise ServiceError(
            _(
                "Der Bescheid nennt das Konto, auf das zu zahlen ist. Bitte tragen Sie zuerst "
                "die Bankverbindung der Kasse im Förderaufruf ein."
            )
        )
    if not kassenzeichen.strip():
        message = _("Bitte geben Sie das Kassenzeichen an.")
        raise ServiceError(message, {"kassenzeichen": [message]})
    betrag = antrag.abrechnung.erstattung
    saldo = antrag.saldo
    if betrag <= 0 or saldo.zurueckgefordert + betrag > saldo.ausgezahlt:
        raise _betrag_error(
            _("Es kann höchstens zurückgefordert werden, was ausgezahlt wurde: %(b)s.")
            % {"b": euro(saldo.ausgezahlt - saldo.zurueckgefordert)}
        )
    text = RECORD["rueckforderung"] % {
        "b": euro(betrag),
        "d": formats.date_format(frist, "d.m.Y") if frist else "",
        "k": kassenzeichen.strip(),
    }
    nachweis = antrag.verwendungsnachweis
    nachweis.pruefvermerk = vermerk.strip()
    nachweis.save(update_fields=["pruefvermerk", "updated_at"])
    _move(
        antrag,
        schritt,
        by=by,
        nachricht=f"{text} {nachricht}".strip(),
        vermerk=vermerk,
        frist=frist,
    )
    Buchung.objects.create(
        antrag=antrag,
        art=Buchung.Art.RUECKFORDERUNG,
        betrag=betrag,
        datum=timezone.localdate(),
        faellig_am=frist,
        kassenzeichen=kassenzeichen.strip(),
        grund=begruendung.strip(),
        durch=by,
    )
    _money_changed(antrag)
    dokument = _store(antrag, schritt.dokument, by)
    _tell(antrag, schritt, f"{text} {nachricht}".strip(), [dokument])
    return dokument


@transaction.atomic
def record_repayment(
    *,
    antrag: Antrag,
    by,
    betrag: Decimal,
    datum,
    vermerk: str = "",
    schritt: Schritt | None = None,
) -> Buchung:
    """Money came back, in part or in full. In full, the case is closed and the applicant told."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "record_repayment", schritt)
    _datum_error(datum)
    offen = antrag.saldo.offen_rueckzahlung
    if betrag is None or betrag <= 0 or betrag > offen:
        raise _betrag_error(
            _("Der Betrag liegt über 0,00 € und höchstens bei den offenen %(o)s.")
            % {"o": euro(offen)}
        )
    buchung = Buchung.objects.create(
        antrag=antrag, art=Buchung.Art.RUECKZAHLUNG, betrag=betrag, datum=datum, durch=by
    )
    _money_changed(antrag)
    text = RECORD["rueckzahlung"] % {
        "b": euro(betrag),
        "d": formats.date_format(datum, "d.m.Y"),
        "o": euro(antrag.saldo.offen_rueckzahlung),
    }
    _move(antrag, schritt, by=by, vermerk=f"{text} {vermerk}".strip())
    # Paid in full: closed, unless an objection is still open (it is decided first).
    if antrag.saldo.offen_rueckzahlung == 0 and (
        abschluss := schritt_nach(antrag, Status.ABGESCHLOSSEN)
    ):
        _move(antrag, abschluss, by=by, nachricht=RECORD["beglichen"])
        _tell(antrag, abschluss, RECORD["beglichen"])
    return buchung


@transaction.atomic
def lift_reclaim(
    *,
    antrag: Antrag,
    by,
    begruendung: str,
    nachricht: str,
    frist,
    vermerk: str = "",
    schritt: Schritt | None = None,
) -> Dokument:
    """Remedy an objection to the Erstattungsbescheid (Abhilfe, § 72 VwGO): lift the notice
    by a notice in the officer's name, and send the report back to be put right.

    What was still open of the reclaim is taken back in the ledger; what was repaid stays
    booked and counts when the report is examined again (Abrechnung.erhalten): a new
    Erstattungsbescheid asks only for the rest, a final payment returns what was too much."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "lift_reclaim", schritt)
    _officer_named(by)
    if not begruendung.strip():
        message = _("Bitte begründen Sie die Abhilfe; die Gründe stehen im Abhilfebescheid.")
        raise ServiceError(message, {"begruendung": [message]})
    widerspruch = antrag.widersprueche.filter(ergebnis=Widerspruch.Ergebnis.OFFEN).last()
    if widerspruch is None:  # the state says there is one; a repaired record might not
        raise ServiceError(_("Es gibt keinen offenen Widerspruch."))
    _move(antrag, schritt, by=by, nachricht=nachricht, vermerk=vermerk, frist=frist)
    offen = antrag.saldo.offen_rueckzahlung
    if offen > 0:
        Buchung.objects.create(
            antrag=antrag,
            art=Buchung.Art.AUFHEBUNG,
            betrag=offen,
            datum=timezone.localdate(),
            grund=begruendung.strip(),
            durch=by,
        )
        _money_changed(antrag)
    widerspruch.begruendung = begruendung.strip()
    widerspruch.save(update_fields=["begruendung"])
    _close_objection(antrag, Widerspruch.Ergebnis.ABHILFE)
    dokument = _store(antrag, schritt.dokument, by, ersetzt=widerspruch.bescheid)
    _tell(antrag, schritt, nachricht, [dokument])
    return dokument


@transaction.atomic
def close_after_repayment(
    *, antrag: Antrag, by, schritt: Schritt | None = None, nachricht: str = "", vermerk: str = ""
) -> Antrag:
    """Close a case whose reclaim is paid (record_repayment does it by itself)."""
    antrag = _lock(antrag)
    schritt = _schritt(antrag, "close_after_repayment", schritt)
    nachricht = nachricht or RECORD["beglichen"]
    _move(antrag, schritt, by=by, nachricht=nachricht, vermerk=vermerk)
    _tell(antrag, schritt, nachricht)
    return antrag


# ---- Jury ----------------------------------------------------------------------------------


@transaction.atomic
def appoint_jury(
    *, aufruf: Foerderaufruf, email: str, name: str, vorsitz: bool, by
) -> JuryMitgliedschaft:
    """Put `email` on the call's jury, inviting the person to the portal if new."""
    rolle = _("als Vorsitz der Jury") if vorsitz else _("als Mitglied der Jury")
    user = konto.invite(
        email=email,
        name=name,
        purpose=_("%(rolle)s für „%(aufruf)s“ (%(kommune)s)")
        % {"rolle": rolle, "aufruf": aufruf.title, "kommune": aufruf.kommune.name},
        by=by,
    )
    membership, _created = JuryMitgliedschaft.objects.update_or_create(
        aufruf=aufruf, mitglied=user, defaults={"vorsitz": vorsitz}
    )
    return membership


@transaction.atomic
def declare_bias(*, antrag: Antrag, by, befangen: bool) -> Befangenheit:
    """Once per member and application; a biased member cannot score or see scores."""
    antrag = _lock(antrag)
    if antrag.status != Status.JURY or not permissions.is_jury_member(by, antrag.aufruf):
        raise PermissionDenied
    erklaerung, created = Befangenheit.objects.get_or_create(
        antrag=antrag, mitglied=by, defaults={"befangen": befangen}
    )
    permissions.forget_bias(by, antrag)
    if not created and erklaerung.befangen != befangen:
        raise ServiceError(_("Sie haben Ihre Erklärung zu diesem Antrag bereits abgegeben."))
    return erklaerung


@transaction.atomic
def score(*, antrag: Antrag, by, punkte: dict[int, tuple[int, str]]) -> None:
    """Store the member's points (0–10) and comment per criterion."""
    antrag = _lock(antrag)
    if not permissions.can_score(by, antrag):
        raise PermissionDenied(_("Sie können diesen Antrag nicht bewerten."))
    kriterien = {k.pk: k for k in Kriterium.objects.filter(aufruf_id=antrag.aufruf_id)}
    errors = {}
    for pk in kriterien:
        value = punkte.get(pk, (None, ""))[0]
        if value is None or not 0 <= value <= 10:
            errors[f"punkte_{pk}"] = [_("Bitte vergeben Sie 0 bis 10 Punkte.")]
    if errors:
        raise ServiceError(_("Bitte bewerten Sie jedes Kriterium."), errors)
    for pk, kriterium in kriterien.items():
        value, kommentar = punkte[pk]
        Bewertung.objects.update_or_create(
            antrag=antrag,
            mitglied=by,
            kriterium=kriterium,
            defaults={"punkte": value, "kommentar": kommentar.strip()},
        )


# ---- Documents -----------------------------------------------------------------------------


def _store(antrag: Antrag, art: str, by, ersetzt: Dokument | None = None) -> Dokument:
    """Render the document once, store it privately with its hash."""
    content = documents.render(antrag, art, beamter=by, ersetzt=ersetzt)
    dokument = Dokument(
        antrag=antrag,
        art=art,
        sha256=hashlib.sha256(content).hexdigest(),
        erstellt_von=by,
        ersetzt=ersetzt,
    )
    dokument.datei.save(dokument.dateiname, ContentFile(content), save=False)
    dokument.save()
    return dokument
