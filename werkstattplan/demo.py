"""The demo Werkstattplan of Landkreis Ludwigslust-Parchim (seed 003).

`fixtures/werkstattplan-ludwigslust-parchim.json` is what the importer makes
of the seed's table text (`…-parchim.txt`, a copy of the seed, so the project
does not need ../shared at run time); `fixture_json()` writes it again, and a
test checks that the two still agree.

`load()` creates the plan from the fixture once. It never touches a plan the
Kommune already has under that slug: the coordinator may have edited it.
The fixture's primary keys are fixed (plan 1, statuses 1–5, Handlungsfelder 1–6, …)
and it names the Kommune by its slug, so `manage.py loaddata` is repeatable; `load()`
does not use them but gives the rows new keys and the Kommune found by its slug, so
it is safe on a database that holds other plans.
"""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import transaction

from kommunen.demo import LUDWIGSLUST_PARCHIM
from kommunen.models import Kommune

from .importers import import_table_text
from .models import Handlungsfeld, Massnahme, Planstatus, Werkstattplan, Werkzeug

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "werkstattplan-ludwigslust-parchim.json"
SEED_TEXT = FIXTURE.with_suffix(".txt")
TITLE = "Werkstattplan Landkreis Ludwigslust-Parchim"
SLUG = "2020-2023"


# Each model's references to rows of the fixture: field → model of the referenced row.
REFERENCES = {
    Planstatus: {"plan": Werkstattplan},
    Handlungsfeld: {"plan": Werkstattplan},
    Werkzeug: {"handlungsfeld": Handlungsfeld, "status": Planstatus},
    Massnahme: {
        "plan": Werkstattplan,
        "handlungsfeld": Handlungsfeld,
        "werkzeug": Werkzeug,
        "status": Planstatus,
    },
}


def load() -> list:
    kommune = Kommune.objects.filter(slug=LUDWIGSLUST_PARCHIM).first()
    if kommune is None or kommune.werkstattplaene.filter(slug=SLUG).exists():
        return []
    new_pk = {}  # (model, fixture pk) → new pk
    with transaction.atomic():
        for deserialized in serializers.deserialize("json", FIXTURE.read_text(encoding="utf-8")):
            obj = deserialized.object
            model, old_pk = type(obj), obj.pk
            obj.pk = None
            if model is Werkstattplan:
                obj.kommune = kommune
            for name, target in REFERENCES.get(model, {}).items():
                old = getattr(obj, f"{name}_id")
                setattr(obj, f"{name}_id", None if old is None else new_pk[target, old])
            if model is Planstatus:
                # Saving the plan gave it the default statuses already: take those.
                existing = Planstatus.objects.filter(plan_id=obj.plan_id, slug=obj.slug).first()
                if existing is not None:
                    obj.pk = existing.pk
            obj.save()
            for name, targets in deserialized.m2m_data.items():
                target = model._meta.get_field(name).related_model
                getattr(obj, name).set(new_pk[target, old] for old in targets)
            new_pk[model, old_pk] = obj.pk
    return []


def fixture_json() -> str:
    """Import the seed copy and serialize it with fixed keys (rolled back afterwards)."""
    with transaction.atomic():
        kommune, _ = Kommune.objects.get_or_create(
            slug=LUDWIGSLUST_PARCHIM, defaults={"name": "Landkreis Ludwigslust-Parchim"}
        )
        plan = import_table_text(
            SEED_TEXT.read_text(encoding="utf-8"),
            kommune=kommune,
            title=TITLE,
            slug=f"tmp-{SLUG}",
            published=True,
        )
        # The statuses too, though the seed sets none: `loaddata` does not run
        # Werkstattplan.save(), which gives a new plan its statuses.
        objects = [
            plan,
            *plan.status_liste.order_by("position", "pk"),
            *plan.handlungsfelder.order_by("position"),
            *Werkzeug.objects.filter(handlungsfeld__plan=plan),
            *Massnahme.objects.filter(plan=plan),
        ]
        rows = json.loads(serializers.serialize("json", objects))
        transaction.set_rollback(True)
    # Fixed keys, counted per model in plan order; the Kommune by its natural key (slug).
    numbers = {}
    renumber = {}
    for row in rows:
        numbers[row["model"]] = numbers.get(row["model"], 0) + 1
        renumber[row["model"], row["pk"]] = numbers[row["model"]]
    for row in rows:
        row["pk"] = renumber[row["model"], row["pk"]]
        fields = row["fields"]
        if row["model"] == "werkstattplan.werkstattplan":
            fields["kommune"] = [LUDWIGSLUST_PARCHIM]
            fields["slug"] = SLUG
        model = apps.get_model(row["model"])
        for name, target in REFERENCES.get(model, {}).items():
            if fields.get(name) is not None:
                fields[name] = renumber[target._meta.label_lower, fields[name]]
        if "auch_bei" in fields:
            fields["auch_bei"] = [
                renumber["werkstattplan.werkzeug", pk] for pk in fields["auch_bei"]
            ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def without_timestamps(fixture: str) -> list[dict]:
    """The fixture's rows without `updated_at`, which is the time it was written."""
    rows = json.loads(fixture)
    for row in rows:
        row["fields"].pop("updated_at", None)
    return rows
