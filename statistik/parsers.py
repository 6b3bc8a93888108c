"""Read an uploaded file of official statistics into rows for the "… in Zahlen" page.

Three formats, recognised by their content (never by the file name):

* GENESIS flat file ("ffcsv") from GENESIS-Online, the Regionaldatenbank (regionalstatistik.de)
  or the Zensus 2022 database, current dialect with English keys: ``statistics_code;
  statistics_label;time_code;time_label;time;1_variable_code;1_variable_label;
  1_variable_attribute_code;1_variable_attribute_label;…;value;value_unit;value_variable_code;
  value_variable_label[;value_q]``, one value per line.
* The same in the older dialect with German keys (``Statistik_Code;…;Zeit;1_Merkmal_Code;
  1_Merkmal_Label;1_Auspraegung_Code;1_Auspraegung_Label;…``): the values stand in columns named
  ``<CODE>__<Label>__<Einheit>`` (e.g. ``BEVSTD__Bevoelkerungsstand__Anzahl``), each column
  giving a row of its own.
* A plain table with the columns of ``statistik-demo.tsv`` (ags, region, indikator, merkmal,
  stichtag, wert, einheit, basis, herausgeber, tabelle, quelle_url, art), as tab-, semicolon- or
  comma-separated text or as an Excel file (.xlsx, first sheet).

Text is UTF-8 (with or without BOM), else Windows-1252. A ZIP holding exactly one .csv (as GENESIS
delivers its downloads) is read like that .csv. Nothing here touches the database: `read_file`
returns a `Datei` or raises `FormatError` with German messages naming the line, whatever the bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from django.utils.translation import gettext as _

from zwk_portal.tables import TableError, read_rows

BASIS_ZENSUS_2011 = "zensus2011"
BASIS_ZENSUS_2022 = "zensus2022"
BASIS_REGISTER = "register"
BASIS_PROGNOSE = "prognose"
ART_AMTLICH = "amtlich"
ART_PRESSE = "presse"
LIZENZ_AMTLICH = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
MISSING_MARKERS = ("-", ".", "...", "/", "x")

COLUMNS = ("ags", "region", "indikator", "merkmal", "stichtag", "wert", "einheit", "basis")
COLUMNS += ("herausgeber", "tabelle", "quelle_url", "art")
# Written by the portal's own CSV download, so that it reads back in: the licence is taken,
# the retrieval date is the form's.
OPTIONAL_COLUMNS = ("abgerufen_am", "lizenz")
MAX_ERRORS = 20
MAX_CELL = 500
# Figures for reference days from here on rest on the 2022 census, earlier ones on the 2011
# census (Destatis recalculated from 05/2022 on, see ../shared/data/STATISTIK.md).
CENSUS_2022_FROM = date(2022, 5, 1)

AGS_RE = re.compile(r"[0-9]{1,12}")
DIGITS_RE = re.compile(r"[0-9]+")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
GERMAN_DATE_RE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
YEAR_RE = re.compile(r"[0-9]{4}")
GENESIS_NUMBER_RE = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")  # flat files never group thousands
GERMAN_NUMBER_RE = re.compile(r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),[0-9]+")  # 1.234,56
GROUPED_NUMBER_RE = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{3})+")  # 215.794
POINT_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # 47.5
PROGNOSE_RE = re.compile(
    r"Prognose(?:\s*\(\s*(?:Basis\s+(?:[0-9]{1,2}\.[0-9]{1,2}\.)?(?P<jahr>[0-9]{4}))?"
    r"\s*,?\s*(?P<variante>[^()]*)\))?",
    re.IGNORECASE,
)
BASIS_NAMED_RE = re.compile(r"(?:Zensus|Basis)\s*(2011|2022)", re.IGNORECASE)
REGIONAL_TABLE_RE = re.compile(r"[0-9]{5}-[0-9]{2}-[0-9]{2}-[0-9A-Za-z-]+")  # 12411-01-01-4
TABLE_IN_NAME_RE = re.compile(
    r"([0-9]{5}-[0-9]{2}-[0-9]{2}-[0-9A-Za-z]+|[0-9]{5}-[0-9]{4}|[0-9]{4}[A-Z]-[0-9]{4})(?:[_.]|$)"
)
ZENSUS_TABLE_RE = re.compile(r"[0-9]{4}[A-Z](?:-[0-9A-Za-z]+)?")  # 1000A-0000, or only 1000A

# GENESIS tables whose figures the page knows by name; a code matches with any suffix after a
# "-", so "12411-01-01" covers the county (-4) and the municipality (-5) variant alike.
INDIKATOREN = {
    "12411-01-01": "Bevölkerungsstand",
    "12411-0001": "Bevölkerungsstand",
    "12411-02-03": "Bevölkerung nach Altersgruppen",
    "12411-0017": "Bevölkerung nach Altersgruppen",
    "12411-0005": "Bevölkerung nach Altersgruppen",
    "12411-07-01": "Durchschnittsalter",
    "12411-08-01": "Jugend- und Altenquotient",
    "12711-04-02": "Wanderungen über die Kreisgrenzen",
    "12521-0044": "Wanderungen von Ausländerinnen und Ausländern",
}
ALTERSGRUPPEN = "Bevölkerung nach Altersgruppen"
PERSONEN_STATISTIKEN = ("12411", "12711", "12521")  # there "Anzahl" counts people
# The old dialect spells umlauts in ASCII. Only these known words are turned back: guessing
# ("Quelle" is no "Qülle") would be worse than an odd spelling.
UMLAUTE = {
    "Bevoelkerung": "Bevölkerung",
    "Bevoelkerungsstand": "Bevölkerungsstand",
    "Zuzuege": "Zuzüge",
    "Fortzuege": "Fortzüge",
    "ueber": "über",
    "Auslaender": "Ausländer",
    "Auslaenderinnen": "Ausländerinnen",
    "Gebietsflaeche": "Gebietsfläche",
}
# Column names of the two GENESIS dialects (lower case).
GENESIS_KEYS = {
    "genesis": ("statistics_code", "statistics_label", "time", "variable", "variable_attribute"),
    "genesis-alt": ("statistik_code", "statistik_label", "zeit", "merkmal", "auspraegung"),
}
VALUE_KEYS = ("value", "value_unit", "value_variable_code", "value_variable_label")


@dataclass(frozen=True)
class Zeile:
    ags: str  # region key as in the file: "13076" county, "13" state, 8+ digits municipality
    region: str  # region name as in the file
    indikator: str  # e.g. "Bevölkerungsstand", "Bevölkerung nach Altersgruppen"
    merkmal: str  # "insgesamt", "männlich", "unter 3", "75 und mehr", "männlich, unter 3"
    stichtag: date
    nur_jahr: bool  # the file named a year only (stichtag is then 31 December of it)
    wert: Decimal | None  # None: the file had a missing-value marker
    fehlt: str  # that marker, else ""
    einheit: str  # "Personen", "Jahre", "%", "Einwohner je km²"
    basis: str  # one of the BASIS_* values
    basisjahr: int | None  # forecasts only: the base year (2017 for "Basis 31.12.2017")
    variante: str  # forecasts only, e.g. "mittlere Variante", else ""
    herausgeber: str
    tabelle: str  # table code, may be ""
    quelle: str  # where the figure was found (URL, possibly followed by text, kept exactly)
    art: str  # ART_AMTLICH or ART_PRESSE
    lizenz: str  # LIZENZ_AMTLICH for official figures, else ""
    zeile: int  # 1-based line number in the file (for messages)


@dataclass
class Datei:
    format: str  # "genesis", "genesis-alt" or "tabelle"
    zeilen: list[Zeile]
    hinweise: list[str] = field(default_factory=list)


class FormatError(ValueError):
    """German message(s) for the coordinator; `.fehler` is a list of strings, each naming the line."""

    def __init__(self, fehler: list[str] | str):
        fehler = [fehler] if isinstance(fehler, str) else list(fehler)
        shown = fehler[:MAX_ERRORS]
        if len(fehler) > MAX_ERRORS:
            shown.append(_("… und %(n)s weitere") % {"n": len(fehler) - MAX_ERRORS})
        self.fehler = shown
        super().__init__("\n".join(shown))


class _Invalid(Exception):
    """One cell's problem, in German; collected per line, never leaves this module."""


