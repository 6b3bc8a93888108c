""" "… in Zahlen" in Chromium: axe at 320 and 1280 px with and without JavaScript, no
Content-Security-Policy violation, charts that load as images and keep their box while loading."""

import re

import pytest

from statistik import parsers, services
from statistik.demo import ABGERUFEN_AM, TSV
from statistik.models import Indikator, Planzahl
from tests.browser.test_accessibility import AXE, AXE_TAGS, horizontal_overflow
from tests.factories import HandlungsfeldFactory, KommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def zahlen(db):
    kommune = KommuneFactory(
        slug="ludwigslust-parchim", name="Landkreis Ludwigslust-Parchim", ags="13076"
    )
    services.import_datei(
        kommune=kommune, datei=parsers.read_file(TSV.read_bytes()), abgerufen_am=ABGERUFEN_AM
    )
    handlungsfeld = HandlungsfeldFactory(plan__kommune=kommune, plan__published=True)
    Planzahl.objects.create(
        indikator=Indikator.objects.get(kommune=kommune, name="Bevölkerung nach Altersgruppen"),
        merkmale="75 und mehr",
        label="Menschen ab 75 Jahren",
        anteil=True,
        handlungsfeld=handlungsfeld,
    )
    empty = KommuneFactory(slug="ohne-zahlen", name="Gemeinde ohne Zahlen", ags="13076001")
    return {
        "page": f"/{kommune.slug}/in-zahlen/",
        "empty": f"/{empty.slug}/in-zahlen/",
        "plan": handlungsfeld.plan.get_absolute_url(),
        "start": f"/{kommune.slug}/",
    }


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            if (!result.passes.length) throw new Error("axe checked nothing");
            return result.violations.map(v => v.id + ": " + v.help + " " +
                v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", "));
        }""",
        AXE_TAGS,
    )
    return violations


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_pages_pass_axe_and_reflow(browser, live_server, zahlen, javascript):
    # axe is injected, which the portal's CSP forbids: this context alone ignores the CSP.
    context = browser.new_context(locale="de-DE", bypass_csp=True)
    page = context.new_page()
    # Without JavaScript: the page as a browser without it builds it, checked by axe in a page
    # that has the same document (axe itself needs JavaScript).
    nojs = browser.new_context(locale="de-DE", java_script_enabled=False)
    if not javascript:  # and in the fallback font, which a slow first visit keeps
        for ctx in (context, nojs):  # (font-display: optional)
            ctx.route(re.compile(r"\.woff2?$"), lambda route: route.abort())
    plain = nojs.new_page()
    problems = []
    try:
        for name in ("page", "empty", "plan", "start"):
            for width in (320, 1280):
                for tab in (page, plain):
                    tab.set_viewport_size({"width": width, "height": 900})
                response = (plain if not javascript else page).goto(live_server.url + zahlen[name])
                assert response.status == 200
                if not javascript:
                    page.goto(live_server.url + zahlen[name])
                    page.set_content(plain.content())
                if width == 320 and (overflow := horizontal_overflow(page)):
                    problems.append(f"{name} @320 scrolls sideways by {overflow}px")
                if page.get_by_role("heading", level=1).count() != 1:
                    problems.append(f"{name}: not exactly one h1")
                problems += [f"{name} @{width}: {v}" for v in axe_violations(page)]
    finally:
        context.close()
        nojs.close()
    assert not problems, "\n".join(problems)


def test_no_csp_violation_and_every_chart_loads(browser, live_server, zahlen):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if re.search("Content Security Policy|Refused to", message.text)
            else None
        ),
    )
    try:
        page.goto(live_server.url + zahlen["page"])
        page.wait_for_load_state("load")
        images = page.locator(".zahlen-chart img")
        assert images.count() == 4
        for index in range(images.count()):
            natural = images.nth(index).evaluate("img => [img.complete, img.naturalWidth]")
            assert natural == [True, 720], images.nth(index).get_attribute("src")
        assert not violations, violations
    finally:
        context.close()


def test_charts_keep_their_box_while_loading(browser, live_server, zahlen):
    """Width and height on the <img>: the page does not jump when a chart arrives."""
    boxes, layout, held = {}, {}, []

    def hold(route):
        held.append(route)

    for loading in (True, False):
        context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 900})
        # Both loads in the fallback font: with font-display optional a web font that comes
        # late (a busy machine) is not used, and the two loads would set different text.
        context.route(re.compile(r"\.woff2$"), lambda route: route.abort())
        if loading:  # the charts' answers are held back: measured while they are still loading
            context.route(re.compile(r"\.svg$"), hold)
        page = context.new_page()
        page.goto(live_server.url + zahlen["page"], wait_until="domcontentloaded")
        # A browser paints nothing before the stylesheets of the <head> are there: measure
        # what is painted (on a busy machine they may come after DOMContentLoaded).
        page.wait_for_function(
            "() => [...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet)"
        )
        if not loading:
            page.wait_for_load_state("load")
        boxes[loading] = [page.locator(".zahlen-chart img").nth(i).bounding_box() for i in range(4)]
        # What else could make the boxes differ, for the message should this fail again.
        layout[loading] = page.evaluate(
            "() => ({page: document.documentElement.clientWidth,"
            " sheets: [...document.styleSheets].map(s => s.href && s.href.split('/').pop()),"
            " images: [...document.querySelectorAll('.zahlen-chart img')].map(i =>"
            " [i.complete, i.naturalWidth, i.naturalHeight, getComputedStyle(i).aspectRatio])})"
        )
        while held:
            held.pop().abort()
        context.close()
    heights = {loading: [box["height"] for box in boxes[loading]] for loading in boxes}
    assert heights[True] == heights[False], (boxes, layout)
    assert all(height > 100 for height in heights[False])
