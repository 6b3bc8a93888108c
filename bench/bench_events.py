"""Registrations under load: many people at once for one option with 20 seats.

Starts gunicorn on 127.0.0.1:8199 against a throwaway database (on the
embedded PostgreSQL, or on the server in DATABASE_URL; never the dev
database's data), fires REGISTRATIONS registrations at one option from CLIENTS
concurrent clients (threads with http.client), confirms them over HTTP and
prints the seats, waitlist, refusals, 5xx, throughput and latency.

    .venv/bin/python -m bench bench_events
    BENCH_EVENTS_REGISTRATIONS=1000 BENCH_EVENTS_WORKERS=4 .venv/bin/python -m bench bench_events
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from django.conf import settings

from zwk_portal.db.base import start_embedded_server

BASE_DIR = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_EVENTS_PORT", "8199"))
REGISTRATIONS = int(os.environ.get("BENCH_EVENTS_REGISTRATIONS", "500"))
CLIENTS = int(os.environ.get("BENCH_EVENTS_CLIENTS", "50"))
# Sync workers, 2 × cores + 1: the server of deploy/zwk-portal.service, as bench_server.
WORKERS = int(os.environ.get("BENCH_EVENTS_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
SEATS = 20

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from kommunen.models import Kommune
from events.models import Teilnahmeoption, Veranstaltung
kommune = Kommune.objects.create(name="Landkreis Bench", slug="bench")
start = timezone.now() + timedelta(days=30)
event = Veranstaltung.objects.create(kommune=kommune, title="Lasttest", slug="lasttest",
    beginn=start, ende=start + timedelta(hours=2), format="hybrid", status="veroeffentlicht")
option = Teilnahmeoption.objects.create(veranstaltung=event, name="Saal", kapazitaet=%d)
print(json.dumps({"url": event.get_absolute_url(), "option": option.pk}))
"""

CODES = """
import json
from events.models import Anmeldung
from events.services import confirmation_code
print(json.dumps([a.get_absolute_url().rsplit("/anmeldung/", 1)[0] + "/anmeldung/bestaetigen/"
    + confirmation_code(a) + "/" for a in Anmeldung.objects.select_related("veranstaltung__kommune")]))
"""

COUNTS = """
import json
from events.models import Anmeldung
qs = Anmeldung.objects.all()
print(json.dumps({
    "seats": qs.filter(status="platz").count(),
    "confirmed_seats": qs.filter(status="platz", confirmed_at__isnull=False).count(),
    "waitlist": qs.filter(status="warteliste").count(),
    "confirmed_waitlist": qs.filter(status="warteliste", confirmed_at__isnull=False).count(),
}))
"""


def _server_params() -> dict:
    """Connection parameters of the PostgreSQL server the portal uses, without a database."""
    if os.environ.get("DATABASE_URL"):
        db = settings.DATABASES["default"]
        return {
            "host": db["HOST"] or None,
            "port": db["PORT"] or None,
            "user": db["USER"],
            "password": db["PASSWORD"] or None,
        }
    pgdata = settings.DATABASES["default"]["EMBEDDED_PGDATA"]
    start_embedded_server(pgdata)
    return {"host": pgdata, "port": None, "user": "postgres", "password": None}


def _database_url(params: dict, name: str) -> str:
    auth = quote(params["user"], safe="")
    if params["password"]:
        auth += ":" + quote(params["password"], safe="")
    host = quote(params["host"] or "localhost", safe="")
    port = f":{params['port']}" if params["port"] else ""
    return f"postgres://{auth}@{host}{port}/{name}"


def _admin(params: dict, sql: str) -> None:
    connect = {k: v for k, v in params.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **connect) as conn:
        conn.execute(sql)


