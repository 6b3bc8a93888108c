"""PostgreSQL restarts under load: requests fail cleanly, then the portal recovers by itself.

A separate embedded PostgreSQL instance in a temp folder (never the shared
dev server) is stopped with `pg_ctl stop -m fast` — every connection is cut —
and started again, while clients keep asking gunicorn (2 workers, persistent
connections, CONN_HEALTH_CHECKS) for /health/ and the start page.
"""

import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import psycopg
import pytest

from .conftest import BASE_DIR, Gunicorn, database_url, request, server_env

with warnings.catch_warnings():  # pgserver warns on import (e.g. XDG_RUNTIME_DIR unset)
    warnings.simplefilter("ignore")
    import pgserver
    from pgserver._commands import pg_ctl

LEAKS = (b"Traceback", b"psycopg", b"OperationalError", b"postgres", b"/work/", b".py")


@pytest.fixture
def separate_postgres():
    folder = Path(tempfile.mkdtemp(prefix="zwk_ops_pg_"))
    server = pgserver.get_server(folder, cleanup_mode="delete")
    yield server
    server.cleanup()


def _stop(server):
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)


def _start(server):
    with server._lock:
        server.ensure_postgres_running()


def test_database_restart_gives_clean_errors_and_recovers_without_restarting_gunicorn(
    separate_postgres, settings_dir
):
    host = separate_postgres.get_postmaster_info().socket_dir
    with psycopg.connect(host=str(host), user="postgres", dbname="postgres", autocommit=True) as c:
        c.execute('CREATE DATABASE "zwk_ops"')
    env = server_env(settings_dir, database_url({"host": host, "user": "postgres"}, "zwk_ops"))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=BASE_DIR, env=env, check=True,
    )  # fmt: skip
    # A task worker said it is alive, so that /health/ answers 200 while the database does.
    with psycopg.connect(host=str(host), user="postgres", dbname="zwk_ops", autocommit=True) as c:
        c.execute(
            "INSERT INTO zwk_portal_workerheartbeat (worker_id, host, pid, started_at, seen_at)"
            " VALUES ('ops-test', 'localhost', 1, now(), now())"
        )
    server = Gunicorn(env, workers=2)
    answers = []  # (phase, path, status or exception name, body)
    phase = ["before"]
    running = True

    def client(path):
        while running:
            current = phase[0]
            try:
                # A cookie makes the page render for this visitor: pages kept for
                # anonymous visitors would otherwise be served during the outage.
                status, _, body = request(
                    server.port, "GET", path, cookies={"zwk_probe": "1"}, timeout=10
                )
            except OSError as error:
                status, body = type(error).__name__, b""
            # A request that spans a phase change counts for neither phase's strict checks.
            answers.append((current if phase[0] == current else "between", path, status, body))
            time.sleep(0.02)

    threads = [threading.Thread(target=client, args=(p,)) for p in ("/health/", "/") * 3]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        phase[0] = "down"
        _stop(separate_postgres)
        time.sleep(2)
        phase[0] = "restarting"
        _start(separate_postgres)
        time.sleep(1)
        phase[0] = "after"
        time.sleep(1.5)
    finally:
        running = False
        for thread in threads:
            thread.join()
        server.stop()

    def of(wanted):
        return [(path, status, body) for p, path, status, body in answers if p == wanted]

    before = {(path, status) for path, status, _ in of("before")}
    assert before == {("/health/", 200), ("/", 200)}, before
    down = of("down") + of("between")
    assert down, "no request was made while the database was down"
    # Every request got an HTTP answer: the server itself never went away.
    assert all(isinstance(status, int) for _, _, status, _ in answers), {a[2] for a in answers}
    health = {status for path, status, _ in down if path == "/health/"}
    page = {status for path, status, _ in down if path == "/"}
    assert health <= {200, 503} and 503 in health
    assert page <= {200, 503} and 503 in page
    outage_pages = [body for path, status, body in down if path == "/" and status == 503]
    assert all(b"nicht erreichbar" in body for body in outage_pages)
    for _, status, body in down:
        if status >= 500:
            assert not any(leak in body for leak in LEAKS), body[:500]
    after = of("after")
    assert after and all(status == 200 for _, status, _ in after), {s for _, s, _ in after}
