"""Stored files go out as they were stored: in byte ranges when a player asks, never gzipped."""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from dokumente.models import Dokument
from tests.aktuelles.conftest import MP4, VTT
from tests.aktuelles.conftest import private_files as private_files  # noqa: F401 - fixture
from tests.aktuelles.factories import ArtikelFactory
from tests.dokumente.conftest import make_dokument
from tests.factories import KommuneFactory
from zwk_portal.compression import TextGZipMiddleware
from zwk_portal.uploads import with_byte_ranges

CONTENT = bytes(range(100))


def ranged(range_header=None, file=None, **headers):
    if range_header is not None:
        headers["HTTP_RANGE"] = range_header
    request = RequestFactory().get("/datei/", **headers)
    response = FileResponse(file or BytesIO(CONTENT), content_type="video/mp4")
    response["ETag"] = '"v1"'
    return with_byte_ranges(request, response)


@pytest.mark.parametrize(
    ("header", "content_range", "body"),
    [
        ("bytes=0-1", "bytes 0-1/100", CONTENT[:2]),
        ("bytes=10-19", "bytes 10-19/100", CONTENT[10:20]),
        ("bytes=90-", "bytes 90-99/100", CONTENT[90:]),
        ("bytes=0-", "bytes 0-99/100", CONTENT),
        ("bytes=-5", "bytes 95-99/100", CONTENT[95:]),
        ("bytes=-500", "bytes 0-99/100", CONTENT),
        ("bytes=95-1000", "bytes 95-99/100", CONTENT[95:]),
        ("bytes = 3-4", "bytes 3-4/100", CONTENT[3:5]),
    ],
)
def test_one_range_is_answered_with_just_that_part(header, content_range, body):
    response = ranged(header)
    assert response.status_code == 206
    assert response["Content-Range"] == content_range
    assert response["Content-Length"] == str(len(body))
    assert b"".join(response.streaming_content) == body
    assert response["Content-Type"] == "video/mp4" and response["ETag"] == '"v1"'


@pytest.mark.parametrize(
    "header", [None, "", "bytes=5-2", "bytes=-", "bytes=0-1,5-6", "items=0-1", "bytes=abc"]
)
def test_no_range_several_or_a_malformed_one_get_the_whole_file(header):
    response = ranged(header)
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes" and response["Content-Length"] == "100"
    assert b"".join(response.streaming_content) == CONTENT


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=500-600", "bytes=-0"])
def test_a_range_beyond_the_end_is_refused_with_the_size(header):
    file = BytesIO(CONTENT)
    response = ranged(header, file)
    assert response.status_code == 416 and response.content == b""
    assert response["Content-Range"] == "bytes */100"
    assert file.closed


def test_if_range_gets_the_part_only_while_the_file_is_the_same():
    assert ranged("bytes=0-1", HTTP_IF_RANGE='"v1"').status_code == 206
    assert ranged("bytes=0-1", HTTP_IF_RANGE='"v0"').status_code == 200


def gzipped(response, accept="gzip, deflate"):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept)
    return TextGZipMiddleware(lambda r: response)(request)


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=utf-8", "text/csv", "application/json", "application/atom+xml"],
)
def test_text_is_compressed(content_type):
    response = gzipped(HttpResponse("Zukunftswerkstatt " * 50, content_type=content_type))
    assert response["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "content_type",
    [
        "video/mp4",
        "image/jpeg",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)
def test_files_are_sent_as_stored(content_type):
    response = gzipped(HttpResponse(b"\x00" * 5000, content_type=content_type))
    assert not response.has_header("Content-Encoding")
    assert response.content == b"\x00" * 5000


def test_a_part_of_a_text_file_is_not_compressed():
    response = HttpResponse("WEBVTT " * 100, content_type="text/vtt", status=206)
    assert not gzipped(response).has_header("Content-Encoding")


@pytest.mark.django_db
def test_a_video_player_gets_the_part_it_asks_for(client, kommune):
    artikel = ArtikelFactory(kommune=kommune, video_title="Rundgang durch Plau")
    artikel.video_datei.save("video.mp4", ContentFile(MP4), save=False)
    artikel.video_untertitel.save("untertitel.vtt", ContentFile(VTT), save=False)
    artikel.save()
    url = reverse("aktuelles:video", kwargs={"kommune": kommune.slug, "pk": artikel.pk})

    whole = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert whole.status_code == 200 and not whole.has_header("Content-Encoding")
    assert whole["Content-Length"] == str(len(MP4)) and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == MP4

    part = client.get(url, HTTP_RANGE="bytes=4-11", HTTP_ACCEPT_ENCODING="gzip")
    assert part.status_code == 206 and not part.has_header("Content-Encoding")
    assert part["Content-Range"] == f"bytes 4-11/{len(MP4)}"
    assert b"".join(part.streaming_content) == b"ftypmp42"


@pytest.mark.django_db
def test_a_document_is_read_in_parts_while_it_stays_the_same(client, tmp_path, monkeypatch):
    monkeypatch.setattr(
        Dokument._meta.get_field("datei"), "storage", FileSystemStorage(location=tmp_path)
    )
    dokument = make_dokument(KommuneFactory(), content=b"%PDF-1.7\n" + b"x" * 991)
    url = dokument.get_absolute_url()
    etag = client.get(url)["ETag"]
    part = client.get(url, HTTP_RANGE="bytes=0-7", HTTP_IF_RANGE=etag)
    assert part.status_code == 206 and b"".join(part.streaming_content) == b"%PDF-1.7"
    assert part["Content-Disposition"].startswith("inline;")
    changed = client.get(url, HTTP_RANGE="bytes=0-7", HTTP_IF_RANGE='"anders"')
    assert changed.status_code == 200 and changed["Content-Length"] == "1000"
