"""Technical field names in the project's one English dialect (see CONVENTIONS.md, "Names")."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('werkstattplan', '0001_initial'),
    ]

    operations = [
        migrations.RenameField(
            model_name='handlungsfeld', old_name='beschreibung', new_name='description'
        ),
        # The check names the column: drop it, rename, add it again under the new name.
        migrations.RemoveConstraint(model_name='werkzeug', name='werkzeug_beschreibung_not_empty'),
        migrations.RenameField(model_name='werkzeug', old_name='beschreibung', new_name='description'),
        migrations.RenameField(model_name='werkzeug', old_name='titel', new_name='title'),
        migrations.AddConstraint(
            model_name='werkzeug',
            constraint=models.CheckConstraint(
                condition=models.Q(('description__length__gt', 0)),
                name='werkzeug_description_not_empty',
            ),
        ),
    ]
