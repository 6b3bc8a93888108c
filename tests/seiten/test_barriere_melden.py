import pytest
from django.core import mail

from seiten.models import Barrieremeldung


@pytest.fixture(autouse=True)
def _mail_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ZWK_BARRIERE_EMAIL = ""


@pytest.mark.django_db
def test_the_page_is_prefilled_from_the_seite_parameter_or_the_referer(client):
    html = client.get("/barriere-melden/?seite=/ludwigslust-parchim/").content.decode()
    assert 'value="/ludwigslust-parchim/"' in html
    html = client.get(
        "/barriere-melden/", HTTP_REFERER="http://testserver/impressum/?x=1"
    ).content.decode()
    assert 'value="/impressum/?x=1"' in html
    html = client.get(
        "/barriere-melden/", HTTP_REFERER="https://elsewhere.example/x"
    ).content.decode()
    assert "elsewhere.example" not in html


@pytest.mark.django_db(transaction=True)
def test_a_valid_report_is_stored_and_mailed_to_the_platform(client, plattform):
    response = client.post(
        "/barriere-melden/",
        {
            "seite": "/impressum/",
            "description": "Der Link im Impressum ist nicht mit der Tastatur erreichbar.",
            "name": "Erika Muster",
            "email": "erika@example.org",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/barriere-melden/danke/"
    meldung = Barrieremeldung.objects.get()
    assert meldung.status == Barrieremeldung.Status.NEU
    assert meldung.email == "erika@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["plattform@landkreis.example"]
    assert message.reply_to == ["erika@example.org"]
    assert "Neue Barrieremeldung" in message.subject
    assert "nicht mit der Tastatur erreichbar" in message.body
    assert f"/admin/seiten/barrieremeldung/{meldung.pk}/change/" in message.body


@pytest.mark.django_db(transaction=True)
def test_the_setting_overrides_the_platform_group(client, plattform, settings):
    settings.ZWK_BARRIERE_EMAIL = "barrierefrei@landkreis.example, it@landkreis.example"
    client.post("/barriere-melden/", {"description": "Kontrast zu schwach."})
    assert mail.outbox[0].to == ["barrierefrei@landkreis.example", "it@landkreis.example"]
    assert mail.outbox[0].reply_to == []


@pytest.mark.django_db
def test_an_empty_report_shows_the_error_summary_with_links(client):
    response = client.post("/barriere-melden/", {"email": "kein-at-zeichen"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert (
        '<a class="kern-link" href="#id_description">Bitte beschreiben Sie die Barriere.</a>'
        in html
    )
    assert 'href="#id_email"' in html
    assert "<title>Fehler:" in html
    assert not Barrieremeldung.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_honeypot_looks_like_success_and_stores_nothing(client, plattform):
    response = client.post(
        "/barriere-melden/", {"description": "Spam", "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert not Barrieremeldung.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_done_reports_get_a_date_and_lose_it_when_reopened():
    meldung = Barrieremeldung.objects.create(description="x")
    meldung.status = Barrieremeldung.Status.ERLEDIGT
    meldung.save()
    assert meldung.erledigt_at is not None
    meldung.status = Barrieremeldung.Status.IN_BEARBEITUNG
    meldung.save()
    assert meldung.erledigt_at is None


@pytest.mark.django_db
def test_the_platform_sees_and_edits_reports_in_the_admin(client, plattform, koordination):
    meldung = Barrieremeldung.objects.create(description="Formular ohne Beschriftung")
    client.force_login(koordination)  # a Kommune's coordination: not the installation's pages
    assert client.get("/admin/seiten/barrieremeldung/").status_code == 403
    client.force_login(plattform)
    html = client.get("/admin/seiten/barrieremeldung/").content.decode()
    assert "Formular ohne Beschriftung" in html
    response = client.post(
        f"/admin/seiten/barrieremeldung/{meldung.pk}/change/",
        {"status": "erledigt", "notiz": "Beschriftung ergänzt."},
    )
    assert response.status_code == 302
    meldung.refresh_from_db()
    assert meldung.status == "erledigt" and meldung.erledigt_at is not None
    # Pages: edited, not added or deleted.
    assert client.get("/admin/seiten/seite/").status_code == 200
    assert client.get("/admin/seiten/seite/add/").status_code == 403
