"""A paper applicant gives an address later: the Fachdienst, at 1280 px without JavaScript,
enters it on the application's page (first without the consent: refused in German, the
address kept), and the page then offers the steps' messages by e-mail."""

import pytest

from foerderung.models import Antrag
from tests.foerderung.factories import AufrufFactory, fachdienst_user
from tests.foerderung.test_papier import daten, enter
from zwk_portal.models import OutgoingMail

from .test_foerderung_decision_journey import _as


@pytest.mark.django_db(transaction=True)
def test_the_fachdienst_adds_the_address_of_a_paper_applicant(live_server, browser, settings):
    settings.ZWK_REQUIRE_2FA = False
    aufruf = AufrufFactory()
    staff = fachdienst_user(aufruf.kommune)
    antrag = enter(
        aufruf, staff, eingegangen_am=aufruf.einreichung_ab.date(), data=daten(aufruf, email="")
    )
    page = _as(browser, live_server, staff, width=1280, javascript=False)
    page.goto(f"{live_server.url}/verwaltung/foerderung/antraege/{antrag.pk}/")
    form = page.locator("#email-nachtragen")
    form.get_by_label("E-Mail-Adresse der Antragstellerin").fill("erika@beispieldorf.example")
    form.get_by_role("button", name="Eintragen und Weg ins Portal schicken").click()
    form = page.locator("#email-nachtragen")
    assert "Ohne dieses Einverständnis gehen Bescheide weiter per Post." in form.inner_text()
    field = form.get_by_label("E-Mail-Adresse der Antragstellerin")
    assert field.input_value() == "erika@beispieldorf.example"
    assert Antrag.objects.get(pk=antrag.pk).email == ""

    form.get_by_label("ist einverstanden").check()
    form.get_by_role("button", name="Eintragen und Weg ins Portal schicken").click()
    assert "Die E-Mail-Adresse ist eingetragen." in page.content()
    assert page.locator("#email-nachtragen").count() == 0
    assert "Wird per E-Mail geschickt" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert Antrag.objects.get(pk=antrag.pk).email == "erika@beispieldorf.example"
    assert OutgoingMail.objects.filter(kind="foerderung_zugang").count() == 1
