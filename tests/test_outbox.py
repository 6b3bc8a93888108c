"""The mail outbox in one process: written with the change, retried without a cliff, recovered.

The real database queue (django-tasks-db) is used here, not the immediate backend of
the other tests; the delivery task is called as the worker would call it. The worker
as a separate process (kill -9, database outage) is tested in tests/ops/.
"""

from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events import services as event_services
from foerderung import services as foerderung_services
from seiten import retention
from seiten import services as seiten_services
from tests.factories import KommuneFactory, TeilnahmeoptionFactory
from tests.foerderung.factories import AntragFactory
from zwk_portal import mail
from zwk_portal.models import OutgoingMail

pytestmark = pytest.mark.django_db

Status = OutgoingMail.Status


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **kwargs):
        self.now += timedelta(**kwargs)


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("smtp.landkreis.example:587 refused the connection")


@pytest.fixture(autouse=True)
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def clock(monkeypatch):
    """Starts now: the model's defaults (created_at, next_attempt_at) keep the real clock."""
    clock = Clock(timezone.now())
    clock.start = clock.now
    monkeypatch.setattr("django.utils.timezone.now", clock)
    return clock


def tasks_for(outgoing: OutgoingMail, status: str = "READY"):
    return DBTaskResult.objects.filter(
        task_path=mail.deliver.module_path, status=status, args_kwargs__args=[outgoing.pk]
    )


def queue_one(**kwargs) -> OutgoingMail:
    fields = {"kind": "test", "to": ["anna@example.org"], "subject": "Betreff", "text": "Text"}
    return mail.queue(html="<p>Text</p>", **{**fields, **kwargs})


def test_a_registration_and_its_mail_are_one_transaction(django_capture_on_commit_callbacks):
    option = TeilnahmeoptionFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        anmeldung = event_services.register(option=option, name="Anna", email="anna@example.org")
        # Before any commit: the mail and its delivery task are already written, in this
        # transaction; nothing waits for an on_commit hook that a crash could skip.
        outgoing = OutgoingMail.objects.get(recipients=["anna@example.org"])
        assert outgoing.kind == "events_confirm_request"
        assert outgoing.kommune == option.veranstaltung.kommune
        assert outgoing.status == Status.QUEUED
        assert tasks_for(outgoing).count() == 1
    assert callbacks == []
    assert anmeldung.pk


def test_a_submission_and_its_receipt_are_one_transaction(django_capture_on_commit_callbacks):
    antrag = AntragFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        foerderung_services.submit(antrag=antrag, by=antrag.antragsteller)
        receipt = OutgoingMail.objects.get(kind="foerderung_eingang")
        assert tasks_for(receipt).count() == 1
        assert len(receipt.attachments) == 2  # the application and the receipt as PDF
    assert [c for c in callbacks if "mail" in getattr(c, "__module__", "")] == []


def test_every_mail_template_has_a_name_for_the_staff():
    templates = Path(settings.BASE_DIR) / "templates" / "emails"
    kinds = {path.name.removesuffix(".subject.txt") for path in templates.glob("*.subject.txt")}
    assert kinds and kinds <= set(mail.KINDS)


def test_a_rolled_back_change_leaves_no_mail_and_no_task():
    with pytest.raises(RuntimeError), transaction.atomic():
        outgoing = queue_one()
        assert tasks_for(outgoing).exists()
        raise RuntimeError("the change fails after the mail was written")
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_mail_goes_out_once_with_its_message_id_and_its_content_is_emptied(mailoutbox):
    outgoing = queue_one(attachments=[("plan.pdf", b"%PDF-1.4", "application/pdf")])
    assert mail.deliver.call(outgoing.pk) == "gesendet"
    assert mail.deliver.call(outgoing.pk) == "nichts zu tun"  # a duplicate task sends nothing
    assert len(mailoutbox) == 1
    sent = mailoutbox[0].message()
    assert sent["Message-ID"] == outgoing.message_id
    assert mailoutbox[0].attachments[0][0] == "plan.pdf"
    outgoing.refresh_from_db()
    assert outgoing.status == Status.SENT
    assert outgoing.sent_at is not None
    # Who got what when stays; the content (links, attachments) goes.
    assert (outgoing.subject, outgoing.recipients) == ("Betreff", ["anna@example.org"])
    assert (outgoing.text, outgoing.html, outgoing.attachments) == ("", "", [])


def test_the_kommune_of_a_mail_comes_from_its_template_context():
    kommune = KommuneFactory()
    outgoing = mail.send(
        "seiten_barrieremeldung",
        to=["koordination@example.org"],
        context={"kommune": kommune, "meldung": None, "admin_url": "x"},
    )
    assert outgoing.kommune == kommune


