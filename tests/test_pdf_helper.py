"""zwk_portal.pdf: fonts and stylesheets from disk, nothing from the network."""

import re
import subprocess
import zlib

import pytest
from django.template import engines

from zwk_portal import pdf


@pytest.fixture
def template(tmp_path, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]},
    ]
    return tmp_path


def render(template_dir, body: str, tmp_path) -> str:
    (template_dir / "probe.html").write_text(body, encoding="utf-8")
    engines._engines = {}  # pick up the changed DIRS
    content = pdf.render_pdf("probe.html", {}, title="Probe")
    out = tmp_path / "probe.pdf"
    out.write_bytes(content)
    return out


def test_static_stylesheet_and_font_are_embedded(template, tmp_path):
    out = render(
        template,
        '{% load static %}<html lang="de"><head><title>Probe</title>'
        "<style>@font-face{font-family:Fira;src:url(\"{% static 'kern/fonts/fira-sans/FiraSans-Regular.woff2' %}\")}"
        "body{font-family:Fira}</style>"
        '<link rel="stylesheet" href="{% static \'css/print.css\' %}"></head><body><p>Größe Übung</p></body></html>',
        tmp_path,
    )
    fonts = subprocess.run(
        ["pdffonts", str(out)], capture_output=True, text=True, check=True
    ).stdout
    assert "Fira" in fonts
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Größe Übung" in text


def test_anything_but_static_files_stops_the_rendering(template, tmp_path):
    with pytest.raises(RuntimeError, match="Error fetching"):
        render(
            template,
            '<html><head><link rel="stylesheet" href="https://example.org/x.css"></head></html>',
            tmp_path,
        )


def test_pdf_is_tagged_pdf_ua_with_title_and_language(template, tmp_path):
    out = render(
        template,
        '<html lang="de"><head><title>Probe</title></head>'
        "<body><h1>Teilnehmerliste</h1><p>Größe Übung</p></body></html>",
        tmp_path,
    )
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+Probe$", info, re.MULTILINE)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    # PDF/UA-1 identification in the XMP metadata.
    metadata = subprocess.run(
        ["pdfinfo", "-meta", str(out)], capture_output=True, text=True, check=True
    ).stdout
    assert 'pdfuaid:part="1"' in metadata
    # Language and "show the title, not the file name" sit in the catalog, inside compressed
    # object streams: inflate them and read the entries.
    content = out.read_bytes()
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL)
    readable = content + b"".join(_inflate(stream) for stream in streams)
    assert re.search(rb"/Lang\s*\(de\)", readable)
    assert re.search(rb"/DisplayDocTitle\s+true", readable)


def _inflate(stream: bytes) -> bytes:
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""
