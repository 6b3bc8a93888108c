"""zwk_portal.pdf: fonts and stylesheets from disk, nothing from the network."""

import subprocess

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
