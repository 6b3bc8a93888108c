"""The coordinator's admin for the Werkstattplan."""

import io

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from kommunen.models import Kommune
from tests.factories import koordination_user
from werkstattplan.models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug

pytestmark = pytest.mark.django_db


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
        "/admin/werkstattplan/werkstattplan/import/",
        "/admin/werkstattplan/werkstattplan/aus-tabellentext/",
    ]:
        assert client.get(url).status_code == 200, url


def test_staff_without_the_coordination_role_is_turned_away(client, plan):
    client.force_login(User.objects.create_user("andere", password="x" * 16, is_staff=True))
    assert client.get("/admin/werkstattplan/werkzeug/").status_code == 403
    assert client.get("/admin/werkstattplan/werkstattplan/import/").status_code == 403


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
        "status": "laufend",
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


def plan_admin():
    return admin.site._registry[Werkstattplan]


def import_formats():
    return [fmt().get_title() for fmt in plan_admin().get_import_formats()]


def upload(content: str):
    return SimpleUploadedFile("plan.csv", content.encode(), content_type="text/csv")


def test_flat_import_in_the_admin_previews_errors_and_writes_nothing(client, coordinator, plan):
    csv = "Handlungsfeld,Werkzeug,Einzelmaßnahme,Jahr,Monate\nMobilität,Rufbus,Planung,2020,3\nMobilität,Rufbus,Start,2020,13\n"
    response = client.post(
        "/admin/werkstattplan/werkstattplan/import/",
        {"plan": plan.pk, "format": import_formats().index("csv"), "import_file": upload(csv)},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Monate sind die Zahlen 1 bis 12; 13 ist keiner." in html
    assert [row.number for row in response.context["result"].invalid_rows] == [2]
    assert response.context.get("confirm_form") is None
    assert not Handlungsfeld.objects.filter(name="Mobilität").exists()


def test_flat_import_in_the_admin_writes_after_confirmation(client, coordinator, plan):
    csv = 'Handlungsfeld,Werkzeug,Einzelmaßnahme,Jahr,Monate\nMobilität,Rufbus,Planung,2020,3\nMobilität,Rufbus,Start,2020,"4, 5"\n'
    response = client.post(
        "/admin/werkstattplan/werkstattplan/import/",
        {"plan": plan.pk, "format": import_formats().index("csv"), "import_file": upload(csv)},
    )
    confirm = response.context["confirm_form"]
    assert confirm is not None
    assert not Handlungsfeld.objects.filter(name="Mobilität").exists()  # the preview wrote nothing
    response = client.post("/admin/werkstattplan/werkstattplan/process_import/", confirm.initial)
    assert response.status_code == 302
    rufbus = Werkzeug.objects.get(description="Rufbus", handlungsfeld__plan=plan)
    assert [(m.title, m.monate) for m in rufbus.massnahmen.all()] == [
        ("Planung", [3]),
        ("Start", [4, 5]),
    ]
    assert LogEntry.objects.filter(
        object_id=str(plan.pk), change_message__startswith="Tabelle importiert"
    ).exists()


def test_export_action_gives_the_flat_table(client, coordinator, plan):
    formats = [fmt().get_title() for fmt in plan_admin().get_export_formats()]
    response = client.post(
        "/admin/werkstattplan/werkstattplan/export/",
        {"format": formats.index("csv"), "resource": 0},
    )
    assert response.status_code == 200
    if response["Content-Type"].startswith("text/csv"):
        body = response.content.decode("utf-8-sig")
    else:  # the export form asks which columns: take all of them
        form = response.context["form"]
        data = {
            name: "on" for name in form.fields if form.fields[name].widget.input_type == "checkbox"
        }
        data.update({"format": formats.index("csv"), "resource": 0})
        response = client.post("/admin/werkstattplan/werkstattplan/export/", data)
        body = response.content.decode("utf-8-sig")
    header, first = list(io.StringIO(body))[:2]
    assert header.startswith("Handlungsfeld;")  # German Excel: semicolons
    assert (
        "Teilhabe" in first
        and "Musik gegen Einsamkeit" in first
        and "Planung der Konzerte" in first
    )


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


def test_import_errors_address_the_coordinator_formally(client, coordinator, plan):
    csv = "Handlungsfeld,Werkzeug,Monate\nMobilität,Rufbus,13\n"
    response = client.post(
        "/admin/werkstattplan/werkstattplan/import/",
        {"plan": plan.pk, "format": import_formats().index("csv"), "import_file": upload(csv)},
    )
    html = response.content.decode()
    assert "Bitte korrigieren Sie diese Fehler in Ihrer Datei" in html
    assert "deiner Datei" not in html
