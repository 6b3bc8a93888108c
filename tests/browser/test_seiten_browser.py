import pytest

from kommunen.models import Kommune
from seiten.models import Barrieremeldung


@pytest.mark.django_db(transaction=True)
def test_report_a_barrier_from_the_footer_without_javascript(live_server, page_nojs, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Kommune.objects.create(name="Landkreis Ludwigslust-Parchim", slug="ludwigslust-parchim")
    page = page_nojs
    page.goto(live_server.url + "/ludwigslust-parchim/")
    page.get_by_role("contentinfo").get_by_role("link", name="Barriere melden").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Barriere melden"
    assert page.get_by_label("Auf welcher Seite").input_value() == "/ludwigslust-parchim/"

    page.get_by_role("button", name="Meldung absenden").click()
    summary = page.get_by_role("alert").filter(has_text="Bitte prüfen Sie Ihre Angaben")
    link = summary.get_by_role("link", name="Bitte beschreiben Sie die Barriere.")
    assert link.get_attribute("href") == "#id_description"
    link.click()
    assert page.url.endswith("#id_description")

    page.get_by_label("Was ist das Problem?").fill(
        "Die Tabelle im Werkstattplan hat keine Überschriften."
    )
    page.get_by_label("Ihre E-Mail-Adresse (freiwillig)").fill("erika@example.org")
    page.get_by_role("button", name="Meldung absenden").click()
    assert "Vielen Dank für Ihre Meldung" in page.get_by_role("heading", level=1).inner_text()
    meldung = Barrieremeldung.objects.get()
    assert meldung.seite == "/ludwigslust-parchim/"
    assert meldung.email == "erika@example.org"
