"""Every spreadsheet the portal writes: German Excel habits, and no cell runs as a formula.

A name typed as `=HYPERLINK("http://…";"Klick")` must reach the coordinator's
spreadsheet as that text, never as a live formula (CSV injection, OWASP). Both
formats come from here, for the staff pages (`spreadsheet_response`) and for
django-import-export in the admin (`SpreadsheetAdminMixin` with `SafeCSV`, `SafeXLSX`):

- XLSX (openpyxl): text cells are written as text with Excel's quote prefix, so
  even editing the cell later does not turn it into a formula; numbers, money and
  dates stay numbers and dates, formatted "1.234,56 €" and "31.12.2026".
- CSV (defusedcsv): ";" as separator and a UTF-8 BOM, as German Excel expects; a
  text cell that starts like a formula gets a leading apostrophe. Decimal numbers
  are written "1234,56". Reading such a file back removes that apostrophe again.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

import tablib
from defusedcsv import csv as defused_csv
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from import_export.formats import base_formats
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from .audit import log_download
from .tenancy import kommune_path

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")
MONEY_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD.MM.YYYY"
DATETIME_FORMAT = "DD.MM.YYYY HH:MM"


def _local(value: datetime.datetime) -> datetime.datetime:
    """Spreadsheets have no time zones: Berlin time, as staff read it."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal | float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    text = str(value)
    # defusedcsv guards = + - @ | %; a leading tab or carriage return is guarded here.
    if text[:1] in ("\t", "\r"):
        return "'" + text
    return text


def csv_bytes(headers: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = defused_csv.writer(
        out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(headers: list[str], rows, *, title: str = "Export") -> bytes:
    return xlsx_workbook([(title, headers, rows)])


def xlsx_workbook(sheets) -> bytes:
    """One workbook with a sheet per (title, headers, rows)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in sheets:
        _write_sheet(workbook.create_sheet(_sheet_title(title)), headers, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel refuses sheet names with : \\ / ? * [ ], control characters, a leading or
    trailing apostrophe, or more than 31 characters; a plan's title may have any of these."""
    title = re.sub(r"[\\/?*:\[\]\x00-\x1f]", " ", str(title or ""))
    title = " ".join(title.split()).strip("'")[:31].strip()
    return title or "Export"


def _write_sheet(sheet, headers: list[str], rows) -> None:
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = cell.font.copy(bold=True)
    widths = [len(str(h)) for h in headers]
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                cell.value = "ja" if value else "nein"
            elif isinstance(value, Decimal):
                cell.value = value
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, int | float):
                cell.value = value
            elif isinstance(value, datetime.datetime):
                cell.value = _local(value)
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = DATE_FORMAT
            else:
                # Text stays text: openpyxl would store "=…" as a formula otherwise.
                cell.value = str(value)
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_START):
                    cell.quotePrefix = True
            if column <= len(widths):
                widths[column - 1] = max(widths[column - 1], min(len(str(value)), 60))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    sheet.freeze_panes = "A2"


def dataset_rows(dataset: tablib.Dataset) -> tuple[list[str], list[list]]:
    return list(dataset.headers or []), [list(row) for row in dataset]


def spreadsheet_response(dataset: tablib.Dataset, *, filename: str, fmt: str) -> HttpResponse:
    """A download of `dataset` as `<filename>.csv` or `.xlsx` (fmt), safe and German."""
    headers, rows = dataset_rows(dataset)
    if fmt == "xlsx":
        response = HttpResponse(
            xlsx_bytes(headers, rows, title=dataset.title or filename), content_type=XLSX_TYPE
        )
    elif fmt == "csv":
        response = HttpResponse(csv_bytes(headers, rows), content_type=CSV_TYPE)
    else:
        raise ValueError(f"unknown spreadsheet format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _unguard(value):
    """Undo the CSV guard on import: "'=A1" was written for the text "=A1".

    defusedcsv also writes every "|" of a guarded text as "\\|" ("'\\|A1" for "|A1");
    the tab and carriage return guarded by `_csv_cell` get the apostrophe only.
    """
    if not (isinstance(value, str) and value[:1] == "'"):
        return value
    if value[1:2] in ("\t", "\r"):
        return value[1:]
    if value[1:2] in FORMULA_START or value[1:3] == "\\|":
        return value[1:].replace("\\|", "|")
    return value


class SafeCSV(base_formats.CSV):
    """django-import-export's CSV, written as above; reads ";" and "," files alike."""

    def export_data(self, dataset, **kwargs):
        headers, rows = dataset_rows(dataset)
        return csv_bytes(headers, rows).decode("utf-8")

    def create_dataset(self, in_stream, **kwargs):
        text = (
            in_stream.decode(self.encoding or "utf-8")
            if isinstance(in_stream, bytes)
            else in_stream
        )
        first_line = text.lstrip("\ufeff").split("\n", 1)[0]
        kwargs.setdefault(
            "delimiter", ";" if first_line.count(";") > first_line.count(",") else ","
        )
        dataset = super().create_dataset(text, **kwargs)
        unguarded = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            unguarded.append([_unguard(value) for value in row])
        return unguarded


class SafeXLSX(base_formats.XLSX):
    """django-import-export's XLSX, written as above."""

    def export_data(self, dataset, **kwargs):
        headers, rows = dataset_rows(dataset)
        return xlsx_bytes(headers, rows, title=dataset.title or "Export")


class SpreadsheetAdminMixin:
    """For every ModelAdmin with django-import-export: these formats, native values, and
    (with `audit_exports`, for personal data) a line in the audit log per export."""

    export_formats = [SafeCSV, SafeXLSX]
    import_formats = [SafeCSV, SafeXLSX]
    audit_exports = False

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        if self.audit_exports:
            label = self.model._meta.verbose_name_plural
            path = kommune_path(self.model)
            kommunen = queryset.values_list(path, flat=True).distinct() if path else None
            log_download(
                request, f"Admin-Export: {label} ({len(data)} Zeilen)", kommune_ids=kommunen
            )
        return file_format.export_data(data)


def export_response(resource, queryset, *, filename: str, fmt: str) -> HttpResponse:
    """A django-import-export resource's rows of `queryset` as a download (staff pages)."""
    if fmt not in {"csv", "xlsx"}:
        raise ValueError(f"unknown spreadsheet format {fmt!r}")
    return spreadsheet_response(
        resource.export(queryset=queryset, force_native_type=True), filename=filename, fmt=fmt
    )


def read_xlsx(content: bytes) -> list[list]:
    """The cell values of the first sheet (tests and imports read exports back with this)."""
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]
