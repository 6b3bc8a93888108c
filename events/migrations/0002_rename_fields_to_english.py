"""Technical field names in the project's one English dialect (see CONVENTIONS.md, "Names")."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0001_veranstaltungen_mit_anmeldung'),
    ]

    operations = [
        migrations.RenameField(model_name='veranstaltung', old_name='titel', new_name='title'),
        migrations.RenameField(
            model_name='veranstaltung', old_name='beschreibung', new_name='description'
        ),
        migrations.RenameField(model_name='programmpunkt', old_name='titel', new_name='title'),
        migrations.RenameField(
            model_name='programmpunkt', old_name='reihenfolge', new_name='position'
        ),
        migrations.RenameField(
            model_name='teilnahmeoption', old_name='reihenfolge', new_name='position'
        ),
        migrations.AlterModelOptions(
            name='programmpunkt',
            options={'ordering': ['position', 'zeit', 'pk'], 'verbose_name': 'Programmpunkt', 'verbose_name_plural': 'Programm'},
        ),
        migrations.AlterModelOptions(
            name='teilnahmeoption',
            options={'ordering': ['position', 'pk'], 'verbose_name': 'Teilnahmeoption', 'verbose_name_plural': 'Teilnahmeoptionen'},
        ),
    ]
