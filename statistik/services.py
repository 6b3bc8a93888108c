"""Writing figures: the import of a statistics file, previewed first, then all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import transaction
from django.utils.translation import gettext as _

from kommunen.models import Kommune
from zwk_portal.tables import Vorschauzahlen

from .models import Indikator, Wert
from .parsers import Datei, FormatError, Zeile
from .selectors import zahl

# What a row of the file sets on a figure besides its identity; `abgerufen_am` is not
# among them, so importing the same file again changes nothing.
COMPARED = ["region", "nur_jahr", "wert", "fehlt", "einheit", "tabelle", "quelle", "lizenz", "art"]
IDENTITY = ["ags", "merkmal", "stichtag", "basis", "basisjahr", "variante", "herausgeber"]


class NoAgs(Exception):
    pass


@dataclass
class Eintrag:
    zeile: Zeile
    aktion: str  # "neu", "geaendert", "unveraendert"
    old: Wert | None = None
    changes: list[tuple[str, object, object]] = field(default_factory=list)

    @property
    def wert(self) -> Wert:
        """The row as the figure it would become, for showing it as the pages do."""
        return Wert(**{f: getattr(self.zeile, f) for f in IDENTITY + COMPARED})

    @property
    def wert_text(self) -> str:
        return zahl(self.zeile.wert, self.zeile.einheit)

    @property
    def changes_shown(self) -> list[tuple[str, str, str]]:
        """Field name, old and new value, as a coordinator reads them."""
        shown = []
        for name, old, new in self.changes:
            label = str(Wert._meta.get_field(name).verbose_name)
            if name == "wert":
                old, new = (zahl(value) if value is not None else "–" for value in (old, new))
            shown.append((label, str(old) if old not in (None, "") else "–", str(new) or "–"))
        return shown


@dataclass
class Vorschau(Vorschauzahlen):
    eintraege: list[Eintrag]
    fremd: dict[str, str]  # rows of other regions: ags → region name
    fremd_count: int
    hinweise: list[str]

    @property
    def writes(self) -> int:
        return self.neu + self.geaendert


def belongs_to(kommune: Kommune, ags: str) -> bool:
    """The Kommune's own figures and those of the regions it lies in (its state as comparison)."""
    return kommune.ags == ags or (len(ags) < len(kommune.ags) and kommune.ags.startswith(ags))


def _key(indikator_name: str, row) -> tuple:
    return (
        indikator_name,
        row.ags,
        row.merkmal,
        row.stichtag,
        row.basis,
        row.basisjahr,
        row.variante,
        row.herausgeber,
    )


TEXT_FIELDS = [
    "region",
    "merkmal",
    "einheit",
    "tabelle",
    "variante",
    "herausgeber",
    "quelle",
    "lizenz",
]


def _does_not_fit(zeile: Zeile) -> list[str]:
    """What the database could not take as it is: too long a text, too many digits. Said per
    line, before anything is written (a figure is never cut or rounded on its way in)."""
    problems = []
    limit = Indikator._meta.get_field("name").max_length
    if len(zeile.indikator) > limit:
        problems.append(_("Der Indikator ist länger als %(n)s Zeichen.") % {"n": limit})
    for name in TEXT_FIELDS:
        field_ = Wert._meta.get_field(name)
        if len(getattr(zeile, name)) > field_.max_length:
            problems.append(
                _("„%(feld)s“ ist länger als %(n)s Zeichen.")
                % {"feld": field_.verbose_name, "n": field_.max_length}
            )
    if zeile.wert is not None:
        field_ = Wert._meta.get_field("wert")
        try:
            DecimalValidator(field_.max_digits, field_.decimal_places)(zeile.wert.normalize())
        except ValidationError:
            problems.append(
                _(
                    "Der Wert %(wert)s hat mehr als %(vorn)s Stellen vor oder mehr als "
                    "%(hinten)s nach dem Komma."
                )
                % {
                    "wert": zeile.wert,
                    "vorn": field_.max_digits - field_.decimal_places,
                    "hinten": field_.decimal_places,
                }
            )
    return [_("Zeile %(zeile)s: %(text)s") % {"zeile": zeile.zeile, "text": p} for p in problems]


def preview(*, kommune: Kommune, datei: Datei) -> Vorschau:
    """What importing `datei` would write for `kommune`; reads only."""
    if not kommune.ags:
        raise NoAgs(
            _(
                "Für %(kommune)s ist kein amtlicher Gemeindeschlüssel eingetragen. Bitte tragen "
                "Sie ihn zuerst bei der Kommune ein (z. B. 13076); über ihn werden die Zahlen "
                "der Datei zugeordnet."
            )
            % {"kommune": kommune.name}
        )
    mine = [z for z in datei.zeilen if belongs_to(kommune, z.ags)]
    if problems := [text for zeile in mine for text in _does_not_fit(zeile)]:
        raise FormatError(problems)
    fremd = {z.ags: z.region for z in datei.zeilen if not belongs_to(kommune, z.ags)}
    existing = {
        _key(w.indikator.name, w): w
        for w in Wert.objects.filter(
            indikator__kommune=kommune, indikator__name__in={z.indikator for z in mine}
        ).select_related("indikator")
    }
    eintraege = []
    for zeile in mine:
        old = existing.get(_key(zeile.indikator, zeile))
        if old is None:
            eintraege.append(Eintrag(zeile, "neu"))
            continue
        changes = [
            (name, getattr(old, name), getattr(zeile, name))
            for name in COMPARED
            if getattr(old, name) != getattr(zeile, name)
        ]
        eintraege.append(Eintrag(zeile, "geaendert" if changes else "unveraendert", old, changes))
    return Vorschau(
        eintraege=eintraege,
        fremd=fremd,
        fremd_count=len(datei.zeilen) - len(mine),
        hinweise=list(datei.hinweise),
    )


@transaction.atomic
def import_datei(*, kommune: Kommune, datei: Datei, abgerufen_am: date) -> Vorschau:
    """Write what `preview` shows, all or nothing. Two imports for one Kommune at once
    wait for each other (the Kommune's row is locked), so neither sees half of the other."""
    Kommune.objects.select_for_update().filter(pk=kommune.pk).first()
    vorschau = preview(kommune=kommune, datei=datei)
    indikatoren = {i.name: i for i in Indikator.objects.filter(kommune=kommune)}
    for eintrag in vorschau.eintraege:
        if eintrag.aktion == "unveraendert":
            continue
        zeile = eintrag.zeile
        indikator = indikatoren.get(zeile.indikator)
        if indikator is None:
            indikator = Indikator.objects.create(
                kommune=kommune,
                name=zeile.indikator,
                kind=Indikator.kind_of(zeile.indikator),
                position=len(indikatoren),
            )
            indikatoren[indikator.name] = indikator
        wert = eintrag.old or Wert(
            indikator=indikator,
            ags=zeile.ags,
            merkmal=zeile.merkmal,
            stichtag=zeile.stichtag,
            basis=zeile.basis,
            basisjahr=zeile.basisjahr,
            variante=zeile.variante,
            herausgeber=zeile.herausgeber,
        )
        for name in COMPARED:
            setattr(wert, name, getattr(zeile, name))
        wert.abgerufen_am = abgerufen_am
        wert.save()
    return vorschau
