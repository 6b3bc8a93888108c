"""Spreadsheets of one level of the Werkstattplan (the whole plan: test_tabelle.py)."""

from decimal import Decimal

import pytest
from import_export.formats import base_formats

from kommunen.models import Kommune
from werkstattplan.models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug
from werkstattplan.resources import (
    HandlungsfeldResource,
    MassnahmeResource,
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
        status=plan.status_liste.get(slug="abgeschlossen"),
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
