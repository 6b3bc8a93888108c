from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from events import demo
from events.models import Programmpunkt, Rueckblick, Veranstaltung
from kommunen import demo as kommunen_demo
from werkstattplan import demo as werkstattplan_demo
from zwk_portal.roles import sync_roles

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def test_demo_event_is_the_seed_event_on_the_next_27_may_and_repeatable(clock):
    sync_roles()
    kommunen_demo.load()
    assert demo.load() == []
    demo.load()
    event = Veranstaltung.objects.get(slug="von-a-nach-b")
    assert (
        event.title
        == "Von A nach B im Landkreis Rostock – Wie wir Freizeitmobilität gemeinsam besser machen"
    )
    assert event.kommune.slug == "rostock"
    assert event.beginn == datetime(2027, 5, 27, 18, 0, tzinfo=BERLIN)
    assert event.ende == datetime(2027, 5, 27, 20, 0, tzinfo=BERLIN)
    assert event.format == "hybrid" and event.is_published
    assert Programmpunkt.objects.count() == 4
    people = "\n".join(p.personen for p in event.programm.all())
    assert (
        "Prof. Udo Onnen-Weber (Leiter des Kompetenzzentrums ländliche Mobilität KOMOB)" in people
    )
    assert "Anja Kerl (2. Stellvertr. des Landrates | Leiterin Dezernat I)" in people
    assert "Romuald Bittl (Leiter Dezernat III)" in people
    assert any("„Perspektiv-Karussell“" in p.title for p in event.programm.all())
    assert {o.name: o.kapazitaet for o in event.optionen.all()} == {
        "Kreisverwaltung Güstrow": 40,
        "Kreisverwaltung Bad Doberan": 30,
        "Online": 100,
    }


def test_demo_rueckblick_is_the_seed_report_with_its_result_linked_to_the_plan(clock):
    sync_roles()
    kommunen_demo.load()
    werkstattplan_demo.load()
    demo.load()
    demo.load()  # twice changes nothing
    rueckblick = Rueckblick.objects.get()
    assert (
        rueckblick.veranstaltung.title == "Zukunftswerkstatt in der Stadt Plau zum Thema Ehrenamt"
    )
    assert rueckblick.veranstaltung.kommune.slug == "ludwigslust-parchim"
    assert rueckblick.is_public()
    assert "Professor Henning Bombeck von der Schule der Landentwicklung" in rueckblick.text
    assert "Folgeveranstaltung am 24.11.2022" in rueckblick.text
    results = {e.title: e.werkzeug for e in rueckblick.ergebnisse.all()}
    assert set(results) == {
        "Vernetzung und Kooperation mit anderen Vereinen",
        "Zusammenarbeit mit Politik und Verwaltung",
    }
    linked = results["Vernetzung und Kooperation mit anderen Vereinen"]
    assert "Etablierung und Verstetigung von Netzwerken" in linked.description
    assert linked.plan.kommune == rueckblick.veranstaltung.kommune


def test_after_27_may_the_demo_moves_to_the_next_year(clock):
    clock.now = datetime(2027, 5, 27, 18, 0, tzinfo=BERLIN)
    start, end = demo.next_27_may()
    assert start == datetime(2028, 5, 27, 18, 0, tzinfo=BERLIN)
