"""Public pages do not move while they load (issue #15: "stable layout while loading").

A phone on a slow connection: the web fonts arrive after the first paint. With
`font-display: swap` the text was set again in Fira Sans and pushed the page down
(Lighthouse: Cumulative Layout Shift 0.69 on the plan page); with `optional` and a
preload the page is laid out once. Measured with the browser's Layout Instability API.
"""

import pytest

from tests.werkstattplan.test_pages import make_full_plan

pytestmark = pytest.mark.django_db(transaction=True)

SLOW_4G = {  # Lighthouse's mobile setting, roughly
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
RECORD_SHIFTS = """
    window.__shifts = [];
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) window.__shifts.push(entry.value);
        }
    }).observe({type: "layout-shift", buffered: true});
"""


def cumulative_layout_shift(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 412, "height": 823}, locale="de-DE")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        page.add_init_script(RECORD_SHIFTS)
        page.goto(url, wait_until="load")
        page.wait_for_timeout(1000)  # whatever arrives late has arrived
        assert page.evaluate("document.fonts.status") == "loaded"
        return sum(page.evaluate("window.__shifts"))
    finally:
        context.close()


def test_the_plan_page_does_not_move_while_its_fonts_load(browser, live_server):
    plan = make_full_plan()
    for path in (plan.get_absolute_url(), f"/{plan.kommune.slug}/", "/netzwerk/"):
        shift = cumulative_layout_shift(browser, live_server.url + path)
        assert shift < 0.1, f"{path}: layout shift {shift:.3f}"
