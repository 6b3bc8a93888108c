"""Error pages with DEBUG off: German (English under /en/), in the portal's layout, with a
way back that works, and never a traceback or a server path.

The views below raise the errors a real page can raise; this module doubles as the
URLconf of the tests marked `error_urls` (the portal's URLs plus these, with the
portal's error handlers).
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject

from events import services
from events.models import Anmeldung
from tests.factories import KommuneFactory, TeilnahmeoptionFactory
from werkstattplan.models import Werkzeug
from zwk_portal import errors
from zwk_portal.urls import handler400, handler403, handler404, handler500
from zwk_portal.urls import urlpatterns as portal_urlpatterns


def _forbidden(request):
    raise PermissionDenied("Nur für die Koordination")


def _suspicious(request):
    raise SuspiciousOperation(f"Ungültige Sitzung in {__file__}")


def _broken(request):
    raise RuntimeError(f"Kaputt in {__file__}")


def _database_gone(request):
    raise OperationalError('connection to server on socket "/run/postgresql/.s.PGSQL.5432" failed')


def _database_gone_wrapped(request):
    try:
        raise InterfaceError("connection already closed")
    except InterfaceError as error:
        raise RuntimeError(f"Seite in {__file__} nicht geladen") from error


def _no_database_needed(request):
    return HttpResponse("Ohne Datenbank")


urlpatterns = [
    path("test-fehler/403/", _forbidden),
    path("test-fehler/400/", _suspicious),
    path("test-fehler/500/", _broken),
    path("test-fehler/datenbank/", _database_gone),
    path("test-fehler/datenbank-verpackt/", _database_gone_wrapped),
    path("test-fehler/ohne-datenbank/", _no_database_needed),
    *portal_urlpatterns,
]
# Django takes the error handlers from the URLconf module, so this one re-exports the portal's.
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

error_urls = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def assert_portal_error_page(client, response, status, *texts, back="/"):
    """Status, text, the portal's layout, no traceback or path, and a link `back` that works."""
    html = response.content.decode()
    assert response.status_code == status, html[:500]
    for text in texts:
        assert text in html, text
    assert 'class="skip-link"' in html and 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert "Traceback" not in html and 'File "' not in html
    assert "/work/" not in html and "site-packages" not in html and ".py" not in html
    assert f'href="{back}"' in html
    assert Client().get(back, follow=True).status_code == 200
    return html


# ------------------------------------------------------------------------ 404


def test_unknown_address_is_a_german_404_in_the_portal_layout(client, db):
    response = client.get("/gibt-es-nicht/auch-nicht/")
    html = assert_portal_error_page(
        client, response, 404, "Diese Seite gibt es nicht", "falsch geschrieben", "verschoben"
    )
    assert 'lang="de"' in html
    assert 'href="/impressum/"' in html and 'href="/barriere-melden/' in html
    assert "Not Found" not in html


def test_unknown_address_under_en_is_an_english_404(client, db):
    response = client.get("/en/gibt-es-nicht/auch-nicht/")
    html = assert_portal_error_page(client, response, 404, "This page does not exist", back="/en/")
    assert 'lang="en"' in html and 'href="/en/"' in html
    assert "Diese Seite gibt es nicht" not in html


def test_unknown_page_of_a_commune_leads_back_to_the_commune(client, db):
    kommune = KommuneFactory(name="Landkreis Rostock", slug="rostock")
    KommuneFactory(slug="andere")  # with two communes the start page lists them
    response = client.get("/rostock/gibt-es-nicht/")
    html = assert_portal_error_page(client, response, 404, "Zur Seite von Landkreis Rostock")
    assert 'href="/rostock/"' in html
    assert client.get(kommune.get_absolute_url()).status_code == 200
    english = client.get("/en/rostock/gibt-es-nicht/").content.decode()
    assert 'href="/en/rostock/"' in english


def test_a_first_segment_that_is_no_commune_gives_no_commune_link(client, db):
    html = client.get("/nirgendwo/seite/").content.decode()
    assert "Zur Seite von" not in html


# ------------------------------------------------------------------------ 403


@error_urls
def test_forbidden_page_is_german_and_tells_visitors_to_log_in(client, db):
    response = client.get("/test-fehler/403/")
    html = assert_portal_error_page(client, response, 403, "keinen Zugriff", "„Anmelden“")
    assert "Nur für die Koordination" not in html  # the exception's text is not for visitors
    assert "403 Forbidden" not in html


@error_urls
def test_forbidden_page_tells_staff_whom_to_ask_for_the_role(client, db):
    client.force_login(User.objects.create_user("mitarbeit", password="x" * 16, is_staff=True))
    response = client.get("/test-fehler/403/")
    assert_portal_error_page(
        client, response, 403, "fehlt wahrscheinlich die Rolle", "Koordination Ihrer Kommune"
    )


