"""Every change to a Förderaufruf's applications goes through one function here.

Keyword-only, atomic, guard first, side effects (mail) after commit. Services
never see the request; views, admin actions and commands call the same ones.
"""

import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from zwk_portal.konto import services as konto
from zwk_portal.templatetags.zwk import euro

from . import documents, emails, permissions
from .models import (
    DATENSCHUTZ_VERSION,
    Anhang,
    Antrag,
    Befangenheit,
    Bewertung,
    Dokument,
    Foerderaufruf,
    JuryMitgliedschaft,
    Kostenposition,
    Kriterium,
    Verlauf,
    Verwendungsnachweis,
)
from .validation import MAX_FILES, antrag_errors, normalize_iban, sniff, upload_error
from .workflow import ALLOWED, BEWILLIGT_STATUS, Status


class ServiceError(Exception):
    """A refused action with a German message and, optionally, errors per form field."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def _lock(antrag: Antrag) -> Antrag:
    return Antrag.objects.select_for_update().select_related("aufruf__kommune").get(pk=antrag.pk)


def _move(antrag: Antrag, *, to: str, by, note: str = "") -> Verlauf:
    """Change the status along the table and append a history row. Call under a row lock."""
    von = antrag.status
    wer = permissions.rollen(by, antrag)
    erlaubt = ALLOWED.get(von, {}).get(to)
    if erlaubt is None:
        raise ServiceError(
            _("Ein Antrag im Status „%(von)s“ kann nicht „%(nach)s“ werden.")
            % {"von": Status(von).label, "nach": Status(to).label}
        )
    rolle = next(iter(sorted(erlaubt & wer)), None)
    if rolle is None:
        raise PermissionDenied(_("Diesen Schritt dürfen Sie nicht ausführen."))
    antrag.status = to
    antrag.save(update_fields=["status", "updated_at"])
    return Verlauf.objects.create(
        antrag=antrag, von=von, nach=to, durch=by, rolle=rolle, notiz=note
    )


# ---- Applicant ---------------------------------------------------------------------------


@transaction.atomic
def create_antrag(*, aufruf: Foerderaufruf, by) -> Antrag:
    """A new draft for `by`. Only while the call is open."""
    if not aufruf.ist_offen():
        raise ServiceError(_("Für diesen Aufruf können keine Anträge mehr gestellt werden."))
    antrag = Antrag.objects.create(
        aufruf=aufruf,
        antragsteller=by,
        email=by.email,
        kontakt_name=by.get_full_name(),
    )
    Verlauf.objects.create(
        antrag=antrag, von="", nach=Status.ENTWURF, durch=by, rolle="antragsteller"
    )
    return antrag


@transaction.atomic
def save_draft(
    *, antrag: Antrag, by, data: dict, kosten: list[tuple[str, Decimal]], datenschutz: bool
) -> Antrag:
    """Store the applicant's form and cost plan. Only in Entwurf and Nachforderung."""
    antrag = _lock(antrag)
    if not permissions.can_edit(by, antrag):
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


def _eingangsnummer(antrag: Antrag) -> str:
    aufruf = Foerderaufruf.objects.select_for_update().get(pk=antrag.aufruf_id)
    count = aufruf.antraege.exclude(eingangsnummer=None).count()
    return f"KPF-{timezone.localdate().year}-{aufruf.pk:02d}-{count + 1:04d}"


@transaction.atomic
def submit(*, antrag: Antrag, by, now=None) -> Antrag:
    """Submit a complete draft before the deadline, or resubmit after a Nachforderung."""
    now = now or timezone.now()
    antrag = _lock(antrag)
    if antrag.antragsteller_id != by.pk:
        raise PermissionDenied
    if antrag.status not in (Status.ENTWURF, Status.NACHFORDERUNG):
        raise ServiceError(_("Dieser Antrag ist bereits eingereicht."))
    aufruf = antrag.aufruf
    if antrag.status == Status.ENTWURF and now > aufruf.einreichung_bis:
        frist = timezone.localtime(aufruf.einreichung_bis)
        raise ServiceError(
            _(
                "Die Einreichungsfrist ist am %(datum)s um %(zeit)s Uhr abgelaufen. "
                "Ihr Entwurf bleibt gespeichert."
            )
            % {"datum": formats.date_format(frist, "d.m.Y"), "zeit": frist.strftime("%H:%M")}
        )
    errors = antrag_errors(antrag, list(antrag.kosten.values_list("betrag", flat=True)))
    if errors:
        raise ServiceError(_("Der Antrag ist noch nicht vollständig."), errors)
    erneut = antrag.status == Status.NACHFORDERUNG
    if not antrag.eingangsnummer:
        antrag.eingangsnummer = _eingangsnummer(antrag)
    antrag.submitted_at = now
    antrag.save(update_fields=["eingangsnummer", "submitted_at", "updated_at"])
    _move(antrag, to=Status.EINGEREICHT, by=by, note=_("erneut eingereicht") if erneut else "")
    pdf_antrag = _store(antrag, Dokument.Art.ANTRAG, by)
    pdf_eingang = _store(antrag, Dokument.Art.EINGANG, by)
    emails.eingang(antrag, [pdf_antrag, pdf_eingang])
    return antrag


