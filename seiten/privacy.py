"""Everything the portal holds about one person: export (Art. 15) and deletion (Art. 17).

The person is named by an e-mail address, or, for those who registered by phone or
applied on paper without one, by name and phone number together (a number alone may be
a household's, and would disclose the others'). Used by `manage.py personal_data` and
the admin page "Auskunft und Löschung".
Deletion removes what may be removed and reports what is kept and why:
submitted funding applications are part of the file of a grant and must be
kept under budget law (Art. 17 Abs. 3 Buchst. b DSGVO).
"""

import contextlib
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import F, Func, ProtectedError, Q, Value
from django.utils import timezone

from events import services as events_services
from events.models import Anmeldung
from foerderung.models import Antrag, Status, Verlauf
from zwk_portal.models import LoginLink

from .models import Barrieremeldung

# Secrets and internal keys never leave the database, not even in an export.
SECRET_FIELDS = {"token", "submission_key", "token_hash", "password"}


def _value(obj, f):
    value = getattr(obj, f.attname)
    if isinstance(f, models.FileField):
        return value.name if value else ""
    if isinstance(value, list):
        return list(value)
    return value


def _fields(obj, *, exclude=()) -> dict:
    data = {}
    for f in obj._meta.concrete_fields:
        if f.name in SECRET_FIELDS or f.name in exclude:
            continue
        label = f.name
        if f.choices:
            data[label] = getattr(obj, f"get_{f.name}_display")()
        else:
            data[label] = _value(obj, f)
    return data


def _users(email: str):
    if not email:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(Q(email__iexact=email) | Q(username__iexact=email))


def _digits(expression: str) -> Func:
    """The phone number's digits in SQL: "0381 / 12 34-5" and "038112345" are the same."""
    return Func(F(expression), Value(r"\D"), Value(""), Value("g"), function="regexp_replace")


def _person_q(email: str, name: str, telefon: str, *, name_field: str) -> Q:
    """Rows of the person: by e-mail, or by name and phone number together."""
    q = Q(pk__in=[])
    if email:
        q |= Q(email__iexact=email)
    digits = re.sub(r"\D", "", telefon or "")
    if name.strip() and len(digits) >= 3:
        q |= Q(**{f"{name_field}__iexact": name.strip(), "telefon_digits": digits})
    return q


def _antraege(email: str, name: str = "", telefon: str = ""):
    return (
        Antrag.objects.alias(telefon_digits=_digits("telefon"))
        .filter(
            _person_q(email, name, telefon, name_field="kontakt_name")
            | Q(antragsteller__in=_users(email))
        )
        .select_related("aufruf__kommune")
        .order_by("pk")
        .distinct()
    )


def _anmeldungen(email: str, name: str = "", telefon: str = ""):
    return (
        Anmeldung.objects.alias(telefon_digits=_digits("telefon"))
        .filter(_person_q(email, name, telefon, name_field="name"), anonymised_at__isnull=True)
        .select_related("veranstaltung__kommune", "option")
        .order_by("pk")
    )


# The administration's internal notes may concern others (a jury member's relation to the
# club, say); the office checks them one by one before giving them out (Art. 15 Abs. 4 DSGVO).
INTERNAL = {"vermerk", "pruefvermerk"}

PORTAL_NOTE = (
    "Konto, Anmeldelinks, fehlgeschlagene Anmeldungen und Barrieremeldungen gehören zur "
    "Installation, nicht zu einer Kommune: darüber gibt der Plattformbetrieb Auskunft."
)


