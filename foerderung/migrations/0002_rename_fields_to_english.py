"""Technical field names in the project's one English dialect (see CONVENTIONS.md, "Names")."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('foerderung', '0001_create_kleinprojektefonds'),
    ]

    operations = [
        migrations.RenameField(model_name='foerderaufruf', old_name='titel', new_name='title'),
        migrations.RenameField(
            model_name='foerderaufruf', old_name='beschreibung', new_name='description'
        ),
        migrations.RenameField(
            model_name='foerderaufruf', old_name='veroeffentlicht', new_name='published'
        ),
        migrations.RenameField(
            model_name='kriterium', old_name='beschreibung', new_name='description'
        ),
        migrations.RenameField(model_name='kriterium', old_name='reihenfolge', new_name='position'),
        migrations.RenameField(model_name='antrag', old_name='titel', new_name='title'),
        migrations.RenameField(model_name='antrag', old_name='beschreibung', new_name='description'),
        migrations.RenameField(
            model_name='antrag', old_name='eingereicht_am', new_name='submitted_at'
        ),
        migrations.RenameField(model_name='antrag', old_name='entschieden_am', new_name='decided_at'),
        migrations.RenameField(
            model_name='antrag', old_name='datenschutz_am', new_name='consented_at'
        ),
        migrations.RenameField(
            model_name='kostenposition', old_name='reihenfolge', new_name='position'
        ),
        migrations.RenameField(model_name='verlauf', old_name='am', new_name='created_at'),
        migrations.RenameField(
            model_name='befangenheit', old_name='erklaert_am', new_name='declared_at'
        ),
        migrations.RenameField(
            model_name='verwendungsnachweis', old_name='eingereicht_am', new_name='submitted_at'
        ),
        migrations.AlterModelOptions(
            name='kostenposition',
            options={'ordering': ['position', 'pk'], 'verbose_name': 'Kostenposition', 'verbose_name_plural': 'Kostenplan'},
        ),
        migrations.AlterModelOptions(
            name='kriterium',
            options={'ordering': ['position', 'pk'], 'verbose_name': 'Jurykriterium', 'verbose_name_plural': 'Jurykriterien'},
        ),
        migrations.AlterModelOptions(
            name='verlauf',
            options={'ordering': ['created_at', 'pk'], 'verbose_name': 'Verlaufseintrag', 'verbose_name_plural': 'Verlauf'},
        ),
    ]