def test_a_real_forbidden_admin_page_uses_the_portal_page(client, db):
    client.force_login(User.objects.create_user("andere", password="x" * 16, is_staff=True))
    response = client.get("/admin/werkstattplan/werkstattplan/aus-tabellentext/")
    assert_portal_error_page(client, response, 403, "Koordination Ihrer Kommune")


# ------------------------------------------------------------------------ 400


@error_urls
def test_bad_request_is_german_and_names_no_path(client, db):
    response = client.get("/test-fehler/400/")
    assert_portal_error_page(client, response, 400, "Die Anfrage konnte nicht verarbeitet werden")


def test_bad_host_header_gives_the_400_page_although_no_user_is_known(client, settings, db):
    settings.ALLOWED_HOSTS = ["zwk.example"]
    response = client.get("/", HTTP_HOST="boese.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Die Anfrage konnte nicht verarbeitet werden" in html and 'class="skip-link"' in html
    assert "boese.example" not in html


# ------------------------------------------------------------------------ 500


@error_urls
def test_server_error_is_german_without_traceback_or_path(client, db):
    client.raise_request_exception = False
    response = client.get("/test-fehler/500/")
    html = assert_portal_error_page(client, response, 500, "Ein Fehler ist aufgetreten")
    assert "Kaputt" not in html and "RuntimeError" not in html
    assert response["X-Request-ID"] in html  # to quote when writing to the coordination


def test_server_error_page_touches_neither_session_nor_database():
    # No `db` fixture: pytest-django refuses every query. A user or session read would query.
    request = RequestFactory().get("/rostock/veranstaltungen/")
    request.user = SimpleLazyObject(lambda: User.objects.get(pk=1))
    request.session = SimpleLazyObject(lambda: pytest.fail("the 500 page read the session"))
    with translation.override("en"):
        response = errors.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "An error has occurred" in html and 'lang="en"' in html and 'href="/en/"' in html


# ------------------------------------------------------------------------ 503


@pytest.fixture
def database_down():
    """Every new query fails as when PostgreSQL is stopped: no connection can be had."""
    down = OperationalError('connection to server at "db.intern" (10.0.0.5), port 5432 failed')
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=down):
        yield


def assert_outage_page(response):
    html = response.content.decode()
    assert response.status_code == 503, html[:500]
    assert response["Retry-After"] == "30"
    assert "Das Portal ist gerade nicht erreichbar" in html
    assert "geht nicht verloren" in html and "in einigen Minuten erneut" in html
    assert 'lang="de"' in html and 'class="skip-link"' in html and 'class="site-footer"' in html
    assert "Server Error" not in html and "Ein Fehler ist aufgetreten" not in html
    for leak in ("Traceback", 'File "', ".py", "/work/", "postgres", "PGSQL", "db.intern"):
        assert leak not in html, leak
    assert response["X-Request-ID"] in html
    return html


@error_urls
def test_database_error_in_a_view_gives_the_german_503_page(client, db):
    client.raise_request_exception = False
    html = assert_outage_page(client.get("/test-fehler/datenbank/"))
    assert "OperationalError" not in html
    assert 'href="/"' in html and 'href="/impressum/"' in html


@error_urls
def test_an_error_caused_by_the_database_outage_gives_the_503_page_too(client, db):
    client.raise_request_exception = False
    html = assert_outage_page(client.get("/test-fehler/datenbank-verpackt/"))
    assert "RuntimeError" not in html and "nicht geladen" not in html


def test_a_page_that_needs_the_database_answers_503_while_it_is_down(db):
    kommune = KommuneFactory(slug="rostock")
    browser = Client(raise_request_exception=False)
    with mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("down")
    ):
        response = browser.get(kommune.get_absolute_url())
    assert_outage_page(response)
    assert browser.get(kommune.get_absolute_url()).status_code == 200  # back again


@error_urls
def test_an_outage_met_in_a_middleware_gives_the_503_page(db, database_down):
    browser = Client(raise_request_exception=False)
    # The page itself needs no database …
    assert browser.get("/test-fehler/ohne-datenbank/").status_code == 200
    # … but a visitor with a session has it loaded by a middleware, before the view.
    browser.cookies["sessionid"] = "k1n5v2x8m3q7w9e4r6t0y1u2i3o4p5a6"
    assert_outage_page(browser.get("/test-fehler/ohne-datenbank/"))


def test_the_503_page_under_en_keeps_the_english_addresses(db):
    kommune = KommuneFactory(slug="rostock")
    browser = Client(raise_request_exception=False)
    with mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("down")
    ):
        response = browser.get(f"/en{kommune.get_absolute_url()}")
    html = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert 'lang="en"' in html and 'href="/en/"' in html