@transaction.atomic
def withdraw(*, antrag: Antrag, by, note: str = "") -> Antrag:
    antrag = _lock(antrag)
    _move(antrag, to=Status.ZURUECKGEZOGEN, by=by, note=note)
    return antrag


@transaction.atomic
def add_attachment(*, antrag: Antrag, by, upload, art: str = Anhang.Art.ANTRAG) -> Anhang:
    """Store an upload privately after checking size, count and type from its content."""
    antrag = _lock(antrag)
    if art == Anhang.Art.BELEG:
        allowed = antrag.antragsteller_id == by.pk and antrag.status == Status.AUSGEZAHLT
    else:
        allowed = permissions.can_edit(by, antrag)
    if not allowed:
        raise ServiceError(_("Zu diesem Antrag können Sie gerade keine Dateien hochladen."))
    if antrag.anhaenge.filter(art=art).count() >= MAX_FILES:
        raise ServiceError(
            _("Sie können höchstens 10 Dateien hochladen."),
            {"datei": [_("Sie können höchstens 10 Dateien hochladen.")]},
        )
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


# ---- Fachdienst ----------------------------------------------------------------------------


@transaction.atomic
def request_more(*, antrag: Antrag, by, note: str) -> Antrag:
    """Ask the applicant for more; the note says what is missing."""
    if not note.strip():
        raise ServiceError(
            _("Bitte schreiben Sie, was fehlt."), {"notiz": [_("Bitte schreiben Sie, was fehlt.")]}
        )
    antrag = _lock(antrag)
    _move(antrag, to=Status.NACHFORDERUNG, by=by, note=note)
    emails.status(antrag, note=note)
    return antrag


@transaction.atomic
def mark_formally_checked(*, antrag: Antrag, by, note: str = "") -> Antrag:
    antrag = _lock(antrag)
    _move(antrag, to=Status.FORMAL_GEPRUEFT, by=by, note=note)
    emails.status(antrag, note=note)
    return antrag


@transaction.atomic
def forward_to_jury(*, antrag: Antrag, by, note: str = "") -> Antrag:
    antrag = _lock(antrag)
    if not antrag.aufruf.kriterien.exists():
        raise ServiceError(_("Der Aufruf hat noch keine Jurykriterien."))
    _move(antrag, to=Status.JURY, by=by, note=note)
    return antrag


def committed(aufruf: Foerderaufruf) -> Decimal:
    """The sum of approved amounts of the call."""
    total = aufruf.antraege.filter(status__in=BEWILLIGT_STATUS).aggregate(s=Sum("bewilligt"))["s"]
    return total or Decimal(0)


@transaction.atomic
def approve(*, antrag: Antrag, by, betrag: Decimal, note: str = "") -> Antrag:
    """Record the jury's approval. The call's row lock keeps the budget safe."""
    aufruf = Foerderaufruf.objects.select_for_update().get(pk=antrag.aufruf_id)
    antrag = _lock(antrag)
    if betrag is None or betrag <= 0:
        raise ServiceError(
            _("Bitte geben Sie den bewilligten Betrag an."),
            {"betrag": [_("Bitte geben Sie den bewilligten Betrag an.")]},
        )
    if betrag > antrag.beantragt:
        message = _("Es können höchstens die beantragten %(b)s bewilligt werden.") % {
            "b": euro(antrag.beantragt)
        }
        raise ServiceError(message, {"betrag": [message]})
    rest = aufruf.budget - committed(aufruf)
    if betrag > rest:
        message = _(
            "Das Budget reicht nicht: Es sind noch %(rest)s frei, bewilligt werden sollen %(b)s."
        ) % {"rest": euro(rest), "b": euro(betrag)}
        raise ServiceError(message, {"betrag": [message]})
    antrag.bewilligt = betrag
    antrag.decided_at = timezone.now()
    antrag.save(update_fields=["bewilligt", "decided_at", "updated_at"])
    _move(
        antrag, to=Status.BEWILLIGT, by=by, note=note or _("Bewilligt: %(b)s") % {"b": euro(betrag)}
    )
    emails.status(antrag, note=note)
    return antrag