def test_a_long_mail_server_outage_drops_nothing_then_staff_send_it_again(
    settings, clock, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.test_outbox.MailServerDown"
    settings.MAIL_RETRY_CEILING = timedelta(hours=1)
    settings.MAIL_GIVE_UP_AFTER = timedelta(days=3)
    outgoing = queue_one()
    pauses = []
    while True:
        tasks_for(outgoing).delete()  # the worker takes the due task
        result = mail.deliver.call(outgoing.pk)
        outgoing.refresh_from_db()
        if outgoing.status == Status.FAILED:
            break
        assert result == "neuer Versuch geplant"
        assert outgoing.status == Status.RETRYING
        assert "ConnectionRefusedError" in outgoing.last_error
        task = tasks_for(outgoing).get()  # exactly one retry is queued, at the planned time
        assert task.run_after == outgoing.next_attempt_at
        pauses.append(outgoing.next_attempt_at - clock.now)
        clock.now = outgoing.next_attempt_at
    # Growing pauses up to the ceiling, then on at that pace: far past the old 12 attempts.
    minutes = [int(p.total_seconds() // 60) for p in pauses]
    assert minutes[:8] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert set(minutes[6:]) == {60}
    assert outgoing.attempts > 70
    assert clock.now - clock.start >= settings.MAIL_GIVE_UP_AFTER
    assert not tasks_for(outgoing).exists()
    assert outgoing.text == "Text"  # kept for "erneut senden"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail.resend(outgoing)
    outgoing.refresh_from_db()
    assert outgoing.status == Status.QUEUED
    assert tasks_for(outgoing).count() == 1
    assert mail.deliver.call(outgoing.pk) == "gesendet"
    assert len(mailoutbox) == 1
    assert not mail.resend(outgoing)  # sent is sent
    assert not mail.discard(outgoing)


def test_a_discarded_mail_is_never_sent(mailoutbox):
    outgoing = queue_one()
    assert mail.discard(outgoing)
    assert mail.deliver.call(outgoing.pk) == "nichts zu tun"
    outgoing.refresh_from_db()
    assert outgoing.status == Status.DISCARDED
    assert outgoing.text == ""
    assert mailoutbox == []
    assert not mail.resend(outgoing)


def test_recover_takes_back_a_mail_whose_worker_died_and_requeues_lost_tasks(settings, clock):
    settings.MAIL_SEND_TIMEOUT = timedelta(minutes=10)
    interrupted, sending, orphaned, waiting = (queue_one(subject=str(i)) for i in range(4))
    DBTaskResult.objects.all().delete()
    OutgoingMail.objects.filter(pk__in=[interrupted.pk, sending.pk]).update(status=Status.SENDING)
    OutgoingMail.objects.filter(pk=interrupted.pk).update(claimed_at=clock.start)
    OutgoingMail.objects.filter(pk=sending.pk).update(claimed_at=clock.start + timedelta(minutes=5))
    mail.deliver.enqueue(waiting.pk)  # its task is there: no second one
    dead = mail.deliver.enqueue(interrupted.pk).db_result
    DBTaskResult.objects.filter(pk=dead.pk).update(status="RUNNING", started_at=clock.start)

    clock.advance(minutes=11)
    assert mail.recover() == 2

    interrupted.refresh_from_db()
    assert interrupted.status == Status.RETRYING
    assert "Worker beendet" in interrupted.last_error
    assert tasks_for(interrupted).count() == 1
    assert tasks_for(orphaned).count() == 1
    assert tasks_for(waiting).count() == 1
    sending.refresh_from_db()
    assert sending.status == Status.SENDING  # still within its time
    assert not tasks_for(sending).exists()
    assert DBTaskResult.objects.get(pk=dead.pk).status == "FAILED"
    assert mail.recover() == 0  # nothing twice


def test_restore_holds_what_was_unsent_at_the_snapshot():
    queued, sent = queue_one(), queue_one()
    mail.deliver.call(sent.pk)
    assert mail.hold_after_restore() == 1
    queued.refresh_from_db()
    assert queued.status == Status.HELD
    assert mail.deliver.call(queued.pk) == "nichts zu tun"  # its restored task sends nothing
    assert mail.resend(queued)
    assert mail.deliver.call(queued.pk) == "gesendet"


def test_retention_empties_the_outbox_after_its_periods():
    now = timezone.now()
    old_sent, new_sent, old_failed, new_failed, old_queued = (queue_one() for _ in range(5))
    for outgoing in (old_sent, new_sent):
        mail.deliver.call(outgoing.pk)
    OutgoingMail.objects.filter(pk__in=[old_failed.pk, new_failed.pk]).update(status=Status.FAILED)
    for outgoing, age in [
        (old_sent, retention.SENT_MAILS),
        (old_failed, retention.UNSENT_MAILS),
        (old_queued, retention.UNSENT_MAILS),
    ]:
        OutgoingMail.objects.filter(pk=outgoing.pk).update(
            created_at=now - age - timedelta(minutes=1)
        )
    result = seiten_services.apply_retention(now=now)
    assert result["emails_geloescht"] == 2
    assert set(OutgoingMail.objects.values_list("pk", flat=True)) == {
        new_sent.pk,
        new_failed.pk,
        old_queued.pk,  # never deleted while it waits to be sent
    }


def test_mails_queued_by_the_earlier_design_move_into_the_outbox(settings):
    """Migration 0005: a waiting task carrying the whole mail, and one left "RUNNING" by a
    worker that died, become outbox rows with a task each; nothing queued is lost."""
    from django.apps import apps  # noqa: PLC0415

    migration = import_module("zwk_portal.migrations.0005_outbox_takes_over_queued_mails")
    payload = {
        "subject": "Ihre Anmeldung",
        "text": "Guten Tag",
        "html": "<p>Guten Tag</p>",
        "to": ["anna@example.org"],
        "reply_to": [],
        "attachments": [["a.ics", "QkVHSU4=", "text/calendar"]],
    }
    for status in ("READY", "RUNNING", "SUCCESSFUL"):
        task = mail.deliver.enqueue(payload, 3).db_result
        DBTaskResult.objects.filter(pk=task.pk).update(status=status)
    migration.take_over(apps, None)
    moved = OutgoingMail.objects.order_by("pk")
    assert [(m.subject, m.recipients, m.status) for m in moved] == [
        ("Ihre Anmeldung", ["anna@example.org"], Status.QUEUED)
    ] * 2
    assert moved[0].attachments == [["a.ics", "QkVHSU4=", "text/calendar"]]
    for outgoing in moved:
        assert tasks_for(outgoing).count() == 1
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1  # done is done
    assert DBTaskResult.objects.count() == 3
