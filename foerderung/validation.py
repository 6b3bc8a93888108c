"""Checks of an application: IBAN checksum, uploaded file types, completeness and rules."""

import re
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from zwk_portal.templatetags.zwk import euro
from zwk_portal.uploads import MAX_UPLOAD_BYTES, extension_fits, sniff

from .models import Antrag

__all__ = ["MAX_UPLOAD_BYTES", "sniff"]  # the services import them from here

MAX_FILES = 10
MAX_BELEG_FILES = 100  # one file per receipt of a Belegliste

# Length of the IBAN per country for the countries a county's partners bank in.
IBAN_LENGTHS = {"DE": 22, "AT": 20, "CH": 21, "NL": 18, "PL": 28, "DK": 18, "LU": 20, "BE": 16}


def normalize_iban(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def iban_error(value: str) -> str | None:
    """None if `value` is a valid IBAN (ISO 13616 mod-97), else a German message."""
    iban = normalize_iban(value)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}", iban):
        return _("Die IBAN hat nicht das richtige Format (z. B. DE89 3704 0044 0532 0130 00).")
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        return _("Eine IBAN aus %(land)s hat %(n)d Zeichen.") % {"land": iban[:2], "n": expected}
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        return _(
            "Die Prüfziffer der IBAN stimmt nicht. Bitte vergleichen Sie sie mit Ihrem Kontoauszug."
        )
    return None


def format_iban(value: str) -> str:
    iban = normalize_iban(value)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def upload_error(name: str, size: int, head: bytes) -> str | None:
    if size > MAX_UPLOAD_BYTES:
        return _("„%(name)s“ ist größer als 10 MB. Bitte verkleinern Sie die Datei.") % {
            "name": name
        }
    if size == 0:
        return _("„%(name)s“ ist leer.") % {"name": name}
    mimetype = sniff(head)
    if mimetype is None:
        return _(
            "„%(name)s“ ist keine PDF-, JPEG- oder PNG-Datei. Erlaubt sind nur diese Dateitypen."
        ) % {"name": name}
    if not extension_fits(name, mimetype):
        return _("Der Inhalt von „%(name)s“ passt nicht zur Dateiendung.") % {"name": name}
    return None


# Fields that must be filled in before the application can be submitted.
REQUIRED = [
    "organisation",
    "art",
    "rechtsform",
    "strasse",
    "plz",
    "ort",
    "gemeinde",
    "kontakt_name",
    "email",
    "telefon",
    "kontoinhaber",
    "iban",
    "title",
    "kurzbeschreibung",
    "description",
    "mehrwert",
    "zielgruppen",
    "generationen",
    "projektort",
    "beginn",
    "ende",
]


def _datum(value) -> str:
    return formats.date_format(value, "d.m.Y")


def antrag_errors(antrag, kosten: list[Decimal]) -> dict[str, list[str]]:
    """Everything that stops `antrag` from being submitted, keyed by form field."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    aufruf = antrag.aufruf
    for name in REQUIRED:
        if name == "email" and not antrag.ist_online:
            continue  # optional on paper: without it the Fachdienst writes (enter_paper_antrag)
        if not getattr(antrag, name):
            label = Antrag._meta.get_field(name).verbose_name
            add(name, _("Bitte füllen Sie „%(feld)s“ aus.") % {"feld": label})
    if antrag.iban and (message := iban_error(antrag.iban)):
        add("iban", message)
    if antrag.plz and not re.fullmatch(r"\d{5}", antrag.plz):
        add("plz", _("Die Postleitzahl hat fünf Ziffern."))
    if antrag.art and aufruf.antragsteller_arten and antrag.art not in aufruf.antragsteller_arten:
        add(
            "art",
            _("Dieser Aufruf richtet sich an: %(arten)s.")
            % {"arten": aufruf.get_antragsteller_arten_display()},
        )
    period = {"von": _datum(aufruf.umsetzung_von), "bis": _datum(aufruf.umsetzung_bis)}
    for name in ("beginn", "ende"):
        value = getattr(antrag, name)
        if value and not aufruf.umsetzung_von <= value <= aufruf.umsetzung_bis:
            add(
                name, _("Das Datum muss im Umsetzungszeitraum %(von)s bis %(bis)s liegen.") % period
            )
    if antrag.beginn and antrag.ende and antrag.beginn > antrag.ende:
        add("ende", _("Das Projektende liegt vor dem Projektbeginn."))
    if not kosten:
        add("kosten", _("Bitte tragen Sie mindestens eine Kostenposition ein."))
    gesamt = sum(kosten, Decimal(0))
    finanzierung = antrag.eigenmittel + antrag.drittmittel + antrag.beantragt
    if not antrag.beantragt:
        add("beantragt", _("Bitte geben Sie die beantragte Förderung an."))
    if antrag.beantragt > aufruf.hoechstbetrag:
        add(
            "beantragt",
            _("Sie können höchstens %(max)s beantragen.") % {"max": euro(aufruf.hoechstbetrag)},
        )
    if aufruf.mindestbetrag and antrag.beantragt and antrag.beantragt < aufruf.mindestbetrag:
        add(
            "beantragt",
            _("Die Förderung beträgt mindestens %(min)s.") % {"min": euro(aufruf.mindestbetrag)},
        )
    if kosten and antrag.beantragt > gesamt:
        add(
            "beantragt",
            _("Die Förderung kann nicht höher sein als die Gesamtkosten (%(summe)s).")
            % {"summe": euro(gesamt)},
        )
    if kosten and finanzierung != gesamt:
        add(
            "eigenmittel",
            _(
                "Der Finanzierungsplan geht nicht auf: Eigenmittel, Drittmittel und Förderung "
                "ergeben %(finanzierung)s, die Kosten betragen %(gesamt)s."
            )
            % {"finanzierung": euro(finanzierung), "gesamt": euro(gesamt)},
        )
    if aufruf.eigenanteil_prozent and gesamt:
        minimum = (gesamt * aufruf.eigenanteil_prozent / 100).quantize(Decimal("0.01"))
        if antrag.eigenmittel < minimum:
            add(
                "eigenmittel",
                _("Der Eigenanteil muss mindestens %(p)s %% der Kosten betragen (%(min)s).")
                % {"p": formats.number_format(aufruf.eigenanteil_prozent), "min": euro(minimum)},
            )
    if not antrag.erklaerung_nicht_begonnen:
        add(
            "erklaerung_nicht_begonnen",
            _("Bitte bestätigen Sie, dass das Projekt noch nicht begonnen hat."),
        )
    if not antrag.erklaerung_richtig:
        add("erklaerung_richtig", _("Bitte bestätigen Sie, dass Ihre Angaben wahr sind."))
    if not antrag.datenschutz_version:
        add("datenschutz", _("Bitte stimmen Sie dem Datenschutzhinweis zu."))
    return errors
