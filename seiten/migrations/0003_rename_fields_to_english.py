"""Technical field names in the project's one English dialect (see CONVENTIONS.md, "Names")."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('seiten', '0002_create_default_pages'),
    ]

    operations = [
        migrations.RenameField(model_name='seite', old_name='titel', new_name='title'),
        migrations.RenameField(
            model_name='barrieremeldung', old_name='beschreibung', new_name='description'
        ),
    ]
