"""Plans as other communes write them (issue #12).

Statuses per plan (the three old choices become the first three of each plan's
list), Kennzahlen per Handlungsfeld, and Einzelmaßnahmen that belong to a plan
and sit under a Werkzeug, directly under a Handlungsfeld or across the plan.
"""

import django.db.models.deletion
from django.db import migrations, models

DEFAULTS = ["geplant", "laufend", "abgeschlossen", "verworfen", "abgebrochen"]


def statuses_per_plan(apps, schema_editor):
    Werkstattplan = apps.get_model("werkstattplan", "Werkstattplan")
    Planstatus = apps.get_model("werkstattplan", "Planstatus")
    Werkzeug = apps.get_model("werkstattplan", "Werkzeug")
    for plan in Werkstattplan.objects.all():
        by_slug = {
            slug: Planstatus.objects.create(plan=plan, position=position, name=slug, slug=slug)
            for position, slug in enumerate(DEFAULTS, start=1)
        }
        for werkzeug in Werkzeug.objects.filter(handlungsfeld__plan=plan).exclude(old_status=""):
            werkzeug.status = by_slug[werkzeug.old_status]
            werkzeug.save(update_fields=["status"])


def plan_of_each_massnahme(apps, schema_editor):
    Massnahme = apps.get_model("werkstattplan", "Massnahme")
    Werkzeug = apps.get_model("werkstattplan", "Werkzeug")
    Massnahme.objects.update(
        plan_id=models.Subquery(
            Werkzeug.objects.filter(pk=models.OuterRef("werkzeug_id")).values(
                "handlungsfeld__plan_id"
            )[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("werkstattplan", "0002_rename_fields_to_english"),
    ]

    operations = [
        migrations.CreateModel(
            name="Planstatus",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveIntegerField(default=0, verbose_name="Reihenfolge")),
                ("name", models.CharField(max_length=60, verbose_name="Name")),
                ("slug", models.SlugField(blank=True, max_length=60, verbose_name="Kurzname in Adressen")),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_liste",
                        to="werkstattplan.werkstattplan",
                        verbose_name="Werkstattplan",
                    ),
                ),
            ],
            options={
                "verbose_name": "Status",
                "verbose_name_plural": "Status",
                "ordering": ["plan", "position", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("plan", "slug"), name="planstatus_slug_per_plan"),
                    models.CheckConstraint(condition=models.Q(("name", ""), _negated=True), name="planstatus_name_not_empty"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Kennzahl",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveIntegerField(default=0, verbose_name="Reihenfolge")),
                ("text", models.TextField(verbose_name="Kennzahl")),
                ("quelle", models.CharField(blank=True, max_length=300, verbose_name="Quelle")),
                ("stand", models.DateField(blank=True, null=True, verbose_name="Stand")),
                (
                    "handlungsfeld",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="kennzahlen",
                        to="werkstattplan.handlungsfeld",
                        verbose_name="Handlungsfeld",
                    ),
                ),
            ],
            options={
                "verbose_name": "Kennzahl",
                "verbose_name_plural": "Kennzahlen",
                "ordering": ["handlungsfeld", "position", "pk"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("text__length__gt", 0)), name="kennzahl_text_not_empty"),
                ],
            },
        ),
        # Werkzeug.status: from three fixed choices to the plan's own list.
        migrations.RenameField(model_name="werkzeug", old_name="status", new_name="old_status"),
        migrations.AddField(
            model_name="werkzeug",
            name="status",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="werkstattplan.planstatus",
                verbose_name="Status",
            ),
        ),
        migrations.RunPython(statuses_per_plan, migrations.RunPython.noop),
        migrations.RemoveField(model_name="werkzeug", name="old_status"),
        # Einzelmaßnahme: the plan it belongs to, and where in it.
        migrations.AddField(
            model_name="massnahme",
            name="plan",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="massnahmen",
                to="werkstattplan.werkstattplan",
                verbose_name="Werkstattplan",
            ),
        ),
        migrations.RunPython(plan_of_each_massnahme, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="massnahme",
            name="plan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="massnahmen",
                to="werkstattplan.werkstattplan",
                verbose_name="Werkstattplan",
            ),
        ),
        migrations.AlterField(
            model_name="massnahme",
            name="werkzeug",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="massnahmen",
                to="werkstattplan.werkzeug",
                verbose_name="Werkzeug",
            ),
        ),
        migrations.AddField(
            model_name="massnahme",
            name="handlungsfeld",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="massnahmen",
                to="werkstattplan.handlungsfeld",
                verbose_name="Handlungsfeld",
                help_text="Nur für Maßnahmen ohne Werkzeug; leer mit leerem Werkzeug: für den ganzen Plan.",
            ),
        ),
        migrations.AddField(
            model_name="massnahme",
            name="auch_bei",
            field=models.ManyToManyField(
                blank=True,
                related_name="weitere_massnahmen",
                to="werkstattplan.werkzeug",
                verbose_name="auch bei den Werkzeugen",
            ),
        ),
        migrations.AddField(
            model_name="massnahme", name="ziel", field=models.TextField(blank=True, verbose_name="Ziel")
        ),
        migrations.AddField(
            model_name="massnahme",
            name="status",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="werkstattplan.planstatus",
                verbose_name="Status",
            ),
        ),
        migrations.AddField(
            model_name="massnahme",
            name="jahr_bis",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="bis Jahr",
                help_text="Nur für einen Zeitraum über mehrere Jahre.",
            ),
        ),
        migrations.AddField(
            model_name="massnahme",
            name="beginn",
            field=models.DateField(blank=True, null=True, verbose_name="Beginn"),
        ),
        migrations.AddField(
            model_name="massnahme",
            name="ende",
            field=models.DateField(blank=True, null=True, verbose_name="Ende"),
        ),
        migrations.AlterModelOptions(
            name="massnahme",
            options={
                "ordering": ["plan", "werkzeug", "position", "pk"],
                "verbose_name": "Einzelmaßnahme",
                "verbose_name_plural": "Einzelmaßnahmen",
            },
        ),
        migrations.AddConstraint(
            model_name="massnahme",
            constraint=models.CheckConstraint(
                condition=models.Q(("werkzeug__isnull", True), ("handlungsfeld__isnull", True), _connector="OR"),
                name="massnahme_one_place",
            ),
        ),
        migrations.AddConstraint(
            model_name="massnahme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("jahr_bis__isnull", True),
                    models.Q(("jahr__isnull", False), ("jahr_bis__gt", models.F("jahr"))),
                    _connector="OR",
                ),
                name="massnahme_period_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="massnahme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("beginn__isnull", True),
                    ("ende__isnull", True),
                    ("ende__gte", models.F("beginn")),
                    _connector="OR",
                ),
                name="massnahme_dates_ordered",
            ),
        ),
    ]
