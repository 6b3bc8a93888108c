"""The network search, similar Werkzeuge elsewhere and taking a Werkzeug home (issue #16)."""

import re
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Anmeldung, Rueckblick, Veranstaltung
from kommunen.models import Kommune
from netzwerk import suche
from tests.factories import (
    HandlungsfeldFactory,
    KommuneFactory,
    MassnahmeFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    WerkstattplanFactory,
    WerkzeugFactory,
    koordination_user,
    member,
)
from werkstattplan import services
from werkstattplan.models import Massnahme, Planstatus, Werkzeug
from zwk_portal.tenancy import kommune_scope

pytestmark = pytest.mark.django_db

URL = "/netzwerk/suche/"


@pytest.fixture
def netz():
    """Two communes in two Länder with plans that share ideas in other words, and a third
    whose plan is not published."""
    lup = KommuneFactory(
        name="Landkreis Ludwigslust-Parchim",
        slug="ludwigslust-parchim",
        ags="13076",
        kontakt_name="Teresa Hildwein",
        kontakt_email="zwk@example.org",
    )
    stadt = KommuneFactory(name="Neustadt", slug="neustadt", art=Kommune.Art.STADT, ags="12061020")
    geheim = KommuneFactory(name="Landkreis Entwurf", slug="entwurf", ags="13071")

    lup_plan = WerkstattplanFactory(kommune=lup, title="Werkstattplan LUP", slug="lup")
    mobil = HandlungsfeldFactory(plan=lup_plan, name="Mobilität")
    rufbus = WerkzeugFactory(
        handlungsfeld=mobil,
        title="Rufbus ausbauen",
        description="Erweiterung des erfolgreichen Rufbussystems mit Echtzeitverfolgung",
        ansprechperson="Stefan Lösel (Verkehrsgesellschaft)",
        jahre=[2021, 2022],
        status=Planstatus.objects.get(plan=lup_plan, slug="laufend"),
    )
    MassnahmeFactory(werkzeug=rufbus, title="App für die Buchung", ziel="Buchung rund um die Uhr")
    engagement = HandlungsfeldFactory(
        plan=lup_plan,
        name="Ehrenamtliches Engagement",
        description="Das Ehrenamt stärken.",
    )
    WerkzeugFactory(handlungsfeld=engagement, description="Lesepaten gewinnen", jahre=[2020])

    stadt_plan = WerkstattplanFactory(
        kommune=stadt,
        title="Zukunftsplan Neustadt",
        slug="zukunft",
        first_year=2023,
        last_year=2026,
    )
    verkehr = HandlungsfeldFactory(plan=stadt_plan, name="Mobilität")
    dorfbus = WerkzeugFactory(
        handlungsfeld=verkehr,
        title="Rufbus für die Dörfer",
        description="Ein Rufbus mit Echtzeitverfolgung verbindet die Dörfer",
        jahre=[2024],
    )
    MassnahmeFactory(
        werkzeug=dorfbus, title="Ehrenamtliche Fahrerinnen und Fahrer gewinnen", jahr=2024
    )

    entwurf_plan = WerkstattplanFactory(kommune=geheim, slug="entwurf", published=False)
    WerkzeugFactory(
        handlungsfeld=HandlungsfeldFactory(plan=entwurf_plan, name="Geheimfeld"),
        title="Rufbus Zauberwort",
        description="Der Rufbus im Entwurf mit dem Zauberwort",
    )
    return {"lup": lup, "stadt": stadt, "rufbus": rufbus, "dorfbus": dorfbus, "plan": lup_plan}


