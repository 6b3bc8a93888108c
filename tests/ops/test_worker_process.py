"""The mail outbox with a real worker process (`manage.py db_worker` in a subprocess).

- The worker is killed (SIGKILL) while it sends a mail: after a restart the mail goes
  out exactly once.
- PostgreSQL is stopped for 10 s: the worker survives and delivers afterwards. This
  uses a separate PostgreSQL instance (the shared test server is never stopped), with
  a copy of the test database made by pg_dump | psql.
- The mail server is down for longer than the old limit of 12 attempts: nothing is
  dropped, the mail waits in "retrying", becomes "failed" after MAIL_GIVE_UP_AFTER and
  is delivered after "erneut senden".

The worker process records what it sends as files (tests/ops/mail_backends.py); its
timings are shortened through the environment (ZWK_MAIL_SEND_TIMEOUT and friends).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import psycopg
import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from zwk_portal import mail
from zwk_portal.management.pg import tool
from zwk_portal.models import OutgoingMail, WorkerHeartbeat

from .conftest import BASE_DIR, database_url, test_database_url
from .mail_backends import delivered

with warnings.catch_warnings():  # pgserver warns on import (e.g. XDG_RUNTIME_DIR unset)
    warnings.simplefilter("ignore")
    import pgserver
    from pgserver._commands import pg_ctl

pytestmark = pytest.mark.django_db(transaction=True)

Status = OutgoingMail.Status
WORKER = [
    sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload",
    "--interval", "0.2", "--no-startup-delay",
]  # fmt: skip
SEND_TIMEOUT = 3  # seconds (ZWK_MAIL_SEND_TIMEOUT of the worker)


class WorkerProcess:
    """One `manage.py db_worker` process; its output goes to a log file."""

    def __init__(self, env: dict, log: Path):
        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                WORKER,
                cwd=BASE_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive():
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # busy with a slow send
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()


def worker_env(url: str, outbox: Path, backend: str, **extra: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.ops.worker_settings",
        "DATABASE_URL": url,
        "DJANGO_LOG_FORMAT": "text",
        "DJANGO_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        "ZWK_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "ZWK_TEST_MAIL_BACKEND": backend,
        "ZWK_TEST_MAIL_DIR": str(outbox),
        "ZWK_MAIL_SEND_TIMEOUT": str(SEND_TIMEOUT),
        "ZWK_WORKER_HOUSEKEEPING_INTERVAL": "0.5",
        "ZWK_MAIL_RETRY_CEILING": "1",
        "ZWK_MAIL_GIVE_UP_AFTER": "3600",
        **extra,
    }


@pytest.fixture
def outbox(tmp_path):
    folder = tmp_path / "outbox"
    folder.mkdir()
    return folder


@pytest.fixture
def database_queue(settings):
    """This process queues mails in the database, for the worker process to send."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


@pytest.fixture
def workers(tmp_path, outbox):
    """start(url, backend, **env): a worker process; every one is ended after the test."""
    started: list[WorkerProcess] = []

    def start(url: str, backend: str, **extra: str) -> WorkerProcess:
        log = tmp_path / f"worker-{len(started) + 1}.log"
        worker = WorkerProcess(worker_env(url, outbox, backend, **extra), log)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    for worker in started:  # shown by pytest only when the test failed
        print(f"----- {worker.log.name} (pid {worker.pid})\n{worker.output()}")