def _at(line: int, text: str) -> str:
    return _("Zeile %(zeile)s: %(text)s") % {"zeile": line, "text": text}


def table_code(filename: str) -> str:
    """The table code a GENESIS download carries in its name ("12411-01-01-4_flat.csv",
    "1000A-1018_de_flat.zip"); the file itself names only the statistic ("12411")."""
    found = TABLE_IN_NAME_RE.match(filename.rsplit("/", 1)[-1])
    return found[1] if found else ""


def read_file(data: bytes, *, basis: str | None = None, tabelle: str = "") -> Datei:
    """Rows of a GENESIS flat file or a plain table; `basis` overrides the census base of
    GENESIS files (a plain table names its base in every row), `tabelle` their table code
    (the file's own `statistics_code` is the statistic, e.g. "12411" for 12411-01-01-4)."""
    if basis not in (None, "", BASIS_ZENSUS_2011, BASIS_ZENSUS_2022, BASIS_REGISTER):
        raise FormatError(
            _("Als Basis sind nur Zensus 2011, Zensus 2022 oder Registerdaten möglich.")
        )
    try:
        rows = read_rows(data)
    except TableError as error:
        raise FormatError(str(error)) from None
    if not rows:
        raise FormatError(_("Die Datei enthält keine Zahlen."))
    header = _trim(rows[0][1])
    keys = [cell.lower() for cell in header]
    if keys[0] in ("statistics_code", "statistik_code"):
        kind = "genesis" if keys[0] == "statistics_code" else "genesis-alt"
    elif set(COLUMNS) <= set(keys) <= set(COLUMNS + OPTIONAL_COLUMNS) and len(set(keys)) == len(
        keys
    ):
        kind = "tabelle"
    else:
        text = _(
            "Das Format der Datei wird nicht erkannt: weder eine Flat-CSV aus GENESIS (erste Spalte "
            "„statistics_code“ oder „Statistik_Code“) noch eine Tabelle mit genau den Spalten "
            "%(spalten)s (es fehlen: %(fehlen)s)."
        )
        missing = [column for column in COLUMNS if column not in keys]
        spalten = {"spalten": ", ".join(COLUMNS), "fehlen": ", ".join(missing) or "–"}
        raise FormatError(_at(1, text % spalten))
    errors: list[tuple[int, str]] = []
    for line, cells in rows:
        if any(len(cell) > MAX_CELL for cell in cells):
            errors.append((line, _("Ein Feld ist länger als %(n)s Zeichen.") % {"n": MAX_CELL}))
        if any(CONTROL_RE.search(cell) for cell in cells):
            errors.append((line, _("Ein Feld enthält Steuerzeichen (z. B. einen Zeilenumbruch).")))
    hinweise: list[str] = []
    if kind == "tabelle":
        zeilen = _tabelle(rows, keys, errors)
    else:
        zeilen = _genesis(rows, header, keys, kind, basis or None, tabelle, errors, hinweise)
    first_line: dict[tuple, int] = {}
    for zeile in zeilen:
        key = (zeile.ags, zeile.indikator, zeile.merkmal, zeile.stichtag, zeile.basis)
        key += (zeile.basisjahr, zeile.variante, zeile.herausgeber)
        if key in first_line:
            text = _(
                "Dieselbe Zahl (Region, Indikator, Merkmal, Stichtag, Basis und Herausgeber) "
                "steht schon in Zeile %(erste)s."
            )
            errors.append((zeile.zeile, text % {"erste": first_line[key]}))
        first_line.setdefault(key, zeile.zeile)
    if errors:
        raise FormatError([_at(line, text) for line, text in sorted(errors, key=lambda e: e[0])])
    if not zeilen:
        raise FormatError(_("Die Datei enthält keine Zahlen."))
    fehlen = [z.fehlt for z in zeilen if z.fehlt]
    if fehlen:
        zeichen = ", ".join(f"„{m}“" for m in MISSING_MARKERS if m in fehlen)
        text = (
            _(
                "1 Wert fehlt in der Datei (Zeichen %(zeichen)s) und wird als „kein Wert“ übernommen."
            )
            if len(fehlen) == 1
            else _(
                "%(n)s Werte fehlen in der Datei (Zeichen %(zeichen)s) und werden als „kein Wert“ "
                "übernommen."
            )
        )
        hinweise.append(text % {"n": len(fehlen), "zeichen": zeichen})
    return Datei(format=kind, zeilen=zeilen, hinweise=hinweise)