def _hits(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    titles = re.findall(
        r'<h3 class="kern-heading-small"><a class="kern-link" href="[^"]*"><span>(.*?)</span></a>',
        html,
    )
    return [re.sub(r"</?mark>", "", t) for t in titles], html


def test_german_stemming_finds_werkzeuge_across_two_communes(client, netz):
    titles, html = _hits(client, q="Rufbus")
    assert titles[:2] == ["Rufbus für die Dörfer", "Rufbus ausbauen"] or set(titles[:2]) == {
        "Rufbus für die Dörfer",
        "Rufbus ausbauen",
    }
    assert "Landkreis Ludwigslust-Parchim · Mecklenburg-Vorpommern" in html
    assert "Neustadt · Brandenburg" in html
    assert "<mark>Rufbussystems</mark>" in html  # the prefix reaches into the compound

    titles, _html = _hits(client, q="Ehrenamt")
    assert "Ehrenamtliches Engagement" in titles  # a Handlungsfeld
    assert "Ehrenamtliche Fahrerinnen und Fahrer gewinnen" in titles  # an Einzelmaßnahme


def test_a_compound_finds_its_first_part_and_a_typo_its_word(client, netz):
    titles, html = _hits(client, q="Rufbussystems")
    assert {"Rufbus ausbauen", "Rufbus für die Dörfer"} <= set(titles)
    assert titles[0] == "Rufbus ausbauen"  # the one with the whole word first
    assert "kommt so nirgends vor" not in html  # the word is known, only split

    titles, html = _hits(client, q="Ehrenamd")
    assert "Ehrenamtliches Engagement" in titles
    assert "ehrenamt" in html and "Die gefundenen Stellen sind markiert." in html

    titles, _html = _hits(client, q="Echtzeitverfolgng Dörfer")
    assert titles == ["Rufbus für die Dörfer"]


def test_filters_by_kommune_kind_land_handlungsfeld_status_and_year(client, netz):
    assert _hits(client, q="Rufbus", kommune="neustadt")[0] == ["Rufbus für die Dörfer"]
    assert _hits(client, q="Rufbus", art="stadt")[0] == ["Rufbus für die Dörfer"]
    assert _hits(client, q="Rufbus", land="13")[0] == ["Rufbus ausbauen"]
    assert _hits(client, q="Rufbus", status="laufend")[0] == ["Rufbus ausbauen"]
    assert _hits(client, q="Rufbus", jahr="2024")[0] == ["Rufbus für die Dörfer"]
    titles, _html = _hits(client, q="Ehrenamt", handlungsfeld="Mobilität")
    assert titles == ["Ehrenamtliche Fahrerinnen und Fahrer gewinnen"]


def test_unpublished_plans_never_appear(client, netz):
    titles, html = _hits(client, q="Rufbus")
    assert "Rufbus Zauberwort" not in titles
    assert "Geheimfeld" not in html  # not even as a filter choice
    assert _hits(client, q="Zauberwort")[0] == []
    # Its words are no one's vocabulary: a near spelling is not widened to them.
    _titles, html = _hits(client, q="Zauberwart")
    assert "zauberwort" not in html.lower()


def test_a_plan_taken_offline_leaves_no_word_or_choice_behind(client, netz):
    plan = netz["plan"]
    Werkzeug.objects.filter(pk=netz["rufbus"].pk).update(besonderheiten="Das Zauberwort")
    plan.save()  # a change, as the admin makes it
    _titles, html = _hits(client, q="Zauberwart")
    assert "(zauberwort)" in html  # widened, while the plan is public
    assert 'value="Ehrenamtliches Engagement"' in html
    plan.published = False
    plan.save()
    _titles, html = _hits(client, q="Zauberwart")
    assert "zauberwort" not in html.lower()
    assert 'value="Ehrenamtliches Engagement"' not in html


def test_personal_data_and_drafts_never_appear(client, netz):
    event = VeranstaltungFactory(
        kommune=netz["lup"], title="Rufbus-Abend", status=Veranstaltung.Status.VEROEFFENTLICHT
    )
    option = TeilnahmeoptionFactory(veranstaltung=event)
    Anmeldung.objects.create(
        veranstaltung=event, option=option, name="Erika Mustermann", email="erika@example.org"
    )
    VeranstaltungFactory(
        kommune=netz["lup"], title="Rufbus-Entwurf", status=Veranstaltung.Status.ENTWURF
    )
    titles, html = _hits(client, q="Rufbus")
    assert "Rufbus-Abend" in titles
    assert "Rufbus-Entwurf" not in titles
    for private in ("Mustermann", "erika"):
        assert _hits(client, q=private)[0] == []
    assert "Mustermann" not in html


def test_a_public_rueckblick_is_found_a_hidden_one_not(client, netz):
    past = timezone.now() - timedelta(days=10)
    event = VeranstaltungFactory(
        kommune=netz["lup"],
        title="Werkstatttreffen",
        status=Veranstaltung.Status.VEROEFFENTLICHT,
        beginn=past,
        ende=past + timedelta(hours=2),
    )
    rueckblick = Rueckblick.objects.create(
        veranstaltung=event, text="Wir sprachen über Bürgerbusse.", published=False
    )
    assert _hits(client, q="Bürgerbus")[0] == []
    rueckblick.published = True
    rueckblick.save()
    titles, html = _hits(client, q="Bürgerbus")
    assert titles == ["Werkstatttreffen"]
    assert "Rückblick" in html


def test_matches_are_highlighted_and_texts_escaped(client, netz):
    WerkzeugFactory(
        handlungsfeld=netz["rufbus"].handlungsfeld,
        title="Sicher <i>kursiv</i>",
        description='<script>alert("x")</script> Rufbusfahrplan für Bus & Bahn <b>fett</b>',
    )
    _titles, html = _hits(client, q="Rufbusfahrplan")
    passage = html[html.index("netzwerk-treffer__stelle") :]
    for tag in ("<script", "<b>", "<i>"):
        assert tag not in html
    assert "<mark>Rufbusfahrplan</mark> für Bus &amp; Bahn" in passage


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "x" * 201}, "höchstens 200 Zeichen"),
        ({"q": "Rufbus", "jahr": "abc"}, "Jahr"),
        ({"q": "Rufbus", "kommune": "gibt-es-nicht"}, "Kommune"),
    ],
)
def test_bad_input_gets_a_german_message_and_the_form_back(client, netz, params, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Eingabe" in html
    assert message in html


@pytest.mark.parametrize("q", ["der die das", "&|!:*()'", "\x00\x07", "'rufbus':* | !"])
def test_signs_and_stop_words_never_reach_the_query_as_syntax(client, netz, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200


def test_the_page_number_out_of_range_shows_the_last_page(client, netz):
    titles, html = _hits(client, q="Rufbus", seite="99")
    assert "Rufbus ausbauen" in titles
    assert "2 Treffer" in html


def test_english_interface(client, netz):
    assert client.get("/en" + URL, {"q": "Rufbus"}).status_code == 200


def _more_communes(n):
    for i in range(n):
        kommune = KommuneFactory(slug=f"mehr-{i}", name=f"Gemeinde {i}", ags="13076001")
        hf = HandlungsfeldFactory(plan=WerkstattplanFactory(kommune=kommune), name="Mobilität")
        werkzeug = WerkzeugFactory(handlungsfeld=hf, title=f"Rufbus {i}", description="Rufbus")
        MassnahmeFactory(werkzeug=werkzeug, title="Rufbus bestellen")


def test_the_search_reads_a_fixed_number_of_queries(client, netz):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"q": "Rufbus Echtzeitverfolgung"}).status_code == 200
        return len(queries)

    client.get(URL, {"q": "Rufbus"})  # the vocabulary is kept from here on
    _more_communes(2)
    few = count()
    _more_communes(6)
    assert count() == few


