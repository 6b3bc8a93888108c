import re

import pytest
from axes.utils import reset
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from foerderung.models import Antrag, Foerderaufruf

from .factories import AntragFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_password_login_locks_after_five_failures(client):
    """django-axes locks the username (from this address) at the fifth failure."""
    user = UserFactory(username="verein")
    url = reverse("konto:login")
    for _ in range(4):
        assert client.post(url, {"username": "verein", "password": "falsch"}).status_code == 200
    assert client.post(url, {"username": "verein", "password": "falsch"}).status_code == 429
    response = client.post(url, {"username": "verein", "password": "sicheres-passwort-123"})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen" in response.content.decode()
    reset(username="verein")
    assert (
        client.post(
            url, {"username": user.username, "password": "sicheres-passwort-123"}
        ).status_code
        == 302
    )


def test_login_link_creates_account_once_and_is_single_use(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("konto:link_request"), {"email": "Neu@Example.org", "next": "/konto/"}
        )
    assert "Bitte sehen Sie in Ihr Postfach" in response.content.decode()
    [mail] = mailoutbox
    link = re.search(r"http://\S+", mail.body).group(0)
    path = (
        link.split("127.0.0.1:8000", 1)[-1]
        if "127.0.0.1:8000" in link
        else "/" + link.split("/", 3)[3]
    )
    assert client.get(path).status_code == 200  # confirmation page, not yet logged in
    assert client.post(path).status_code == 302
    user = User.objects.get(email="neu@example.org")
    assert not user.has_usable_password()
    assert client.get(reverse("konto:konto")).status_code == 200
    client.logout()
    assert client.post(path).status_code == 410


def test_login_links_are_rate_limited(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.post(reverse("konto:link_request"), {"email": "a@example.org"})
    assert len(mailoutbox) == 3


def test_invalid_email_for_link_shows_field_error(client):
    response = client.post(reverse("konto:link_request"), {"email": "keine-adresse"})
    assert response.status_code == 400
    assert "gültige E-Mail-Adresse" in response.content.decode()


def test_demo_is_repeatable_and_follows_the_seeds():
    call_command("setup_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("setup_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    a2020 = Foerderaufruf.objects.get(
        title="Aufruf für gemeinschaftsstärkende Kleinstprojekte 2020"
    )
    assert (a2020.budget, a2020.hoechstbetrag) == (30000, 10000)
    a2022 = Foerderaufruf.objects.get(title="Kleinprojektefonds 2022")
    assert a2022.hoechstbetrag == 5000
    assert (
        a2022.einreichung_bis.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
        .date()
        .isoformat()
        == "2022-06-10"
    )
    assert (a2022.umsetzung_von.isoformat(), a2022.umsetzung_bis.isoformat()) == (
        "2022-06-21",
        "2022-10-31",
    )
    assert a2022.fachdienst == "Gleichstellung, Generationen und Vielfalt"
    assert not a2020.ist_offen() and not a2022.ist_offen()
    assert Foerderaufruf.objects.filter(title__endswith="(Demo)").get().ist_offen()
    assert Antrag.objects.count() == 8
    # The closed example was paid its grant, the paid one owes its report: the ledger says so.
    geschlossen = Antrag.objects.get(status="abgeschlossen")
    assert geschlossen.saldo.ausgezahlt == geschlossen.bewilligt == 2500
    bezahlt = Antrag.objects.get(status="ausgezahlt")
    assert (bezahlt.saldo.ausgezahlt, bezahlt.saldo.auszuzahlen) == (1000, 500)
    assert bezahlt.fristen.get().art == "nachweis"
    assert all(a.ist_beispiel and a.title.startswith("Beispiel") for a in Antrag.objects.all())
    # Numbered by the one rule of services.eingangsnummer: the year each came in.
    for antrag in Antrag.objects.exclude(eingangsnummer=None):
        jahr = timezone.localtime(antrag.submitted_at).year
        assert antrag.eingangsnummer.startswith(f"KPF-{jahr}-{antrag.aufruf_id:02d}-")
    for username in ("antrag", "fachdienst", "jury-vorsitz", "jury"):
        assert User.objects.filter(username=username).count() == 1


def test_admin_pages_open_for_the_unit(admin_client):
    AntragFactory()
    for name in (
        "admin:foerderung_foerderaufruf_changelist",
        "admin:foerderung_foerderaufruf_add",
        "admin:foerderung_antrag_changelist",
    ):
        assert admin_client.get(reverse(name)).status_code == 200


def test_password_login_lands_on_the_account_page(client, django_user_model):
    django_user_model.objects.create_user("verein", password="ein-langes-passwort-2026")
    response = client.post(
        "/konto/anmelden/", {"username": "verein", "password": "ein-langes-passwort-2026"}
    )
    assert response.status_code == 302 and response["Location"] == "/konto/"