def _trim(cells: list[str]) -> list[str]:
    """Without the empty cells at the end that Excel and some tools add."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _fit(line: int, cells: list[str], width: int, errors: list) -> list[str] | None:
    if len(cells) < width or any(cells[width:]):
        count = len(cells) if len(cells) < width else len(_trim(cells))
        text = _("Die Zeile hat %(n)s Spalten, die Kopfzeile %(m)s.")
        errors.append((line, text % {"n": count, "m": width}))
        return None
    return cells[:width]


# Cells ---------------------------------------------------------------------------------------


def _try(problems: list[str], parse, *args):
    try:
        return parse(*args)
    except _Invalid as problem:
        problems.append(str(problem))
        return None


def _wert(text: str, genesis: bool = False) -> tuple[Decimal | None, str]:
    """The value and, when the file has a missing-value marker instead, that marker."""
    if text in MISSING_MARKERS:
        return None, text
    if not text:
        raise _Invalid(_("Der Wert fehlt (weder Zahl noch Zeichen für „kein Wert“)."))
    number = "-" + text[1:] if text.startswith("−") else text  # U+2212, the typographic minus
    if genesis:  # decimal comma in German downloads, point in English ones
        valid, number = GENESIS_NUMBER_RE.fullmatch(number), number.replace(",", ".")
    elif "," in number:  # German: dots group thousands
        valid, number = (
            GERMAN_NUMBER_RE.fullmatch(number),
            number.replace(".", "").replace(",", "."),
        )
    elif GROUPED_NUMBER_RE.fullmatch(number):
        valid, number = True, number.replace(".", "")
    else:
        valid = POINT_NUMBER_RE.fullmatch(number)
    if not valid:
        raise _Invalid(_("„%(text)s“ ist keine Zahl.") % {"text": text})
    return Decimal(number), ""


def _stichtag(text: str) -> tuple[date, bool]:
    """The reference date and whether the file named only its year (then: 31 December)."""
    if not text:
        raise _Invalid(_("Der Stichtag fehlt."))
    try:
        if match := ISO_DATE_RE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3])), False
        if match := GERMAN_DATE_RE.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1])), False
        if YEAR_RE.fullmatch(text):
            return date(int(text), 12, 31), True
    except ValueError:
        raise _Invalid(_("„%(text)s“ ist kein gültiges Datum.") % {"text": text}) from None
    message = _("„%(text)s“ ist kein Stichtag (erwartet z. B. 2024-12-31, 31.12.2024 oder 2024).")
    raise _Invalid(message % {"text": text})


def _ags(text: str) -> str:
    if not text:
        raise _Invalid(_("Der Gemeindeschlüssel (ags) fehlt."))
    if not AGS_RE.fullmatch(text):
        message = _(
            "„%(ags)s“ ist kein Gemeindeschlüssel (nur Ziffern, höchstens 12, z. B. 13076)."
        )
        raise _Invalid(message % {"ags": text})
    return text


def _merkmal(label: str) -> str:
    """GENESIS and plain tables agree on "insgesamt", "unter 3", "75 und mehr"."""
    words = label.split()
    if " ".join(words).lower() == "insgesamt":
        return "insgesamt"
    return " ".join(word for word in words if word != "Jahre")


def _basis(text: str) -> tuple[str, int | None, str]:
    """(basis, basisjahr, variante) from the plain table's basis column."""
    simple = " ".join(text.lower().split())
    if simple in ("zensus 2011", "zensus2011"):
        return BASIS_ZENSUS_2011, None, ""
    if simple in ("zensus 2022", "zensus2022"):
        return BASIS_ZENSUS_2022, None, ""
    if simple.startswith("register"):
        return BASIS_REGISTER, None, ""
    if match := PROGNOSE_RE.fullmatch(text):
        if not match["jahr"]:  # forecasts of different base years must never be mixed
            raise _Invalid(_("Eine Prognose braucht ihr Basisjahr, z. B. „Prognose (Basis 2020)“."))
        return BASIS_PROGNOSE, int(match["jahr"]), match["variante"].strip()
    text = _(
        "„%(text)s“ ist keine bekannte Basis. Möglich sind „Zensus 2011“, „Zensus 2022“, "
        "„Registerdaten“, „Prognose (Basis 2020)“ oder „Prognose (Basis 31.12.2017, mittlere "
        "Variante)“."
    ) % {"text": text}
    raise _Invalid(text)