# ------------------------------------------------------------------ similar elsewhere


def test_a_werkzeug_page_lists_similar_werkzeuge_of_other_communes(client, netz):
    WerkzeugFactory(
        handlungsfeld=netz["rufbus"].handlungsfeld,
        title="Schulbus",
        description="Ein Rufbus mit Echtzeitverfolgung für die Schulen",
    )
    html = client.get(netz["rufbus"].get_absolute_url()).content.decode()
    section = html[html.index("Ähnliche Werkzeuge in anderen Kommunen") :]
    assert "Rufbus für die Dörfer" in section
    assert "Neustadt" in section
    assert "Rufbus Zauberwort" not in html  # unpublished
    assert "Schulbus" not in section  # as similar, but of the same commune

    html = client.get(netz["dorfbus"].get_absolute_url()).content.decode()
    section = html[html.index("Ähnliche Werkzeuge in anderen Kommunen") :]
    assert "Rufbus ausbauen" in section
    assert "Stefan Lösel" in section  # the contact the commune published


# ------------------------------------------------------------------------ take it home


@pytest.fixture
def neustadt_koordination(client, netz):
    user = koordination_user(netz["stadt"], username="koordination-neustadt")
    client.force_login(user)
    return user


def _copy_url(werkzeug):
    return f"/netzwerk/werkzeuge/{werkzeug.pk}/uebernehmen/"


def test_a_coordinator_takes_a_werkzeug_home_and_both_sides_show_it(
    client, netz, neustadt_koordination
):
    origin = netz["rufbus"]
    page = client.get(origin.get_absolute_url()).content.decode()
    assert _copy_url(origin) in page

    target = netz["dorfbus"].handlungsfeld
    form = client.get(_copy_url(origin)).content.decode()
    assert "Zukunftsplan Neustadt (Neustadt): Mobilität" in form
    assert "Werkstattplan LUP" not in form.split("<form")[1]  # not into the origin's plan

    response = client.post(_copy_url(origin), {"handlungsfeld": target.pk})
    copy = Werkzeug.objects.get(uebernommen_aus=origin)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/werkstattplan/werkzeug/{copy.pk}/change/"
    assert copy.handlungsfeld == target
    assert copy.description == origin.description and copy.title == origin.title
    assert copy.herkunft == (
        "dem Werkstattplan „Werkstattplan LUP“ des Landkreises Ludwigslust-Parchim"
    )
    # Without dates, people and state.
    assert copy.jahre == [] and copy.status is None and copy.ansprechperson == ""
    assert list(copy.massnahmen.values_list("title", "ziel", "jahr", "monate")) == [
        ("App für die Buchung", "Buchung rund um die Uhr", None, [])
    ]
    assert Massnahme.objects.get(werkzeug=copy).plan == target.plan
    admin_page = client.get(response["Location"]).content.decode()
    assert "dem Werkstattplan „Werkstattplan LUP“ des Landkreises" in admin_page

    client.logout()
    copy_page = client.get(copy.get_absolute_url()).content.decode()
    assert (
        "Übernommen aus dem Werkstattplan „Werkstattplan LUP“ des Landkreises Ludwigslust-Parchim"
        in copy_page
    )
    assert origin.get_absolute_url() in copy_page
    assert "Ähnliche Werkzeuge" not in copy_page.split("Übernommen aus")[1]  # named once
    origin_page = client.get(origin.get_absolute_url()).content.decode()
    assert "Dieses Werkzeug wurde in einen anderen Werkstattplan übernommen:" in origin_page
    assert "Neustadt: Zukunftsplan Neustadt" in origin_page
    assert copy.get_absolute_url() in origin_page


