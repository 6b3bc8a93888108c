"""The network's directory of communes and its comparison of Handlungsfelder."""

import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from django.core.cache import cache
from django.urls import reverse

from netzwerk.verzeichnis import handlungsfelder_im_vergleich
from tests.factories import (
    HandlungsfeldFactory,
    KommuneFactory,
    WerkstattplanFactory,
    WerkzeugFactory,
)
from werkstattplan.models import Werkzeug

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def make_plan(kommune, felder, *, published=True, first_year=2020, title=None):
    """A plan of `kommune`; `felder` maps a Handlungsfeld's name to the status slugs of its
    Werkzeuge (None: a Werkzeug without status)."""
    plan = WerkstattplanFactory(
        kommune=kommune,
        published=published,
        first_year=first_year,
        last_year=first_year + 3,
        **({"title": title} if title else {}),
    )
    for position, (name, statuses) in enumerate(felder.items(), start=1):
        handlungsfeld = HandlungsfeldFactory(plan=plan, name=name, position=position)
        for slug in statuses:
            WerkzeugFactory(
                handlungsfeld=handlungsfeld,
                status=plan.status_liste.get(slug=slug) if slug else None,
            )
    return plan


def get_html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def directory(client) -> str:
    return get_html(client, reverse("netzwerk:verzeichnis"))


def comparison(client) -> str:
    return get_html(client, reverse("netzwerk:vergleich"))


def card(html: str, kommune) -> str:
    """The directory's entry of one commune."""
    found = re.search(
        rf'<article[^>]*aria-labelledby="kommune-{kommune.slug}">(.*?)</article>', html, re.S
    )
    assert found, kommune.name
    return found.group(1)


def status_counts(plan) -> Counter:
    """What the plan holds, counted the plain way: Werkzeuge per status name."""
    return Counter(
        werkzeug.status.name if werkzeug.status else "ohne Status"
        for werkzeug in Werkzeug.objects.filter(handlungsfeld__plan=plan).select_related("status")
    )


# ------------------------------------------------------------------------ directory


def test_directory_counts_equal_the_current_plans_contents(client):
    ahrweiler = KommuneFactory(name="Landkreis Ahrweiler", slug="ahrweiler")
    barnim = KommuneFactory(name="Landkreis Barnim", slug="barnim")
    make_plan(ahrweiler, {"Altes Handlungsfeld": ["laufend"]}, first_year=2016, title="Alter Plan")
    plan_a = make_plan(
        ahrweiler,
        {"Mobilität": ["laufend", "laufend", None], "Teilhabe": ["abgeschlossen"]},
        first_year=2020,
        title="Werkstattplan Ahrweiler",
    )
    plan_b = make_plan(
        barnim,
        {"Bildung": ["geplant", "geplant", "verworfen"], "Wohnen": [], "Pflege": [None]},
        title="Werkstattplan Barnim",
    )
    html = directory(client)
    assert html.index("Landkreis Ahrweiler") < html.index("Landkreis Barnim")
    for kommune, plan in [(ahrweiler, plan_a), (barnim, plan_b)]:
        entry = card(html, kommune)
        assert f'href="{plan.get_absolute_url()}">{plan.title}</a>' in entry
        names = list(plan.handlungsfelder.order_by("position").values_list("name", flat=True))
        assert re.findall(r"<li>([^<:]+)</li>", entry) == names
        assert f"{len(names)} Handlungsfelder:" in entry
        counts = status_counts(plan)
        shown = {name: int(n) for name, n in re.findall(r"<li>([^<]+): (\d+)</li>", entry)}
        assert shown == counts
        assert f"{sum(counts.values())} Werkzeuge" in entry
    entry = card(html, ahrweiler)
    assert "laufend: 2" in entry and "ohne Status: 1" in entry
    assert "Altes Handlungsfeld" not in html and "Alter Plan" not in html  # not the current plan