def _art(text: str) -> str:
    if text.lower() == "amtlich":
        return ART_AMTLICH
    if text.lower() == "presse":
        return ART_PRESSE
    raise _Invalid(_("„%(text)s“ ist keine Art der Quelle (amtlich oder Presse).") % {"text": text})


# The plain table -----------------------------------------------------------------------------


def _missing(cell: dict[str, str]) -> list[str]:
    required = {
        "indikator": _("Indikator fehlt."),
        "merkmal": _("Merkmal fehlt."),
        "einheit": _("Einheit fehlt."),
        "herausgeber": _("Herausgeber fehlt – ohne Quelle wird keine Zahl übernommen."),
        "quelle_url": _("Quelle fehlt – ohne Quelle wird keine Zahl übernommen."),
    }
    return [text for name, text in required.items() if not cell[name]]


def _tabelle(rows, keys: list[str], errors: list) -> list[Zeile]:
    zeilen = []
    for line, raw in rows[1:]:
        cells = _fit(line, raw, len(keys), errors)
        if cells is None:
            continue
        cell = dict(zip(keys, cells, strict=True))
        problems = _missing(cell)
        # Each parsed cell gives one or more fields of the Zeile (a date and whether it is a year).
        cell["ags"] = _try(problems, _ags, cell["ags"])
        cell["stichtag"], cell["nur_jahr"] = (
            _try(problems, _stichtag, cell["stichtag"]) or (None,) * 2
        )
        cell["wert"], cell["fehlt"] = _try(problems, _wert, cell["wert"]) or (None,) * 2
        basis = _try(problems, _basis, cell["basis"]) or (None,) * 3
        cell["basis"], cell["basisjahr"], cell["variante"] = basis
        cell["art"] = _try(problems, _art, cell["art"])
        errors.extend((line, problem) for problem in problems)
        if not problems:
            cell.pop("abgerufen_am", None)
            if not cell.get("lizenz"):
                cell["lizenz"] = LIZENZ_AMTLICH if cell["art"] == ART_AMTLICH else ""
            cell["merkmal"] = _merkmal(cell["merkmal"])
            cell["quelle"] = cell.pop("quelle_url")
            zeilen.append(Zeile(**cell, zeile=line))
    return zeilen


