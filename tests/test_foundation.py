import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from kommunen.models import Kommune

pytestmark = pytest.mark.django_db


def test_tests_run_on_postgresql():
    assert connection.vendor == "postgresql"


def test_start_page_lists_communes_in_german(client, kommune):
    other = Kommune.objects.create(name="Landkreis Rostock", slug="rostock")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert 'href="#inhalt"' in html and 'id="inhalt"' in html
    assert kommune.name in html and other.name in html


def test_single_commune_start_page_redirects_to_it(client, kommune):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/{kommune.slug}/"


def test_commune_page_leads_to_plan_events_and_funding(client, kommune):
    html = client.get(f"/{kommune.slug}/").content.decode()
    assert f"/{kommune.slug}/werkstattplan/" in html
    assert f"/{kommune.slug}/veranstaltungen/" in html
    assert f"/{kommune.slug}/foerderung/" in html


def test_unknown_commune_is_404(client):
    assert client.get("/gibt-es-nicht/").status_code == 404


def test_demo_setup_is_repeatable(db):
    call_command("setup_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("setup_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Kommune.objects.filter(slug="ludwigslust-parchim").count() == 1
    coordinator = User.objects.get(username="koordination")
    lup = Kommune.objects.get(slug="ludwigslust-parchim")
    rostock = Kommune.objects.get(slug="rostock")
    assert coordinator.memberships.get().kommune == lup
    assert coordinator.has_perm("werkstattplan.change_werkzeug", lup)
    assert not coordinator.has_perm("werkstattplan.change_werkzeug", rostock)
    assert User.objects.get(username="koordination-rostock").has_perm(
        "events.view_anmeldung", rostock
    )
    assert User.objects.get(username="plattform").has_perm("kommunen.add_kommune")


@pytest.mark.parametrize(
    "slug", ["admin", "konto", "verwaltung", "jury", "impressum", "health", "static"]
)
def test_a_kommune_cannot_take_a_slug_the_portal_uses(slug):
    with pytest.raises(ValidationError) as error:
        Kommune(name="Landkreis X", slug=slug).full_clean()
    assert "Seite des Portals" in str(error.value)
    Kommune(name="Landkreis X", slug="landkreis-x").full_clean()


def test_pages_are_sent_compressed_to_browsers_that_ask(client, kommune):
    response = client.get(f"/{kommune.slug}/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"


def test_visitors_get_kept_start_pages_logged_in_people_live_ones(
    client, kommune, django_assert_num_queries, django_user_model
):
    client.get(f"/{kommune.slug}/")
    with django_assert_num_queries(0):
        assert client.get(f"/{kommune.slug}/").status_code == 200
    client.force_login(django_user_model.objects.create_user("antrag"))
    assert "Mein Konto" in client.get(f"/{kommune.slug}/").content.decode()