def _manage(env: dict, *args: str, code: str | None = None) -> str:
    command = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    if code is not None:
        # Setup and counting look at every Kommune's data, like a management command.
        command += [
            "-c",
            # the name keeps the context open for the whole script
            "from django_scopes import scopes_disabled\n_unscoped = scopes_disabled()\n"
            "_unscoped.__enter__()\n" + code,
        ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return result.stdout


def _last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


def resident_address(n: int) -> dict:
    """The n-th resident's address, as nginx passes it on (X-Real-IP; the bench server
    trusts it as production does behind deploy/nginx.conf)."""
    n %= 2**24
    return {"X-Real-IP": f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}"}


class Client:
    """One resident's browser: a keep-alive connection with its CSRF cookie."""

    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        self.csrf = ""

    def request(self, method, path, body=None, headers=None):
        headers = {"Host": f"{HOST}:{PORT}", **(headers or {})}
        if self.csrf:
            headers["Cookie"] = f"csrftoken={self.csrf}"
        if body is not None:
            body = urlencode({**body, "csrfmiddlewaretoken": self.csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{PORT}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.csrf = value.split("=", 1)[1].split(";", 1)[0]
        return response.status, response.getheader("Location") or "", content

    def prime(self, path):
        status, _, content = self.request("GET", path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path} answered {status}")
        # The form token and the cookie belong together; the page renews the cookie if missing.
        return match.group(1).decode()


def _wait_for_server(path: str, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn did not start")
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lower = int(k)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (k - lower)


def _run_phase(clients, jobs, worker, prime_path):
    for client in clients:
        client.prime(prime_path)
    lock = threading.Lock()
    queue = list(reversed(jobs))
    results = []
    barrier = threading.Barrier(len(clients) + 1)

    def run(client):
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            outcome = worker(client, job)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def _reference_rate(clients, method, path, form, setup) -> float:
    """Requests per second of a reference view, REGISTRATIONS of them as in the rush."""

    def run(client, n):
        status, _, _ = client.request(method, path, form)
        return status

    results, seconds = _run_phase(clients, list(range(REGISTRATIONS)), run, setup["url"])
    if any(status != 200 for status in results):
        raise RuntimeError(f"{path} did not answer 200")
    return len(results) / seconds


# Production-like settings for the server under test: DEBUG off (no query log, no
# template debug info), static files without a manifest so nothing must be collected.
BENCH_SETTINGS = """
from zwk_portal.settings import *  # noqa: F403
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
ROOT_URLCONF = "bench.bench_server"  # the portal's URLs and the two reference views
"""


def main() -> None:
    params = _server_params()
    name = f"zwk_bench_events_{os.getpid()}"
    settings_dir = Path(tempfile.mkdtemp(prefix="zwk_bench_events_"))
    (settings_dir / "bench_events_settings.py").write_text(BENCH_SETTINGS)
    _admin(params, f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(settings_dir), str(BASE_DIR)]),
        "DATABASE_URL": _database_url(params, name),
        "DJANGO_SETTINGS_MODULE": "bench_events_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "ERROR",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "EMAIL_URL": "memory:",
        "ZWK_SITE_URL": f"http://{HOST}:{PORT}",
        # As behind deploy/nginx.conf: each resident's address comes in X-Real-IP, so the
        # rate limits stay as set.
        "ZWK_TRUST_X_REAL_IP": "1",
    }
    server = None
    try:
        _manage(env, "migrate", "--no-input")
        setup = _last_json(_manage(env, "shell", code=SETUP % SEATS))
        server = subprocess.Popen(
            [
                str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
                "zwk_portal.wsgi",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                str(WORKERS),
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
        )
        _wait_for_server(setup["url"], server)
        token = secrets.token_hex(4)

        def register(client, n):
            form = {
                "option": setup["option"],
                "name": f"Person {n}",
                "email": f"person{n}-{token}@example.org",
                "datenschutz": "on",
                "website": "",
                "submission_key": f"{n:032x}",
            }
            if n % 2:
                form["warteliste"] = "on"
            started = time.perf_counter()
            status, location, _ = client.request(
                "POST", setup["url"], form, headers=resident_address(n)
            )
            elapsed = time.perf_counter() - started
            if status == 302:
                outcome = "waitlist" if "warteliste=1" in location else "seat"
            elif status == 409:
                outcome = "refused"
            else:
                outcome = f"http {status}"
            return outcome, status, elapsed

        clients = [Client() for _ in range(CLIENTS)]
        results, seconds = _run_phase(clients, list(range(REGISTRATIONS)), register, setup["url"])
        latencies = [elapsed for _, _, elapsed in results]
        outcomes = [outcome for outcome, _, _ in results]
        errors = sum(1 for _, status, _ in results if status >= 500)

        codes = _last_json(_manage(env, "shell", code=CODES))

        def confirm(client, path):
            status, _, _ = client.request("POST", path, {})
            return status

        confirm_results, confirm_seconds = _run_phase(clients, codes, confirm, setup["url"])
        counts = _last_json(_manage(env, "shell", code=COUNTS))

        print(f"   registrations fired:   {len(results)} at one option with {SEATS} seats")
        print(f"   clients / workers:     {CLIENTS} threads / gunicorn {WORKERS} sync workers")
        print(f"   seat (unconfirmed):    {outcomes.count('seat')}")
        print(f"   waitlist:              {outcomes.count('waitlist')}")
        print(f"   refused (full):        {outcomes.count('refused')}")
        other = len(outcomes) - sum(outcomes.count(k) for k in ("seat", "waitlist", "refused"))
        print(f"   other answers:         {other}")
        print(f"   5xx:                   {errors}")
        rate = len(results) / seconds
        # The same clients and workers, as many requests: the two references of this run.
        minimal_rate = _reference_rate(clients, "GET", "/bench/minimal/", None, setup)
        floor_rate = _reference_rate(
            clients, "POST", "/bench/lock-and-insert/", {"option": setup["option"]}, setup
        )
        print(
            f"   throughput:            {rate:.0f} registrations/s = "
            f"{rate / minimal_rate:.2f} × minimal view ({minimal_rate:.0f}/s), "
            f"{rate / floor_rate:.2f} × lock and insert ({floor_rate:.0f}/s)"
        )
        print(
            "   latency p50/p95/p99:   "
            + " / ".join(f"{_percentile(latencies, p) * 1000:.0f} ms" for p in (50, 95, 99))
        )
        confirm_5xx = sum(1 for status in confirm_results if status >= 500)
        print(
            f"   confirmations:         {len(confirm_results)} in {confirm_seconds:.1f} s "
            f"({confirm_5xx} × 5xx)"
        )
        print(
            f"   after confirming:      confirmed seats {counts['confirmed_seats']} "
            f"(seats {counts['seats']}), waitlist {counts['confirmed_waitlist']} confirmed"
        )
        if counts["confirmed_seats"] != SEATS or counts["seats"] != SEATS:
            print("   !! capacity violated or seats left empty")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        _admin(params, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(settings_dir, ignore_errors=True)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwk_portal.settings")
    django.setup()
    main()