def wait_for(condition, what: str, *, timeout: float = 30, workers=()):
    """Poll `condition` until it returns something true; fail if a worker exits meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        for worker in workers:
            assert worker.alive(), f"worker exited ({worker.process.returncode}) waiting for {what}"
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def queue_mail(subject: str = "Ihre Anmeldung") -> OutgoingMail:
    with transaction.atomic():
        return mail.queue(
            kind="test",
            to=["anna@example.org"],
            subject=subject,
            text="Hallo Anna",
            html="<p>Hallo Anna</p>",
        )


def status_of(outgoing: OutgoingMail) -> str:
    outgoing.refresh_from_db()
    return outgoing.status


def tasks_left() -> int:
    return DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()


# ------------------------------------------------------------------ kill -9 mid-send


def test_worker_killed_while_sending_delivers_the_mail_exactly_once_after_restart(
    database_queue, outbox, workers
):
    outgoing = queue_mail()
    url = test_database_url()

    first = workers(url, "SlowBackend", ZWK_TEST_MAIL_DELAY="60")
    wait_for(lambda: (outbox / "started-1").exists(), "the first send", workers=[first])
    first.kill()

    assert delivered(outbox) == []
    assert status_of(outgoing) == Status.SENDING
    interrupted = DBTaskResult.objects.get(status="RUNNING")

    second = workers(url, "RecordingBackend")
    wait_for(lambda: status_of(outgoing) == Status.SENT, "the mail sent", workers=[second])
    # Whatever recover() queued again has run: nothing more can send the mail.
    wait_for(lambda: tasks_left() == 0, "no task left", workers=[second])

    assert delivered(outbox) == [outgoing.message_id]
    assert outgoing.attempts == 2
    interrupted.refresh_from_db()
    assert interrupted.status == "FAILED"
    assert interrupted.exception_class_path == "zwk_portal.mail.Interrupted"


# ------------------------------------------------------------------ PostgreSQL down


@pytest.fixture
def separate_postgres():
    folder = Path(tempfile.mkdtemp(prefix="zwk_ops_worker_pg_"))
    server = pgserver.get_server(folder, cleanup_mode="delete")
    yield server
    server.cleanup()


def copy_test_database(server, name: str) -> str:
    """A copy of the test database (schema and data) on `server`; its URL."""
    host = str(server.get_postmaster_info().socket_dir)
    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    url = database_url({"host": host, "user": "postgres"}, name)
    dump = subprocess.Popen(
        [tool("pg_dump"), "--no-owner", "--no-privileges", "-d", test_database_url()],
        stdout=subprocess.PIPE,
    )
    subprocess.run(
        [str(Path(tool("pg_dump")).parent / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", url],
        stdin=dump.stdout,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    dump.stdout.close()
    assert dump.wait() == 0
    return url


def test_worker_survives_postgres_stopped_for_10_seconds_and_delivers_afterwards(
    separate_postgres, outbox, workers
):
    url = copy_test_database(separate_postgres, "zwk_ops_worker")

    def heartbeats():
        with psycopg.connect(url) as c:
            return c.execute("SELECT count(*) FROM zwk_portal_workerheartbeat").fetchone()[0]

    worker = workers(url, "RecordingBackend")
    wait_for(heartbeats, "the worker's heartbeat", workers=[worker])

    pg_ctl(
        ["-w", "stop", "-m", "fast"],
        pgdata=separate_postgres.pgdata,
        user=separate_postgres.system_user,
    )
    time.sleep(10)
    assert worker.alive()
    with separate_postgres._lock:
        separate_postgres.ensure_postgres_running()

    assert worker.alive()
    assert "Database not reachable" in worker.output()

    # A mail written by another process (as the web server would) once the database is back.
    queued = subprocess.run(
        [
            sys.executable, "manage.py", "shell", "-c",
            "from zwk_portal import mail\n"
            "from zwk_portal.tenancy import scopes_disabled\n"
            "with scopes_disabled():\n"
            "    m = mail.queue(kind='test', to=['anna@example.org'], subject='Nach dem Ausfall',"
            " text='Hallo', html='<p>Hallo</p>')\n"
            "print(m.message_id)",
        ],
        cwd=BASE_DIR,
        env=worker_env(url, outbox, "RecordingBackend"),
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    message_id = queued.stdout.strip().splitlines()[-1]

    wait_for(lambda: delivered(outbox), "the mail delivered", workers=[worker])
    assert delivered(outbox) == [message_id]
    with psycopg.connect(url) as c:
        status = c.execute(
            "SELECT status FROM zwk_portal_outgoingmail WHERE message_id = %s", [message_id]
        ).fetchone()[0]
    assert status == Status.SENT
    assert worker.alive()


# ------------------------------------------------------------------ mail server down


def test_mail_server_down_long_keeps_the_mail_then_fails_it_and_erneut_senden_delivers(
    database_queue, outbox, workers
):
    give_up_after = 10  # seconds; 13 attempts take about 5 s (pauses of 0.25 s)
    (outbox / "smtp-down").touch()
    worker = workers(
        test_database_url(),
        "DownBackend",
        ZWK_MAIL_RETRY_CEILING="0.25",
        ZWK_MAIL_GIVE_UP_AFTER=str(give_up_after),
    )
    # Queued once the worker is up, so that its start does not eat into the time.
    wait_for(WorkerHeartbeat.objects.exists, "the worker's heartbeat", workers=[worker])
    outgoing = queue_mail()

    def many_attempts_and_waiting():
        outgoing.refresh_from_db()
        # Not dropped, not given up early.
        assert outgoing.status in {Status.QUEUED, Status.SENDING, Status.RETRYING}, (
            f"{outgoing.status} after {outgoing.attempts} attempts"
        )
        return outgoing.attempts > 12 and outgoing.status == Status.RETRYING

    wait_for(many_attempts_and_waiting, "more than 12 attempts", workers=[worker])
    # It waits for the next attempt, with its task queued.
    assert "ConnectionRefusedError" in outgoing.last_error
    assert tasks_left() >= 1

    wait_for(
        lambda: status_of(outgoing) == Status.FAILED,
        "the mail failed",
        timeout=give_up_after + 10,
        workers=[worker],
    )
    assert (outgoing.next_attempt_at - outgoing.queued_at).total_seconds() >= give_up_after
    assert tasks_left() == 0
    assert delivered(outbox) == []

    # The mail server is back; the staff press "erneut senden".
    (outbox / "smtp-down").unlink()
    assert mail.resend(outgoing)
    wait_for(lambda: status_of(outgoing) == Status.SENT, "the mail sent", workers=[worker])
    wait_for(lambda: tasks_left() == 0, "no task left", workers=[worker])
    assert delivered(outbox) == [outgoing.message_id]
    assert outgoing.last_error == ""
