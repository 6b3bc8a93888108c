"""The public pages of the Werkstattplan: plan, filters, Werkzeug, preview."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache

from tests.factories import (
    HandlungsfeldFactory,
    KommuneFactory,
    MassnahmeFactory,
    WerkstattplanFactory,
    WerkzeugFactory,
)
from werkstattplan.models import Kennzahl, Massnahme, Werkzeug
from zwk_portal.visitor_cache import visitor_key

pytestmark = pytest.mark.django_db


def make_seed_plan():
    """A small plan in the shape of seed 003."""
    kommune = KommuneFactory(name="Landkreis Ludwigslust-Parchim", slug="ludwigslust-parchim")
    plan = WerkstattplanFactory(kommune=kommune, title="Werkstattplan 2020–2023", slug="2020-2023")
    beteiligung = HandlungsfeldFactory(plan=plan, name="Bürgerbeteiligung", position=1)
    mobilitaet = HandlungsfeldFactory(plan=plan, name="Mobilität", position=2)
    teilhabe = HandlungsfeldFactory(plan=plan, name="Teilhabe", position=3)
    WerkzeugFactory(
        handlungsfeld=beteiligung,
        description="Eine erste demografische Zukunftswerkstatt wird veranstaltet",
        umsetzungsort="Ludwigslust",
        jahre=[2020],
    )
    WerkzeugFactory(
        handlungsfeld=beteiligung,
        description="Digitale Jugendbefragung „Die LUPE“ beginnt mit einem Testlauf",
        jahre=[2020, 2021, 2022, 2023],
        status=plan.status_liste.get(slug="laufend"),
    )
    WerkzeugFactory(
        handlungsfeld=mobilitaet,
        description="Einführung eines Touristentickets um ÖPNV und Kultur zu vernetzen",
        ansprechperson="Stefan Lösel (Geschäftsführer Verkehrsgesellschaft Ludwigslust-Parchim)",
        beteiligte="Regine Herbrik (Kreisvolkshochschule)",
        jahre=[2020, 2021],
        status=plan.status_liste.get(slug="abgeschlossen"),
    )
    musik = WerkzeugFactory(
        handlungsfeld=teilhabe,
        title="Musik gegen Einsamkeit",
        description="Aktion: „Musik gegen Einsamkeit“. Musiker*innen treten vor Pflegeeinrichtungen auf.",
        zielgruppe="Bewohner*innen von Pflegeeinrichtungen bzw. betreute Wohnanlagen",
        ansprechperson_vor_ort="17 verschiedene Standorte",
        budget=Decimal("1000.00"),
        budget_vermerk="Circa.",
        externe_beratung=False,
        besonderheiten="Die Künstler*innen bekamen eine kleine Aufwandsentschädigung.",
        jahre=[2020],
    )
    MassnahmeFactory(werkzeug=musik, title="Planung der Konzerte", jahr=2020, monate=[4])
    MassnahmeFactory(werkzeug=musik, title="Durchführung der Konzerte", jahr=2020, monate=[4, 5])
    MassnahmeFactory(werkzeug=musik, title="Öffentlichkeitsarbeit", jahr=2020, monate=[3, 4, 5])
    return plan


@pytest.fixture
def plan(db):
    return make_seed_plan()


LONG_WORD = "Wirtschaftsförderungsgesellschaft"


def make_full_plan():
    """A plan with everything the model can say: Leitziel and Kennzahlen, a status per plan,
    Einzelmaßnahmen without Werkzeug and for the whole plan, one at three Werkzeuge, periods,
    and a Werkzeug whose years are unknown."""
    kommune = KommuneFactory(name="Landkreis Vorpommern-Greifswald", slug="vorpommern-greifswald")
    plan = WerkstattplanFactory(
        kommune=kommune,
        title="Werkstattplan 2021–2024",
        slug="2021-2024",
        first_year=2021,
        last_year=2024,
    )
    status = {planstatus.slug: planstatus for planstatus in plan.status_liste.all()}
    arbeit = HandlungsfeldFactory(
        plan=plan,
        name="Arbeit und Fachkräfte",
        position=1,
        leitziel="Junge Menschen finden im Landkreis eine gute Arbeit.",
    )
    wohnen = HandlungsfeldFactory(plan=plan, name="Wohnen", position=2)
    Kennzahl.objects.create(
        handlungsfeld=arbeit,
        position=1,
        text="Auf 100 Menschen, die in Rente gehen, kommen etwa 65 junge Menschen in Arbeit.",
        quelle="Bundesagentur für Arbeit",
        stand=date(2023, 12, 31),
    )
    Kennzahl.objects.create(
        handlungsfeld=arbeit, position=2, text="Ausbildungsplätze je 100 Bewerbende", quelle="IHK"
    )
    messe = WerkzeugFactory(
        handlungsfeld=arbeit,
        title="Ausbildungsmesse",
        jahre=[2022, 2023],
        status=status["laufend"],
        umsetzungsort=LONG_WORD,
    )
    portal = WerkzeugFactory(handlungsfeld=arbeit, title="Pendlerportal", jahre=[2023])
    boerse = WerkzeugFactory(handlungsfeld=wohnen, title="Wohnraumbörse", jahre=[])
    kampagne = Massnahme.objects.create(
        werkzeug=messe,
        title="Rückkehrkampagne",
        ziel="Fachkräfte zurückgewinnen",
        jahr=2022,
        jahr_bis=2024,
        status=status["laufend"],
    )
    kampagne.auch_bei.set([portal, boerse])
    Massnahme.objects.create(
        handlungsfeld=arbeit,
        title="Runder Tisch Ausbildung",
        ziel="Betriebe und Schulen vernetzen",
        jahr=2023,
        status=status["verworfen"],
    )
    Massnahme.objects.create(
        plan=plan,
        title="Steuerungsgruppe Zukunftswerkstatt",
        ziel="Die Handlungsfelder aufeinander abstimmen",
        beginn=date(2023, 3, 1),
        ende=date(2023, 6, 30),
        status=status["geplant"],
    )
    return plan


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def found_count(html: str) -> int | None:
    match = re.search(r"(\d+) Werkzeuge? gefunden", html)
    return int(match.group(1)) if match else None


def werkzeug_rows(html: str) -> list[str]:
    """The texts of the Werkzeug row headers of the plan tables."""
    return re.findall(
        r'<th class="kern-table__header plan-table__werkzeug" scope="row">\s*<a [^>]*>([^<]*)</a>',
        html,
    )


# The plan page


def test_current_plan_redirects_to_the_newest_published_plan(client, plan):
    WerkstattplanFactory(
        kommune=plan.kommune, slug="entwurf", first_year=2024, last_year=2026, published=False
    )
    response = client.get("/ludwigslust-parchim/werkstattplan/")
    assert response.status_code == 302
    assert response["Location"] == "/ludwigslust-parchim/werkstattplan/2020-2023/"


def test_commune_without_published_plan_has_no_current_plan(client, plan):
    plan.published = False
    plan.save()
    assert client.get("/ludwigslust-parchim/werkstattplan/").status_code == 404


def test_plan_page_shows_every_handlungsfeld_and_werkzeug_with_its_years(client, plan):
    html = html_of(client.get(plan.get_absolute_url()))
    for name in ("Bürgerbeteiligung", "Mobilität", "Teilhabe"):
        assert f">{name}</h2>" in html
    for werkzeug in Werkzeug.objects.filter(handlungsfeld__plan=plan):
        assert werkzeug.description.replace("„", "„") in html.replace("&quot;", '"')
        assert werkzeug.get_absolute_url() in html
    # One table per Handlungsfeld, with caption and scoped headers for the years.
    assert html.count("<caption") == 3
    for year in (2020, 2021, 2022, 2023):
        assert f'<th class="kern-table__header year-cell" scope="col">{year}</th>' in html
    # The Jugendbefragung runs all four years, the Zukunftswerkstatt only in 2020.
    assert html.count("aktiv 2023") == 1
    assert html.count("aktiv 2020") == 4
    assert html.count("nicht aktiv") == 4 * 4 - (1 + 4 + 2 + 1)
    assert 'aria-label="Brotkrumen"' in html
    assert "Stand: 30. September 2020" in html


def test_plan_page_marks_the_years_of_a_werkzeug_in_its_own_row(client, plan):
    html = html_of(client.get(plan.get_absolute_url()))
    row = html.split("Touristentickets")[1].split("</tr>")[0]
    assert re.findall(r"aktiv (\d{4})", row.replace("nicht aktiv", "")) == ["2020", "2021"]
    assert row.count("nicht aktiv") == 2


def assert_headings_in_order(html: str) -> None:
    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def test_plan_headings_are_in_order(client, plan):
    assert_headings_in_order(html_of(client.get(plan.get_absolute_url())))


def test_unpublished_plan_is_hidden_from_the_public(client, plan):
    plan.published = False
    plan.save()
    werkzeug = Werkzeug.objects.filter(handlungsfeld__plan=plan).first()
    for url in (
        plan.get_absolute_url(),
        plan.get_absolute_url() + "werkstattplan.pdf",
        werkzeug.get_absolute_url(),
        werkzeug.get_absolute_url() + "werkzeug.pdf",
    ):
        assert client.get(url).status_code == 404, url


def test_unpublished_plan_is_hidden_from_staff_without_permission(client, plan):
    plan.published = False
    plan.save()
    client.force_login(User.objects.create_user("ohne-recht", is_staff=True))
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_staff_with_view_permission_preview_an_unpublished_plan(client, plan):
    plan.published = False
    plan.save()
    user = User.objects.create_user("koordination", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_werkstattplan"))
    client.force_login(user)
    response = client.get(plan.get_absolute_url())
    html = html_of(response)
    assert "Vorschau" in html and "Teilhabe" in html
    assert response["X-Robots-Tag"] == "noindex"
    werkzeug = Werkzeug.objects.get(title="Musik gegen Einsamkeit")
    assert client.get(werkzeug.get_absolute_url()).status_code == 200


def test_unknown_slugs_are_404(client, plan):
    werkzeug = Werkzeug.objects.filter(handlungsfeld__plan=plan).first()
    base = "/ludwigslust-parchim/werkstattplan"
    assert client.get("/gibt-es-nicht/werkstattplan/").status_code == 404
    assert client.get(f"/gibt-es-nicht/werkstattplan/{plan.slug}/").status_code == 404
    assert client.get(f"{base}/gibt-es-nicht/").status_code == 404
    assert client.get(f"{base}/{plan.slug}/werkzeuge/gibt-es-nicht/").status_code == 404
    assert client.get(f"{base}/{plan.slug}/werkzeuge/gibt-es-nicht/werkzeug.pdf").status_code == 404
    assert client.get(f"{base}/gibt-es-nicht/werkstattplan.pdf").status_code == 404
    # A Werkzeug is found only inside its own plan, and a plan only in its own commune.
    other_plan = WerkstattplanFactory(slug="anderer-plan")
    assert (
        client.get(
            f"/{other_plan.kommune.slug}/werkstattplan/{other_plan.slug}/werkzeuge/{werkzeug.slug}/"
        ).status_code
        == 404
    )
    assert client.get(f"/{other_plan.kommune.slug}/werkstattplan/{plan.slug}/").status_code == 404


# Filters


def test_plan_page_without_filter_shows_no_result_count(client, plan):
    html = html_of(client.get(plan.get_absolute_url()))
    assert found_count(html) is None
    assert '<form method="get"' in html
    for label in (
        "Suchbegriff",
        "Handlungsfeld",
        "Jahr",
        "Umsetzungsort",
        "Ansprechperson",
        "Status",
    ):
        assert f">{label}</label>" in html


def test_filter_by_handlungsfeld_keeps_the_grouping(client, plan):
    html = html_of(client.get(plan.get_absolute_url(), {"handlungsfeld": "burgerbeteiligung"}))
    assert found_count(html) == 2
    assert ">Bürgerbeteiligung</h2>" in html
    assert ">Mobilität</h2>" not in html and ">Teilhabe</h2>" not in html


def test_filter_by_year(client, plan):
    html = html_of(client.get(plan.get_absolute_url(), {"jahr": "2021"}))
    assert found_count(html) == 2
    assert sorted(werkzeug_rows(html)) == sorted(
        [
            "Digitale Jugendbefragung „Die LUPE“ beginnt mit einem Testlauf",
            "Einführung eines Touristentickets um ÖPNV und Kultur zu vernetzen",
        ]
    )


def test_filter_by_umsetzungsort(client, plan):
    html = html_of(client.get(plan.get_absolute_url(), {"umsetzungsort": "Ludwigslust"}))
    assert found_count(html) == 1
    assert werkzeug_rows(html) == ["Eine erste demografische Zukunftswerkstatt wird veranstaltet"]


def test_filter_by_ansprechperson(client, plan):
    person = "Stefan Lösel (Geschäftsführer Verkehrsgesellschaft Ludwigslust-Parchim)"
    html = html_of(client.get(plan.get_absolute_url(), {"ansprechperson": person}))
    assert found_count(html) == 1
    assert "Touristentickets" in werkzeug_rows(html)[0]


def test_filter_by_status(client, plan):
    html = html_of(client.get(plan.get_absolute_url(), {"status": "laufend"}))
    assert found_count(html) == 1
    assert "Jugendbefragung" in werkzeug_rows(html)[0]


def test_full_text_search_looks_into_all_texts_and_einzelmassnahmen(client, plan):
    url = plan.get_absolute_url()
    # in the description, case-insensitive
    assert found_count(html_of(client.get(url, {"suche": "touristenticket"}))) == 1
    # in a participant
    assert found_count(html_of(client.get(url, {"suche": "Kreisvolkshochschule"}))) == 1
    # in an Einzelmaßnahme only
    html = html_of(client.get(url, {"suche": "Öffentlichkeitsarbeit"}))
    assert found_count(html) == 1
    assert werkzeug_rows(html) == ["Musik gegen Einsamkeit"]
    # every word must match
    assert found_count(html_of(client.get(url, {"suche": "Konzerte Touristenticket"}))) == 0
    html = html_of(client.get(url, {"suche": "gibt es nirgends"}))
    assert found_count(html) == 0
    assert "Keine Werkzeuge passen zu Ihrer Auswahl" in html


def test_filters_combine(client, plan):
    url = plan.get_absolute_url()
    assert (
        found_count(
            html_of(client.get(url, {"jahr": "2020", "handlungsfeld": "burgerbeteiligung"}))
        )
        == 2
    )
    assert (
        found_count(
            html_of(client.get(url, {"jahr": "2021", "handlungsfeld": "burgerbeteiligung"}))
        )
        == 1
    )
    html = html_of(
        client.get(
            url,
            {
                "jahr": "2021",
                "status": "abgeschlossen",
                "suche": "ÖPNV",
                "umsetzungsort": "Ganzer Landkreis",
            },
        )
    )
    assert found_count(html) == 1
    assert found_count(html_of(client.get(url, {"jahr": "2023", "status": "abgeschlossen"}))) == 0


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"jahr": "abc"}, "Jahr"),
        ({"jahr": "1999"}, "Jahr"),
        ({"handlungsfeld": "9999"}, "Handlungsfeld"),
        ({"status": "<script>"}, "Status"),
        ({"umsetzungsort": "Atlantis"}, "Umsetzungsort"),
    ],
)
def test_bad_filter_input_shows_a_german_message(client, plan, params, label):
    response = client.get(plan.get_absolute_url(), params)
    html = html_of(response)
    assert "Bitte prüfen Sie Ihre Auswahl" in html
    assert f"{label}</a>: Bitte wählen Sie einen Eintrag aus der Liste" in html
    assert "<script>" not in html.split("</head>")[1]
    # The invalid filter is ignored; the plan is still shown.
    assert found_count(html) == 4


def test_filter_form_keeps_the_chosen_values(client, plan):
    html = html_of(client.get(plan.get_absolute_url(), {"jahr": "2022", "suche": "LUPE"}))
    assert '<option value="2022" selected>' in html
    assert 'value="LUPE"' in html


# The Werkzeug page


def test_werkzeug_page_shows_steckbrief_and_month_grid(client, plan):
    werkzeug = Werkzeug.objects.get(title="Musik gegen Einsamkeit")
    html = html_of(client.get(werkzeug.get_absolute_url()))
    assert "<h1" in html and "Musik gegen Einsamkeit</h1>" in html
    assert "Circa. 1.000,00\xa0€" in html
    assert "17 verschiedene Standorte" in html
    assert "<dd>Nein</dd>" in html
    assert "Einzelmaßnahmen im Jahr 2020, nach Monaten" in html
    for number, name in ((1, "Januar"), (12, "Dezember")):
        assert (
            f'<th class="kern-table__header month-grid__month" scope="col"><span aria-hidden="true">{number}</span>'
            f'<span class="visually-hidden">{name}</span></th>'
        ) in html
    grid = html.split("kern-table--small month-grid")[1]
    row = grid.split("Durchführung der Konzerte")[1].split("</tr>")[0]
    cells = re.findall(r"<td [^>]*>(.*?)</td>", row)
    assert len(cells) == 12 + 1  # the months, then the Zeitraum
    assert cells[12] == "2020"
    cells = cells[:12]
    planned = [month for month, cell in enumerate(cells, start=1) if ">geplant<" in cell]
    assert planned == [4, 5]
    assert 'aria-label="Brotkrumen"' in html and 'aria-current="page"' in html


def test_werkzeug_without_details_has_no_steckbrief(client, plan):
    werkzeug = Werkzeug.objects.get(description__startswith="Eine erste")
    html = html_of(client.get(werkzeug.get_absolute_url()))
    assert "Steckbrief" not in html and "month-grid" not in html
    assert "aktiv 2020" in html and html.count("nicht aktiv") == 3


def test_commune_page_teaser_lists_the_handlungsfelder(client, plan):
    html = html_of(client.get("/ludwigslust-parchim/"))
    assert "3 Handlungsfelder" in html
    assert f'href="{plan.get_absolute_url()}#hf-mobilitat"' in html
    assert "(2 Werkzeuge)" in html and "(1 Werkzeug)" in html


# Query counts


def build_plan(handlungsfelder: int, werkzeuge_per_hf: int, massnahmen: int = 3):
    """A plan with everything per Handlungsfeld: Kennzahl, Werkzeuge with Einzelmaßnahmen
    (one of them also at a second Werkzeug), an Einzelmaßnahme without Werkzeug; and a
    cross-cutting one."""
    plan = WerkstattplanFactory()
    laufend = plan.status_liste.get(slug="laufend")
    for _ in range(handlungsfelder):
        handlungsfeld = HandlungsfeldFactory(plan=plan, leitziel="Ein Leitziel")
        Kennzahl.objects.create(handlungsfeld=handlungsfeld, text="Eine Kennzahl", quelle="Amt")
        Massnahme.objects.create(handlungsfeld=handlungsfeld, title="Direkt", status=laufend)
        werkzeuge = [
            WerkzeugFactory(handlungsfeld=handlungsfeld, jahre=[2020, 2022], status=laufend)
            for _ in range(werkzeuge_per_hf)
        ]
        for werkzeug in werkzeuge:
            for _ in range(massnahmen):
                massnahme = MassnahmeFactory(werkzeug=werkzeug, status=laufend)
            massnahme.auch_bei.set(werkzeuge[:1])
    querschnitt = Massnahme.objects.create(plan=plan, title="Steuerung", jahr=2020, jahr_bis=2022)
    querschnitt.auch_bei.set(Werkzeug.objects.filter(handlungsfeld__plan=plan)[:3])
    return plan


@pytest.mark.parametrize("size", [(1, 1), (6, 5), (12, 20)])
def test_plan_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    plan = build_plan(*size)
    # Kommune, plan, Handlungsfeld choices, Ort/Person choices, status choices,
    # Handlungsfelder, Werkzeuge (with their status), Kennzahlen, Einzelmaßnahmen outside
    # the Werkzeuge (with their status), their links to Werkzeuge (`auch_bei`), figures next
    # to the Handlungsfelder (statistik; their values only when there are any)
    with django_assert_num_queries(11):
        response = client.get(plan.get_absolute_url())
    html = html_of(response)
    assert len(werkzeug_rows(html)) == size[0] * size[1]
    # every Werkzeug, every Einzelmaßnahme without Werkzeug, the status filter's option
    assert html.count(">laufend<") == size[0] * size[1] + size[0] + 1
    assert "Steuerung" in html and "Eine Kennzahl" in html
    with django_assert_num_queries(11):
        response = client.get(plan.get_absolute_url(), {"jahr": "2022", "suche": "Werkzeug"})
    assert found_count(html_of(response)) == size[0] * size[1]


def test_plan_page_is_kept_rendered_for_visitors_and_changes_reach_them_soon(
    client, django_assert_max_num_queries
):
    plan = build_plan(2, 2)
    url = plan.get_absolute_url()
    first = client.get(url).content.decode()
    with django_assert_max_num_queries(0):  # the finished page, for a few seconds
        assert client.get(url).content.decode() == first

    werkzeug = Werkzeug.objects.filter(handlungsfeld__plan=plan).first()
    werkzeug.title = "Ganz neuer Kurztitel"
    werkzeug.save()
    request = client.get(url).wsgi_request
    cache.delete(visitor_key(request))  # as if PLAN_PAGE_FRESH_SECONDS had passed
    with django_assert_max_num_queries(11):
        assert "Ganz neuer Kurztitel" in client.get(url).content.decode()
    # filters are kept on their own
    assert "0 Werkzeuge gefunden" in client.get(url, {"suche": "nichts-passt"}).content.decode()


def test_logged_in_people_never_get_the_visitors_cached_page(client, django_user_model):
    cache.clear()
    plan = build_plan(1, 1)
    assert "Mein Konto" not in client.get(plan.get_absolute_url()).content.decode()
    client.force_login(django_user_model.objects.create_user("antrag"))
    assert "Mein Konto" in client.get(plan.get_absolute_url()).content.decode()


# Leitziel, Kennzahlen, statuses of the plan, periods, Einzelmaßnahmen outside the Werkzeuge


@pytest.fixture
def full_plan(db):
    return make_full_plan()


def section_of(html: str, section_id: str) -> str:
    return html.split(f'id="{section_id}"')[1].split("</section>")[0]


def test_plan_page_shows_leitziel_kennzahlen_and_einzelmassnahmen_without_werkzeug(
    client, full_plan
):
    html = html_of(client.get(full_plan.get_absolute_url()))
    arbeit = section_of(html, "hf-arbeit-und-fachkrafte")
    assert "Leitziel:</strong> Junge Menschen finden im Landkreis eine gute Arbeit." in arbeit
    assert (
        "kommen etwa 65 junge Menschen in Arbeit. "
        "(Quelle: Bundesagentur für Arbeit; Stand: 31.12.2023)</li>"
    ) in arbeit
    assert "Ausbildungsplätze je 100 Bewerbende (Quelle: IHK)</li>" in arbeit
    # The Einzelmaßnahme without Werkzeug stands in its Handlungsfeld, status as text.
    row = arbeit.split("Runder Tisch Ausbildung")[1].split("</tr>")[0]
    assert "Betriebe und Schulen vernetzen" in row and ">2023<" in row
    assert '<span class="visually-hidden">Status: </span>verworfen' in row
    # The cross-cutting one has a section of its own, listed in the table of contents.
    assert '<a class="kern-link" href="#fuer-alle">Für alle Handlungsfelder</a>' in html
    fuer_alle = section_of(html, "fuer-alle")
    assert ">Für alle Handlungsfelder</h2>" in fuer_alle
    assert "Steuerungsgruppe Zukunftswerkstatt" in fuer_alle
    assert "01.03.2023–30.06.2023" in fuer_alle and ">geplant<" in fuer_alle
    assert "Steuerungsgruppe" not in arbeit
    assert html.count("Runder Tisch Ausbildung") == 1
    assert_headings_in_order(html)


def test_werkzeug_without_years_says_keine_angabe_not_inactive(client, full_plan):
    html = html_of(client.get(full_plan.get_absolute_url()))
    row = html.split(">Wohnraumbörse</a>")[1].split("</tr>")[0]
    assert (
        '<td class="kern-table__cell year-cell year-cell--unknown" colspan="4">keine Angabe</td>'
        in row
    )
    assert "nicht aktiv" not in row
    page = html_of(client.get(Werkzeug.objects.get(title="Wohnraumbörse").get_absolute_url()))
    year_table = page.split('id="werkzeug-jahre"')[1].split("</table>")[0]
    assert "keine Angabe" in year_table and "nicht aktiv" not in year_table


def test_einzelmassnahme_at_three_werkzeuge_is_shown_once_and_referenced_from_the_others(
    client, full_plan
):
    messe, portal, boerse = (
        Werkzeug.objects.get(title=title)
        for title in ("Ausbildungsmesse", "Pendlerportal", "Wohnraumbörse")
    )
    html = html_of(client.get(messe.get_absolute_url()))
    row = html.split("Rückkehrkampagne")[1].split("</tr>")[0]
    assert "auch bei:" in row
    assert f'href="{portal.get_absolute_url()}">Pendlerportal</a>' in row
    assert f'href="{boerse.get_absolute_url()}">Wohnraumbörse</a>' in row
    assert ">2022–2024<" in row and ">laufend<" in row and "Fachkräfte zurückgewinnen" in row
    assert "Monate: keine Angabe" in row
    assert "Einzelmaßnahmen über mehrere Jahre oder ohne Jahresangabe" in html
    assert (
        '<span class="visually-hidden">Status: </span>laufend' in html.split("<dt>Status</dt>")[1]
    )
    for other in (portal, boerse):
        html = html_of(client.get(other.get_absolute_url()))
        assert ">Siehe auch</h2>" in html
        assert (
            f'Rückkehrkampagne (bei <a class="kern-link" href="{messe.get_absolute_url()}">'
            "Ausbildungsmesse</a>), 2022–2024"
        ) in html
        assert "month-grid" not in html  # shown once: in the grid of its own Werkzeug only


def test_status_filter_finds_einzelmassnahmen_without_werkzeug(client, full_plan):
    url = full_plan.get_absolute_url()
    html = html_of(client.get(url, {"status": "verworfen"}))
    assert "0 Werkzeuge gefunden, dazu 1 Einzelmaßnahme ohne Werkzeug" in html
    assert "Runder Tisch Ausbildung" in html
    assert "Steuerungsgruppe" not in html and 'id="fuer-alle"' not in html
    assert "Keine Werkzeuge passen" not in html
    html = html_of(client.get(url, {"status": "geplant"}))
    assert "0 Werkzeuge gefunden, dazu 1 Einzelmaßnahme ohne Werkzeug" in html
    assert "Steuerungsgruppe Zukunftswerkstatt" in section_of(html, "fuer-alle")
    html = html_of(client.get(url, {"status": "laufend"}))
    # Ausbildungsmesse is "laufend", and so is its Rückkehrkampagne, shown at the other two too.
    assert werkzeug_rows(html) == ["Ausbildungsmesse", "Pendlerportal", "Wohnraumbörse"]
    assert "Runder Tisch" not in html and "Steuerungsgruppe" not in html


def test_search_finds_ziel_and_cross_cutting_einzelmassnahmen(client, full_plan):
    url = full_plan.get_absolute_url()
    # in the title of a cross-cutting Einzelmaßnahme
    html = html_of(client.get(url, {"suche": "steuerungsgruppe"}))
    assert "0 Werkzeuge gefunden, dazu 1 Einzelmaßnahme ohne Werkzeug" in html
    assert "Steuerungsgruppe Zukunftswerkstatt" in section_of(html, "fuer-alle")
    # in the Ziel of an Einzelmaßnahme without Werkzeug
    html = html_of(client.get(url, {"suche": "Schulen vernetzen"}))
    assert "Runder Tisch Ausbildung" in html and found_count(html) == 0
    # in the Ziel of a Werkzeug's Einzelmaßnahme: its Werkzeug and those it names in auch_bei
    html = html_of(client.get(url, {"suche": "zurückgewinnen"}))
    assert werkzeug_rows(html) == ["Ausbildungsmesse", "Pendlerportal", "Wohnraumbörse"]
    assert "dazu" not in html


def test_other_filters_treat_einzelmassnahmen_without_werkzeug_consistently(client, full_plan):
    url = full_plan.get_absolute_url()
    html = html_of(client.get(url, {"jahr": "2022"}))
    assert werkzeug_rows(html) == ["Ausbildungsmesse"]
    assert "Runder Tisch" not in html and "Steuerungsgruppe" not in html
    html = html_of(client.get(url, {"jahr": "2023"}))
    assert "Runder Tisch Ausbildung" in html and "Steuerungsgruppe Zukunftswerkstatt" in html
    assert "Wohnraumbörse" not in werkzeug_rows(html)  # its years are unknown
    # cross-cutting Einzelmaßnahmen belong to every Handlungsfeld
    html = html_of(client.get(url, {"handlungsfeld": "wohnen"}))
    assert "Steuerungsgruppe Zukunftswerkstatt" in html and "Runder Tisch" not in html
    # they have no Umsetzungsort
    html = html_of(client.get(url, {"umsetzungsort": LONG_WORD}))
    assert werkzeug_rows(html) == ["Ausbildungsmesse"]
    assert "Runder Tisch" not in html and "Steuerungsgruppe" not in html
    # an invalid status is ignored with a German message, for them too
    html = html_of(client.get(url, {"status": "<gibt-es-nicht>"}))
    assert "Status</a>: Bitte wählen Sie einen Eintrag aus der Liste" in html
    assert "Runder Tisch Ausbildung" in html and "Steuerungsgruppe Zukunftswerkstatt" in html