def test_taking_the_same_werkzeug_twice_into_one_handlungsfeld_is_refused(
    client, netz, neustadt_koordination
):
    target = netz["dorfbus"].handlungsfeld
    client.post(_copy_url(netz["rufbus"]), {"handlungsfeld": target.pk})
    response = client.post(_copy_url(netz["rufbus"]), {"handlungsfeld": target.pk})
    assert response.status_code == 200
    assert "Dieses Werkzeug steht schon im Handlungsfeld „Mobilität“." in response.content.decode()
    assert Werkzeug.objects.filter(uebernommen_aus=netz["rufbus"]).count() == 1


def test_a_forged_handlungsfeld_of_another_kommune_is_refused(client, netz, neustadt_koordination):
    foreign = netz["rufbus"].handlungsfeld  # the origin's own Kommune, not the coordinator's
    response = client.post(_copy_url(netz["rufbus"]), {"handlungsfeld": foreign.pk})
    assert response.status_code == 200
    assert "Bitte wählen Sie eines Ihrer Handlungsfelder." in response.content.decode()
    response = client.post(_copy_url(netz["rufbus"]), {"handlungsfeld": "abc"})
    assert "Bitte wählen Sie eines Ihrer Handlungsfelder." in response.content.decode()
    assert not Werkzeug.objects.filter(uebernommen_aus__isnull=False).exists()


def test_only_published_werkzeuge_can_be_taken(client, netz, neustadt_koordination):
    hidden = Werkzeug.objects.get(title="Rufbus Zauberwort")
    assert client.get(_copy_url(hidden)).status_code == 404
    assert client.get("/netzwerk/werkzeuge/999999/uebernehmen/").status_code == 404


def test_who_may_take_a_werkzeug_home(client, netz):
    origin = netz["rufbus"]
    response = client.get(_copy_url(origin))
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]

    client.force_login(member("fachdienst", netz["stadt"], username="fachdienst-neustadt"))
    assert client.get(_copy_url(origin)).status_code == 403
    assert _copy_url(origin) not in client.get(origin.get_absolute_url()).content.decode()

    # The origin's own coordination is offered no copy of its own Werkzeug.
    client.force_login(koordination_user(netz["lup"], username="koordination-lup"))
    assert _copy_url(origin) not in client.get(origin.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_taking_the_same_werkzeug_at_once_make_one_copy(netz):
    """The Handlungsfeld's row lock makes the second wait and then find the copy."""
    target = netz["dorfbus"].handlungsfeld
    barrier, results = threading.Barrier(2), []

    def attempt():
        try:
            barrier.wait()
            with kommune_scope([netz["stadt"].pk]):
                services.uebernehmen(werkzeug=netz["rufbus"], handlungsfeld=target)
            results.append("kopiert")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [
        "Dieses Werkzeug steht schon im Handlungsfeld „Mobilität“.",
        "kopiert",
    ]
    assert Werkzeug.objects.filter(uebernommen_aus=netz["rufbus"]).count() == 1


def test_words_of_the_network_with_signs_of_the_query_syntax_are_quoted(client, netz):
    """A lexeme of a text (an address, a path) may be offered as a near spelling; it must
    reach PostgreSQL as a word, never as query syntax."""
    Werkzeug.objects.filter(pk=netz["rufbus"].pk).update(
        besonderheiten="Pfad C:\\\\daten\\\\rufbus's & zwk@example.org"
    )
    for q in ("rufbus's", "daten\\\\rufbus", "zwk@example.or"):
        assert client.get(URL, {"q": q}).status_code == 200
    assert suche._quoted("a'b\\\\c") == "'a''b\\\\\\\\c'"


def test_a_near_spelling_with_a_quote_stays_a_word(client, netz, monkeypatch):
    monkeypatch.setattr(suche, "vocabulary", lambda stand: frozenset({"ruf'buss"}))
    assert suche.anfrage("Rufbuss", suche.stand()).widened == {"rufbuss": ["ruf'buss"]}
    assert client.get(URL, {"q": "Rufbuss"}).status_code == 200