def test_commune_with_only_an_unpublished_plan_shows_none_of_it(client):
    entwurf = KommuneFactory(name="Amt Entwurf", slug="entwurf")
    hidden = make_plan(entwurf, {"Geheimes Handlungsfeld": ["laufend", None]}, published=False)
    newer_draft = KommuneFactory(name="Stadt Neuentwurf", slug="neuentwurf")
    shown = make_plan(newer_draft, {"Öffentliches Feld": ["geplant"]}, first_year=2018)
    make_plan(newer_draft, {"Entwurfsfeld": ["laufend"]}, published=False, first_year=2024)
    html = directory(client)
    entry = card(html, entwurf)
    assert "Noch kein veröffentlichter Werkstattplan" in entry
    assert "Werkzeug" not in entry
    assert "Geheimes Handlungsfeld" not in html
    assert hidden.title not in html and hidden.get_absolute_url() not in html
    entry = card(html, newer_draft)  # its newest plan is a draft: the published one is current
    assert shown.get_absolute_url() in entry and "Öffentliches Feld" in entry
    assert "Entwurfsfeld" not in html and "laufend" not in entry


def test_contact_block_links_mail_and_phone_and_land_comes_from_the_ags(client):
    lup = KommuneFactory(
        name="Landkreis Ludwigslust-Parchim",
        slug="ludwigslust-parchim",
        ags="13076",
        kontakt_name="Teresa Hildwein",
        kontakt_funktion="Projektbetreuerin",
        anschrift="Putlitzer Straße 25\n19370 Parchim",
        kontakt_email="zukunft@kreis-lup.example",
        kontakt_telefon="03871 / 722 10-20",
    )
    ohne = KommuneFactory(name="Stadt Ohnekontakt", slug="ohnekontakt", art="stadt")
    nur_telefon = KommuneFactory(
        name="Gemeinde Telefon", slug="telefon", kontakt_telefon="+49 (0) 385 / 1"
    )
    html = directory(client)
    entry = card(html, lup)
    address = re.search(r"<address[^>]*>(.*?)</address>", entry, re.S).group(1)
    assert 'href="mailto:zukunft@kreis-lup.example"' in address
    assert 'href="tel:038717221020">03871 / 722 10-20</a>' in address
    assert "Teresa Hildwein" in address and "Projektbetreuerin" in address
    assert "Putlitzer Straße 25<br>19370 Parchim" in address
    assert "Mecklenburg-Vorpommern" in entry and "Landkreis" in entry
    entry = card(html, ohne)
    assert "<address" not in entry
    assert "keine Angabe" in entry and "Stadt" in entry
    entry = card(html, nur_telefon)
    address = re.search(r"<address[^>]*>(.*?)</address>", entry, re.S).group(1)
    assert 'href="tel:+493851"' in address and "mailto:" not in address


# ----------------------------------------------------------------------- comparison


@pytest.fixture
def network():
    """Three communes share „Mobilität“ in four spellings; a draft plan shares it too."""
    ahrweiler = KommuneFactory(name="Landkreis Ahrweiler", slug="ahrweiler")
    barnim = KommuneFactory(name="Landkreis Barnim", slug="barnim")
    cochem = KommuneFactory(name="Landkreis Cochem-Zell", slug="cochem-zell")
    draft = KommuneFactory(name="Amt Entwurf", slug="entwurf")
    plans = {
        "a": make_plan(ahrweiler, {"Mobilität": ["laufend", None], "Teilhabe": ["geplant"]}),
        "b": make_plan(barnim, {" mobilität ": ["laufend"], "Bildung": []}),
        # Twice in one plan: one commune all the same.
        "c": make_plan(
            cochem, {"Mobilität": [None, None], "Bildung": ["geplant"], "MOBILITÄT": [None]}
        ),
    }
    make_plan(ahrweiler, {"Veraltet": []}, first_year=2015)  # an older plan: not current
    make_plan(draft, {"Mobilität": ["laufend"], "Geheimes Handlungsfeld": [None]}, published=False)
    return plans


