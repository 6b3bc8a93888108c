"""Spreadsheets of one level of the Werkstattplan (the whole plan: test_tabelle.py)."""

import pytest
from import_export.formats import base_formats

from tests.werkstattplan.test_tabelle import fill, make_plan
from werkstattplan.models import Handlungsfeld, Massnahme, Werkzeug
from werkstattplan.resources import (
    HandlungsfeldResource,
    MassnahmeResource,
    WerkzeugResource,
)

pytestmark = pytest.mark.django_db


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
