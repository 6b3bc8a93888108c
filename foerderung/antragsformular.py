"""The blank application form of a call, to print and send on paper
(templates/pdf/foerderung_antragsformular.html).

Its fields are read from the online form (forms.AntragForm, forms.KostenForm) with their
labels, hints and choices, so the paper form asks for exactly what the online one asks for.
A field the online form gains shows up here by itself; until it has a place in ABSCHNITTE,
it stands under "Weitere Angaben".
"""

import math
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zwk_portal.pdf import render_pdf

from .forms import AntragForm, KostenForm
from .models import DATENSCHUTZ_VERSION, Antrag, Foerderaufruf

KOSTENPLAN, ANLAGEN, ERKLAERUNGEN = "kostenplan", "anlagen", "erklaerungen"

# The sections of the online form, in its order (templates/foerderung/antrag_form.html; the
# tests compare the two): title, key, the fields of AntragForm, a hint for the whole section.
# The cost plan and the attachments have no field of AntragForm.
ABSCHNITTE = [
    (
        gettext_lazy("1. Organisation"),
        "",
        ["organisation", "art", "rechtsform", "strasse", "plz", "ort", "gemeinde"],
        "",
    ),
    (gettext_lazy("2. Ansprechperson"), "", ["kontakt_name", "email", "telefon"], ""),
    (gettext_lazy("3. Bankverbindung"), "", ["kontoinhaber", "iban"], ""),
    (
        gettext_lazy("4. Projekt"),
        "",
        [
            "title",
            "kurzbeschreibung",
            "description",
            "mehrwert",
            "zielgruppen",
            "generationen",
            "partner",
            "projektort",
            "beginn",
            "ende",
        ],
        "",
    ),
    (
        gettext_lazy("5. Kostenplan"),
        KOSTENPLAN,
        [],
        gettext_lazy(
            "Eine Zeile je Kostenart. Reichen die Zeilen nicht, legen Sie bitte ein Blatt mit "
            "den weiteren Kosten bei."
        ),
    ),
    (
        gettext_lazy("6. Finanzierungsplan"),
        "",
        ["eigenmittel", "drittmittel", "beantragt"],
        gettext_lazy(
            "Eigenmittel + Drittmittel + beantragte Förderung müssen die Gesamtkosten ergeben."
        ),
    ),
    (
        gettext_lazy("7. Anlagen"),
        ANLAGEN,
        [],
        gettext_lazy(
            "Unterlagen, die Sie beilegen (freiwillig), z. B. Kostenvoranschläge oder eine "
            "Projektskizze:"
        ),
    ),
    (
        gettext_lazy("8. Erklärungen"),
        ERKLAERUNGEN,
        ["erklaerung_nicht_begonnen", "erklaerung_richtig", "datenschutz"],
        "",
    ),
]

KOSTEN_ZEILEN = 10  # empty lines of the cost plan; more on a sheet of their own
ANLAGEN_ZEILEN = 4
# Handwriting takes more room than typing: lines on paper per row of the online text box.
ZEILEN_JE_ROW = 1.5


@dataclass(frozen=True)
class Feld:
    """One field of the paper form. `art`: how it is filled in — "zeile" (a box for one
    line), "kurz" (a short box: postcode, date), "betrag" (an amount in euros), "text"
    (ruled lines), "auswahl" (tick one or more of `optionen`), "kreuz" (a single tick box)."""

    name: str
    label: str
    art: str
    pflicht: bool = False
    hinweis: str = ""
    zeilen: int = 1
    optionen: tuple[str, ...] = ()
    mehrfach: bool = False

    @property
    def linien(self) -> range:
        return range(self.zeilen)


@dataclass(frozen=True)
class Abschnitt:
    title: str
    key: str = ""  # KOSTENPLAN, ANLAGEN, ERKLAERUNGEN or ""
    felder: list[Feld] = field(default_factory=list)
    hinweis: str = ""


def _optionen(name: str, formfield: forms.ChoiceField, aufruf: Foerderaufruf) -> tuple[str, ...]:
    choices = [(value, str(label)) for value, label in formfield.choices if value != ""]
    if name == "art" and aufruf.antragsteller_arten:  # whom the call is open to, as checked
        choices = [(v, label) for v, label in choices if v in aufruf.antragsteller_arten]
    return tuple(label for _value, label in choices)


