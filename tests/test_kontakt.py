"""The contact card (issue #15): whom a resident asks, on the commune's start page, the plan,
events and calls, as an address block with links that dial and write."""

import re

import pytest

from events.models import Veranstaltung
from kommunen.models import Kontakt
from tests.factories import (
    HandlungsfeldFactory,
    KommuneFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    WerkstattplanFactory,
)
from tests.foerderung.factories import AufrufFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kommune():
    return KommuneFactory(
        name="Landkreis Ludwigslust-Parchim",
        slug="ludwigslust-parchim",
        kontakt_name="Teresa <b>Hildwein</b>",
        kontakt_funktion="Projektkoordinatorin",
        anschrift="Garnisonsstraße 1\n19288 Ludwigslust",
        kontakt_email="zwk@example.org",
        kontakt_telefon="03874 / 624-2100",
    )


def address(html: str) -> str:
    found = re.findall(r'<address class="kontakt kern-body">(.*?)</address>', html, re.S)
    assert len(found) == 1, f"{len(found)} address blocks"
    return found[0]


def test_the_commune_start_page_and_plan_show_the_coordination(client, kommune):
    plan = WerkstattplanFactory(kommune=kommune)
    HandlungsfeldFactory(plan=plan)
    for url in (kommune.get_absolute_url(), plan.get_absolute_url()):
        block = address(client.get(url).content.decode())
        assert "<strong>Teresa &lt;b&gt;Hildwein&lt;/b&gt;</strong>" in block
        assert "Projektkoordinatorin" in block
        assert "Garnisonsstraße 1<br>19288 Ludwigslust" in block
        assert 'href="tel:038746242100">03874 / 624-2100</a>' in block
        assert 'href="mailto:zwk@example.org">zwk@example.org</a>' in block


def test_an_event_shows_its_own_contact_else_the_communes(client, kommune):
    own = VeranstaltungFactory(
        kommune=kommune,
        status=Veranstaltung.Status.VEROEFFENTLICHT,
        kontakt_name="Stefan Lösel",
        kontakt_telefon="+49 (0) 3874 1",
    )
    TeilnahmeoptionFactory(veranstaltung=own)
    block = address(client.get(own.get_absolute_url()).content.decode())
    assert "Stefan Lösel" in block and 'href="tel:+4938741"' in block
    assert "Hildwein" not in block

    plain = VeranstaltungFactory(
        kommune=kommune,
        status=Veranstaltung.Status.VEROEFFENTLICHT,
        kontakt_name="",
        kontakt_email="",
        kontakt_telefon="",
    )
    TeilnahmeoptionFactory(veranstaltung=plain)
    assert "Hildwein" in address(client.get(plain.get_absolute_url()).content.decode())


def test_a_call_shows_its_fachdienst_else_the_communes(client, kommune):
    own = AufrufFactory(kommune=kommune, kontakt_name="Anja Muster", kontakt_email="fd@example.org")
    block = address(client.get(own.get_absolute_url()).content.decode())
    assert (
        "Anja Muster" in block and "Fachdienst Gleichstellung, Generationen und Vielfalt" in block
    )
    plain = AufrufFactory(kommune=kommune)
    assert "Hildwein" in address(client.get(plain.get_absolute_url()).content.decode())


def test_no_empty_card_where_nothing_is_known(client):
    quiet = KommuneFactory(slug="ohne-kontakt")
    html = client.get(quiet.get_absolute_url()).content.decode()
    assert "<address" not in html
    assert "Ihre Ansprechperson" not in html


@pytest.mark.parametrize(
    ("telefon", "href"),
    [
        ("0385 / 734-12", "tel:038573412"),
        ("0381 12345 (abends)", "tel:038112345"),
        ("+49 (0)381 / 12-3", "tel:+49381123"),
        ("ab", ""),
        ("+49 (0) 385 1", "tel:+493851"),
        ("03874 624 2100", "tel:038746242100"),
        ("", ""),
    ],
)
def test_a_phone_number_as_written_becomes_a_link_that_dials(telefon, href):
    assert Kontakt(stelle="x", telefon=telefon).telefon_href == href
