"""The applicant's and the jury's journeys in Debian's chromium."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from foerderung import services
from foerderung.forms import FIELD_LABELS
from foerderung.models import Antrag, Status
from tests.foerderung.factories import (
    AntragFactory,
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    UserFactory,
    antrag_in,
    fachdienst_user,
)

PASSWORD = "sicheres-passwort-123"


def login(page, base, username):
    page.goto(base + "/konto/anmelden/")
    page.get_by_role("textbox", name="Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()


@pytest.mark.django_db(transaction=True)
def test_applicant_applies_is_asked_for_more_and_resubmits(live_server, page):
    aufruf = AufrufFactory(
        kommune__slug="ludwigslust-parchim", kommune__name="Landkreis Ludwigslust-Parchim"
    )
    applicant = UserFactory(username="verein@example.org")
    base = live_server.url

    page.goto(base + aufruf.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == aufruf.title
    page.get_by_role("link", name="Anmelden und Antrag stellen").click()
    page.get_by_role("textbox", name="Benutzername").fill(applicant.username)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_role("button", name="Antrag stellen").click()

    page.get_by_label("Name der Organisation").fill("Heimatverein Beispieldorf e. V.")
    page.get_by_label("Art der Organisation").select_option("verein")
    page.get_by_label("Projekttitel").fill("Treffpunkt für Jung und Alt")
    page.get_by_role("button", name="Entwurf speichern").click()
    assert "Ihr Entwurf ist gespeichert" in page.content()

    # Submitting an incomplete application: summary at the top linking to the fields.
    page.get_by_role("button", name="Antrag einreichen").click()
    summary = page.locator("#fehler")
    assert "Bitte prüfen Sie Ihre Angaben" in summary.inner_text()
    assert summary.locator('a[href="#id_iban"]').count() == 1

    fields = {
        "Rechtsform": "eingetragener Verein",
        "Straße und Hausnummer": "Dorfstraße 1",
        "Postleitzahl": "19288",
        "Ort": "Ludwigslust",
        "Gemeinde im Landkreis": "Ludwigslust",
        "Ansprechperson": "Erika Beispiel",
        "Telefon": "03874 000000",
        "Kontoinhaber": "Heimatverein",
        "IBAN": "DE89 3704 0044 0532 0130 00",
        "Kurzbeschreibung": "Bänke und Tisch am Dorfteich",
        "Projektbeschreibung": "Wir bauen einen Treffpunkt.",
        "Demografischer Mehrwert": "Jung und Alt treffen sich.",
        "Zielgruppen": "Alle im Dorf",
        "Ort der Umsetzung": "Dorfteich",
        "Eigenmittel": "500",
        "Drittmittel": "0",
        "Beantragte Förderung": "2500",
    }
    for label, value in {**fields, "E-Mail": "verein@example.org"}.items():
        # What the application needs says so after its label: "Ort (Pflichtfeld)".
        page.get_by_label(re.compile(rf"^{re.escape(label)}( \(Pflichtfeld\))?$")).fill(value)
    page.get_by_label("Projektbeginn").fill(aufruf.umsetzung_von.isoformat())
    page.get_by_label("Projektende").fill(aufruf.umsetzung_bis.isoformat())
    page.get_by_label("Kinder").check()
    page.get_by_label("Seniorinnen und Senioren").check()
    page.locator("#id_kosten-0-bezeichnung").fill("Bänke und Tisch")
    page.locator("#id_kosten-0-betrag").fill("3000,00")
    page.get_by_label("Das Projekt hat vor der Bewilligung nicht begonnen.").check()
    page.get_by_label("Die Angaben sind vollständig und wahr.").check()
    page.get_by_label("Ich habe den Datenschutzhinweis gelesen", exact=False).check()
    page.get_by_role("button", name="Antrag einreichen").click()
    assert "Ihr Antrag ist eingereicht" in page.content()
    antrag = Antrag.objects.get(antragsteller=applicant)
    assert antrag.status == Status.EINGEREICHT
    assert antrag.eingangsnummer in page.content()

    services.request_more(
        antrag=antrag,
        by=fachdienst_user(),
        nachricht="Bitte den Kostenvoranschlag nennen.",
        frist=timezone.localdate() + datetime.timedelta(days=14),
        vermerk="INTERN: Kostenplan wirkt überhöht.",
    )
    page.reload()
    assert "Bitte den Kostenvoranschlag nennen." in page.content()
    assert "INTERN" not in page.content()  # the internal note stays with the Fachdienst
    page.get_by_role("link", name="Antrag bearbeiten und einreichen").click()
    page.get_by_label("Partner").fill("Tischlerei Muster (Kostenvoranschlag liegt vor)")
    page.get_by_role("button", name="Antrag erneut einreichen").click()
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT
    assert "erneut eingereicht" in page.content() or "Ihr Antrag ist eingereicht" in page.content()


@pytest.mark.django_db(transaction=True)
def test_applicant_pages_work_without_javascript(live_server, page_nojs):
    antrag = AntragFactory()
    login(page_nojs, live_server.url, antrag.antragsteller.username)
    page_nojs.goto(live_server.url + "/konto/")
    page_nojs.get_by_role("link", name=antrag.title).click()
    page_nojs.get_by_role("link", name="Antrag bearbeiten").click()
    page_nojs.get_by_role("button", name="Antrag einreichen").click()
    assert "Ihr Antrag ist eingereicht" in page_nojs.content()


@pytest.mark.django_db(transaction=True)
def test_jury_scores_and_chair_records_a_partial_grant(live_server, page):
    aufruf = AufrufFactory(budget=Decimal("6000"))
    kriterium = KriteriumFactory(aufruf=aufruf, name="Demografischer Mehrwert", gewicht=3)
    antrag = antrag_in(Status.JURY, aufruf=aufruf, title="Digital fit im Alter")
    chair = JuryFactory(
        aufruf=aufruf, vorsitz=True, mitglied=UserFactory(username="vorsitz")
    ).mitglied
    base = live_server.url

    login(page, base, chair.username)
    page.goto(base + "/jury/")
    page.get_by_role("link", name=aufruf.title).click()
    assert "6.000,00" in page.content()
    page.get_by_role("link", name="Digital fit im Alter").click()
    page.get_by_role("button", name="Ich bin nicht befangen").click()
    page.locator(f"#id_punkte_{kriterium.pk}").fill("9")
    page.locator(f"#id_kommentar_{kriterium.pk}").fill("Überzeugend")
    page.get_by_role("button", name="Bewertung speichern").click()
    assert "Ihre Bewertung ist gespeichert" in page.content()
    decision = page.locator("#schritt-entscheiden")
    decision.get_by_label("Teilbewilligung", exact=True).check()
    decision.get_by_label(str(FIELD_LABELS["betrag"])).fill("2000")
    decision.get_by_label(str(FIELD_LABELS["begruendung"])).fill(
        "Die Tablets werden gefördert, der Internetanschluss nicht."
    )
    decision.get_by_role("button", name="Entscheidung der Jury festhalten").click()
    assert "Erledigt: Entscheidung der Jury festhalten." in page.content()
    antrag.refresh_from_db()
    # Recorded, not yet notified: the Fachdienst issues the notice next.
    assert antrag.status == Status.ENTSCHIEDEN and antrag.bewilligt == Decimal("2000")
    assert page.locator("#schritt-entscheiden").count() == 0
    page.get_by_role("link", name="Zur Rangliste").click()
    assert "9.00" in page.content() or "9,00" in page.content()


@pytest.mark.django_db(transaction=True)
def test_biased_member_sees_no_scores(live_server, page):
    aufruf = AufrufFactory()
    KriteriumFactory(aufruf=aufruf)
    antrag = antrag_in(Status.JURY, aufruf=aufruf, title="Boule-Platz")
    member = JuryFactory(aufruf=aufruf, mitglied=UserFactory(username="mitglied")).mitglied
    login(page, live_server.url, member.username)
    page.goto(live_server.url + f"/jury/antraege/{antrag.pk}/")
    page.get_by_role("button", name="Ich bin befangen").click()
    assert "Sie haben sich für befangen erklärt" in page.content()
    assert page.get_by_role("button", name="Bewertung speichern").count() == 0
    assert not User.objects.get(pk=member.pk).is_staff