# GENESIS flat files --------------------------------------------------------------------------


def _genesis(rows, header, keys, kind, basis, tabelle, errors, hinweise) -> list[Zeile]:
    code_key, label_key, time_key, var, attr = GENESIS_KEYS[kind]
    # Variable n as the columns of its code, label, attribute code and attribute label.
    parts = (f"{var}_code", f"{var}_label", f"{attr}_code", f"{attr}_label")
    variables = [
        [keys.index(f"{n}_{part}") for part in parts]
        for n in range(1, len(keys))
        if all(f"{n}_{part}" in keys for part in parts)
    ]
    if kind == "genesis":  # one value per line, with its unit and measure
        measures = [[keys.index(key) for key in VALUE_KEYS]] if set(VALUE_KEYS) <= set(keys) else []
    else:  # a column per measure, named <CODE>__<Label>__<Einheit>
        measures = [
            (i, *name.split("__")) for i, name in enumerate(header) if name.count("__") == 2
        ]
    if not (variables and measures and {code_key, label_key, time_key} <= set(keys)):
        raise FormatError(_at(1, _("Die Kopfzeile der GENESIS-Datei ist unvollständig.")))
    code_i, label_i, time_i = (keys.index(key) for key in (code_key, label_key, time_key))
    table = []
    for line, raw in rows[1:]:
        if raw[0].startswith("__"):  # some downloads end with a rule and a copyright footer
            break
        if (cells := _fit(line, raw, len(header), errors)) is not None:
            table.append((line, cells))
    if not table:
        return []
    regional = next((v for v in variables if _regional([c[v[2]] for _l, c in table])), None)
    if regional is None:
        text = _("Die Datei hat kein Merkmal mit Gemeindeschlüsseln (z. B. Kreise).")
        raise FormatError(_at(1, text))
    others = [v for v in variables if v is not regional]
    if kind == "genesis":
        several = len({cells[measures[0][2]] for _line, cells in table}) > 1
    else:
        several = len(measures) > 1

    zeilen, totals, derived = [], 0, False
    for line, cells in table:
        ags = cells[regional[2]]
        if ags in ("", "DG"):  # a total above the regions, e.g. Germany ("DG" in GENESIS)
            totals += 1
            continue
        problems: list[str] = []
        _try(problems, _ags, ags)
        stichtag, nur_jahr = _try(problems, _stichtag, cells[time_i]) or (None, False)
        code = tabelle or cells[code_i]
        if not code:
            problems.append(_("Der Tabellencode fehlt."))
        merkmal = ", ".join(_merkmal(cells[v[3]]) or cells[v[2]] for v in others if cells[v[2]])
        is_ages = any(cells[v[0]].upper().startswith("ALT") for v in variables)
        indikator = _table_indikator(code) or (ALTERSGRUPPEN if is_ages else "")
        herausgeber, quelle = _source(code)
        named = BASIS_NAMED_RE.search(" ".join([cells[label_i], *(cells[v[1]] for v in variables)]))
        if ZENSUS_TABLE_RE.fullmatch(code):  # the census database counts on its own census
            row_basis = BASIS_ZENSUS_2022
        elif basis:
            row_basis = basis
        elif named:
            row_basis = BASIS_ZENSUS_2011 if named[1] == "2011" else BASIS_ZENSUS_2022
        else:
            derived = True
            later = stichtag is not None and stichtag >= CENSUS_2022_FROM
            row_basis = BASIS_ZENSUS_2022 if later else BASIS_ZENSUS_2011
        if kind == "genesis":
            values = [(cells[m[0]], cells[m[1]], cells[m[3]]) for m in measures]
        else:
            values = [(cells[i], unit, _umlaute(label)) for i, _code, label, unit in measures]
        found = []
        for text, unit, label in values:
            wert, fehlt = _try(problems, _wert, text, True) or (None, "")  # True: GENESIS
            einheit = "%" if unit == "Prozent" else unit
            if unit == "Anzahl" and code.startswith(PERSONEN_STATISTIKEN):
                einheit = "Personen"
            # One name for several measures (Zuzüge, Fortzüge …): the measure tells them apart.
            shown = [label, merkmal] if indikator and several else [merkmal]
            if not (indikator or label):
                problems.append(
                    _("Die Datei nennt nicht, was gezählt wird (value_variable_label).")
                )
            found.append(
                Zeile(
                    ags=ags,
                    region=cells[regional[3]],
                    indikator=indikator or label,
                    merkmal=", ".join(filter(None, shown)) or "insgesamt",
                    stichtag=stichtag,
                    nur_jahr=nur_jahr,
                    wert=wert,
                    fehlt=fehlt,
                    einheit=einheit,
                    basis=row_basis,
                    basisjahr=None,
                    variante="",
                    herausgeber=herausgeber,
                    tabelle=code,
                    quelle=quelle,
                    art=ART_AMTLICH,
                    lizenz=LIZENZ_AMTLICH,
                    zeile=line,
                )
            )
        errors.extend((line, problem) for problem in problems)
        if not problems:
            zeilen.extend(found)
    if totals == 1:
        hinweise.append(
            _(
                "1 Zeile ohne Gemeindeschlüssel (eine Summe, z. B. für Deutschland) wird nicht übernommen."
            )
        )
    elif totals:
        text = _(
            "%(n)s Zeilen ohne Gemeindeschlüssel (Summen, z. B. für Deutschland) werden nicht übernommen."
        )
        hinweise.append(text % {"n": totals})
    if derived:
        text = _(
            "Die Datei nennt ihre Zensus-Basis nicht; sie wurde aus dem Stichtag abgeleitet "
            "(bis April 2022 Zensus 2011, ab Mai 2022 Zensus 2022). Sie können die Basis im Formular "
            "unter „Zensus-Basis“ ausdrücklich wählen."
        )
        hinweise.append(text)
    return zeilen