def export(email: str = "", *, name: str = "", telefon: str = "", portal: bool = True) -> dict:
    """All data held about the person (`email`, or `name` and `telefon`), as
    JSON-serialisable data (use DjangoJSONEncoder).

    Data of Kommunen (registrations, applications) comes from the Kommunen of the
    current scope (zwk_portal.tenancy); the installation's own data (accounts, login
    links, barrier reports) only with `portal`, for the platform's operators.
    """
    email = email.strip()
    antraege = []
    for antrag in _antraege(email, name, telefon):
        data = _fields(antrag)
        data["aufruf"] = str(antrag.aufruf)
        data["kommune"] = str(antrag.aufruf.kommune)
        data["antragsteller"] = antrag.antragsteller.get_username()
        data["kostenplan"] = [_fields(k, exclude={"antrag"}) for k in antrag.kosten.all()]
        data["anlagen"] = [
            _fields(a, exclude={"antrag", "hochgeladen_von"}) for a in antrag.anhaenge.all()
        ]
        data["dokumente"] = [
            _fields(d, exclude={"antrag", "erstellt_von"}) for d in antrag.dokumente.all()
        ]
        data["verlauf"] = [
            _fields(v, exclude={"antrag", "durch", *INTERNAL}) for v in antrag.verlauf.all()
        ]
        data["widersprueche"] = [
            _fields(w, exclude={"antrag", "erfasst_von", "bescheid"})
            for w in antrag.widersprueche.all()
        ]
        data["buchungen"] = [
            _fields(b, exclude={"antrag", "durch"}) for b in antrag.buchungen.all()
        ]
        data["fristen"] = [_fields(f, exclude={"antrag"}) for f in antrag.fristen.all()]
        nachweis = getattr(antrag, "verwendungsnachweis", None)
        data["verwendungsnachweis"] = (
            {
                **_fields(nachweis, exclude={"antrag", *INTERNAL}),
                "belege": [
                    _fields(b, exclude={"nachweis", "anhang"}) for b in nachweis.belege.all()
                ],
            }
            if nachweis
            else None
        )
        antraege.append(data)
    return {
        "email": email,
        **({"name": name.strip(), "telefon": telefon.strip()} if telefon.strip() else {}),
        "erstellt_am": timezone.now(),
        "hinweis": (
            "Interne Vermerke der Verwaltung sind nicht enthalten; die zuständige Stelle prüft "
            "sie vor einer Herausgabe einzeln (Art. 15 Abs. 4 DSGVO). "
            "Dateien (Anlagen, Belege, Bescheide) sind mit Namen und Prüfsumme aufgeführt; "
            "die Dateien selbst stellt die zuständige Stelle auf Wunsch bereit. Passwörter "
            "sind nur als Prüfwert gespeichert und werden nicht ausgegeben."
            + ("" if portal else " " + PORTAL_NOTE)
        ),
        "veranstaltungen": [
            {
                **_fields(a, exclude={"veranstaltung", "option"}),
                "veranstaltung": a.veranstaltung.title,
                "beginn": a.veranstaltung.beginn,
                "kommune": str(a.veranstaltung.kommune),
                "teilnahmeoption": a.option.name,
            }
            for a in _anmeldungen(email, name, telefon)
        ],
        "barrieremeldungen": [
            _fields(m) for m in Barrieremeldung.objects.filter(email__iexact=email).order_by("pk")
        ]
        if portal and email
        else [],
        "foerderung": {
            "konten": [
                _fields(u, exclude={"is_superuser"}) | {"gruppen": [g.name for g in u.groups.all()]}
                for u in _users(email).prefetch_related("groups")
            ]
            if portal
            else [],
            "antraege": antraege,
            "anmeldelinks": [
                _fields(link) for link in LoginLink.objects.filter(email__iexact=email)
            ]
            if portal and email
            else [],
            "fehlgeschlagene_anmeldungen": [_fields(v) for v in _login_attempts(email)]
            if portal and email
            else [],
        },
    }


def _login_attempts(email: str) -> list:
    """Failed logins under this user name, as django-axes records them."""
    found = []
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt  # noqa: PLC0415 - importable only if installed

        found += list(AccessAttempt.objects.filter(username__iexact=email))
    return found


@dataclass
class Bericht:
    """What a deletion did (or, as a preview, would do)."""

    person: str  # the e-mail address, or "name, phone number"
    ausgefuehrt: bool
    geloescht: list[str] = field(default_factory=list)
    behalten: list[str] = field(default_factory=list)


def is_deletable_draft(antrag: Antrag) -> bool:
    return (
        antrag.status == Status.ENTWURF
        and antrag.eingangsnummer is None
        and not antrag.dokumente.exists()
    )


def delete_draft(antrag: Antrag) -> bool:
    """Delete a never submitted draft with its cost plan, attachments (and files) and history.

    A draft was never part of an administrative procedure, so its history row
    ("Entwurf angelegt") goes with it.
    """
    with transaction.atomic():
        antrag = Antrag.objects.select_for_update().filter(pk=antrag.pk).first()
        if antrag is None or not is_deletable_draft(antrag):
            return False
        files = [a.datei for a in antrag.anhaenge.all() if a.datei]
        antrag.anhaenge.all().delete()
        Verlauf.objects.filter(antrag=antrag).delete()  # bulk delete: the model forbids one by one
        antrag.delete()
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return True


def _anonymise(anmeldung: Anmeldung, now) -> None:
    events_services.anonymise(Anmeldung.objects.filter(pk=anmeldung.pk), now=now)


