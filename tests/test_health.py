"""/health/ for the load balancer and monitoring: database, mail queue and task worker."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.utils import timezone

from zwk_portal.models import OutgoingMail, WorkerHeartbeat

pytestmark = pytest.mark.django_db


def heartbeat(*, seconds_ago: int = 0) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=f"test-{seconds_ago}",
        host="worker.example",
        pid=4711,
        started_at=now - timedelta(hours=1),
        seen_at=now - timedelta(seconds=seconds_ago),
    )


def outgoing_mail(*, minutes_ago: int = 0, status=OutgoingMail.Status.QUEUED) -> OutgoingMail:
    written = timezone.now() - timedelta(minutes=minutes_ago)
    return OutgoingMail.objects.create(
        kind="konto_login_link",
        recipients=["erika@example.org"],
        subject="Ihr Anmeldelink",
        text="…",
        html="…",
        message_id=f"<{minutes_ago}-{status}@zwk.example>",
        status=status,
        created_at=written,
        queued_at=written,
    )


@pytest.fixture
def worker_alive():
    return heartbeat(seconds_ago=10)


def test_health_is_ok_with_a_fresh_heartbeat_and_an_empty_queue(client, worker_alive):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "mail": {"oldest_unsent_age_seconds": None, "unsent": 0, "failed": 0, "held": 0},
        "worker": {"alive": True, "last_seen_age_seconds": 10},
    }
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_when_the_oldest_unsent_mail_waits_too_long(client, settings, worker_alive):
    settings.MAIL_QUEUE_ALERT_AFTER = timedelta(minutes=30)
    outgoing_mail(minutes_ago=5)
    assert client.get("/health/").status_code == 200
    stuck = outgoing_mail(minutes_ago=31)
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unhealthy" and body["problems"] == ["mail_queue_stale"]
    assert body["mail"]["unsent"] == 2
    assert 31 * 60 <= body["mail"]["oldest_unsent_age_seconds"] < 32 * 60
    assert "erika@example.org" not in response.content.decode()  # counts only
    # Sent at last: healthy again.
    OutgoingMail.objects.filter(pk=stuck.pk).update(status=OutgoingMail.Status.SENT)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["mail"]["unsent"] == 1


def test_a_mail_being_sent_or_retried_counts_as_unsent(client, settings, worker_alive):
    settings.MAIL_QUEUE_ALERT_AFTER = timedelta(minutes=30)
    outgoing_mail(minutes_ago=40, status=OutgoingMail.Status.RETRYING)
    outgoing_mail(minutes_ago=50, status=OutgoingMail.Status.SENDING)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["mail"]["unsent"] == 2


def test_a_mail_sent_again_by_the_staff_waits_from_then_on(client, settings, worker_alive):
    settings.MAIL_QUEUE_ALERT_AFTER = timedelta(minutes=30)
    mail = outgoing_mail(minutes_ago=3 * 24 * 60, status=OutgoingMail.Status.FAILED)
    OutgoingMail.objects.filter(pk=mail.pk).update(  # as zwk_portal.mail.resend does
        status=OutgoingMail.Status.QUEUED, queued_at=timezone.now()
    )
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["mail"]["unsent"] == 1


def test_failed_and_held_mails_are_counted_but_leave_the_portal_healthy(
    client, settings, worker_alive
):
    settings.MAIL_QUEUE_ALERT_AFTER = timedelta(minutes=30)
    outgoing_mail(minutes_ago=6 * 24 * 60, status=OutgoingMail.Status.FAILED)
    outgoing_mail(minutes_ago=7 * 24 * 60, status=OutgoingMail.Status.FAILED)
    outgoing_mail(minutes_ago=60, status=OutgoingMail.Status.HELD)
    outgoing_mail(minutes_ago=60, status=OutgoingMail.Status.SENT)
    outgoing_mail(minutes_ago=60, status=OutgoingMail.Status.DISCARDED)
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json()["mail"] == {
        "oldest_unsent_age_seconds": None,
        "unsent": 0,
        "failed": 2,
        "held": 1,
    }


def test_health_is_503_when_the_worker_was_not_seen_for_too_long(client, settings):
    settings.WORKER_STALE_AFTER = timedelta(seconds=180)
    heartbeat(seconds_ago=181)
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 503
    assert body["problems"] == ["worker_not_seen"]
    assert body["worker"]["alive"] is False and body["worker"]["last_seen_age_seconds"] >= 181
    assert "worker.example" not in response.content.decode()
    # The newest heartbeat counts: a second worker that is alive is enough.
    heartbeat(seconds_ago=5)
    assert client.get("/health/").status_code == 200


def test_health_is_503_when_no_worker_ever_ran(client):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["problems"] == ["worker_not_seen"]
    assert response.json()["worker"] == {"alive": False, "last_seen_age_seconds": None}


def test_health_names_every_problem_at_once(client, settings):
    settings.MAIL_QUEUE_ALERT_AFTER = timedelta(minutes=30)
    outgoing_mail(minutes_ago=45)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["problems"] == ["mail_queue_stale", "worker_not_seen"]


def test_health_says_503_when_the_database_is_gone(client, worker_alive):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")
    ):
        response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unreachable"
    assert body["status"] == "unhealthy" and body["problems"] == ["database_unreachable"]
