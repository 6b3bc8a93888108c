"""The upload's checks: what a file is (by its content) and whether a PDF is accessible."""

import zipfile
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter

from dokumente import formate
from dokumente.pruefung import pruefe_pdf

from .conftest import tagged_pdf, untagged_pdf


def png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (20, 10), (0, 90, 0)).save(out, "PNG")
    return out.getvalue()


def encrypted(content: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(content)))
    writer.encrypt("geheim")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as container:
        for name, data in members.items():
            container.writestr(name, data)
    return out.getvalue()


XLSX = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODS = zipped(
    {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
)


def test_tagged_pdf_passes_the_check():
    result = pruefe_pdf(tagged_pdf())
    assert result.getaggt and result.sprache == "de" and result.textebene
    assert result.barrierefrei and result.maengel == []


def test_untagged_pdf_is_named_not_tagged():
    result = pruefe_pdf(untagged_pdf())
    assert not result.getaggt and not result.barrierefrei
    assert result.maengel == [
        "Die PDF-Datei ist nicht getaggt (kein PDF/UA): Screenreader erkennen Überschriften, "
        "Listen und Tabellen nicht."
    ]


def test_pdf_without_language_and_text_gets_both_findings():
    # A blank page, as a scan without text recognition would be: no /Lang, no text.
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    result = pruefe_pdf(out.getvalue())
    assert len(result.maengel) == 3
    assert "keine Sprache angegeben" in result.maengel[1]
    assert "keinen Text" in result.maengel[2]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "lässt sich nicht als PDF lesen"),
        (tagged_pdf()[:2000], "lässt sich nicht als PDF lesen"),
        (encrypted(tagged_pdf()), "verschlüsselt oder mit einem Kennwort geschützt"),
    ],
    ids=["ohne-inhalt", "abgeschnitten", "verschluesselt"],
)
def test_broken_or_encrypted_pdf_is_a_german_error(content, words):
    with pytest.raises(ValidationError) as error:
        pruefe_pdf(content, "bericht.pdf")
    assert words in error.value.messages[0] and "„bericht.pdf“" in error.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content", "label"),
    [
        ("datenblatt.pdf", tagged_pdf(), "PDF"),
        ("Datenblatt.XLSX", XLSX, "XLSX"),
        ("tabelle.ods", ODS, "ODS"),
        (
            "brief.docx",
            zipped({"[Content_Types].xml": b"<T/>", "word/document.xml": b"<d/>"}),
            "DOCX",
        ),
        ("zahlen.csv", "Jahr;Einwohner\n2019;212618\n".encode("cp1252"), "CSV"),
        ("zahlen.csv", "\ufeffRegion;Wert\nLandkreis Ludwigslust-Parchim;1\n".encode(), "CSV"),
    ],
)
def test_format_is_read_from_the_content(name, content, label):
    assert formate.erkenne(SimpleUploadedFile(name, content)).label == label


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("foto.pdf", png()),  # a PNG renamed
        ("seite.pdf", b"<!DOCTYPE html><html><body>kein PDF</body></html>"),
        ("seite.csv", b"<html><script>alert(1)</script></html>"),
        ("archiv.xlsx", zipped({"readme.txt": b"nur ein ZIP"})),
        (
            "makros.xlsx",
            zipped(
                {
                    "[Content_Types].xml": b"<T/>",
                    "xl/workbook.xml": b"<w/>",
                    "xl/vbaProject.bin": b"\x00",
                }
            ),
        ),
        (
            "makros.ods",
            zipped(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"<x/>",
                    "Basic/Standard/Module1.xml": b"<m/>",
                }
            ),
        ),
        ("kaputt.xlsx", b"PK\x03\x04" + b"\x00" * 40),
        ("programm.csv", b"MZ\x90\x00\x03\x00\x00\x00"),
        ("leer.pdf", b""),
    ],
)
def test_anything_else_is_refused_in_german(name, content):
    with pytest.raises(ValidationError) as error:
        formate.erkenne(SimpleUploadedFile(name, content))
    assert f"„{name}“" in error.value.messages[0]


def test_extension_must_fit_the_content():
    with pytest.raises(ValidationError) as error:
        formate.erkenne(SimpleUploadedFile("tabelle.xlsx", tagged_pdf()))
    assert "dem Inhalt nach eine PDF-Datei" in error.value.messages[0]


def test_file_over_10_mb_is_refused():
    with pytest.raises(ValidationError, match="größer als 10 MB"):
        formate.erkenne(SimpleUploadedFile("gross.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024)))
