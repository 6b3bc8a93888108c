"""Which files a Kommune may publish, told by their content, never by name or browser.

PDF by its magic bytes (zwk_portal.uploads.sniff). The office formats are ZIP
containers: a file counts as one only if the container opens and holds the members
that format requires (`[Content_Types].xml` and `xl/workbook.xml` for XLSX, the
`mimetype` member naming the format for ODS/ODT …); containers with macros are
refused. CSV has no signature: it must be plain text (UTF-8 or Windows-1252) without
control characters and must not look like markup. The name's extension has to fit
the content, so what is downloaded opens in the right program.
"""

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zwk_portal.uploads import MAX_UPLOAD_BYTES, sniff

PDF = "application/pdf"
ZIP_MAGIC = b"PK\x03\x04"
# More members than any real spreadsheet or letter has: a crafted container is not walked.
MAX_ZIP_MEMBERS = 5000
ODF_MIMETYPE_MAX = 100


@dataclass(frozen=True)
class Format:
    label: str  # what the list of documents says: "PDF", "XLSX" …
    mimetype: str
    extensions: frozenset[str]
    inline: bool = False  # shown in the browser (PDF), else downloaded


FORMATE = [
    Format("PDF", PDF, frozenset({".pdf"}), inline=True),
    Format(
        "XLSX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        frozenset({".xlsx"}),
    ),
    Format(
        "DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        frozenset({".docx"}),
    ),
    Format("ODS", "application/vnd.oasis.opendocument.spreadsheet", frozenset({".ods"})),
    Format("ODT", "application/vnd.oasis.opendocument.text", frozenset({".odt"})),
    Format("CSV", "text/csv", frozenset({".csv"})),
]
BY_MIMETYPE = {f.mimetype: f for f in FORMATE}
# The members that make a ZIP container an OOXML file of that kind.
OOXML_MEMBERS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.text",
}
ACCEPT = ",".join(sorted(ext for f in FORMATE for ext in f.extensions)) + ",application/pdf"
HELP_TEXT = gettext_lazy(
    "PDF (am besten barrierefrei: getaggt, „PDF/UA“); Tabellen und Formulare zum Ausfüllen "
    "auch als XLSX, ODS, DOCX, ODT oder CSV; höchstens 10 MB. Dateien mit Makros werden "
    "abgelehnt. "
    "Eine neue Datei ersetzt die alte unter derselben Adresse."
)


def format_of(mimetype: str) -> Format | None:
    return BY_MIMETYPE.get(mimetype)


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _zip_format(upload) -> str | None:
    """The office format of a ZIP container, or None if it is none of ours (or has macros)."""
    try:
        with zipfile.ZipFile(upload) as container:
            infos = container.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                return None
            names = {info.filename for info in infos}
            lowered = {name.lower() for name in names}
            if any(
                name.endswith("vbaproject.bin") or name.startswith(("basic/", "scripts/"))
                for name in lowered
            ):
                return None  # macros: VBA in OOXML, Basic or scripts in ODF
            if "mimetype" in names:
                with container.open("mimetype") as member:
                    declared = member.read(ODF_MIMETYPE_MAX).decode("ascii", "replace").strip()
                if declared in ODF_TYPES and "content.xml" in names:
                    return declared
                return None
            if "[Content_Types].xml" in names:
                for mimetype, required in OOXML_MEMBERS.items():
                    if required in names:
                        return mimetype
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        upload.seek(0)


def _is_csv(upload) -> bool:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    if not text.strip() or any(ch < " " and ch not in "\t\r\n" for ch in text):
        return False
    return not text.lstrip().startswith("<")  # HTML, XML, SVG: markup, not a table


def erkenne(upload) -> Format:
    """The format of `upload`; a German ValidationError for anything else."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("„%(name)s“ ist größer als 10 MB. Bitte verkleinern Sie die Datei.")
            % {"name": upload.name}
        )
    if upload.size == 0:
        raise ValidationError(_("„%(name)s“ ist leer.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = _extension(upload.name)
    if sniff(head) == PDF:
        mimetype = PDF
    elif head.startswith(ZIP_MAGIC):
        mimetype = _zip_format(upload)
    elif extension == ".csv" and _is_csv(upload):
        mimetype = "text/csv"
    else:
        mimetype = None
    found = format_of(mimetype) if mimetype else None
    if found is None:
        raise ValidationError(
            _(
                "„%(name)s“ ist keine PDF-Datei und keine Tabelle oder Textdatei im Format "
                "XLSX, ODS, DOCX, ODT oder CSV (ohne Makros). Bitte laden Sie das Dokument "
                "als PDF hoch."
            )
            % {"name": upload.name}
        )
    if extension not in found.extensions:
        raise ValidationError(
            _(
                "„%(name)s“ ist dem Inhalt nach eine %(format)s-Datei, trägt aber eine andere "
                "Endung. Bitte benennen Sie sie passend (%(endung)s) und laden Sie sie erneut hoch."
            )
            % {"name": upload.name, "format": found.label, "endung": min(found.extensions)}
        )
    return found
