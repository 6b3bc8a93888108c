"""Render a template to PDF with WeasyPrint.

Page size, running headers and page numbers live in static/css/print.css.
Fonts, stylesheets and images are read from disk, never fetched over the
network, so a PDF looks the same on every machine.
"""

from pathlib import Path

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint.urls import FatalURLFetchingError, URLFetcher

# Relative URLs in the template resolve against this fake origin; the fetcher
# below maps it to files and refuses everything else.
_BASE_URL = "https://zwk-portal.invalid/"


def _static_path(url: str) -> Path | None:
    prefix = _BASE_URL.rstrip("/") + settings.STATIC_URL
    if not url.startswith(prefix):
        return None
    name = url[len(prefix) :].split("?")[0].split("#")[0]
    found = finders.find(name)
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / name
    return collected if collected.is_file() else None


class StaticFilesFetcher(URLFetcher):
    """Loads the portal's own static files from disk and refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = _static_path(url)
        if path is None:
            raise ValueError(f"PDFs load only the portal's own static files, not {url}")
        response = super().fetch(path.as_uri(), headers)
        # Keep the static URL, so the relative url()s of print.css (its fonts) resolve
        # against it and come through this fetcher too.
        response.url = url
        return response


def render_pdf(template_name: str, context: dict, *, title: str = "") -> bytes:
    """The PDF bytes of `template_name`; `title` becomes the document title.

    The PDF is PDF/UA-1: tagged, with the title shown in the window and the language of the
    template's `<html lang>` in the catalog, so screen readers can read it (BITV 2.0).
    """
    html = render_to_string(template_name, {"pdf_title": title, **context})
    fetcher = StaticFilesFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)
    document = weasyprint.HTML(string=html, base_url=_BASE_URL, url_fetcher=fetcher)
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    except FatalURLFetchingError as error:
        # A BaseException in WeasyPrint; as a plain error it reaches Django's error handling.
        raise RuntimeError(str(error)) from error
