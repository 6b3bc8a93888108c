"""Spreadsheet import/export of the Werkstattplan (CSV and XLSX)."""

from decimal import Decimal

import pytest
import tablib
from import_export.formats import base_formats

from kommunen.models import Kommune
from werkstattplan.models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug
from werkstattplan.resources import (
    HandlungsfeldResource,
    MassnahmeResource,
    PlanTabelleResource,
    WerkzeugResource,
)

pytestmark = pytest.mark.django_db


def make_plan(slug="2020-2023", kommune=None):
    kommune = (
        kommune or Kommune.objects.get_or_create(slug="lup", defaults={"name": "Landkreis LUP"})[0]
    )
    return Werkstattplan.objects.create(
        kommune=kommune, title="Werkstattplan", slug=slug, first_year=2020, last_year=2023
    )


def fill(plan):
    teilhabe = Handlungsfeld.objects.create(
        plan=plan, position=1, name="Teilhabe", description="Gute Rahmenbedingungen …"
    )
    Handlungsfeld.objects.create(plan=plan, position=2, name="Mobilität", leitziel="Bedarfsgerecht")
    musik = Werkzeug.objects.create(
        handlungsfeld=teilhabe,
        position=1,
        description="Aktion: „Musik gegen Einsamkeit“. 17 Konzerte in 2 Monaten.",
        title="Musik gegen Einsamkeit",
        ansprechperson="Teresa Hildwein",
        umsetzungsort="Ganzer Landkreis",
        jahre=[2020],
        budget=Decimal("1000.00"),
        budget_vermerk="Circa.",
        externe_beratung=False,
        status=Werkzeug.Status.ABGESCHLOSSEN,
        fortschritt=100,
    )
    Werkzeug.objects.create(
        handlungsfeld=teilhabe, position=2, description="Lesepaten", jahre=[2020, 2021]
    )
    Massnahme.objects.create(
        werkzeug=musik, position=1, title="Planung der Konzerte", jahr=2020, monate=[4]
    )
    Massnahme.objects.create(
        werkzeug=musik, position=2, title="Durchführung", jahr=2020, monate=[4, 5]
    )
    return plan


def tree(plan):
    """The plan's content without ids, in display order."""
    return [
        (
            hf.name,
            hf.description,
            hf.leitziel,
            [
                (
                    wz.description,
                    wz.title,
                    wz.ansprechperson,
                    wz.umsetzungsort,
                    wz.jahre,
                    wz.budget,
                    wz.budget_vermerk,
                    wz.externe_beratung,
                    wz.status,
                    wz.fortschritt,
                    [(m.title, m.jahr, m.monate) for m in wz.massnahmen.all()],
                )
                for wz in hf.werkzeuge.all()
            ],
        )
        for hf in plan.handlungsfelder.all()
    ]


def export_flat(plan, file_format):
    dataset = PlanTabelleResource().export(Werkstattplan.objects.filter(pk=plan.pk))
    return file_format.create_dataset(file_format.export_data(dataset))


def import_flat(plan, dataset, dry_run=False):
    return PlanTabelleResource(plan=plan).import_data(
        dataset, dry_run=dry_run, rollback_on_validation_errors=True
    )


@pytest.mark.parametrize(
    "file_format", [base_formats.CSV(), base_formats.XLSX()], ids=["csv", "xlsx"]
)
def test_flat_export_then_import_gives_back_the_same_plan(file_format):
    original = fill(make_plan())
    dataset = export_flat(original, file_format)
    assert dataset.headers[:3] == ["Handlungsfeld", "Beschreibung des Handlungsfelds", "Leitziel"]
    # one row per Maßnahme, per Werkzeug without any, per Handlungsfeld without Werkzeug
    assert len(dataset) == 4

    copy = make_plan(slug="kopie")
    result = import_flat(copy, dataset)
    assert not result.has_errors() and not result.has_validation_errors()
    assert tree(copy) == tree(original)


def test_importing_the_export_into_the_same_plan_changes_nothing():
    plan = fill(make_plan())
    before = tree(plan)
    result = import_flat(plan, export_flat(plan, base_formats.CSV()))
    assert not result.has_validation_errors()
    assert result.totals["new"] == 0 and result.totals["update"] == 0
    assert tree(plan) == before


def test_hand_filled_sheet_with_only_the_three_levels_builds_a_plan():
    plan = make_plan()
    dataset = tablib.Dataset(headers=["Handlungsfeld", "Werkzeug", "Einzelmaßnahme"])
    dataset.append(["Mobilität", "Touristenticket", "Gespräche mit der VLP"])
    dataset.append(["Mobilität", "Touristenticket", "Ticket einführen"])
    dataset.append(["Mobilität", "Rufbus erweitern", ""])
    dataset.append(["Teilhabe", "Lesepaten", "Aufruf"])
    result = import_flat(plan, dataset)
    assert not result.has_validation_errors(), result.invalid_rows
    assert [hf.name for hf in plan.handlungsfelder.all()] == ["Mobilität", "Teilhabe"]
    ticket = Werkzeug.objects.get(description="Touristenticket")
    assert [m.title for m in ticket.massnahmen.all()] == [
        "Gespräche mit der VLP",
        "Ticket einführen",
    ]
    assert Werkzeug.objects.get(description="Rufbus erweitern").massnahmen.count() == 0


