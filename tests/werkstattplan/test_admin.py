"""The coordinator's admin for the Werkstattplan."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from tablib import Dataset

from kommunen.models import Kommune
from tests.factories import koordination_user
from werkstattplan.models import (
    Handlungsfeld,
    Kennzahl,
    Massnahme,
    Planstatus,
    Werkstattplan,
    Werkzeug,
)
from werkstattplan.resources import MassnahmeResource, WerkzeugResource, ZahlenlisteWidget

pytestmark = pytest.mark.django_db
EARLIER = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def plan():
    kommune = Kommune.objects.create(
        name="Landkreis Ludwigslust-Parchim", slug="ludwigslust-parchim"
    )
    plan = Werkstattplan.objects.create(
        kommune=kommune,
        title="Werkstattplan",
        slug="2020-2023",
        first_year=2020,
        last_year=2023,
        published=True,
    )
    teilhabe = Handlungsfeld.objects.create(plan=plan, position=1, name="Teilhabe")
    musik = Werkzeug.objects.create(
        handlungsfeld=teilhabe, position=1, description="Musik gegen Einsamkeit", jahre=[2020]
    )
    Massnahme.objects.create(werkzeug=musik, title="Planung der Konzerte", jahr=2020, monate=[4])
    return plan


@pytest.fixture
def coordinator(client, plan):
    user = koordination_user(plan.kommune)
    client.force_login(user)
    return user


def test_coordinator_reaches_every_werkstattplan_page(client, coordinator, plan):
    werkzeug = Werkzeug.objects.get()
    for url in [
        "/admin/werkstattplan/werkstattplan/",
        f"/admin/werkstattplan/werkstattplan/{plan.pk}/change/",
        f"/admin/werkstattplan/werkstattplan/{plan.pk}/history/",
        "/admin/werkstattplan/handlungsfeld/?q=Teil",
        f"/admin/werkstattplan/handlungsfeld/{werkzeug.handlungsfeld_id}/change/",
        "/admin/werkstattplan/werkzeug/?jahr=2020&status=",
        f"/admin/werkstattplan/werkzeug/{werkzeug.pk}/change/",
        "/admin/werkstattplan/werkzeug/add/",
        "/admin/werkstattplan/massnahme/",
        "/admin/werkstattplan/massnahme/add/",
        f"/admin/werkstattplan/massnahme/{werkzeug.massnahmen.get().pk}/change/",
        "/admin/werkstattplan/werkstattplan/aus-tabellentext/",
    ]:
        assert client.get(url).status_code == 200, url


def test_staff_without_the_coordination_role_is_turned_away(client, plan):
    client.force_login(User.objects.create_user("andere", password="x" * 16, is_staff=True))
    assert client.get("/admin/werkstattplan/werkzeug/").status_code == 403
    assert client.get("/admin/werkstattplan/werkstattplan/aus-tabellentext/").status_code == 403


def test_years_and_months_are_checkbox_grids_and_the_plan_links_to_the_website(
    client, coordinator, plan
):
    werkzeug = Werkzeug.objects.get()
    html = client.get(f"/admin/werkstattplan/werkzeug/{werkzeug.pk}/change/").content.decode()
    for year in (2020, 2021, 2022, 2023):
        assert f'type="checkbox" name="jahre" value="{year}"' in html
    assert 'type="checkbox" name="massnahmen-0-monate" value="12"' in html
    html = client.get(f"/admin/werkstattplan/werkstattplan/{plan.pk}/change/").content.decode()
    assert "Auf der Website anzeigen" in html


def werkzeug_post(werkzeug, **changes):
    massnahme = werkzeug.massnahmen.get()
    data = {
        "handlungsfeld": werkzeug.handlungsfeld_id,
        "position": 1,
        "title": "",
        "slug": werkzeug.slug,
        "description": werkzeug.description,
        "jahre": ["2020", "2021"],
        "status": werkzeug.handlungsfeld.plan.status_liste.get(slug="laufend").pk,
        "fortschritt": "40",
        "budget": "1000",
        "externe_beratung": "unknown",
        "massnahmen-TOTAL_FORMS": "2",
        "massnahmen-INITIAL_FORMS": "1",
        "massnahmen-MIN_NUM_FORMS": "0",
        "massnahmen-MAX_NUM_FORMS": "1000",
        "massnahmen-0-id": massnahme.pk,
        "massnahmen-0-werkzeug": werkzeug.pk,
        "massnahmen-0-position": "1",
        "massnahmen-0-title": massnahme.title,
        "massnahmen-0-jahr": "2020",
        "massnahmen-0-monate": ["4", "5"],
        "massnahmen-1-werkzeug": werkzeug.pk,
        "massnahmen-1-position": "2",
        "massnahmen-1-title": "Durchführung der Konzerte",
        "massnahmen-1-jahr": "2020",
        "massnahmen-1-monate": ["5", "6"],
    }
    data.update(changes)
    return data


def test_saving_a_werkzeug_with_its_massnahmen_in_one_form(client, coordinator, plan):
    werkzeug = Werkzeug.objects.get()
    response = client.post(
        f"/admin/werkstattplan/werkzeug/{werkzeug.pk}/change/", werkzeug_post(werkzeug)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    werkzeug.refresh_from_db()
    assert werkzeug.jahre == [2020, 2021]
    assert [(m.title, m.monate) for m in werkzeug.massnahmen.all()] == [
        ("Planung der Konzerte", [4, 5]),
        ("Durchführung der Konzerte", [5, 6]),
    ]
    assert LogEntry.objects.filter(object_id=str(werkzeug.pk)).exists()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"massnahmen-1-jahr": "2031"}, "liegt nicht in der Laufzeit des Plans"),
        ({"budget": "-5"}, "Das Budget darf nicht negativ sein."),
        ({"description": "   "}, "Dieses Feld ist zwingend erforderlich."),
        ({"fortschritt": "150"}, "kleiner oder gleich 100"),
        ({"massnahmen-0-monate": ["13"]}, "13 ist keine gültige Auswahl"),
    ],
)
def test_invalid_werkzeug_input_is_refused_in_german_and_nothing_changes(
    client, coordinator, plan, changes, message
):
    werkzeug = Werkzeug.objects.get()
    response = client.post(
        f"/admin/werkstattplan/werkzeug/{werkzeug.pk}/change/", werkzeug_post(werkzeug, **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    werkzeug.refresh_from_db()
    assert werkzeug.jahre == [2020] and werkzeug.massnahmen.count() == 1


SEED = (
    __import__("pathlib").Path(__file__).resolve().parents[2]
    / "fixtures"
    / "werkstattplan-ludwigslust-parchim.txt"
)


def test_table_text_import_previews_without_writing_then_imports(client, coordinator, plan):
    data = {
        "kommune": plan.kommune.pk,
        "title": "Werkstattplan Landkreis Ludwigslust-Parchim",
        "slug": "aus-pdf",
        "text": SEED.read_text(encoding="utf-8"),
        "vorschau": "Vorschau",
    }
    response = client.post("/admin/werkstattplan/werkstattplan/aus-tabellentext/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Musik gegen Einsamkeit" in html and "Daseinsvorsorge und Willkommenskultur" in html
    assert 'name="importieren"' in html
    assert not Werkstattplan.objects.filter(slug="aus-pdf").exists()

    del data["vorschau"]
    data["importieren"] = "Importieren"
    response = client.post("/admin/werkstattplan/werkstattplan/aus-tabellentext/", data)
    imported = Werkstattplan.objects.get(slug="aus-pdf")
    assert response.status_code == 302
    assert imported.handlungsfelder.count() == 6


def test_table_text_import_rejects_text_that_is_no_plan(client, coordinator, plan):
    response = client.post(
        "/admin/werkstattplan/werkstattplan/aus-tabellentext/",
        {
            "kommune": plan.kommune.pk,
            "title": "X",
            "slug": "x",
            "text": "Einkaufsliste\tMilch\tBrot",
            "vorschau": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    assert 'name="importieren"' not in response.content.decode()
    assert not Werkstattplan.objects.filter(slug="x").exists()


def test_table_text_import_refuses_a_taken_slug(client, coordinator, plan):
    response = client.post(
        "/admin/werkstattplan/werkstattplan/aus-tabellentext/",
        {"kommune": plan.kommune.pk, "title": "X", "slug": plan.slug, "text": "…", "vorschau": "1"},
    )
    assert "schon einen Plan mit diesem Kurznamen" in response.content.decode()


# ------------------------------------------------------------- statuses, Kennzahlen, places


def form_data(response) -> dict:
    """The change form of a GET response as a browser would post it back unchanged."""
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def status(plan, slug):
    return plan.status_liste.get(slug=slug)


def test_the_plan_page_edits_its_statuses(client, coordinator, plan):
    url = f"/admin/werkstattplan/werkstattplan/{plan.pk}/change/"
    response = client.get(url)
    html = response.content.decode()
    assert 'value="abgebrochen"' in html and "Status der Werkzeuge" in html
    data = form_data(response)
    data["status_liste-1-name"] = "in Umsetzung"  # was "laufend"
    data["status_liste-5-position"] = "6"
    data["status_liste-5-name"] = "ruht"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert [s.name for s in plan.status_liste.order_by("position")] == [
        "geplant",
        "in Umsetzung",
        "abgeschlossen",
        "verworfen",
        "abgebrochen",
        "ruht",
    ]


def test_a_status_in_use_cannot_be_deleted_and_the_page_says_why(client, coordinator, plan):
    Werkzeug.objects.update(status=status(plan, "laufend"))
    url = f"/admin/werkstattplan/werkstattplan/{plan.pk}/change/"
    data = form_data(client.get(url))
    data["status_liste-1-DELETE"] = "on"  # laufend
    response = client.post(url, data)
    assert response.status_code == 200
    assert (
        "Der Status „laufend“ kann nicht gelöscht werden: Er ist noch bei 1 Werkzeug "
        "eingetragen." in response.content.decode()
    )
    assert plan.status_liste.filter(slug="laufend").exists()

    del data["status_liste-1-DELETE"]
    data["status_liste-3-DELETE"] = "on"  # verworfen, unused
    assert client.post(url, data).status_code == 302
    assert not plan.status_liste.filter(slug="verworfen").exists()


def test_a_new_plan_gets_the_default_statuses(client, coordinator, plan):
    response = client.get("/admin/werkstattplan/werkstattplan/add/")
    assert response.status_code == 200
    assert "status_liste-TOTAL_FORMS" not in response.content.decode()


def test_a_coordinator_of_one_kommune_finds_it_chosen_for_a_new_plan(client, coordinator, plan):
    html = client.get("/admin/werkstattplan/werkstattplan/add/").content.decode()
    assert f'<option value="{plan.kommune_id}" selected>' in html


def test_the_handlungsfeld_page_edits_kennzahlen_and_measures_without_werkzeug(
    client, coordinator, plan
):
    teilhabe = plan.handlungsfelder.get()
    url = f"/admin/werkstattplan/handlungsfeld/{teilhabe.pk}/change/"
    data = form_data(client.get(url))
    data.update(
        {
            "kennzahlen-0-position": "1",
            "kennzahlen-0-text": "65 junge Menschen auf 100, die in Rente gehen",
            "kennzahlen-0-quelle": "Statistisches Amt",
            "kennzahlen-0-stand": "2020-12-31",
            "massnahmen-0-position": "1",
            "massnahmen-0-title": "Arbeitsgruppe Teilhabe",
            "massnahmen-0-status": status(plan, "geplant").pk,
            "massnahmen-0-jahr": "2021",
            "massnahmen-0-jahr_bis": "2023",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    kennzahl = teilhabe.kennzahlen.get()
    assert (kennzahl.quelle, str(kennzahl.stand)) == ("Statistisches Amt", "2020-12-31")
    gruppe = Massnahme.objects.get(title="Arbeitsgruppe Teilhabe")
    assert (gruppe.plan, gruppe.handlungsfeld, gruppe.werkzeug) == (plan, teilhabe, None)
    assert (gruppe.status.slug, gruppe.zeitraum) == ("geplant", "2021–2023")


def test_a_kennzahl_needs_its_text(client, coordinator, plan):
    teilhabe = plan.handlungsfelder.get()
    url = f"/admin/werkstattplan/handlungsfeld/{teilhabe.pk}/change/"
    data = form_data(client.get(url))
    data.update({"kennzahlen-0-position": "1", "kennzahlen-0-quelle": "Statistisches Amt"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not teilhabe.kennzahlen.exists()


@pytest.fixture
def other_plan(plan):
    other = Werkstattplan.objects.create(
        kommune=plan.kommune,
        title="Zweiter Plan",
        slug="2024-2027",
        first_year=2024,
        last_year=2027,
    )
    mobil = Handlungsfeld.objects.create(plan=other, position=1, name="Mobilität")
    Werkzeug.objects.create(handlungsfeld=mobil, description="Rufbus", jahre=[2024])
    return other


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="(\d+)"', select[1])


def test_status_selects_offer_the_plans_own_statuses(client, coordinator, plan, other_plan):
    own = [str(pk) for pk in plan.status_liste.values_list("pk", flat=True)]
    werkzeug = Werkzeug.objects.get(handlungsfeld__plan=plan)
    html = client.get(f"/admin/werkstattplan/werkzeug/{werkzeug.pk}/change/").content.decode()
    assert sorted(options(html, "status")) == sorted(own)
    assert sorted(options(html, "massnahmen-0-status")) == sorted(own)
    teilhabe = werkzeug.handlungsfeld
    html = client.get(f"/admin/werkstattplan/handlungsfeld/{teilhabe.pk}/change/").content.decode()
    assert sorted(options(html, "werkzeuge-0-status")) == sorted(own)
    # A new measure has no plan yet: every status, named with its plan.
    html = client.get("/admin/werkstattplan/massnahme/add/").content.decode()
    assert len(options(html, "status")) == 10
    assert "laufend (Zweiter Plan (Landkreis Ludwigslust-Parchim))" in html


def test_a_status_of_another_plan_is_refused(client, coordinator, plan, other_plan):
    werkzeug = Werkzeug.objects.get(handlungsfeld__plan=plan)
    response = client.post(
        f"/admin/werkstattplan/werkzeug/{werkzeug.pk}/change/",
        werkzeug_post(werkzeug, status=status(other_plan, "laufend").pk),
    )
    assert response.status_code == 200
    assert "Auswahl" in response.content.decode()  # not among the choices
    werkzeug.refresh_from_db()
    assert werkzeug.status is None


def test_the_werkzeug_list_filters_by_status_name(client, coordinator, plan, other_plan):
    Werkzeug.objects.filter(handlungsfeld__plan=plan).update(status=status(plan, "laufend"))
    Werkzeug.objects.filter(handlungsfeld__plan=other_plan).update(
        status=status(other_plan, "geplant")
    )
    response = client.get("/admin/werkstattplan/werkzeug/?status=laufend")
    assert [w.description for w in response.context["cl"].result_list] == ["Musik gegen Einsamkeit"]
    assert "?status=geplant" in response.content.decode()


def massnahme_post(massnahme, **changes):
    data = {
        "plan": massnahme.plan_id,
        "handlungsfeld": massnahme.handlungsfeld_id or "",
        "werkzeug": massnahme.werkzeug_id or "",
        "position": massnahme.position,
        "title": massnahme.title,
        "ziel": "Einsamkeit lindern",
        "jahr": massnahme.jahr or "",
        "monate": massnahme.monate,
    }
    data.update(changes)
    return data


def test_a_measure_is_also_named_at_further_werkzeuge_of_its_plan(client, coordinator, plan):
    musik = Werkzeug.objects.get()
    lesepaten = Werkzeug.objects.create(
        handlungsfeld=musik.handlungsfeld, description="Lesepaten", jahre=[2021]
    )
    massnahme = musik.massnahmen.get()
    url = f"/admin/werkstattplan/massnahme/{massnahme.pk}/change/"
    html = client.get(url).content.decode()
    assert 'name="auch_bei"' in html and "Lesepaten" in html
    assert f'name="auch_bei" value="{musik.pk}"' not in html  # its own Werkzeug
    response = client.post(url, massnahme_post(massnahme, auch_bei=[lesepaten.pk]))
    assert response.status_code == 302, response.context["errors"]
    assert list(massnahme.auch_bei.all()) == [lesepaten]
    assert massnahme.plan == plan


@pytest.mark.parametrize(
    "which,message",
    [
        ("foreign", "„Rufbus“ gehört zu einem anderen Werkstattplan"),
        ("own", "„Musik gegen Einsamkeit“ ist das eigene Werkzeug der Einzelmaßnahme"),
    ],
)
def test_auch_bei_refuses_a_werkzeug_of_another_plan_or_its_own(
    client, coordinator, plan, other_plan, which, message
):
    massnahme = Massnahme.objects.get()
    chosen = (
        Werkzeug.objects.get(handlungsfeld__plan=other_plan)
        if which == "foreign"
        else massnahme.werkzeug
    )
    response = client.post(
        f"/admin/werkstattplan/massnahme/{massnahme.pk}/change/",
        massnahme_post(massnahme, auch_bei=[chosen.pk]),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not massnahme.auch_bei.exists()


def test_a_measure_for_the_whole_plan_and_one_in_the_wrong_plan(
    client, coordinator, plan, other_plan
):
    data = {"plan": plan.pk, "position": 1, "title": "Steuerungsgruppe", "jahr": "2020"}
    response = client.post("/admin/werkstattplan/massnahme/add/", data)
    assert response.status_code == 302, response.context["errors"]
    gruppe = Massnahme.objects.get(title="Steuerungsgruppe")
    assert gruppe.querschnitt and gruppe.plan == plan

    rufbus = Werkzeug.objects.get(handlungsfeld__plan=other_plan)
    data.update(title="Fahrplan", werkzeug=rufbus.pk)
    response = client.post("/admin/werkstattplan/massnahme/add/", data)
    assert response.status_code == 200
    assert "gehört zu einem anderen Werkstattplan als dem gewählten" in response.content.decode()
    # Without a plan, the Werkzeug says which.
    del data["plan"]
    data["jahr"] = "2024"
    response = client.post("/admin/werkstattplan/massnahme/add/", data)
    assert response.status_code == 302, response.context["errors"]
    assert Massnahme.objects.get(title="Fahrplan").plan == other_plan


def test_the_measure_list_and_its_filters_answer(client, coordinator, plan):
    Massnahme.objects.create(plan=plan, title="Steuerungsgruppe", status=status(plan, "laufend"))
    for query in ("", f"?plan__id__exact={plan.pk}", "?status=laufend", "?q=Steuerung"):
        response = client.get(f"/admin/werkstattplan/massnahme/{query}")
        assert response.status_code == 200, query
    assert "ganzer Plan" in response.content.decode()


# ------------------------------------------------ spreadsheets of one level (import/export)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2022–2024", [2022, 2023, 2024]),
        ("2022-2024", [2022, 2023, 2024]),
        ("2020, 2022 – 2023", [2020, 2022, 2023]),
        ("2021; 2020", [2020, 2021]),
    ],
)
def test_year_lists_take_ranges(text, expected):
    assert ZahlenlisteWidget().clean(text) == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("2024–2022", "„2024–2022“: Der Bereich muss mit der kleineren Zahl beginnen."),
        ("1950-2024", "„1950–2024“ umfasst mehr als 50 Jahre"),
    ],
)
def test_year_ranges_backwards_or_too_long_are_refused_in_german(text, message):
    with pytest.raises(ValueError, match=message):
        ZahlenlisteWidget().clean(text)


def rows(dataset):
    return [dict(zip(dataset.headers, row, strict=True)) for row in dataset]


def reimport(resource, dataset, changed: list[dict]):
    dataset = Dataset(headers=dataset.headers)
    for row in changed:
        dataset.append([row.get(header, "") for header in dataset.headers])
    return resource.import_data(dataset, rollback_on_validation_errors=True)


def test_werkzeug_spreadsheet_names_the_status_within_the_plan(plan, other_plan):
    werkzeug = Werkzeug.objects.get(handlungsfeld__plan=plan)
    Werkzeug.objects.filter(pk=werkzeug.pk).update(status=status(plan, "geplant"))
    exported = WerkzeugResource().export(queryset=Werkzeug.objects.filter(pk=werkzeug.pk))
    row = rows(exported)[0]
    assert row["status"] == "geplant"

    row["status"] = "Laufend"  # as people type it
    result = reimport(WerkzeugResource(), exported, [row])
    assert not result.has_validation_errors(), result.invalid_rows
    werkzeug.refresh_from_db()
    assert werkzeug.status == status(plan, "laufend")  # this plan's, not the other's

    row["status"] = "in Arbeit"
    result = reimport(WerkzeugResource(), exported, [row])
    assert "Den Status „in Arbeit“ hat der Plan „Werkstattplan“ nicht; möglich sind: „geplant“" in (
        str(result.invalid_rows[0].error)
    )
    werkzeug.refresh_from_db()
    assert werkzeug.status.slug == "laufend"


def test_massnahme_spreadsheet_places_each_row_in_its_plan(plan, other_plan):
    teilhabe = plan.handlungsfelder.get()
    exported = MassnahmeResource().export()
    row = rows(exported)[0]
    assert (row["plan_id"], row["werkzeug_id"], row["status"]) == (
        plan.pk,
        Werkzeug.objects.get(handlungsfeld__plan=plan).pk,
        "",
    )
    new = [
        {"handlungsfeld_id": teilhabe.pk, "title": "Arbeitsgruppe", "status": "laufend"},
        {"plan_id": plan.pk, "title": "Steuerungsgruppe", "jahr": 2020, "jahr_bis": 2022},
        {**row, "id": "", "plan_id": "", "title": "Ohne Plan-Spalte", "ziel": "Musik"},
    ]
    result = reimport(MassnahmeResource(), exported, new)
    assert not result.has_validation_errors(), [r.error for r in result.invalid_rows]
    arbeitsgruppe = Massnahme.objects.get(title="Arbeitsgruppe")
    assert (arbeitsgruppe.plan, arbeitsgruppe.status) == (plan, status(plan, "laufend"))
    assert Massnahme.objects.get(title="Steuerungsgruppe").zeitraum == "2020–2022"
    assert Massnahme.objects.get(title="Ohne Plan-Spalte").plan == plan

    wrong = {**row, "id": "", "plan_id": other_plan.pk, "title": "Falscher Plan"}
    result = reimport(MassnahmeResource(), exported, [wrong])
    assert "anderen Plan als ihr Werkzeug" in str(result.invalid_rows[0].error)
    assert not Massnahme.objects.filter(title="Falscher Plan").exists()


# ------------------------------------------------------------ the plan page's cache key


def test_every_change_inside_the_plan_moves_its_updated_at(plan):
    teilhabe = plan.handlungsfelder.get()
    musik = Werkzeug.objects.get()
    lesepaten = Werkzeug.objects.create(handlungsfeld=teilhabe, description="Lesepaten")
    changes = {
        "Kennzahl": lambda: Kennzahl.objects.create(handlungsfeld=teilhabe, text="65 von 100"),
        "Kennzahl gelöscht": lambda: Kennzahl.objects.get().delete(),
        "Status": lambda: Planstatus.objects.filter(plan=plan, slug="laufend").get().save(),
        "Maßnahme des Plans": lambda: Massnahme.objects.create(plan=plan, title="Steuerung"),
        "Maßnahme gelöscht": lambda: Massnahme.objects.get(title="Steuerung").delete(),
        "auch bei": lambda: musik.massnahmen.get().auch_bei.add(lesepaten),
        "auch bei, von der anderen Seite": lambda: lesepaten.weitere_massnahmen.clear(),
    }
    for name, change in changes.items():
        Werkstattplan.objects.filter(pk=plan.pk).update(updated_at=EARLIER)
        change()
        plan.refresh_from_db()
        assert plan.updated_at > EARLIER, name


def test_a_plan_whose_werkzeuge_have_a_status_can_be_deleted(client, coordinator, plan):
    Werkzeug.objects.update(status=status(plan, "laufend"))
    url = f"/admin/werkstattplan/werkstattplan/{plan.pk}/delete/"
    assert client.get(url).status_code == 200  # the confirmation, not a 500
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Werkstattplan.objects.filter(pk=plan.pk).exists()
