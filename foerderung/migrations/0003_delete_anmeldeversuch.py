"""Failed logins are counted by django-axes; nothing writes foerderung's own table any more."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('foerderung', '0002_rename_fields_to_english'),
    ]

    operations = [
        migrations.DeleteModel(name='Anmeldeversuch'),
    ]
