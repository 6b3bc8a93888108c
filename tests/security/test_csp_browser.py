"""The main pages run in chromium under the Content-Security-Policy without one violation."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def test_main_pages_cause_no_csp_violation(live_server, page, world):
    w = world
    page.add_init_script(LISTEN)
    console = []
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    plan = w.werkzeug.handlungsfeld.plan
    public = [
        reverse("home"),
        reverse("kommune", kwargs={"kommune": w.kommune.slug}),
        reverse("werkstattplan:plan", kwargs={"kommune": w.kommune.slug, "plan": plan.slug}),
        reverse(
            "werkstattplan:werkzeug",
            kwargs={"kommune": w.kommune.slug, "plan": plan.slug, "werkzeug": w.werkzeug.slug},
        ),
        reverse("events:detail", kwargs={"kommune": w.kommune.slug, "slug": w.event.slug}),
        reverse("foerderung:aufruf", kwargs={"kommune": w.kommune.slug, "pk": w.aufruf.pk}),
        reverse("konto:login"),
    ]
    violations = {}

    def visit(path):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        found = page.evaluate("window.__csp || []")
        if found or console:
            violations[path] = [*found, *console]
            console.clear()

    for path in public:
        visit(path)
    # Sign in as the superuser (2FA is off in this test) and open staff and admin pages.
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "sicheres-passwort-123")
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state("load")
    for path in [
        reverse("events:staff_event", kwargs={"pk": w.event.pk}),
        reverse("foerderung:verwaltung_antrag", kwargs={"pk": w.antrag_a.pk}),
        reverse("admin:index"),
        reverse("admin:werkstattplan_werkzeug_change", args=[w.werkzeug.pk]),
        reverse("admin:events_veranstaltung_change", args=[w.event.pk]),
        reverse("admin:events_anmeldung_export"),
    ]:
        visit(path)
    assert not violations, violations
