"""The documents page with every kind of entry, in Debian's chromium: axe at 320 and 1280 px,
no sideways scrolling on a phone (the demo in tests/browser/test_accessibility.py has only a
tagged German data sheet and the calls' forms)."""

import pytest

from dokumente.models import Dokument
from tests.browser.test_accessibility import WIDTHS, horizontal_overflow, run_axe
from tests.foerderung.factories import AufrufFactory

from .conftest import make_dokument, untagged_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_kind_of_entry_passes_axe_and_reflows(browser, live_server, kommune):
    make_dokument(
        kommune,
        title="Statistischer Bericht über die Bevölkerungsentwicklung im Landkreis " * 2,
        gruppe=Dokument.Gruppe.BERICHT,
        content=untagged_pdf(),
        barrierefrei=False,
        description="Eingescannte Fassung des Berichts.",
    )
    make_dokument(
        kommune,
        title="Willkommensbroschüre",
        gruppe=Dokument.Gruppe.SONSTIGES,
        sprache=Dokument.Sprache.ARABISCH,
    )
    make_dokument(
        kommune,
        title="Zahlen als Tabelle",
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        barrierefrei=None,
    )
    AufrufFactory(kommune=kommune, published=True, title="Kleinprojektefonds 2026")
    context = browser.new_context(
        viewport={"width": 320, "height": 800}, locale="de-DE", bypass_csp=True
    )
    page = context.new_page()
    problems = []
    try:
        for path in ("/ludwigslust-parchim/dokumente/", "/ludwigslust-parchim/"):
            page.set_viewport_size({"width": 320, "height": 800})
            page.goto(live_server.url + path)
            assert page.get_by_text("Nicht barrierefrei.").count() == 1  # the teaser lists it too
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                if width == 320 and (overflow := horizontal_overflow(page)):
                    problems.append(f"{path} @320: scrolls sideways by {overflow}px")
                problems += [f"{path} @{width}: {v['id']} {v['targets']}" for v in run_axe(page)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
