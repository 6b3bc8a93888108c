"""The coordination finds a failed mail in the Postausgang and sends it again, in chromium."""

import pytest
from django.core import mail as django_mail

from tests.browser.test_accessibility import horizontal_overflow, run_axe
from tests.factories import KommuneFactory, koordination_user
from zwk_portal import mail
from zwk_portal.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coordination_sends_a_failed_mail_again(live_server, browser, settings):
    settings.ZWK_REQUIRE_2FA = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    kommune = KommuneFactory(name="Landkreis Rostock", slug="rostock")
    user = koordination_user(kommune, username="koordination-rostock")
    user.set_password("demo-koordination-rostock")
    user.save()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    failed = mail.queue(
        kind="events_confirm_request",
        to=["erika@example.org"],
        subject="Bitte bestätigen Sie Ihre Anmeldung: Von A nach B im Landkreis Rostock",
        text="Guten Tag, bitte bestätigen Sie: https://portal.example/bestaetigen/geheim",
        html="<p>…</p>",
        kommune=kommune,
    )
    OutgoingMail.objects.filter(pk=failed.pk).update(
        status=OutgoingMail.Status.FAILED, attempts=80, last_error="ConnectionRefusedError: …"
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    problems = []
    for width, javascript in ((390, False), (1280, True)):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            locale="de-DE",
            java_script_enabled=javascript,
            bypass_csp=True,  # axe is injected
        )
        page = context.new_page()
        page.goto(live_server.url + "/admin/")
        page.get_by_label("Benutzername").fill("koordination-rostock")
        page.get_by_label("Passwort").fill("demo-koordination-rostock")
        page.get_by_role("button", name="Anmelden").click()
        page.get_by_role("link", name="Postausgang").first.click()
        page.wait_for_load_state("load")  # the admin's style sheets, before measuring
        region = page.get_by_role("region", name="Nicht gesendete E-Mails nach Art")
        assert "Veranstaltung: Anmeldung bitte bestätigen" in region.inner_text()
        row = page.locator("#result_list tbody tr").filter(has_text="erika@example.org")
        assert "fehlgeschlagen" in row.inner_text()
        assert "geheim" not in page.content()  # never the content: it holds the link
        if width < 1280 and (overflow := horizontal_overflow(page)):
            problems.append(f"@{width}: the page scrolls sideways by {overflow}px")
        if javascript:
            problems += [
                f"@{width}: {v['id']} ({v['impact']}) {v['help']} -> {v['targets']}"
                for v in run_axe(page)
            ]
            row.locator("input.action-select").check()
            page.locator("select[name=action]").select_option(label="Erneut senden")
            page.get_by_role("button", name="Ausführen").click()
            message = page.locator(".messagelist").inner_text()
            assert "erneut in die Warteschlange gestellt: 1" in message
        context.close()
    assert not problems, "\n".join(problems)
    failed.refresh_from_db()
    assert failed.status == OutgoingMail.Status.SENT
    assert [m.to for m in django_mail.outbox] == [["erika@example.org"]]