@transaction.atomic
def reject(*, antrag: Antrag, by, grund: str) -> Antrag:
    """Record a rejection with its reason and issue the rejection notice once."""
    if not grund.strip():
        raise ServiceError(
            _("Bitte geben Sie den Grund der Ablehnung an."),
            {"grund": [_("Bitte geben Sie den Grund der Ablehnung an.")]},
        )
    antrag = _lock(antrag)
    antrag.ablehnungsgrund = grund.strip()
    antrag.decided_at = timezone.now()
    _move(antrag, to=Status.ABGELEHNT, by=by, note=grund)
    antrag.save(update_fields=["ablehnungsgrund", "decided_at", "updated_at"])
    dokument = _store(antrag, Dokument.Art.ABLEHNUNG, by)
    emails.status(antrag, note=grund, dokumente=[dokument])
    return antrag


@transaction.atomic
def issue_bescheid(*, antrag: Antrag, by) -> Dokument:
    """Render the Zuwendungsbescheid once and store it; it is never regenerated."""
    antrag = _lock(antrag)
    _move(antrag, to=Status.BESCHEID_ERTEILT, by=by)
    dokument = _store(antrag, Dokument.Art.BESCHEID, by)
    emails.status(antrag, dokumente=[dokument])
    return dokument


@transaction.atomic
def mark_paid(*, antrag: Antrag, by, note: str = "") -> Antrag:
    antrag = _lock(antrag)
    _move(antrag, to=Status.AUSGEZAHLT, by=by, note=note)
    emails.status(antrag, note=note)
    return antrag


@transaction.atomic
def submit_nachweis(
    *, antrag: Antrag, by, sachbericht: str, ist: dict[int, Decimal]
) -> Verwendungsnachweis:
    """The applicant's final report with the actual cost per cost-plan line."""
    antrag = _lock(antrag)
    if antrag.antragsteller_id != by.pk:
        raise PermissionDenied
    errors = {}
    if not sachbericht.strip():
        errors["sachbericht"] = [_("Bitte beschreiben Sie, was im Projekt gemacht wurde.")]
    positionen = list(antrag.kosten.all())
    for position in positionen:
        value = ist.get(position.pk)
        if value is None or value < 0:
            errors[f"ist_{position.pk}"] = [
                _("Bitte geben Sie die tatsächlichen Kosten an (0 oder mehr).")
            ]
    if not antrag.anhaenge.filter(art=Anhang.Art.BELEG).exists():
        errors["datei"] = [_("Bitte laden Sie mindestens einen Beleg hoch.")]
    if errors:
        raise ServiceError(_("Der Verwendungsnachweis ist noch nicht vollständig."), errors)
    for position in positionen:
        position.ist = ist[position.pk]
    Kostenposition.objects.bulk_update(positionen, ["ist"])
    ist_gesamt = sum((p.ist for p in positionen), Decimal(0))
    _move(antrag, to=Status.NACHWEIS_EINGEREICHT, by=by)
    nachweis = Verwendungsnachweis.objects.create(
        antrag=antrag,
        sachbericht=sachbericht.strip(),
        ist_gesamt=ist_gesamt,
        rueckforderung=rueckforderung(antrag.bewilligt, ist_gesamt),
    )
    emails.status(antrag)
    return nachweis


def rueckforderung(bewilligt: Decimal, ist_gesamt: Decimal) -> Decimal:
    """Festbetragsfinanzierung: pay back only what was granted but not spent."""
    return max(Decimal(0), (bewilligt or Decimal(0)) - ist_gesamt)


@transaction.atomic
def check_nachweis(*, antrag: Antrag, by, note: str = "") -> Antrag:
    """Close the case, or ask for the unspent money back."""
    antrag = _lock(antrag)
    nachweis = antrag.verwendungsnachweis
    nachweis.pruefvermerk = note
    nachweis.save(update_fields=["pruefvermerk"])
    if nachweis.rueckforderung > 0:
        text = _("Rückforderung: %(b)s") % {"b": euro(nachweis.rueckforderung)}
        _move(antrag, to=Status.RUECKFORDERUNG, by=by, note=f"{text}. {note}".strip())
    else:
        _move(antrag, to=Status.ABGESCHLOSSEN, by=by, note=note)
    emails.status(antrag, note=note)
    return antrag


@transaction.atomic
def close_after_repayment(*, antrag: Antrag, by, note: str = "") -> Antrag:
    antrag = _lock(antrag)
    _move(antrag, to=Status.ABGESCHLOSSEN, by=by, note=note or _("Rückzahlung eingegangen"))
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


def _store(antrag: Antrag, art: str, by) -> Dokument:
    content = documents.render(antrag, art)
    dokument = Dokument(
        antrag=antrag, art=art, sha256=hashlib.sha256(content).hexdigest(), erstellt_von=by
    )
    dokument.datei.save(dokument.dateiname, ContentFile(content), save=False)
    dokument.save()
    return dokument
