"""Mails queued by the earlier design (the whole mail as the task's arguments) move into the outbox.

Tasks still waiting, and tasks left "RUNNING" by a worker that died (the bug the outbox
fixes), become outbox rows with a new task each; nothing queued is lost by the upgrade.
"""

import uuid
from email.utils import make_msgid

from django.db import migrations
from django.utils import timezone

TASK = "zwk_portal.mail.deliver"


def take_over(apps, schema_editor):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    OutgoingMail = apps.get_model("zwk_portal", "OutgoingMail")
    now = timezone.now()
    for task in DBTaskResult.objects.filter(task_path=TASK, status__in=["READY", "RUNNING"]):
        args = task.args_kwargs.get("args", [])
        if not args or not isinstance(args[0], dict):
            continue  # already a mail id
        payload = args[0]
        mail = OutgoingMail.objects.create(
            kind="vor_postausgang",
            recipients=payload["to"],
            reply_to=payload.get("reply_to", []),
            subject=payload["subject"][:300],
            text=payload["text"],
            html=payload["html"],
            attachments=[list(a) for a in payload.get("attachments", [])],
            message_id=make_msgid(domain="zwk-portal.invalid"),
            created_at=task.enqueued_at or now,
            queued_at=now,
            next_attempt_at=now,
        )
        DBTaskResult.objects.create(
            id=uuid.uuid4(),
            args_kwargs={"args": [mail.pk], "kwargs": {}},
            priority=task.priority,
            task_path=TASK,
            queue_name=task.queue_name,
            backend_name=task.backend_name,
            run_after=now,
            status="READY",
        )
        task.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("zwk_portal", "0004_outbox"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(take_over, migrations.RunPython.noop)]
