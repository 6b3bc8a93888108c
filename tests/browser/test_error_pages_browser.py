"""The error pages in chromium: axe-core at 320 and 1280 px, no sideways scrolling, one h1.

The URLconf of tests/test_error_pages.py adds views that raise 403, 400 and 500.
"""

import pytest

from tests.browser.test_accessibility import WIDTHS, horizontal_overflow, run_axe
from tests.factories import KommuneFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.test_error_pages")]

PAGES = [
    ("/rostock/gibt-es-nicht/", 404),
    ("/en/gibt-es-nicht/", 404),
    ("/rostock/veranstaltungen/anmeldung/erfunden123/", 404),
    ("/test-fehler/403/", 403),
    ("/test-fehler/400/", 400),
    ("/test-fehler/500/", 500),
    ("/test-fehler/datenbank/", 503),
]


def test_error_pages_pass_axe_and_reflow(browser, live_server, settings):
    settings.DEBUG = False
    KommuneFactory(name="Landkreis Rostock", slug="rostock", kontakt_email="k@rostock.example")
    KommuneFactory(slug="andere")
    context = browser.new_context(locale="de-DE", bypass_csp=True)  # axe is injected
    page = context.new_page()
    problems = []
    try:
        for path, status in PAGES:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                response = page.goto(live_server.url + path)
                if response.status != status:
                    problems.append(f"{path}: HTTP {response.status}, not {status}")
                if page.get_by_role("heading", level=1).count() != 1:
                    problems.append(f"{path}: not exactly one h1")
                if width < 1280 and (overflow := horizontal_overflow(page)):
                    problems.append(f"{path} @{width}: scrolls sideways by {overflow}px")
                problems += [
                    f"{path} @{width}: {v['id']} ({v['impact']}) {v['help']} -> {v['targets']}"
                    for v in run_axe(page)
                ]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