def test_the_503_page_touches_neither_session_nor_database():
    request = RequestFactory().get("/rostock/")
    request.user = SimpleLazyObject(lambda: User.objects.get(pk=1))
    request.session = SimpleLazyObject(lambda: pytest.fail("the 503 page read the session"))
    try:
        raise OperationalError("down")
    except OperationalError:
        response = errors.server_error(request)
    assert response.status_code == 503
    assert "Das Portal ist gerade nicht erreichbar" in response.content.decode()


# ------------------------------------------------------------------------ CSRF


def test_form_without_csrf_token_gets_the_german_session_page(client, db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(
        "/barriere-melden/",
        {"beschreibung": "Der Knopf ist zu klein."},
        HTTP_REFERER="http://testserver/barriere-melden/",
    )
    html = assert_portal_error_page(
        browser,
        response,
        403,
        "Ihre Sitzung ist abgelaufen oder das Formular wurde zu lange offen gelassen",
        "bitte laden Sie die Seite neu und senden Sie das Formular noch einmal",
        "nicht gespeichert",
    )
    assert 'href="http://testserver/barriere-melden/"' in html  # back to the form
    assert browser.get("/barriere-melden/").status_code == 200


def test_csrf_page_links_back_only_to_this_site(client, db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/barriere-melden/", {}, HTTP_REFERER="https://boese.example/x/")
    assert response.status_code == 403
    assert "boese.example" not in response.content.decode()


# ------------------------------------------------------------- personal links


def test_unknown_registration_link_shows_how_to_get_a_new_one(client, db):
    kommune = KommuneFactory(kontakt_email="koordination@landkreis.example")
    response = client.get(f"/{kommune.slug}/veranstaltungen/anmeldung/erfunden123/")
    assert_portal_error_page(
        client,
        response,
        404,
        "Diese Anmeldung gibt es nicht (mehr).",
        "So erhalten Sie einen neuen Link",
        "noch einmal an",
        "koordination@landkreis.example",
        back=f"/{kommune.slug}/veranstaltungen/",
    )


def test_expired_confirmation_link_leads_to_the_event_to_register_again(client, db):
    option = TeilnahmeoptionFactory()
    event = option.veranstaltung
    anmeldung = services.register(option=option, name="Erika", email="erika@example.org")
    Anmeldung.objects.filter(pk=anmeldung.pk).update(created_at=timezone.now() - timedelta(days=3))
    code = services.confirmation_code(anmeldung)
    response = client.get(f"/{event.kommune.slug}/veranstaltungen/anmeldung/bestaetigen/{code}/")
    html = response.content.decode()
    assert response.status_code == 410
    assert "abgelaufen" in html and "Neuen Bestätigungslink anfordern" in html
    # Once the registration is gone (retention), the page leads to the event instead.
    Anmeldung.objects.filter(pk=anmeldung.pk).delete()
    html = client.get(f"/{event.kommune.slug}/veranstaltungen/anmeldung/bestaetigen/{code}/")
    html = html.content.decode()
    assert "So erhalten Sie einen neuen Link" in html
    assert f'href="{event.get_absolute_url()}#anmeldung"' in html
    assert client.get(event.get_absolute_url()).status_code == 200


# ------------------------------------------------------------ admin import


def test_import_preview_of_a_broken_sheet_shows_the_message_but_no_traceback(client, settings, db):
    client.force_login(User.objects.create_superuser("betrieb", password="x" * 16))
    formats = [f().get_title() for f in admin.site._registry[Werkzeug].get_import_formats()]

    def preview():
        sheet = SimpleUploadedFile("werkzeuge.csv", b"Spalte A,Spalte B\n1,2\n", "text/csv")
        data = {"format": formats.index("csv"), "import_file": sheet, "resource": 0}
        return client.post("/admin/werkstattplan/werkzeug/import/", data)

    response = preview()
    html = response.content.decode()
    assert response.status_code == 200
    assert "Es fehlt die Spalte „id“ (leer für neue Zeilen). Unbekannte Spalten: Spalte A" in html
    assert "Traceback" not in html and 'File "' not in html
    assert "/work/" not in html and "site-packages" not in html
    settings.DEBUG = True  # while developing, the traceback helps
    assert "Traceback" in preview().content.decode()


# ------------------------------------------------------- messages from exceptions


def test_exception_messages_lose_server_paths():
    error = ValueError("Datei /srv/zwk/.venv/lib/python3.11/site-packages/x.py unlesbar")
    assert errors.public_message(error) == "Datei … unlesbar"
    assert errors.public_message(ValueError("am 01/02/2020, siehe https://a.example/b/c")) == (
        "am 01/02/2020, siehe https://a.example/b/c"
    )
    unexpected = errors.public_message(KeyError("/work/main/geheim"))
    assert "KeyError" in unexpected and "/work/" not in unexpected