def _regional(codes: list[str]) -> bool:
    """Whether a variable's attribute codes are region keys (AGS), totals aside."""
    codes = [code for code in codes if code not in ("", "DG")]
    return bool(codes) and all(DIGITS_RE.fullmatch(code) for code in codes)


def _table_indikator(code: str) -> str:
    return next((name for key, name in INDIKATOREN.items() if f"{code}-".startswith(f"{key}-")), "")


def _umlaute(label: str) -> str:
    return re.sub(r"[A-Za-z]+", lambda word: UMLAUTE.get(word[0], word[0]), label)


def _source(code: str) -> tuple[str, str]:
    """Publisher and address of a GENESIS table, told apart by the shape of its code."""
    if REGIONAL_TABLE_RE.fullmatch(code):
        return (
            "Statistische Ämter des Bundes und der Länder (Regionaldatenbank)",
            f"https://www.regionalstatistik.de/genesis/online?operation=table&code={quote(code)}",
        )
    if ZENSUS_TABLE_RE.fullmatch(code):
        return (
            "Statistische Ämter des Bundes und der Länder (Zensusdatenbank)",
            f"https://ergebnisse.zensus2022.de/datenbank/online?operation=table&code={quote(code)}",
        )
    return (
        "Statistisches Bundesamt (GENESIS-Online)",
        f"https://www-genesis.destatis.de/datenbank/online/table/{quote(code)}",
    )
