"""The real server for the operations tests: gunicorn on loopback (ports 8601–8699).

The server runs with DEBUG off against a database the test names (the test
database, or one on a separate PostgreSQL instance), with production-like
settings except plain HTTP and static files without a manifest.
"""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection

from foerderung.models import Anhang, Dokument

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"

SERVER_SETTINGS = """
from zwk_portal.settings import *  # noqa: F403
# Static files straight from the folders (no collectstatic needed).
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
"""


def free_port() -> int:
    for port in range(8601, 8700):
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8601–8699")


def database_url(params: dict, name: str) -> str:
    auth = quote(params.get("user") or "postgres", safe="")
    if params.get("password"):
        auth += ":" + quote(params["password"], safe="")
    host = quote(str(params.get("host") or "localhost"), safe="")
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgres://{auth}@{host}{port}/{name}"


def test_database_url() -> str:
    """The URL of the test database this pytest run uses."""
    return database_url(connection.get_connection_params(), connection.settings_dict["NAME"])


test_database_url.__test__ = False


@pytest.fixture(scope="session")
def settings_dir():
    folder = Path(tempfile.mkdtemp(prefix="zwk_ops_settings_"))
    (folder / "zwk_ops_settings.py").write_text(SERVER_SETTINGS)
    yield folder
    for child in folder.iterdir():
        if child.is_file():
            child.unlink()


def server_env(settings_dir: Path, url: str, **extra: str) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(settings_dir), str(BASE_DIR)]),
        "DJANGO_SETTINGS_MODULE": "zwk_ops_settings",
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        # The test process's key, so that sessions made by the test client are valid there.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "CRITICAL",
        "EMAIL_URL": "memory:",
        # Plain HTTP on loopback; the second factor is tested elsewhere, here a session
        # made by the test client must do.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "ZWK_REQUIRE_2FA": "0",
        "ZWK_EVENTS_RATE_LIMIT_PER_ADDRESS": "1000000",
        "ZWK_EVENTS_RATE_LIMIT_PER_EMAIL": "1000000",
        **extra,
    }


class Gunicorn:
    def __init__(self, env: dict, *, workers: int = 2):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "zwk_portal.wsgi",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--log-level",
                "critical",
            ],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_until_up()

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            if self.database_answers():
                return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def database_answers(self) -> bool:
        """Up once the database answers: /health/ may still say 503, as no task worker
        runs next to these servers."""
        try:
            return (
                json.loads(request(self.port, "GET", "/health/", timeout=2)[2])["database"] == "ok"
            )
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def request(port, method, path, *, form=None, cookies=None, timeout=30):
    """One request on a fresh connection: (status, headers, body)."""
    headers = {"Host": f"{HOST}:{port}"}
    cookies = dict(cookies or {})
    body = None
    if form is not None:
        csrf = cookies.setdefault("csrftoken", secrets.token_hex(16))
        body = urlencode({**form, "csrfmiddlewaretoken": csrf})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def two_servers(django_db_setup, django_db_blocker, settings_dir):
    """Two separate gunicorn processes (2 workers each) sharing the test database."""
    with django_db_blocker.unblock():
        url = test_database_url()
    env = server_env(settings_dir, url)
    servers = [Gunicorn(env, workers=2), Gunicorn(env, workers=2)]
    yield servers
    for server in servers:
        server.stop()


@pytest.fixture
def private_files(settings, tmp_path, monkeypatch):
    """Uploads and issued PDFs of this test go to its own folder, not var/private."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # The private storage is built once with the model; point it at this test's folder.
    for model in (Anhang, Dokument):
        field = model._meta.get_field("datei")
        monkeypatch.setattr(field, "storage", FileSystemStorage(settings.PRIVATE_MEDIA_ROOT))
    return settings.PRIVATE_MEDIA_ROOT