def test_comparison_groups_spellings_and_counts_communes_of_published_plans(network, client):
    felder = handlungsfelder_im_vergleich()
    assert [(f.name, f.kommunen, f.werkzeuge) for f in felder] == [
        ("Mobilität", 3, 6),
        ("Bildung", 2, 1),
        ("Teilhabe", 1, 1),
    ]
    html = comparison(client)
    assert "Geheimes Handlungsfeld" not in html and "Amt Entwurf" not in html
    assert "Veraltet" not in html
    assert "2 Handlungsfelder teilen sich mindestens zwei Kommunen; 1 gibt es nur in einer." in html
    rows = re.findall(r'<th class="kern-table__cell" scope="row">([^<]+)</th>', html)
    assert rows == ["Mobilität", "Bildung", "Teilhabe"]
    mobilitaet = re.search(r'scope="row">Mobilität</th>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="kern-table__cell">\s*(\d+)\s*</td>', mobilitaet)
    assert cells == ["3", "6"]
    links = re.findall(r'<a class="kern-link" href="([^"]+)">', mobilitaet)
    assert links == [
        field.get_absolute_url()
        for plan in network.values()
        for field in plan.handlungsfelder.filter(name__icontains="mobilität").order_by("pk")
    ]
    assert '<caption id="vergleich-tabelle">' in html
    assert 'class="table-scroll" role="region"' in html
    chart = reverse("netzwerk:vergleich_svg")
    img = re.search(rf'<img src="{chart}" width="720" height="400" alt="([^"]+)">', html)
    assert img and "Tabelle darunter" in img.group(1)


def test_comparison_without_published_plans_says_so(client):
    make_plan(KommuneFactory(), {"Geheimes Handlungsfeld": ["laufend"]}, published=False)
    html = comparison(client)
    assert "Noch hat keine Kommune einen veröffentlichten Werkstattplan." in html
    assert "Geheimes Handlungsfeld" not in html and "<table" not in html


def chart(client):
    response = client.get(reverse("netzwerk:vergleich_svg"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    return response


def test_chart_is_svg_with_the_fields_of_published_plans(network, client):
    response = chart(client)
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "public, max-age=300"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Handlungsfelder im Vergleich: Zahl der Kommunen"
    assert "Mobilität: 3" in root.find(f"{SVG}desc").text
    labels = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == ""]
    assert {"Mobilität", "Bildung", "Teilhabe"} <= set(labels)
    values = [text.text for text in root.iter(f"{SVG}text") if text.get("class") == "value"]
    assert sorted(values) == ["1", "2", "3"]  # the bars' figures: communes per field
    assert b"Geheimes Handlungsfeld" not in response.content
    assert b"<script" not in response.content


def test_chart_shows_the_fifteen_most_shared_fields(client):
    names = [f"Feld {letter}" for letter in "ABCDEFGHIJKLMNOP"]
    make_plan(KommuneFactory(), dict.fromkeys(names, []))
    make_plan(KommuneFactory(), {"Feld P": []})  # shared: first in the chart
    root = ET.fromstring(chart(client).content)
    texts = [element.text for element in root.iter() if element.text in names]
    assert sorted(set(texts)) == sorted([*names[:14], "Feld P"])


def test_english_pages_answer(network, client):
    for path in ["/en/netzwerk/", "/en/netzwerk/handlungsfelder/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'lang="en"' in response.content.decode()
    assert client.get("/en/netzwerk/handlungsfelder/handlungsfelder.svg").status_code == 200


# ---------------------------------------------------------------------------- queries


def add_communes(count: int):
    """`count` communes, each with an old and a current plan, a draft and some Werkzeuge."""
    for _ in range(count):
        kommune = KommuneFactory(
            ags="13076", kontakt_email="a@b.example", kontakt_telefon="0385 / 1"
        )
        make_plan(kommune, {"Mobilität": ["laufend"]}, first_year=2016)
        make_plan(kommune, {"Mobilität": ["laufend", None, "geplant"], "Teilhabe": [None]})
        make_plan(kommune, {"Entwurf": ["geplant"]}, published=False, first_year=2024)


@pytest.mark.parametrize(
    ("name", "queries"),
    [("netzwerk:verzeichnis", 4), ("netzwerk:vergleich", 2), ("netzwerk:vergleich_svg", 2)],
)
def test_query_count_does_not_grow_with_the_network(
    name, queries, client, django_assert_num_queries
):
    add_communes(2)
    with django_assert_num_queries(queries):
        assert client.get(reverse(name)).status_code == 200
    cache.clear()  # the pages are kept for visitors
    add_communes(4)
    with django_assert_num_queries(queries):
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.content.count(b"Mobilit") >= 1