def test_bad_rows_are_rejected_with_their_row_number_and_nothing_is_written():
    plan = make_plan()
    dataset = tablib.Dataset(
        headers=[
            "Handlungsfeld",
            "Werkzeug",
            "Jahre",
            "Budget (€)",
            "Einzelmaßnahme",
            "Jahr",
            "Monate",
        ]
    )
    dataset.append(["Teilhabe", "Lesepaten", "2020", "", "Aufruf", "2020", "3"])  # fine
    dataset.append(["Teilhabe", "Musik", "2020", "", "Konzerte", "2020", "4, 13"])  # month 13
    dataset.append(["Teilhabe", "Chor", "2019", "", "", "", ""])  # year outside 2020–2023
    dataset.append(["", "Ohne Feld", "", "", "", "", ""])  # no Handlungsfeld
    dataset.append(["Teilhabe", "Theater", "", "viel", "", "", ""])  # not an amount
    dataset.append(["Teilhabe", "Kino", "", "-5", "", "", ""])  # negative budget
    result = import_flat(plan, dataset)

    invalid = {row.number: row.error.message_dict for row in result.invalid_rows}
    assert sorted(invalid) == [2, 3, 4, 5, 6]
    assert "Monate" in invalid[2] and "13" in " ".join(invalid[2]["Monate"])
    assert "Laufzeit" in " ".join(invalid[3]["Jahre"])
    assert "Handlungsfeld" in invalid[4]
    assert "kein Betrag" in " ".join(invalid[5]["Budget (€)"])
    assert "negativ" in " ".join(invalid[6]["Budget (€)"])
    # all or nothing: the good first row was rolled back too
    assert not Handlungsfeld.objects.filter(plan=plan).exists()


def test_a_repeated_werkzeug_row_must_not_contradict_the_first():
    plan = make_plan()
    dataset = tablib.Dataset(
        headers=["Handlungsfeld", "Werkzeug", "Ansprechperson", "Einzelmaßnahme"]
    )
    dataset.append(["Teilhabe", "Lesepaten", "Anna Schiefler", "Aufruf"])
    dataset.append(["Teilhabe", "Lesepaten", "", "Vermittlung"])  # empty: keeps the first
    dataset.append(["Teilhabe", "Lesepaten", "Steffen Braun", "Treffen"])  # contradiction
    result = import_flat(plan, dataset)
    assert [row.number for row in result.invalid_rows] == [3]
    assert "Zeile 1" in " ".join(result.invalid_rows[0].error.message_dict["Ansprechperson"])


def test_unknown_columns_and_missing_plan_are_reported():
    dataset = tablib.Dataset(headers=["Handlungsfeld", "Werkzeug", "Farbe"])
    dataset.append(["Teilhabe", "Lesepaten", "blau"])
    result = PlanTabelleResource(plan=make_plan()).import_data(dataset, dry_run=True)
    assert result.has_errors()
    assert "Farbe" in str(result.base_errors[0].error)
    result = PlanTabelleResource().import_data(dataset, dry_run=True)
    assert "Werkstattplan" in str(result.base_errors[0].error)


@pytest.mark.parametrize(
    "resource_class,model",
    [
        (HandlungsfeldResource, Handlungsfeld),
        (WerkzeugResource, Werkzeug),
        (MassnahmeResource, Massnahme),
    ],
)
def test_each_level_round_trips_through_xlsx(resource_class, model):
    plan = fill(make_plan())
    before = tree(plan)
    xlsx = base_formats.XLSX()
    data = xlsx.export_data(resource_class().export())
    model.objects.all().delete() if model is Massnahme else None
    result = resource_class().import_data(
        xlsx.create_dataset(data), rollback_on_validation_errors=True
    )
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert tree(plan) == before


def test_werkzeug_level_import_updates_a_cell_and_rejects_years_outside_the_plan():
    plan = fill(make_plan())
    dataset = WerkzeugResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    row["ansprechperson"] = "Neue Ansprechperson"
    dataset[0] = [row[header] for header in dataset.headers]
    result = WerkzeugResource().import_data(dataset, rollback_on_validation_errors=True)
    assert not result.has_validation_errors()
    assert Werkzeug.objects.get(pk=row["id"]).ansprechperson == "Neue Ansprechperson"

    row["jahre"] = "2020, 2031"
    dataset[0] = [row[header] for header in dataset.headers]
    result = WerkzeugResource().import_data(dataset, rollback_on_validation_errors=True)
    assert [r.number for r in result.invalid_rows] == [1]
    assert "2031" in str(result.invalid_rows[0].error)
    assert Werkzeug.objects.get(pk=row["id"]).jahre == [2020]
    assert plan.handlungsfelder.count() == 2
