"""Is a PDF accessible? The checks a machine can make when the file is uploaded (BITV 2.0).

A PDF that screen readers can use is tagged (PDF/UA): its catalogue says `/MarkInfo
<< /Marked true >>` and holds a structure tree (`/StructTreeRoot`) with headings, lists
and tables; it names its language (`/Lang`), so it is read with the right
pronunciation; and it has text at all, not only scanned images of pages. Whether the
tags are *right* no machine can say: a person has to look. So a file that passes is
"getaggt", not "geprüft barrierefrei"; one that fails is honestly "nicht barrierefrei".
"""

import logging
from dataclasses import dataclass, field
from io import BytesIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import BooleanObject

logger = logging.getLogger(__name__)

# Text is looked for on the first pages only: a scan has none anywhere, and a long
# report is not read through on every upload.
TEXT_PAGES = 3


@dataclass(frozen=True)
class Pruefung:
    """What the check found in one PDF."""

    getaggt: bool
    sprache: str  # the catalogue's /Lang, "" if none
    textebene: bool
    seiten: int = 0
    maengel: list[str] = field(default_factory=list)  # German, one sentence each

    @property
    def barrierefrei(self) -> bool:
        return not self.maengel


def _maengel(getaggt: bool, sprache: str, textebene: bool) -> list[str]:
    found = []
    if not getaggt:
        found.append(
            _(
                "Die PDF-Datei ist nicht getaggt (kein PDF/UA): Screenreader erkennen "
                "Überschriften, Listen und Tabellen nicht."
            )
        )
    if not sprache:
        found.append(
            _(
                "In der PDF-Datei ist keine Sprache angegeben: Screenreader lesen sie "
                "womöglich mit falscher Aussprache vor."
            )
        )
    if not textebene:
        found.append(
            _(
                "Die PDF-Datei hat auf den ersten Seiten keinen Text, nur Bilder (etwa ein "
                "Scan): Sie kann weder vorgelesen noch durchsucht werden."
            )
        )
    return found


def pruefe_pdf(upload, name: str = "") -> Pruefung:
    """Check the PDF `upload` (a file or bytes); a German ValidationError if it cannot be read.

    An encrypted PDF is refused too: assistive technology may be locked out of it, and
    the portal could not check it.
    """
    name = name or getattr(upload, "name", "") or "PDF"
    if isinstance(upload, bytes):
        data = upload
    else:
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
    unreadable = _(
        "„%(name)s“ lässt sich nicht als PDF lesen (beschädigt oder unvollständig). "
        "Bitte speichern oder exportieren Sie die Datei neu als PDF."
    ) % {"name": name}
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "„%(name)s“ ist verschlüsselt oder mit einem Kennwort geschützt. Bitte "
                    "laden Sie eine Fassung ohne Schutz hoch: Nur sie können alle lesen, "
                    "auch mit Screenreader."
                )
                % {"name": name}
            )
        root = reader.root_object
        mark_info = root.get("/MarkInfo")
        mark_info = mark_info.get_object() if mark_info is not None else {}
        getaggt = (
            mark_info.get("/Marked") == BooleanObject(True)
            and root.get("/StructTreeRoot") is not None
        )
        sprache = str(root.get("/Lang") or "").strip()
        seiten = len(reader.pages)
        textebene = any(
            (reader.pages[i].extract_text() or "").strip() for i in range(min(seiten, TEXT_PAGES))
        )
    except ValidationError:
        raise
    except Exception as error:  # a broken file may fail anywhere in the parser
        logger.info("PDF nicht lesbar: %s", error)
        raise ValidationError(unreadable) from error
    if seiten == 0:
        raise ValidationError(unreadable)
    return Pruefung(
        getaggt=getaggt,
        sprache=sprache,
        textebene=textebene,
        seiten=seiten,
        maengel=_maengel(getaggt, sprache, textebene),
    )
