"""Spreadsheets people upload, read into rows: CSV as German Excel saves it, or XLSX.

Text is UTF-8 (with or without BOM), else Windows-1252 (what Excel on Windows
saves as "CSV"); the separator is whichever of tab, ";" and "," the first line
uses most. An .xlsx is read from its first sheet; a ZIP holding exactly one .csv
(as GENESIS delivers its downloads) like that .csv. Rows come with the row
number Excel shows (header = 1), blank rows left out; only `TableError` with a
German message ever leaves here, whatever the bytes.
"""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _

MAX_COLUMNS = 100  # of an Excel sheet; the formats need at most a few dozen
MAX_UNZIPPED = 50_000_000  # a zipped CSV may not unpack into more than this (zip bombs)


class TableError(ValueError):
    """The file cannot be read as a table; the message is German."""


def read_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The non-blank rows of a CSV or Excel file with their row numbers, cells stripped."""
    return _zip_rows(data) if data[:4] == b"PK\x03\x04" else _text_rows(data)


def _text_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The non-blank rows with their 1-based line numbers, cells stripped."""
    for encoding in ("utf-8-sig", "cp1252"):  # cp1252: what Excel on Windows saves as "CSV"
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError(
            _("Die Datei ist weder eine Textdatei (UTF-8 oder Windows-1252) noch eine Excel-Datei.")
        )
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max("\t;,", key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, line = [], 1
    try:
        for record in reader:
            cells = [cell.strip() for cell in record]
            if any(cells):
                rows.append((line, cells))
            line = reader.line_num + 1  # a quoted cell may span lines: count from the file
    except csv.Error:
        raise TableError(
            _("Zeile %(zeile)s: %(text)s")
            % {
                "zeile": line,
                "text": _(
                    "Die Zeile lässt sich nicht lesen (z. B. ein Feld von über 100.000 Zeichen)."
                ),
            }
        ) from None
    return rows


def _zip_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """Rows of an .xlsx (first sheet), or of the one .csv in a ZIP as GENESIS delivers it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            csvs = [name for name in names if name.lower().endswith(".csv")]
            if "[Content_Types].xml" not in names and len(csvs) == 1:
                if archive.getinfo(csvs[0]).file_size > MAX_UNZIPPED:
                    raise TableError(_("Die Datei im ZIP-Archiv ist zu groß."))
                return _text_rows(archive.read(csvs[0]))
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # a declared size may be wrong, or huge ("A1:XFD1048576")
            rows = sheet.iter_rows(values_only=True)
            table = [[_xlsx_cell(value) for value in row[:MAX_COLUMNS]] for row in rows]
        finally:
            workbook.close()
    except TableError:
        raise
    except Exception as error:  # a broken ZIP or workbook fails in many ways (zip, XML, keys …)
        raise TableError(
            _("Die Datei ist eine ZIP- oder Excel-Datei, lässt sich aber nicht lesen.")
        ) from error
    width = max((len(row) for row in table), default=0)
    return [(n, row + [""] * (width - len(row))) for n, row in enumerate(table, 1) if any(row)]


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        # The shortest text that gives back the stored number, with a decimal comma so that it
        # cannot pass for thousands ("215.794" would be read as 215794).
        return format(Decimal(repr(value)), "f").replace(".", ",")
    return str(value).strip()


class Vorschauzahlen:
    """How many entries of an import preview (`self.eintraege`) are new, changed and
    unchanged, by each entry's `aktion`: for the preview's summary line."""

    def count(self, aktion: str) -> int:
        return sum(1 for eintrag in self.eintraege if eintrag.aktion == aktion)

    @property
    def neu(self) -> int:
        return self.count("neu")

    @property
    def geaendert(self) -> int:
        return self.count("geaendert")

    @property
    def unveraendert(self) -> int:
        return self.count("unveraendert")
