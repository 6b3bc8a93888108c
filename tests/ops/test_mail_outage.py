"""The mail server is down: people can still register and submit; the mails wait and go out later.

The real queue (django-tasks-db) and the real worker command run here; only the
mail backend is swapped: first one that always fails, then the in-memory one.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.models import Anmeldung
from foerderung import services as foerderung_services
from foerderung.models import Status
from tests.factories import TeilnahmeoptionFactory
from tests.foerderung.factories import AntragFactory

pytestmark = pytest.mark.django_db(transaction=True)

READY = "READY"


class MailServerDown(BaseEmailBackend):
    attempts = 0

    def send_messages(self, email_messages):
        type(self).attempts += len(email_messages)
        raise ConnectionRefusedError("smtp.landkreis.example:587 refused the connection")


def run_worker():
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", "--no-reload",
        "--interval", "0", verbosity=0,
    )  # fmt: skip


def test_mail_outage_loses_nothing_and_sends_each_mail_once(client, settings, private_files):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    settings.EMAIL_BACKEND = "tests.ops.test_mail_outage.MailServerDown"
    MailServerDown.attempts = 0

    option = TeilnahmeoptionFactory()
    response = client.post(
        option.veranstaltung.get_absolute_url(),
        {
            "option": option.pk,
            "name": "Anna Beispiel",
            "email": "anna@example.org",
            "datenschutz": "on",
            "website": "",
            "submission_key": "a" * 32,
        },
    )
    assert response.status_code == 302
    assert Anmeldung.objects.filter(email="anna@example.org").exists()

    antrag = AntragFactory()
    foerderung_services.submit(antrag=antrag, by=antrag.antragsteller)
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT

    queued = DBTaskResult.objects.filter(status=READY).count()
    assert queued >= 2  # the confirmation request and the receipt with its PDFs

    # The worker tries each mail once; each is rescheduled, none is lost.
    run_worker()
    assert MailServerDown.attempts == queued
    assert mail.outbox == []
    waiting = DBTaskResult.objects.filter(status=READY)
    assert waiting.count() == queued
    assert all(task.run_after > timezone.now() for task in waiting)
    run_worker()  # not yet due: nothing is tried again
    assert MailServerDown.attempts == queued

    # The mail server is back, and the retry is due.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    waiting.update(run_after=timezone.now() - timedelta(seconds=1))
    run_worker()
    run_worker()

    assert len(mail.outbox) == queued
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients.count("anna@example.org") == 1
    assert recipients.count(antrag.email) == 1
    receipt = next(m for m in mail.outbox if antrag.email in m.to)
    assert len(receipt.attachments) == 2
    assert DBTaskResult.objects.filter(status=READY).count() == 0