def feld(name: str, formfield: forms.Field, aufruf: Foerderaufruf) -> Feld:
    """The paper version of one field of the online form."""
    common = {
        "name": name,
        "label": str(formfield.label),
        "pflicht": formfield.required or getattr(formfield, "pflicht", False),
        "hinweis": str(formfield.help_text or ""),
    }
    widget = formfield.widget
    if isinstance(widget, forms.CheckboxInput):
        return Feld(art="kreuz", **common)
    if isinstance(formfield, forms.ChoiceField):
        return Feld(
            art="auswahl",
            optionen=_optionen(name, formfield, aufruf),
            mehrfach=isinstance(formfield, forms.MultipleChoiceField),
            **common,
        )
    if isinstance(formfield, forms.DecimalField):
        return Feld(art="betrag", **common)
    if isinstance(formfield, forms.DateField):
        return Feld(art="kurz", **{**common, "hinweis": common["hinweis"] or _("TT.MM.JJJJ")})
    if isinstance(widget, forms.Textarea):
        rows = int(widget.attrs.get("rows", 3))
        return Feld(art="text", zeilen=max(2, math.ceil(rows * ZEILEN_JE_ROW)), **common)
    if getattr(formfield, "max_length", None) and formfield.max_length <= 10:
        return Feld(art="kurz", **common)
    return Feld(art="zeile", **common)


def abschnitte(aufruf: Foerderaufruf) -> list[Abschnitt]:
    """Every field of the online application form, grouped as the online form groups them;
    a field without a place in ABSCHNITTE comes last, under "Weitere Angaben"."""
    fields = AntragForm(aufruf=aufruf).fields
    placed = set()
    result = []
    for title, key, names, hinweis in ABSCHNITTE:
        felder = [feld(name, fields[name], aufruf) for name in names if name in fields]
        placed.update(names)
        result.append(Abschnitt(title=str(title), key=key, felder=felder, hinweis=str(hinweis)))
    rest = [feld(name, f, aufruf) for name, f in fields.items() if name not in placed]
    if rest:
        weitere = Abschnitt(title=_("Weitere Angaben"), felder=rest)
        result.insert(len(result) - 1, weitere)  # before the declarations and the signature
    return result


def frist(aufruf: Foerderaufruf) -> dict:
    """The deadline as the form says it: the local day, and the hour unless the day's end."""
    local = timezone.localtime(aufruf.einreichung_bis)
    return {"datum": local, "uhrzeit": (local.hour, local.minute) != (23, 59)}


def postanschrift(aufruf: Foerderaufruf) -> list[str]:
    """Where the paper application goes: the commune, the call's office, the postal address."""
    kommune = aufruf.kommune
    zeilen = [kommune.name]
    if aufruf.fachdienst:
        zeilen.append(_("Fachdienst %(name)s") % {"name": aufruf.fachdienst})
    anschrift = aufruf.kontakt.anschrift or kommune.anschrift
    zeilen += [line.strip() for line in anschrift.splitlines() if line.strip()]
    return zeilen


def context(aufruf: Foerderaufruf, *, online_url: str = "") -> dict:
    kosten = KostenForm().fields
    return {
        "aufruf": aufruf,
        "kommune": aufruf.kommune,
        "kontakt": aufruf.kontakt,
        "abschnitte": abschnitte(aufruf),
        "kosten_spalten": [str(f.label) for f in kosten.values()],
        "kosten_zeilen": range(1, KOSTEN_ZEILEN + 1),
        "gesamtkosten": Antrag._meta.get_field("gesamtkosten").verbose_name,
        "anlagen_zeilen": range(1, ANLAGEN_ZEILEN + 1),
        "frist": frist(aufruf),
        "postanschrift": postanschrift(aufruf),
        "datenschutz_version": DATENSCHUTZ_VERSION,
        "online_url": online_url,
    }


def render(aufruf: Foerderaufruf, *, online_url: str = "") -> bytes:
    """The PDF, in German whatever the language of the page it was asked from: it goes to a
    German authority. `online_url`: the call's page, to apply online instead."""
    with translation.override("de"):
        return render_pdf(
            "pdf/foerderung_antragsformular.html",
            context(aufruf, online_url=online_url),
            title=_("Antragsformular – %(title)s") % {"title": aufruf.title},
        )
