from io import BytesIO

import pytest
from django.core.files.storage import FileSystemStorage
from PIL import Image

from aktuelles.forms import VIDEO_FILES as VIDEO_FIELDS
from aktuelles.models import Artikel, Bild
from tests.factories import KommuneFactory, VeranstaltungFactory, koordination_user

from .factories import ArtikelFactory


def jpeg(width=40, height=30) -> bytes:
    out = BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width=30, height=20) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (0, 90, 0)).save(out, "PNG")
    return out.getvalue()


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 64
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nWillkommen in Plau am See.\n"


@pytest.fixture(autouse=True)
def private_files(monkeypatch, tmp_path):
    """Uploads of a test go to its own folder. The fields hold their storage since the models
    were loaded (a callable storage is called once), so the fields get the test's storage."""
    storage = FileSystemStorage(location=tmp_path)
    for field in (Bild._meta.get_field("datei"), *map(Artikel._meta.get_field, VIDEO_FIELDS)):
        monkeypatch.setattr(field, "storage", storage)
    return storage


@pytest.fixture(autouse=True)
def _one_factor(settings):
    settings.ZWK_REQUIRE_2FA = False


@pytest.fixture
def event(kommune):
    return VeranstaltungFactory(kommune=kommune, title="Zukunftswerkstatt Ehrenamt")


@pytest.fixture
def artikel(kommune, event):
    artikel = ArtikelFactory(kommune=kommune, title="Neue Ideen für das Ehrenamt")
    artikel.veranstaltungen.set([event])
    return artikel


@pytest.fixture
def other():
    return KommuneFactory(name="Landkreis Rostock", slug="rostock")


@pytest.fixture
def koordination(kommune):
    return koordination_user(kommune, username="koordination-aktuelles")


@pytest.fixture
def koordination_other(other):
    return koordination_user(other, username="koordination-rostock")
