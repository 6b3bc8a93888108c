"""A table back into its plan: preview, then all or nothing (see the package's docstring)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zwk_portal.exports import _unguard
from zwk_portal.tables import TableError, Vorschauzahlen, read_rows
from zwk_portal.templatetags.zwk import euro

from ..models import Handlungsfeld, Kennzahl, Massnahme, Werkstattplan, Werkzeug
from ..resources import EuroWidget, JaNeinWidget, ZahlenlisteWidget
from .format import (
    COLUMNS,
    CONTROL_RE,
    EBENEN,
    EM,
    HANDLUNGSFELD,
    HEADERS,
    ID_RE,
    KENNZAHL,
    MASSNAHME,
    MAX_ROWS,
    MODEL,
    PREFIX,
    QUERSCHNITT,
    WERKZEUG,
    key_of,
    normal,
)


@dataclass
class Eintrag:
    """One row of the file as the preview shows it."""

    zeile: int  # the row number Excel shows (header = 1)
    ebene: str
    key: str  # the ID in the file, "" for a new entry
    titel: str
    ort: str = ""  # where it goes, e.g. "Handlungsfeld „Mobilität“ › Werkzeug „Rufbus“"
    aktion: str = "unveraendert"  # neu, geaendert, unveraendert, fehler
    aenderungen: list[tuple[str, str, str]] = field(default_factory=list)  # column, old, new
    fehler: list[str] = field(default_factory=list)
    hinweise: list[str] = field(default_factory=list)
    # filled while reading:
    values: dict = field(default_factory=dict, repr=False)
    parent: Eintrag | None = field(default=None, repr=False)
    obj: object = field(default=None, repr=False)
    saved: bool = field(default=False, repr=False)


@dataclass
class Entfernbar:
    key: str
    ebene: str
    titel: str
    ort: str


@dataclass
class Ergebnis(Vorschauzahlen):
    eintraege: list[Eintrag] = field(default_factory=list)
    dateifehler: list[str] = field(default_factory=list)
    entfernbar: list[Entfernbar] = field(default_factory=list)
    entfernt: list[Entfernbar] = field(default_factory=list)
    umsortiert: bool = False
    fingerprint: str = ""
    geschrieben: bool = False
    veraltet: bool = False  # confirmed a preview of another state of plan or file

    @property
    def fehlerhaft(self) -> list[Eintrag]:
        return [eintrag for eintrag in self.eintraege if eintrag.fehler]

    @property
    def hat_fehler(self) -> bool:
        return bool(self.dateifehler or self.fehlerhaft)

    @property
    def alle_fehler(self) -> list[str]:
        """Every error of the file, each naming its row (for messages and tests)."""
        found = list(self.dateifehler)
        for eintrag in self.fehlerhaft:
            found += [
                _("Zeile %(n)s: %(text)s") % {"n": eintrag.zeile, "text": text}
                for text in eintrag.fehler
            ]
        return found

    @property
    def nichts_zu_tun(self) -> bool:
        return not (self.neu or self.geaendert or self.umsortiert or self.hat_fehler)


def einlesen(
    plan: Werkstattplan,
    data: bytes,
    *,
    entfernen: frozenset[str] | set[str] = frozenset(),
    bestaetigt: str = "",
) -> Ergebnis:
    """Read `data` into `plan`; written only if `bestaetigt` is this very preview's
    fingerprint and nothing is wrong, else rolled back (the preview)."""
    with transaction.atomic():
        plan = Werkstattplan.objects.select_for_update().select_related("kommune").get(pk=plan.pk)
        fingerprint = hashlib.sha256(
            plan.updated_at.isoformat().encode() + b"\0" + data
        ).hexdigest()
        ergebnis = Ergebnis(fingerprint=fingerprint)
        _Leser(plan, ergebnis).run(data, entfernen)
        if bestaetigt and bestaetigt != fingerprint:
            ergebnis.veraltet = True
        if not bestaetigt or ergebnis.veraltet or ergebnis.hat_fehler:
            transaction.set_rollback(True)
        else:
            ergebnis.geschrieben = True
    return ergebnis


class _Leser:
    def __init__(self, plan: Werkstattplan, ergebnis: Ergebnis):
        self.plan = plan
        self.ergebnis = ergebnis
        self.statuses = {status.name.casefold(): status for status in plan.status_liste.all()}
        querysets = (
            Handlungsfeld.objects.filter(plan=plan),
            Kennzahl.objects.filter(handlungsfeld__plan=plan),
            Werkzeug.objects.filter(handlungsfeld__plan=plan).select_related("status"),
            Massnahme.objects.filter(plan=plan).select_related("status"),
        )
        self.existing = {key_of(obj): obj for queryset in querysets for obj in queryset}
        # Taken before any row changes them: order, place and titles as they were.
        self.old_order = {key: (obj.position, obj.pk) for key, obj in self.existing.items()}
        self.old_place = {key: _place_key(obj) for key, obj in self.existing.items()}
        self.twins = {
            (type(obj), _place_key(obj), normal(_title(obj))): obj for obj in self.existing.values()
        }
        self.auch_bei_before = defaultdict(list)
        for massnahme_id, werkzeug_id in Massnahme.auch_bei.through.objects.filter(
            massnahme__plan=plan
        ).values_list("massnahme_id", "werkzeug_id"):
            self.auch_bei_before[f"EM-{massnahme_id}"].append(f"WZ-{werkzeug_id}")

    # -- reading the file

    def run(self, data: bytes, entfernen) -> None:
        try:
            rows = read_rows(data)
        except TableError as error:
            self.ergebnis.dateifehler.append(str(error))
            return
        if not rows:
            self.ergebnis.dateifehler.append(_("Die Datei ist leer."))
            return
        header_line, header = rows[0]
        columns = self._columns(header_line, header)
        if columns is None:
            return
        if len(rows) - 1 > MAX_ROWS:
            self.ergebnis.dateifehler.append(
                _("Die Datei hat mehr als %(n)s Zeilen.") % {"n": MAX_ROWS}
            )
            return
        self._read(rows[1:], columns)
        if self.ergebnis.dateifehler:
            return
        self._write()
        self._remove(entfernen)

    def _columns(self, line: int, header: list[str]) -> dict[str, int] | None:
        known = {normal(name): name for name in HEADERS}
        columns, unknown = {}, []
        for index, cell in enumerate(header):
            if not cell:
                continue
            name = known.get(normal(cell))
            if name is None:
                unknown.append(cell)
            elif name in columns:
                unknown.append(_("%(name)s (zweimal)") % {"name": cell})
            else:
                columns[name] = index
        missing = [name for name in ("Ebene", "Titel") if name not in columns]
        if unknown or missing:
            parts = []
            if missing:
                parts.append(_("Es fehlen die Spalten %(names)s.") % {"names": ", ".join(missing)})
            if unknown:
                parts.append(
                    _("Unbekannte Spalten: %(names)s. Erlaubt sind: %(allowed)s.")
                    % {"names": ", ".join(unknown), "allowed": ", ".join(HEADERS)}
                )
            self.ergebnis.dateifehler.append(
                _("Zeile %(n)s: %(text)s") % {"n": line, "text": " ".join(parts)}
            )
            return None
        return columns

    def _read(self, rows, columns: dict[str, int]) -> None:
        seen_keys: dict[str, int] = {}
        foreign_plans: dict[str, list[int]] = defaultdict(list)
        handlungsfeld = werkzeug = None
        for line, cells in rows:

            def cell(name, cells=cells):
                index = columns.get(name)
                value = cells[index] if index is not None and index < len(cells) else ""
                return _unguard(value).strip() if isinstance(value, str) else value

            raw_ebene = cell("Ebene")
            ebene = EBENEN.get(normal(raw_ebene))
            eintrag = Eintrag(zeile=line, ebene=ebene or raw_ebene, key="", titel=cell("Titel"))
            self.ergebnis.eintraege.append(eintrag)
            if any(CONTROL_RE.search(str(value)) for value in cells):
                eintrag.fehler.append(_("Ein Feld enthält Steuerzeichen."))
            plan_key = cell("Plan")
            if plan_key and plan_key.upper().replace(" ", "") != self.plan.key:
                foreign_plans[plan_key].append(line)
            if ebene is None:
                eintrag.fehler.append(
                    _("Unbekannte Ebene „%(value)s“; möglich sind %(allowed)s.")
                    % {
                        "value": raw_ebene,
                        "allowed": ", ".join(
                            (QUERSCHNITT, HANDLUNGSFELD, KENNZAHL, WERKZEUG, MASSNAHME)
                        ),
                    }
                )
                continue
            self._key(eintrag, cell("ID"), seen_keys)
            self._values(eintrag, cell)
            # Where the row belongs: the outline above it.
            if ebene == HANDLUNGSFELD:
                handlungsfeld, werkzeug = eintrag, None
            elif ebene == WERKZEUG:
                eintrag.parent = handlungsfeld
                werkzeug = eintrag
            elif ebene == KENNZAHL:
                eintrag.parent = handlungsfeld
            elif ebene == MASSNAHME:
                eintrag.parent = werkzeug or handlungsfeld
            if ebene in (WERKZEUG, KENNZAHL, MASSNAHME) and handlungsfeld is None:
                eintrag.fehler.append(
                    _(
                        "Über dieser Zeile steht kein Handlungsfeld. Eine Maßnahme für den "
                        "ganzen Plan hat die Ebene „Querschnittsmaßnahme“."
                    )
                    if ebene == MASSNAHME
                    else _("Über dieser Zeile steht kein Handlungsfeld, zu dem sie gehört.")
                )
        for plan_key, lines in foreign_plans.items():
            self.ergebnis.dateifehler.append(
                _(
                    "Zeile %(n)s: Die Datei stammt aus einem anderen Werkstattplan (%(other)s), "
                    "nicht aus „%(title)s“ (%(key)s). Laden Sie sie in ihren eigenen Plan, oder "
                    "leeren Sie die Spalten „Plan“ und „ID“, um alles als neue Einträge anzulegen."
                )
                % {"n": lines[0], "other": plan_key, "title": self.plan.title, "key": self.plan.key}
            )
        if not self.ergebnis.eintraege:
            self.ergebnis.dateifehler.append(_("Die Datei enthält keine Einträge."))

    def _key(self, eintrag: Eintrag, raw: str, seen: dict[str, int]) -> None:
        if not raw:
            return
        match = ID_RE.match(raw)
        if not match:
            eintrag.fehler.append(
                _(
                    "„%(value)s“ ist keine ID des Portals (z. B. WZ-12); für einen neuen Eintrag "
                    "lassen Sie die ID leer."
                )
                % {"value": raw}
            )
            return
        key = f"{match[1].upper()}-{int(match[2])}"
        if match[1].upper() != PREFIX[eintrag.ebene]:
            eintrag.fehler.append(
                _("Die ID %(key)s passt nicht zur Ebene „%(ebene)s“.")
                % {"key": key, "ebene": eintrag.ebene}
            )
        elif key not in self.existing:
            eintrag.fehler.append(
                _(
                    "Die ID %(key)s gehört nicht zu diesem Werkstattplan. Eine Zeile aus einem "
                    "anderen Plan lässt sich nicht übernehmen; ohne ID wird sie neu angelegt."
                )
                % {"key": key}
            )
        elif key in seen:
            eintrag.fehler.append(
                _("Die ID %(key)s steht schon in Zeile %(n)s.") % {"key": key, "n": seen[key]}
            )
        else:
            seen[key] = eintrag.zeile
            eintrag.key = key

    def _values(self, eintrag: Eintrag, cell) -> None:
        for spalte in COLUMNS:
            raw = cell(spalte.header)
            attr = spalte.attrs.get(eintrag.ebene)
            if attr is None:
                if raw not in ("", None):
                    eintrag.fehler.append(
                        _(
                            "Die Spalte „%(column)s“ gilt nicht für eine Zeile der Ebene „%(ebene)s“."
                        )
                        % {"column": spalte.header, "ebene": eintrag.ebene}
                    )
                continue
            try:
                value = self._parse(spalte.kind, raw)
                if attr == "zeitraum":
                    value = _zeitraum(value)
            except ValueError as error:
                eintrag.fehler.append(f"{spalte.header}: {error}")
                continue
            if attr == "zeitraum":
                eintrag.values["jahr"], eintrag.values["jahr_bis"] = value
            else:
                eintrag.values[attr] = value
        if eintrag.ebene == WERKZEUG and not eintrag.values.get("description"):
            # A Werkzeug named by its title only: the title is its text.
            eintrag.values["description"] = eintrag.values.get("title", "")
            eintrag.values["title"] = ""

    def _parse(self, kind: str, raw: str):
        if kind == "text":
            return raw or ""
        if raw in ("", None):
            return {"jahre": [], "monate": [], "auch_bei": []}.get(kind)
        if kind == "int":
            try:
                return int(Decimal(str(raw).replace(",", ".")))
            except ArithmeticError:
                raise ValueError(_("„%(value)s“ ist keine ganze Zahl.") % {"value": raw}) from None
        if kind == "euro":
            return EuroWidget().clean(raw)
        if kind == "janein":
            return JaNeinWidget().clean(raw)
        if kind == "date":
            return _datum(raw)
        if kind == "status":
            status = self.statuses.get(str(raw).casefold())
            if status is None:
                raise ValueError(
                    _(
                        "Den Status „%(value)s“ hat dieser Plan nicht; möglich sind %(allowed)s. "
                        "Weitere Status legen Sie im Plan unter „Status“ an."
                    )
                    % {
                        "value": raw,
                        "allowed": ", ".join(s.name for s in self.statuses.values()),
                    }
                )
            return status
        if kind == "monate":
            return ZahlenlisteWidget().clean(raw)
        if kind == "jahre":
            return ZahlenlisteWidget().clean(raw)
        if kind == "auch_bei":
            return [part.strip() for part in re.split(r"[;\n]", str(raw)) if part.strip()]
        raise AssertionError(kind)

    # -- writing, row by row, inside the caller's transaction

    def _write(self) -> None:
        positions = defaultdict(int)
        order = defaultdict(list)  # group → keys in file order (to tell a new order)
        for eintrag in self.ergebnis.eintraege:
            if eintrag.ebene not in MODEL:
                continue
            group = self._group(eintrag)
            positions[group] += 1
            if eintrag.key:
                order[group].append(eintrag.key)
            self._save(eintrag, positions[group])
        for eintrag in self.ergebnis.eintraege:
            if eintrag.ebene in EM and eintrag.saved:
                self._auch_bei(eintrag)
        self.ergebnis.umsortiert = any(
            keys != sorted(keys, key=self.old_order.__getitem__) for keys in order.values()
        )

    def _group(self, eintrag: Eintrag):
        parent = eintrag.parent
        return (eintrag.ebene in EM, eintrag.ebene, id(parent) if parent else None)

    def _save(self, eintrag: Eintrag, position: int) -> None:
        parent = eintrag.parent
        if eintrag.fehler and eintrag.ebene not in (HANDLUNGSFELD, QUERSCHNITT) and not parent:
            eintrag.aktion = "fehler"
            return
        obj = self.existing.get(eintrag.key) if eintrag.key else MODEL[eintrag.ebene]()
        eintrag.obj = obj
        values = {attr: v for attr, v in eintrag.values.items() if attr != "auch_bei"}
        before = {attr: getattr(obj, attr) for attr in values}
        for attr, value in values.items():
            setattr(obj, attr, value)
        if parent is not None and not parent.saved:
            # Checked once the parent's row is right: the parent decides the plan's period.
            eintrag.hinweise.append(
                _("Wird vollständig geprüft, sobald Zeile %(n)s stimmt.") % {"n": parent.zeile}
            )
            exclude = ["plan", "handlungsfeld", "werkzeug"]
        else:
            exclude = []
            self._place(eintrag, obj, parent)
        eintrag.ort = _place_text(obj) if not exclude else parent.titel
        moved = bool(eintrag.key) and not exclude and self.old_place[eintrag.key] != _place_key(obj)
        if eintrag.key:
            eintrag.aenderungen = _changes(eintrag.ebene, before, values)
            if moved:
                eintrag.aenderungen.append((_("gehört zu"), _("anderswo"), eintrag.ort))
        elif not exclude and (
            twin := self.twins.get((type(obj), _place_key(obj), normal(_title(obj))))
        ):
            eintrag.hinweise.append(
                _(
                    "Ein Eintrag mit diesem Titel steht schon an dieser Stelle (%(key)s). Ohne ID "
                    "wird ein zweiter angelegt; tragen Sie die ID ein, um ihn zu ändern."
                )
                % {"key": key_of(twin)}
            )
        old_position = obj.position
        obj.position = position
        # An entry the file leaves as it is stays valid; checking it again would cost a
        # query per constraint and row, seconds for a plan of a thousand rows.
        as_stored = bool(eintrag.key) and not (eintrag.aenderungen or moved or exclude)
        try:
            if not as_stored:
                obj.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            eintrag.fehler += _messages(eintrag.ebene, error)
        if eintrag.fehler:
            eintrag.aktion = "fehler"
            return
        eintrag.aktion = (
            "neu" if not eintrag.key else ("geaendert" if eintrag.aenderungen else "unveraendert")
        )
        if exclude:
            return
        if eintrag.aktion != "unveraendert" or old_position != position:
            obj.save()
        eintrag.saved = True

    def _place(self, eintrag: Eintrag, obj, parent: Eintrag | None) -> None:
        if eintrag.ebene == HANDLUNGSFELD:
            obj.plan = self.plan
        elif eintrag.ebene in (KENNZAHL, WERKZEUG):
            obj.handlungsfeld = parent.obj
        elif eintrag.ebene == QUERSCHNITT:
            obj.plan, obj.handlungsfeld, obj.werkzeug = self.plan, None, None
        elif parent.ebene == WERKZEUG:
            obj.plan, obj.handlungsfeld, obj.werkzeug = self.plan, None, parent.obj
        else:
            obj.plan, obj.handlungsfeld, obj.werkzeug = self.plan, parent.obj, None

    def _auch_bei(self, eintrag: Eintrag) -> None:
        wanted = eintrag.values.get("auch_bei", [])
        werkzeuge, problems = [], []
        for token in wanted:
            found = self._werkzeug(token)
            if isinstance(found, str):
                problems.append(found)
            elif found.pk == eintrag.obj.werkzeug_id:
                problems.append(
                    _("„%(value)s“ ist schon das eigene Werkzeug der Maßnahme.") % {"value": token}
                )
            else:
                werkzeuge.append(found)
        if problems:
            eintrag.fehler += [f"{_('Auch bei Werkzeugen')}: {text}" for text in problems]
            eintrag.aktion = "fehler"
            return
        before = self.auch_bei_before.get(eintrag.key, []) if eintrag.key else []
        after = [key_of(werkzeug) for werkzeug in werkzeuge]
        if sorted(before) != sorted(after):
            eintrag.obj.auch_bei.set(werkzeuge)
            if eintrag.key:
                eintrag.aenderungen.append(
                    (_("Auch bei Werkzeugen"), "; ".join(before) or "–", "; ".join(after) or "–")
                )
                eintrag.aktion = "geaendert"

    def _werkzeug(self, token: str):
        """The Werkzeug a cell names, by ID or by its title or text in the file or the plan."""
        match = ID_RE.match(token)
        saved = [e for e in self.ergebnis.eintraege if e.ebene == WERKZEUG and e.saved]
        if match:
            key = f"{match[1].upper()}-{int(match[2])}"
            for werkzeug in saved:
                if key_of(werkzeug.obj) == key:
                    return werkzeug.obj
            if key in self.existing and key.startswith("WZ-"):
                return self.existing[key]
            return _("Das Werkzeug %(key)s gibt es in diesem Plan nicht.") % {"key": key}
        wanted = normal(token)
        candidates = {
            werkzeug.obj.pk: werkzeug.obj
            for werkzeug in saved
            if wanted in (normal(werkzeug.obj.title), normal(werkzeug.obj.description))
        }
        if not candidates:
            return _("Ein Werkzeug „%(value)s“ gibt es in diesem Plan nicht.") % {"value": token}
        if len(candidates) > 1:
            return _("„%(value)s“ passt auf mehrere Werkzeuge; bitte nennen Sie die ID.") % {
                "value": token
            }
        return next(iter(candidates.values()))

    @staticmethod
    def _label(ebene: str, attr: str) -> str:
        for spalte in COLUMNS:
            if spalte.attrs.get(ebene) == attr:
                return spalte.header
        # A measure's year and end year come from its column "Jahre" ("2023", "2022–2024").
        return {"jahr": "Jahre", "jahr_bis": "Jahre"}.get(attr, attr)

    # -- entries the file no longer names

    def _remove(self, entfernen) -> None:
        named = {eintrag.key for eintrag in self.ergebnis.eintraege if eintrag.key}
        gone = [obj for key, obj in self.existing.items() if key not in named]
        kind = {Handlungsfeld: HANDLUNGSFELD, Kennzahl: KENNZAHL, Werkzeug: WERKZEUG}
        for obj in gone:
            ebene = kind.get(type(obj)) or (QUERSCHNITT if obj.querschnitt else MASSNAHME)
            self.ergebnis.entfernbar.append(
                Entfernbar(key_of(obj), ebene, _title(obj), _place_text(obj))
            )
        offered = {entry.key: entry for entry in self.ergebnis.entfernbar}
        unknown = set(entfernen) - set(offered)
        if unknown:
            self.ergebnis.dateifehler.append(
                _("Diese Einträge stehen nicht zur Wahl: %(keys)s.")
                % {"keys": ", ".join(sorted(unknown))}
            )
            return
        # Children first, so that a parent's removal deletes nothing the file still names.
        for prefix in ("EM", "KZ", "WZ", "HF"):
            for key in sorted(k for k in entfernen if k.startswith(prefix)):
                MODEL_BY_PREFIX[prefix].objects.filter(pk=self.existing[key].pk).delete()
                self.ergebnis.entfernt.append(offered[key])


MODEL_BY_PREFIX = {"HF": Handlungsfeld, "KZ": Kennzahl, "WZ": Werkzeug, "EM": Massnahme}


def _title(obj) -> str:
    if isinstance(obj, Handlungsfeld):
        return obj.name
    if isinstance(obj, Kennzahl):
        return obj.text
    if isinstance(obj, Werkzeug):
        return obj.title or obj.description
    return obj.title


def _place_key(obj) -> tuple:
    """Where an entry sits, by keys (a renamed parent is the same place)."""
    if isinstance(obj, Handlungsfeld):
        return ("plan",)
    if isinstance(obj, Massnahme):
        if obj.werkzeug_id:
            return ("WZ", obj.werkzeug_id)
        return ("HF", obj.handlungsfeld_id) if obj.handlungsfeld_id else ("plan",)
    return ("HF", obj.handlungsfeld_id)


def _place_text(obj) -> str:
    if isinstance(obj, Handlungsfeld):
        return ""
    if isinstance(obj, Massnahme):
        if obj.werkzeug_id:
            werkzeug = obj.werkzeug
            return f"{werkzeug.handlungsfeld.name} › {werkzeug.display_title}"
        if obj.handlungsfeld_id:
            return obj.handlungsfeld.name
        return _("ganzer Plan")
    return obj.handlungsfeld.name if obj.handlungsfeld_id else ""


def _changes(ebene: str, before: dict, after: dict) -> list[tuple[str, str, str]]:
    changed = [attr for attr in after if before[attr] != after[attr]]
    found = [
        (_Leser._label(ebene, attr), _shown(before[attr]), _shown(after[attr]))
        for attr in changed
        if attr not in ("jahr", "jahr_bis")
    ]
    if {"jahr", "jahr_bis"} & set(changed):
        found.append(
            (
                "Jahre",
                _period(before["jahr"], before["jahr_bis"]),
                _period(after["jahr"], after["jahr_bis"]),
            )
        )
    return found


def _period(jahr, jahr_bis) -> str:
    if jahr and jahr_bis:
        return f"{jahr}–{jahr_bis}"
    return str(jahr) if jahr else "–"


def _datum(raw) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a day, no time)
        except ValueError:
            continue
    raise ValueError(_("„%(value)s“ ist kein Datum (TT.MM.JJJJ).") % {"value": raw})


def _zeitraum(years: list[int]) -> tuple[int | None, int | None]:
    if not years:
        return None, None
    if len(years) == 1:
        return years[0], None
    if years != list(range(years[0], years[-1] + 1)):
        raise ValueError(
            _("Eine Einzelmaßnahme hat ein Jahr oder einen Zeitraum (z. B. 2022–2024).")
        )
    return years[0], years[-1]


def _shown(value) -> str:
    """A value as the preview shows it."""
    if value in (None, "", []):
        return "–"
    if hasattr(value, "name") and not isinstance(value, str):
        return value.name
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, Decimal):
        return euro(value)
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _messages(ebene: str, error: ValidationError) -> list[str]:
    found = []
    for attr, texts in error.message_dict.items():
        label = "" if attr == "__all__" else _Leser._label(ebene, attr)
        found += [f"{label}: {text}" if label else text for text in texts]
    return found