def delete(
    email: str = "",
    *,
    name: str = "",
    telefon: str = "",
    execute: bool = False,
    portal: bool = True,
) -> Bericht:
    """Delete what may be deleted about the person (`email`, or `name` and `telefon`);
    without `execute` only say what would happen.

    As `export`: the Kommunen of the current scope, and the installation's own data
    (accounts, login links, barrier reports) only with `portal`.
    """
    email = email.strip()
    now = timezone.now()
    person = email or f"{name.strip()}, {telefon.strip()}"
    bericht = Bericht(person=person, ausgefuehrt=execute)
    with transaction.atomic():
        # Veranstaltungen: cancel future registrations (the seat is freed, the waitlist moves
        # up, the person gets the usual cancellation mail), then anonymise every one of them.
        for anmeldung in _anmeldungen(email, name, telefon):
            event = anmeldung.veranstaltung
            text = f"Anmeldung zu „{event.title}“ ({event.beginn:%d.%m.%Y})"
            if anmeldung.is_active and not event.has_started(now):
                text += ": storniert und anonymisiert"
                if execute:
                    with contextlib.suppress(events_services.RegistrationError):
                        events_services.cancel(anmeldung=anmeldung, now=now)
            else:
                text += ": anonymisiert"
            if anmeldung.idee_oeffentlich:
                # Erasure ends the consent too: the idea leaves every Rückblick.
                text += "; Einwilligung zur Veröffentlichung der Idee beendet"
                if execute:
                    events_services.withdraw_idea_consent(anmeldung=anmeldung)
            if execute:
                _anonymise(anmeldung, now)
            bericht.geloescht.append(text)

        if not portal:
            bericht.behalten.append(PORTAL_NOTE)
        meldungen = Barrieremeldung.objects.filter(email__iexact=email) if email else []
        for meldung in meldungen if portal else []:
            bericht.geloescht.append(
                f"Barrieremeldung vom {meldung.created_at:%d.%m.%Y}: Name und E-Mail gelöscht "
                "(die Beschreibung bleibt ohne Personenbezug)"
            )
            if execute:
                Barrieremeldung.objects.filter(pk=meldung.pk).update(
                    name="", email="", kontakt_geloescht_at=now
                )

        links = LoginLink.objects.filter(email__iexact=email) if email else LoginLink.objects.none()
        versuche = _login_attempts(email) if portal and email else []
        if portal and (links.exists() or versuche):
            bericht.geloescht.append(
                f"{links.count()} Anmeldelink(s) und {len(versuche)} fehlgeschlagene "
                "Anmeldung(en) gelöscht"
            )
            if execute:
                links.delete()
                for versuch in versuche:
                    versuch.delete()

        behaltene_antraege = set()
        for antrag in _antraege(email, name, telefon):
            if is_deletable_draft(antrag):
                bericht.geloescht.append(
                    f"Antragsentwurf „{antrag.title or 'ohne Titel'}“ (nie eingereicht) mit "
                    "Kostenplan und Anlagen gelöscht"
                )
                if execute:
                    delete_draft(antrag)
            else:
                behaltene_antraege.add(antrag.antragsteller_id)
                bericht.behalten.append(
                    f"Antrag {antrag.eingangsnummer or antrag.pk} „{antrag.title}“ "
                    f"(Status: {antrag.get_status_display()}): Der Antrag ist eingereicht und "
                    "Teil der Förderakte. Er unterliegt der Aufbewahrungspflicht nach dem "
                    "Haushaltsrecht (Art. 17 Abs. 3 Buchst. b DSGVO) und wird nach Ablauf der "
                    "Frist von der zuständigen Stelle gelöscht. Bis dahin kann die Verarbeitung "
                    "auf Antrag eingeschränkt werden (Art. 18 DSGVO)."
                )

        for user in _users(email) if portal else []:
            grund = _account_kept_because(user, behaltene_antraege)
            if grund:
                bericht.behalten.append(f"Konto „{user.get_username()}“: {grund}")
                continue
            if execute:
                try:
                    with transaction.atomic():
                        user.delete()
                except ProtectedError:
                    bericht.behalten.append(
                        f"Konto „{user.get_username()}“: Es wird noch von anderen Daten "
                        "verwendet (z. B. hochgeladene Dateien); bitte deaktivieren."
                    )
                    continue
            bericht.geloescht.append(f"Konto „{user.get_username()}“ gelöscht")
        if not execute:
            transaction.set_rollback(True)
    return bericht


def _account_kept_because(user, owners_of_kept_applications: set) -> str:
    if user.is_staff or user.is_superuser or user.groups.exists():
        return (
            "Es ist ein Konto der Verwaltung oder der Jury. Bitte in der Benutzerverwaltung "
            "prüfen und dort deaktivieren oder löschen."
        )
    if (
        user.pk in owners_of_kept_applications
        or user.foerderantraege.exclude(status=Status.ENTWURF, eingangsnummer__isnull=True).exists()
    ):
        return (
            "Es gehört zu eingereichten Anträgen, die aufbewahrt werden müssen. Das Konto bleibt, "
            "damit die Anträge zugeordnet bleiben; es kann deaktiviert werden."
        )
    if user.jury_mitgliedschaften.exists():
        return "Es ist Mitglied einer Jury. Bitte die Jurymitgliedschaft zuerst beenden."
    return ""
