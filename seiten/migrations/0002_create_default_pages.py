"""Create the five pages with their default texts, so that every installation has them.

Existing pages are left as they are (the coordinator may have edited them).
"""

from django.db import migrations

# A frozen copy would drift from seiten/defaults.py; the texts are data without
# dependencies on models, so importing them is safe.
from seiten.defaults import TEXTE


def create_pages(apps, schema_editor):
    Seite = apps.get_model("seiten", "Seite")
    for slug, (titel, text) in TEXTE.items():
        Seite.objects.get_or_create(slug=slug, defaults={"titel": titel, "text": text})


class Migration(migrations.Migration):
    dependencies = [("seiten", "0001_pages_and_barrier_reports")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
