"""Documents of a Kommune: files kept in a temporary folder, PDFs made with WeasyPrint."""

from datetime import date

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from dokumente.models import Dokument
from tests.factories import KommuneFactory, koordination_user

HTML = (
    '<html lang="de"><head><title>{title}</title></head>'
    "<body><h1>{title}</h1><p>Einwohnerinnen und Einwohner nach Altersgruppen.</p></body></html>"
)


def tagged_pdf(title: str = "Datenblatt") -> bytes:
    """A tagged PDF with language and text: what a barrier-free export gives (PDF/UA-1)."""
    return weasyprint.HTML(string=HTML.format(title=title)).write_pdf(pdf_variant="pdf/ua-1")


def untagged_pdf(title: str = "Datenblatt") -> bytes:
    """The same page without tags (WeasyPrint's default): text and language, no structure."""
    return weasyprint.HTML(string=HTML.format(title=title)).write_pdf()


@pytest.fixture(autouse=True)
def private_files(tmp_path, monkeypatch):
    """The field's storage is made once at import: the test's files go to a temporary folder."""
    monkeypatch.setattr(
        Dokument._meta.get_field("datei"), "storage", FileSystemStorage(location=tmp_path)
    )


@pytest.fixture
def kommune(db):
    return KommuneFactory(slug="ludwigslust-parchim", name="Landkreis Ludwigslust-Parchim")


@pytest.fixture
def andere_kommune(db):
    return KommuneFactory(slug="rostock", name="Landkreis Rostock")


@pytest.fixture
def coordinator(client, kommune, settings):
    settings.ZWK_REQUIRE_2FA = False
    client.force_login(koordination_user(kommune, username="koordination-lup"))
    return client


def make_dokument(kommune, *, content: bytes | None = None, **fields) -> Dokument:
    """A document as the admin would store it (size, type and check taken from the file)."""
    content = tagged_pdf() if content is None else content
    fields = {
        "title": "Datenblatt Bevölkerung",
        "gruppe": Dokument.Gruppe.DATENBLATT,
        "datum": date(2024, 5, 5),
        "mimetype": "application/pdf",
        "barrierefrei": True,
        "published": True,
        **fields,
    }
    dokument = Dokument(kommune=kommune, groesse=len(content), **fields)
    dokument.datei.save("datei.pdf", ContentFile(content), save=True)
    return dokument
