"""Import a Werkstattplan from the table-text form of its PDF (seed 003).

The text is what a PDF table extractor gives: one table row per line, the
cells separated by tabs. Two tables follow each other:

1. The overview ("Handlungsfelder (HF) | Beschreibung des HF | Werkzeuge |
   Ansprechperson des HF | Umsetzungsort | Beteiligte | 2020 | … | 2023"). A row
   with a Handlungsfeld name starts a Handlungsfeld; a row whose first two
   cells are empty is another Werkzeug of the same Handlungsfeld. An "x" in a
   year column marks the Werkzeug as active in that year.
2. Detail sheets ("Steckbriefe"), each introduced by "Handlungsfeld: <Name>",
   with the header "Werkzeug | Zielgruppe des Werkzeugs | …", one Werkzeug row,
   an "Einzelmaßnahmen | Jahr: 2020 | 1 | … | 12" month grid and a closing
   "Besonderheiten, Kommentare" row.

What the PDF adds and we take away again: every page repeats its table
header, the page footer leaves lines like "Gefördert vom:", and a cell that
ran over a page boundary continues in a row of its own right after the next
page header.

`parse_table_text` only reads (dataclasses, no database), `import_table_text`
writes the plan. Nothing is fixed silently: the few known typos of the source
are corrected or kept by the explicit lists below, and each correction or
remark ends up in the plan's "Hinweise zur Quelle".
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug

OVERVIEW_HEADER = "Handlungsfelder (HF)"
DETAIL_HEADER = "Werkzeug"
DETAIL_HF_PREFIX = "Handlungsfeld:"
GRID_HEADER = "Einzelmaßnahmen"
COMMENTS_LABEL = "Besonderheiten, Kommentare"
# Lines the PDF's page footer leaves behind (the logos next to them are lost).
FOOTER_LINES = {"Gefördert vom:", "Unterstützt durch:", "Projektpartner:"}

# Columns of the overview table, by position.
COL_HF_NAME, COL_HF_TEXT, COL_TEXT, COL_CONTACT, COL_PLACE, COL_PEOPLE = range(6)
OVERVIEW_TEXT_FIELDS = {
    COL_TEXT: "description",
    COL_CONTACT: "ansprechperson",
    COL_PLACE: "umsetzungsort",
    COL_PEOPLE: "beteiligte",
}

# A detail sheet belongs to the overview Werkzeug of its Handlungsfeld whose
# text is most alike; the two wordings differ in a few words only (seed 003:
# "vom FD" / "von Fr. Hildwein", "10.000 €" / "10.000,00 €").
MIN_SIMILARITY = 0.75

# Known typos of the source. Each is corrected wherever it occurs, and the
# plan's notes say so. Only unambiguous misspellings are corrected; wording
# and grammar stay as the plan's authors wrote them (see NOTED below).
CORRECTIONS: list[tuple[str, str, str]] = [
    ("Kreissenorenbeirat", "Kreisseniorenbeirat", "Tippfehler im Namen des Gremiums"),
    ("Evenagelisch-Lutherischen", "Evangelisch-Lutherischen", "Tippfehler"),
    (
        # The contact ran over a page boundary; the part before the break
        # already closed the bracket, the continued part closes it again. The
        # two rows above name the same person as "(Geschäftsführer
        # Verkehrsgesellschaft Ludwigslust-Parchim)".
        "Stefan Lösel (Geschäftsführer) Verkehrsgesellschaft Ludwigslust-Parchim)",
        "Stefan Lösel (Geschäftsführer Verkehrsgesellschaft Ludwigslust-Parchim)",
        "überzählige Klammer nach „Geschäftsführer“ an der Seitengrenze",
    ),
    ("Der Landkreise erprobt", "Der Landkreis erprobt", "Tippfehler"),
    ("Regelmäßiges Fortschreibung", "Regelmäßige Fortschreibung", "Tippfehler"),
]

# Oddities that are kept as the source has them, with a remark for the notes.
NOTED: list[tuple[str, str]] = [
    (
        "Bildungsmonitorerin",
        "ungewöhnliche Funktionsbezeichnung (zu „Bildungsmonitoring“), aber nicht sicher "
        "ein Tippfehler",
    ),
    ("um verschieden Akteur/innen", "„verschieden“ statt „verschiedene“"),
    ("z. im Vereinsrecht", "vermutlich ist „z. B.“ gemeint"),
    ("Ökosystems ,", "Leerzeichen vor dem Komma"),
    ("eingesetzt werden .", "Leerzeichen vor dem Punkt"),
    (
        "Gute Rahmenbedingungen und für eine lebendige Gemeinschaft",
        "der Satzbau der Beschreibung des Handlungsfelds „Teilhabe“ ist unvollständig",
    ),
    (
        "Vorstandssitzung Kreisseniorenbeirates",
        "der Artikel fehlt („des Kreisseniorenbeirates“)",
    ),
    ("Frau Papzien Herr", "zwischen einigen Namen fehlen Kommas"),
    ("WiföG,", "die Aufzählung endet mit einem Komma"),
]

AMOUNT = re.compile(r"(?P<amount>\d{1,3}(?:\.\d{3})*(?:,\d{2})?|\d+(?:,\d{2})?)\s*€")
YEAR = re.compile(r"^\d{4}$")
GRID_YEAR = re.compile(r"^Jahr:\s*(\d{4})$")


# --- What the parser returns -------------------------------------------------


@dataclass
class ParsedMassnahme:
    title: str
    jahr: int | None
    monate: list[int] = field(default_factory=list)


@dataclass
class ParsedWerkzeug:
    description: str
    title: str = ""
    ansprechperson: str = ""
    umsetzungsort: str = ""
    beteiligte: str = ""
    jahre: list[int] = field(default_factory=list)
    steckbrief_beschreibung: str = ""
    zielgruppe: str = ""
    ansprechperson_vor_ort: str = ""
    partner: str = ""
    budget: Decimal | None = None
    budget_vermerk: str = ""
    externe_beratung: bool | None = None
    besonderheiten: str = ""
    massnahmen: list[ParsedMassnahme] = field(default_factory=list)


@dataclass
class ParsedHandlungsfeld:
    name: str
    description: str = ""
    werkzeuge: list[ParsedWerkzeug] = field(default_factory=list)


@dataclass
class ParsedPlan:
    title: str = ""
    years: list[int] = field(default_factory=list)
    handlungsfelder: list[ParsedHandlungsfeld] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def werkzeuge(self) -> list[ParsedWerkzeug]:
        return [werkzeug for hf in self.handlungsfelder for werkzeug in hf.werkzeuge]


def _error(line_number: int, message: str) -> ValueError:
    return ValueError(_("Zeile %(line)s: %(message)s") % {"line": line_number, "message": message})


def _join(before: str, after: str) -> str:
    """Join the two parts of a cell cut by a page break."""
    return f"{before} {after}".strip() if before else after


# --- Parsing -------------------------------------------------------------------


class _Parser:
    """One pass over the lines; the state says which table we are in."""

    def __init__(self):
        self.plan = ParsedPlan()
        self.year_columns: dict[int, int] = {}  # column index → year
        self.hf: ParsedHandlungsfeld | None = None
        self.werkzeug: ParsedWerkzeug | None = None  # last overview row
        self.in_details = False
        self.after_page_header = False  # the row right after a repeated header
        self.sheet_hf: ParsedHandlungsfeld | None = None
        self.sheet: ParsedWerkzeug | None = None  # Werkzeug of the open detail sheet
        self.sheet_done = False
        self.grid_year: int | None = None  # set while a month grid is open
        self.steps_after_break: int | None = None

    def parse(self, text: str) -> ParsedPlan:
        for number, raw in enumerate(text.splitlines(), start=1):
            cells = [cell.strip() for cell in raw.split("\t")]
            line = raw.strip()
            if not line or line in FOOTER_LINES:
                continue
            self._line(number, line, cells)
        self._close_sheet(0)
        if not self.year_columns:
            raise ValueError(
                _(
                    "Die Datei enthält keine Übersichtstabelle eines Werkstattplans: Die "
                    "Kopfzeile „Handlungsfelder (HF)“ mit den Spalten der Jahre fehlt. Bitte "
                    "laden Sie den Text der Tabelle mit Tabulatoren zwischen den Zellen hoch."
                )
            )
        if not self.plan.handlungsfelder:
            raise ValueError(_("Die Datei enthält kein Handlungsfeld."))
        return self.plan

    def _line(self, number: int, line: str, cells: list[str]) -> None:
        first = cells[0]
        if first == OVERVIEW_HEADER:
            return self._overview_header(number, cells)
        if line.startswith(DETAIL_HF_PREFIX) and len(cells) == 1:
            return self._detail_hf(number, line)
        if first == DETAIL_HEADER and len(cells) > 1 and cells[1].startswith("Zielgruppe"):
            return self._detail_header(number)
        if len(cells) == 1 and not self.year_columns and not self.plan.title:
            self.plan.title = line  # the document's title above the first table
            return None
        if self.in_details:
            return self._detail_row(number, cells)
        if self.year_columns:
            return self._overview_row(number, cells)
        raise _error(number, _("unerwarteter Text vor der Tabelle: „%(text)s“") % {"text": line})

    # The overview table

    def _overview_header(self, number: int, cells: list[str]) -> None:
        if self.in_details:
            raise _error(number, _("die Übersichtstabelle beginnt erneut nach den Steckbriefen"))
        columns = {index: int(cell) for index, cell in enumerate(cells) if YEAR.match(cell)}
        if not columns:
            raise _error(number, _("die Kopfzeile der Übersicht nennt keine Jahre"))
        if self.year_columns and columns != self.year_columns:
            raise _error(number, _("die Jahresspalten ändern sich von Seite zu Seite"))
        self.after_page_header = bool(self.year_columns)
        self.year_columns = columns
        self.plan.years = sorted(columns.values())

    def _overview_row(self, number: int, cells: list[str]) -> None:
        after_page_header, self.after_page_header = self.after_page_header, False
        cell = lambda index: cells[index] if index < len(cells) else ""  # noqa: E731
        years = self._years(number, cells)
        if cell(COL_HF_NAME):
            self.hf = ParsedHandlungsfeld(name=cell(COL_HF_NAME), description=cell(COL_HF_TEXT))
            self.plan.handlungsfelder.append(self.hf)
        elif cell(COL_HF_TEXT):
            raise _error(number, _("Beschreibung eines Handlungsfelds ohne dessen Namen"))
        elif after_page_header and not years and not cell(COL_PLACE) and self.werkzeug:
            # The rest of cells cut by the page break. Every Werkzeug row of a
            # plan names its Umsetzungsort; a continued row never does (the place
            # is short and never runs over a page), and it marks no year.
            for index, name in OVERVIEW_TEXT_FIELDS.items():
                if cell(index):
                    setattr(self.werkzeug, name, _join(getattr(self.werkzeug, name), cell(index)))
            return
        if self.hf is None:
            raise _error(number, _("Werkzeug vor dem ersten Handlungsfeld"))
        if not cell(COL_TEXT):
            raise _error(number, _("Zeile ohne Werkzeug in der Spalte „Werkzeuge“"))
        self.werkzeug = ParsedWerkzeug(
            **{name: cell(index) for index, name in OVERVIEW_TEXT_FIELDS.items()}, jahre=years
        )
        self.hf.werkzeuge.append(self.werkzeug)

    def _years(self, number: int, cells: list[str]) -> list[int]:
        years = []
        for index, year in self.year_columns.items():
            mark = cells[index] if index < len(cells) else ""
            if mark.lower() == "x":
                years.append(year)
            elif mark:
                raise _error(
                    number,
                    _("in der Spalte %(year)s steht „%(mark)s“ statt „x“")
                    % {"year": year, "mark": mark},
                )
        return years

    # The detail sheets

    def _detail_hf(self, number: int, line: str) -> None:
        name = line.removeprefix(DETAIL_HF_PREFIX).strip()
        self._close_sheet(number)
        matches = [hf for hf in self.plan.handlungsfelder if hf.name == name]
        if not matches:
            raise _error(
                number,
                _("Steckbrief zum Handlungsfeld „%(name)s“, das die Übersicht nicht enthält")
                % {"name": name},
            )
        self.in_details = True
        self.sheet_hf = matches[0]

    def _detail_header(self, number: int) -> None:
        if not self.in_details:
            raise _error(number, _("Kopfzeile eines Steckbriefs ohne „Handlungsfeld: …“ davor"))
        if self.sheet is not None and self.grid_year is not None:
            # The repeated page header: the month grid of the open sheet goes
            # on below it. Say which steps were read after the break, so that
            # they can be checked against the original.
            self.steps_after_break = len(self.sheet.massnahmen)

    def _close_sheet(self, number: int) -> None:
        if self.sheet is not None and self.steps_after_break is not None:
            later = self.sheet.massnahmen[self.steps_after_break :]
            self.plan.notes.append(
                _(
                    "Das Monatsraster zu „%(werkzeug)s“ geht über einen Seitenumbruch; die "
                    "Monate danach sind wie auf der ersten Seite nach ihrer Spalte gelesen: "
                    "%(steps)s. Bitte bei Zweifeln mit dem Original-PDF vergleichen."
                )
                % {
                    "werkzeug": self.sheet.title or derive_title(self.sheet.description),
                    "steps": "; ".join(
                        f"{step.title} ({', '.join(map(str, step.monate)) or '–'})"
                        for step in later
                    ),
                }
            )
        self.sheet, self.sheet_done, self.grid_year = None, False, None
        self.steps_after_break = None

    def _detail_row(self, number: int, cells: list[str]) -> None:
        if self.sheet is None:
            return self._sheet_werkzeug(number, cells)
        if self.sheet_done:
            raise _error(
                number,
                _("Text nach „Besonderheiten, Kommentare“: „%(text)s“")
                % {"text": " ".join(filter(None, cells))},
            )
        if cells[0] == GRID_HEADER:
            match = GRID_YEAR.match(cells[1]) if len(cells) > 1 else None
            if not match:
                raise _error(number, _("im Kopf der Einzelmaßnahmen fehlt „Jahr: …“"))
            self.grid_year = int(match.group(1))
            note = _(
                "Im Kopf der Monatsraster steht „Jahr: …“ als eigene Zelle vor dem Monat 1; die "
                "Monate sind nach der Spalte der x gelesen (erste Spalte nach der "
                "Einzelmaßnahme = Januar)."
            )
            if cells[2:3] == ["1"] and note not in self.plan.notes:
                self.plan.notes.append(note)
            return None
        if cells[0] == COMMENTS_LABEL:
            self.sheet.besonderheiten = " ".join(filter(None, cells[1:]))
            self.sheet_done = True
            return None
        if self.grid_year is None:
            raise _error(number, _("Einzelmaßnahme ohne Kopfzeile „Einzelmaßnahmen | Jahr: …“"))
        return self._grid_row(number, cells)

    def _grid_row(self, number: int, cells: list[str]) -> None:
        # Which column is which month: the data rows put January in the first
        # column after the step's title, December in the twelfth. The grid's
        # own header line has one cell more ("Jahr: 2020" before "1"), so its
        # month numbers stand one column to the right of the x's they head;
        # the rows are right, not the header: the first step of the
        # Kleinstprojekte sheet ("Bedarfsermittlung durch ein Ergebnis der
        # Zukunftswerkstatt") has its x in the first column, and that
        # Zukunftswerkstatt took place in January 2020. After a page break the
        # repeated header is the sheet's 7-column one, but the rows keep their
        # columns: an x in column 3 is March on either page.
        title, marks = cells[0], cells[1:]
        months = []
        for month, mark in enumerate(marks, start=1):
            if not mark:
                continue
            if mark.lower() != "x" or month > 12:
                raise _error(
                    number,
                    _("unlesbares Monatsraster bei „%(title)s“ (Spalte %(column)s: „%(mark)s“)")
                    % {"title": title, "column": month, "mark": mark},
                )
            months.append(month)
        if not title:
            raise _error(number, _("Monate ohne Einzelmaßnahme"))
        self.sheet.massnahmen.append(
            ParsedMassnahme(title=title, jahr=self.grid_year, monate=months)
        )

    def _sheet_werkzeug(self, number: int, cells: list[str]) -> None:
        cells = cells + [""] * (7 - len(cells))
        text, zielgruppe, contact, vor_ort, partner, budget, beratung = cells[:7]
        if not text:
            raise _error(number, _("Steckbrief ohne Werkzeug"))
        werkzeug = _best_match(text, self.sheet_hf.werkzeuge)
        if werkzeug is None:
            raise _error(
                number,
                _("der Steckbrief „%(text)s“ passt zu keinem Werkzeug im Handlungsfeld „%(hf)s“")
                % {"text": text[:80], "hf": self.sheet_hf.name},
            )
        if werkzeug.massnahmen or werkzeug.zielgruppe:
            raise _error(number, _("zweiter Steckbrief zum selben Werkzeug"))
        if text != werkzeug.description:
            werkzeug.steckbrief_beschreibung = text
        if contact and not werkzeug.ansprechperson:
            werkzeug.ansprechperson = contact
        elif contact and contact != werkzeug.ansprechperson:
            self.plan.notes.append(
                _(
                    "Der Steckbrief zu „%(werkzeug)s“ nennt als Ansprechperson „%(contact)s“; "
                    "übernommen ist die der Übersicht."
                )
                % {"werkzeug": text[:60], "contact": contact}
            )
        werkzeug.zielgruppe = zielgruppe
        werkzeug.ansprechperson_vor_ort = vor_ort
        werkzeug.partner = partner
        werkzeug.budget, werkzeug.budget_vermerk = parse_budget(budget)
        werkzeug.externe_beratung = _yes_no(number, beratung)
        self.sheet, self.sheet_done, self.grid_year = werkzeug, False, None


def _best_match(text: str, candidates: list[ParsedWerkzeug]) -> ParsedWerkzeug | None:
    scored = [
        (difflib.SequenceMatcher(None, text, candidate.description).ratio(), candidate)
        for candidate in candidates
    ]
    score, best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best if score >= MIN_SIMILARITY else None


def _yes_no(number: int, value: str) -> bool | None:
    answers = {"ja": True, "nein": False, "": None}
    if value.lower() not in answers:
        raise _error(
            number, _("„Externe Beratung“ ist „%(value)s“ statt Ja oder Nein") % {"value": value}
        )
    return answers[value.lower()]


def parse_budget(text: str) -> tuple[Decimal | None, str]:
    """Split "Circa. 1.000,00 €" into (Decimal("1000.00"), "Circa.").

    The Vermerk stands before the amount ("Circa.") or, in brackets, after it
    ("(Fördermittel bis zu 10.000,00 € pro Antrag)"), which is how
    `Werkzeug.budget_text` puts them back together. Text that does not fit
    that shape is kept whole as the Vermerk, without an amount.
    """
    text = text.strip()
    match = AMOUNT.search(text)
    if not match:
        return None, text
    before, after = text[: match.start()].strip(), text[match.end() :].strip()
    amount = Decimal(match.group("amount").replace(".", "").replace(",", "."))
    if before and not after and not before.startswith("("):
        return amount, before
    if after and not before and after.startswith("("):
        return amount, after
    if not before and not after:
        return amount, ""
    return None, text


# --- Titles and corrections ---------------------------------------------------

# Words that introduce the Werkzeug's own name in quotes: „Aktion: „Musik gegen
# Einsamkeit““, „Digitale Jugendbefragung „Die LUPE““. Quotes after other
# words name something else (a funding programme, a working group) and are
# not taken as the title.
NAMING_WORDS = ("Aktion:", "Projekt", "Jugendbefragung", "Innovationszentrum")
QUOTED_NAME = re.compile(r"(\S+)\s+„([^“]+)“")
# Where the name of a measure ends and its explanation begins.
CLAUSE_BREAKS = re.compile(
    r",\s|\.\s|\.$| um | u\.a\. | wie z\.B\. | bestehend aus | mit dem Ziel | mit innovativer "
)
TITLE_MAX_WORDS = 8


def derive_title(text: str) -> str:
    """A short title where the text has an obvious one, else "".

    1. A quoted name right after a naming word ("Aktion: „Musik gegen
       Einsamkeit“" → "Musik gegen Einsamkeit").
    2. Otherwise the words before the first clause break (comma, full stop,
       "um", "u.a.", "wie z.B." …), without a leading "Projekt:", if that is
       at most eight words and shorter than the text itself. A text that is
       already that short needs no title: the display falls back to it.
    """
    for match in QUOTED_NAME.finditer(text):
        if match.group(1) in NAMING_WORDS:
            return match.group(2).strip()
    head = CLAUSE_BREAKS.split(text, maxsplit=1)[0].strip()
    head = head.removeprefix("Projekt:").removeprefix("Aktion:").strip()
    if head and len(head.split()) <= TITLE_MAX_WORDS and head != text.strip():
        return head
    return ""


def _text_fields(plan: ParsedPlan):
    """Every (object, field name) of the plan that holds source text."""
    for hf in plan.handlungsfelder:
        yield hf, "name"
        yield hf, "description"
        for werkzeug in hf.werkzeuge:
            for f in fields(werkzeug):
                if isinstance(getattr(werkzeug, f.name), str):
                    yield werkzeug, f.name
            for massnahme in werkzeug.massnahmen:
                yield massnahme, "title"


def _apply_corrections(plan: ParsedPlan) -> None:
    for wrong, right, reason in CORRECTIONS:
        count = 0
        for obj, name in _text_fields(plan):
            value = getattr(obj, name)
            if wrong in value:
                count += value.count(wrong)
                setattr(obj, name, value.replace(wrong, right))
        if count:
            plan.notes.append(
                _("Korrigiert (%(reason)s): „%(wrong)s“ → „%(right)s“ (%(count)s×).")
                % {"reason": reason, "wrong": wrong, "right": right, "count": count}
            )
    for text, remark in NOTED:
        if any(text in getattr(obj, name) for obj, name in _text_fields(plan)):
            plan.notes.append(
                _("Belassen wie in der Quelle: „%(text)s“ – %(remark)s.")
                % {"text": text, "remark": remark}
            )


def parse_table_text(text: str) -> ParsedPlan:
    """Read the table text of a Werkstattplan; raises ValueError (German) if unreadable."""
    if not isinstance(text, str) or "\t" not in text:
        raise ValueError(
            _(
                "Die Datei ist kein Tabellentext: Es fehlen die Tabulatoren zwischen den Zellen. "
                "Bitte kopieren Sie die Tabelle des Werkstattplans als Text (z. B. aus dem PDF)."
            )
        )
    plan = _Parser().parse(text.lstrip("\ufeff"))
    _apply_corrections(plan)
    for werkzeug in plan.werkzeuge:
        werkzeug.title = derive_title(werkzeug.description)
    return plan


# --- Writing the plan ---------------------------------------------------------


@transaction.atomic
def import_table_text(
    text: str,
    *,
    kommune,
    title: str,
    first_year: int | None = None,
    last_year: int | None = None,
    slug: str | None = None,
    published: bool = False,
):
    """Create a Werkstattplan with its whole tree from the table text.

    Raises ValueError for text that cannot be read and ValidationError for a
    plan that cannot be saved (e.g. the slug is taken); both in German.
    """
    parsed = parse_table_text(text)
    first_year = first_year or min(parsed.years)
    last_year = last_year or max(parsed.years)
    slug = slug or f"{first_year}-{last_year}"
    if Werkstattplan.objects.filter(kommune=kommune, slug=slug).exists():
        raise ValidationError(
            _("%(kommune)s hat schon einen Werkstattplan mit dem Kurznamen „%(slug)s“.")
            % {"kommune": kommune, "slug": slug}
        )
    notes = [
        _(
            "Übernommen aus der Tabellenfassung des Werkstattplans (Text aus dem PDF, "
            "Zellen durch Tabulatoren getrennt)."
        ),
        *parsed.notes,
    ]
    plan = Werkstattplan(
        kommune=kommune,
        title=title,
        slug=slug,
        first_year=first_year,
        last_year=last_year,
        published=published,
        notes="\n".join(notes),
    )
    plan.full_clean()
    plan.save()
    for hf_position, parsed_hf in enumerate(parsed.handlungsfelder, start=1):
        hf = Handlungsfeld(
            plan=plan,
            position=hf_position,
            name=parsed_hf.name,
            description=parsed_hf.description,
        )
        hf.full_clean(exclude=["slug"])
        hf.save()
        for position, parsed_werkzeug in enumerate(parsed_hf.werkzeuge, start=1):
            values = {
                f.name: getattr(parsed_werkzeug, f.name)
                for f in fields(parsed_werkzeug)
                if f.name != "massnahmen"
            }
            werkzeug = Werkzeug(handlungsfeld=hf, position=position, **values)
            werkzeug.full_clean(exclude=["slug"])
            werkzeug.save()
            for step_position, step in enumerate(parsed_werkzeug.massnahmen, start=1):
                massnahme = Massnahme(
                    plan=plan,
                    werkzeug=werkzeug,
                    position=step_position,
                    title=step.title,
                    jahr=step.jahr,
                    monate=step.monate,
                )
                massnahme.full_clean()
                massnahme.save()
    return plan
