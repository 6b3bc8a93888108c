"""The audit log's model and fields in the project's English dialect (CONVENTIONS.md, "Names").

Django keeps a renamed model's permissions under their old codenames and would add
new ones beside them; renaming the codenames keeps the roles' grants in one place.
"""

from django.conf import settings
from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def _rename_permissions(apps, old, new):
    Permission = apps.get_model("auth", "Permission")
    for action in ACTIONS:
        if Permission.objects.filter(
            content_type__app_label="zwk_portal", codename=f"{action}_{new}"
        ).exists():
            continue
        Permission.objects.filter(
            content_type__app_label="zwk_portal", codename=f"{action}_{old}"
        ).update(codename=f"{action}_{new}")


def forwards(apps, schema_editor):
    _rename_permissions(apps, "auditeintrag", "auditentry")


def backwards(apps, schema_editor):
    _rename_permissions(apps, "auditentry", "auditeintrag")


class Migration(migrations.Migration):

    dependencies = [
        ('zwk_portal', '0001_add_audit_log'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name='AuditEintrag', new_name='AuditEntry'),
        migrations.RenameField(model_name='auditentry', old_name='zeitpunkt', new_name='created_at'),
        migrations.RenameField(model_name='auditentry', old_name='benutzer', new_name='user'),
        migrations.RenameField(model_name='auditentry', old_name='benutzername', new_name='username'),
        migrations.RenameField(model_name='auditentry', old_name='was', new_name='what'),
        migrations.RenameField(model_name='auditentry', old_name='objekt_typ', new_name='object_type'),
        migrations.RenameField(model_name='auditentry', old_name='objekt_id', new_name='object_id'),
        migrations.RenameField(model_name='auditentry', old_name='objekt', new_name='object_label'),
        migrations.RenameField(model_name='auditentry', old_name='pfad', new_name='path'),
        migrations.RenameField(model_name='auditentry', old_name='netz', new_name='network'),
        migrations.AlterModelOptions(
            name='auditentry',
            options={'ordering': ['-created_at', '-pk'], 'verbose_name': 'Protokolleintrag', 'verbose_name_plural': 'Protokoll der Downloads'},
        ),
        migrations.RunPython(forwards, backwards),
    ]
