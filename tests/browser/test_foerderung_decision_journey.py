"""From application to notice in Debian's chromium, every role by its own buttons:
the association applies, the Fachdienst asks for more with an internal note, the
association resubmits, the jury scores (one member biased), the chair records a partial
grant with reasons, the Fachdienst issues the notice, and the notice says what the law
asks of it."""

import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from foerderung.models import Antrag, Dokument, Finanzierungsart, Status
from tests.foerderung.factories import (
    AntragFactory,
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    UserFactory,
    fachdienst_user,
)

INTERN = "INTERN: Der Vorsitzende des Vereins ist mit einem Jurymitglied verwandt."


def _as(browser, live_server, user, width=390, javascript=True):
    """A browser context signed in as `user`: phone-sized, unless `width` says otherwise."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width < 800 else 900},
        locale="de-DE",
        java_script_enabled=javascript,
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10000)
    return page


def _step(page, name: str, **fields):
    """Fill the form of step `name` by its labels and press its button."""
    form = page.locator(f"#schritt-{name}")
    for label, value in fields.items():
        form.get_by_label(label, exact=False).first.fill(value)
    form.get_by_role("button").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_from_application_to_a_lawful_partial_grant(live_server, browser, settings):
    settings.ZWK_REQUIRE_2FA = False
    aufruf = AufrufFactory(
        kommune__slug="ludwigslust-parchim",
        kommune__name="Landkreis Ludwigslust-Parchim",
        kommune__anschrift="Putlitzer Straße 25\n19370 Parchim",
        budget=Decimal("30000"),
        hoechstbetrag=Decimal("5000"),
        aktenzeichen="KPF-2026",
        finanzierungsart=Finanzierungsart.FESTBETRAG,
    )
    kriterium = KriteriumFactory(aufruf=aufruf, name="Demografischer Mehrwert", gewicht=2)
    applicant = UserFactory(username="verein@example.org")
    antrag = AntragFactory(
        aufruf=aufruf,
        antragsteller=applicant,
        beantragt=Decimal("3000"),
        eigenmittel=Decimal("0"),
        title="Treffpunkt am Dorfteich",
    )
    fachdienst = fachdienst_user(aufruf.kommune, first_name="Frieda", last_name="Förster")
    chair = JuryFactory(
        aufruf=aufruf,
        vorsitz=True,
        mitglied=UserFactory(username="vorsitz", first_name="Jutta", last_name="Vorsitz"),
    ).mitglied
    biased = JuryFactory(aufruf=aufruf, mitglied=UserFactory(username="onkel")).mitglied
    base = live_server.url
    verein = _as(browser, live_server, applicant)
    amt = _as(browser, live_server, fachdienst)
    vorsitz = _as(browser, live_server, chair)
    onkel = _as(browser, live_server, biased)
    staff_url = f"{base}/verwaltung/foerderung/antraege/{antrag.pk}/"

    # The association submits its application.
    verein.goto(f"{base}/konto/antraege/{antrag.pk}/bearbeiten/")
    verein.get_by_role("button", name="Antrag einreichen").click()
    assert "Ihr Antrag ist eingereicht" in verein.content()
    first_submission = Antrag.objects.get(pk=antrag.pk).submitted_at

    # The Fachdienst asks for more, with a note that must stay inside.
    amt.goto(staff_url)
    mail.outbox.clear()
    _step(
        amt,
        "nachfordern",
        **{"Was fehlt?": "Bitte nennen Sie den Kostenvoranschlag.", "Interner Vermerk": INTERN},
    )
    assert "Erledigt: Nachforderung senden" in amt.content()
    assert INTERN in amt.content()

    # The association sees the request, not the note, and resubmits.
    verein.goto(f"{base}/konto/antraege/{antrag.pk}/")
    assert "Bitte nennen Sie den Kostenvoranschlag." in verein.content()
    assert "INTERN" not in verein.content()
    verein.get_by_role("link", name="Antrag bearbeiten und einreichen").click()
    verein.get_by_label("Partner").fill("Tischlerei Muster (Kostenvoranschlag liegt vor)")
    verein.get_by_role("button", name="Antrag erneut einreichen").click()
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT
    assert antrag.submitted_at == first_submission  # the deadline counts from the first
    assert all("INTERN" not in m.body for m in mail.outbox)

    amt.goto(staff_url)
    _step(amt, "formal_pruefen")
    _step(amt, "an_jury")
    antrag.refresh_from_db()
    assert antrag.status == Status.JURY

    # One member is biased and out; the chair scores and records a partial grant.
    onkel.goto(f"{base}/jury/antraege/{antrag.pk}/")
    onkel.get_by_role("button", name="Ich bin befangen").click()
    assert "Sie haben sich für befangen erklärt" in onkel.content()
    vorsitz.goto(f"{base}/jury/antraege/{antrag.pk}/")
    vorsitz.get_by_role("button", name="Ich bin nicht befangen").click()
    vorsitz.locator(f"#id_punkte_{kriterium.pk}").fill("7")
    vorsitz.get_by_role("button", name="Bewertung speichern").click()
    form = vorsitz.locator("#schritt-entscheiden")
    form.get_by_label("Teilbewilligung", exact=True).check()
    # Wrong first: more than requested is no partial grant; the form comes back filled in.
    form.get_by_label("Bewilligter Betrag").fill("3.500,00")
    form.get_by_label("Begründung").fill("Das Eröffnungsfest ist nicht zuwendungsfähig.")
    form.get_by_role("button").click()
    assert "unter den beantragten 3.000,00" in vorsitz.content()
    form = vorsitz.locator("#schritt-entscheiden")
    assert form.get_by_label("Begründung").input_value().startswith("Das Eröffnungsfest")
    form.get_by_label("Bewilligter Betrag").fill("1.500,00")
    form.get_by_role("button").click()
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTSCHIEDEN and antrag.bewilligt == Decimal("1500.00")
    assert mail.outbox == [] or all("1.500" not in m.body for m in mail.outbox)

    # The Fachdienst issues the notice in its officer's name.
    amt.goto(staff_url)
    assert "Teilbewilligung" in amt.content()
    _step(amt, "bescheid")
    antrag.refresh_from_db()
    assert antrag.status == Status.BESCHEID_ERTEILT
    notice = antrag.dokumente.get(art=Dokument.Art.BESCHEID)
    verein.goto(f"{base}/konto/antraege/{antrag.pk}/")
    assert verein.get_by_role("link", name="Zuwendungsbescheid vom").count() == 1

    with notice.datei.open("rb") as handle:
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=handle.read(), capture_output=True, check=True
        ).stdout.decode()
    flat = " ".join(text.split())
    for element in (
        "Frieda Förster",
        "KPF-2026",
        "Teilbewilligung",
        "Das Eröffnungsfest ist nicht zuwendungsfähig.",
        "1.500,00 €",
        "3.000,00 €",
        "Festbetragsfinanzierung",
        "Anlage",
        "Rechtsbehelfsbelehrung",
        "Der Landkreis Ludwigslust-Parchim",
    ):
        assert element in flat, element
    assert "INTERN" not in flat
