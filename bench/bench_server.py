"""The real server under load: throughput and latency of the main pages, and each PDF's time.

Starts gunicorn on 127.0.0.1 (DEBUG off, static files collected into a temp
folder, sync workers: 2 × cores + 1 unless BENCH_SERVER_WORKERS) against a
throwaway database with the demo data and BENCH_SERVER_ANTRAEGE (500)
applications in the jury's call, then drives each page for BENCH_SERVER_SECONDS
with BENCH_SERVER_CLIENTS concurrent clients (threads, http.client keep-alive).
Two references run in the same process and URLconf, only routed here: a minimal
Django view (same middleware, one HttpResponse) and "lock and insert" (a POST that
locks the option's row and inserts one row in a transaction: the floor of any
registration). Then the start page, the plan page, the event page, a registration
(POST with CSRF, each from its own address in X-Real-IP), the jury's start page (the
frame of any logged-in page), the jury overview and the Fachdienst list (logged in). Prints
requests/s, p50/p95/p99, errors, queries and bytes per request, the throughput as
a ratio to the minimal view and, for writes, to the floor. Then times each PDF.
The load generator shares the machine's cores with the server.

    .venv/bin/python -m bench bench_server
    BENCH_SERVER_SECONDS=20 BENCH_SERVER_WORKERS=3 .venv/bin/python -m bench bench_server
"""

import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from bench.bench_events import (
    _admin,
    _database_url,
    _last_json,
    _manage,
    _server_params,
    resident_address,
)
from events.models import Teilnahmeoption, Versuch
from zwk_portal import urls
from zwk_portal.tenancy import scopes_disabled

BASE_DIR = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_SERVER_PORT", "8611"))
CLIENTS = int(os.environ.get("BENCH_SERVER_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_SERVER_SECONDS", "8"))
WORKERS = int(os.environ.get("BENCH_SERVER_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
ANTRAEGE = int(os.environ.get("BENCH_SERVER_ANTRAEGE", "500"))


# ---- Runs inside gunicorn (the bench settings point here) --------------------------------


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


def lock_and_insert(request):
    """The floor of any registration: lock the option's row and insert one row, in one
    transaction (same middleware, CSRF included). No registration can be cheaper."""
    with scopes_disabled(), transaction.atomic():
        Teilnahmeoption.objects.select_for_update().get(pk=int(request.POST["option"]))
        Versuch.objects.create(key=secrets.token_hex(32), created_at=timezone.now())
    return HttpResponse(b"ok", content_type="text/plain")


# The URLconf of the bench server: the portal's, plus the two reference views.
urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/lock-and-insert/", lock_and_insert),
    *urls.urlpatterns,
]


class QueryCountMiddleware:
    """Counts each request's queries into the X-Bench-Queries header (bench only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counting(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count[0])
        return response


BENCH_SETTINGS = """
from zwk_portal.settings import *  # noqa: F403
ROOT_URLCONF = "bench.bench_server"
MIDDLEWARE = ["bench.bench_server.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
STATIC_ROOT = {static_root!r}
"""

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from events.models import Teilnahmeoption, Veranstaltung
from foerderung import documents
from foerderung.models import Antrag, Dokument, JuryMitgliedschaft
from kommunen.models import Kommune
from werkstattplan.models import Werkstattplan, Werkzeug

def session(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value

plan = Werkstattplan.objects.filter(published=True).first()
werkzeug = Werkzeug.objects.filter(handlungsfeld__plan=plan).order_by("position").first()
event = Veranstaltung.objects.filter(status="veroeffentlicht", beginn__gte=timezone.now()).order_by("beginn").first()
option = event.optionen.exclude(kapazitaet=None).first() or event.optionen.first()
kommune = Kommune.objects.order_by("pk").first()
start = timezone.now() + timedelta(days=40)
rush = Veranstaltung.objects.create(kommune=kommune, title="Lasttest", slug="lasttest-bench",
    beginn=start, ende=start + timedelta(hours=2), format="online", status="veroeffentlicht")
rush_option = Teilnahmeoption.objects.create(veranstaltung=rush, name="Online", art="online",
    kapazitaet=None)
jury = JuryMitgliedschaft.objects.select_related("mitglied").order_by("-vorsitz").first()
# The jury's call with as many applications as a busy round brings (BENCH_SERVER_ANTRAEGE).
from foerderung.models import Status
from tests.foerderung.factories import antrag_in
from zwk_portal.models import Membership
for n in range(%(antraege)d - Antrag.objects.filter(aufruf=jury.aufruf).count()):
    antrag_in(Status.JURY, aufruf=jury.aufruf, title=f"Lastantrag {n}")
fachdienst = Membership.objects.filter(kommune=jury.aufruf.kommune, role="fachdienst").first()
print(json.dumps({
    "plan": plan.get_absolute_url(),
    "plan_pdf": plan.get_absolute_url() + "werkstattplan.pdf",
    "werkzeug_pdf": werkzeug.get_absolute_url() + "werkzeug.pdf",
    "event": event.get_absolute_url(),
    "participants_pdf": f"/verwaltung/veranstaltungen/{event.pk}/teilnehmerliste-{option.pk}.pdf",
    "register": rush.get_absolute_url(),
    "register_option": rush_option.pk,
    "jury": f"/jury/aufrufe/{jury.aufruf_id}/",
    "jury_session": session(jury.mitglied.username),
    "staff_session": session("koordination-rostock"),  # the event is Rostock's
    "fachdienst_session": session(fachdienst.user.username),
    "antraege": Antrag.objects.filter(aufruf=jury.aufruf).count(),
}))
"""

BESCHEID = """
import json, statistics, time
from foerderung import documents
from foerderung.models import Antrag, Dokument
antrag = Antrag.objects.exclude(eingangsnummer=None).order_by("pk").first()
documents.render(antrag, Dokument.Art.BESCHEID)
times = []
for _ in range(3):
    started = time.perf_counter()
    documents.render(antrag, Dokument.Art.BESCHEID)
    times.append(time.perf_counter() - started)
print(json.dumps(statistics.median(times)))
"""


class Client:
    def __init__(self, cookies=None):
        self.cookies = dict(cookies or {})
        self.cookies.setdefault("csrftoken", secrets.token_hex(16))
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)

    def request(self, method, target, form=None, headers=None):
        headers = {
            "Host": f"{HOST}:{PORT}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, target, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
                if attempt == 2:
                    raise
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        header_bytes = sum(len(k) + len(v) + 4 for k, v in response.getheaders())
        queries = int(response.getheader("X-Bench-Queries") or 0)
        return response.status, len(content) + header_bytes, queries


def _load(label, make_request, ok_status, cookies=None):
    """CLIENTS threads send requests back to back for SECONDS; returns the figures."""
    clients = [Client(cookies) for _ in range(CLIENTS)]
    for client in clients[:4]:  # warm up every worker's templates and connections
        for _ in range(3):
            make_request(client, -1)
    samples, lock = [], threading.Lock()
    counter = iter(range(10**9))
    barrier = threading.Barrier(CLIENTS + 1)
    stop_at = [0.0]

    def run(client):
        barrier.wait()
        mine = []
        while time.perf_counter() < stop_at[0]:
            started = time.perf_counter()
            try:
                status, size, queries = make_request(client, next(counter))
            except (http.client.HTTPException, OSError):
                status, size, queries = 0, 0, 0
            mine.append((time.perf_counter() - started, status, size, queries))
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + SECONDS
    started = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(s[0] for s in samples)

    def pct(p):
        return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))]

    return {
        "label": label,
        "rps": len(samples) / elapsed,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "errors": sum(1 for s in samples if s[1] != ok_status),
        "requests": len(samples),
        "bytes": statistics.mean(s[2] for s in samples),
        "queries": statistics.mean(s[3] for s in samples),
    }


def start_gunicorn(env: dict, workers: int) -> subprocess.Popen:
    """gunicorn on HOST:PORT with `env`, once it answers the minimal view."""
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "zwk_portal.wsgi",
            f"--bind={HOST}:{PORT}",
            f"--workers={workers}",
            "--backlog=2048",
            "--log-level=warning",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if Client().request("GET", "/bench/minimal/")[0] == 200:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise RuntimeError("gunicorn did not start")
        time.sleep(0.3)


def _get(target):
    return lambda client, n: client.request("GET", target)


def main() -> None:
    params = _server_params()
    name = f"zwk_bench_server_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="zwk_bench_server_"))
    (work / "bench_server_settings.py").write_text(
        BENCH_SETTINGS.format(static_root=str(work / "static"))
    )
    _admin(params, f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(work), str(BASE_DIR)]),
        "DATABASE_URL": _database_url(params, name),
        "DJANGO_SETTINGS_MODULE": "bench_server_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "ERROR",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "ZWK_REQUIRE_2FA": "0",  # the jury session is made without a TOTP device
        "EMAIL_URL": "memory:",
        "ZWK_SITE_URL": f"http://{HOST}:{PORT}",
        "ZWK_MEDIA_ROOT": str(work / "media"),
        "ZWK_PRIVATE_MEDIA_ROOT": str(work / "private"),
        # As behind deploy/nginx.conf: the visitor's address comes in X-Real-IP, so that
        # each registration comes from its own resident and the rate limits stay as set.
        "ZWK_TRUST_X_REAL_IP": "1",
    }
    server = None
    try:
        started = time.perf_counter()
        _manage(env, "migrate", "--no-input")
        _manage(env, "collectstatic", "--no-input")
        _manage(env, "setup_demo")
        urls = _last_json(_manage(env, "shell", code=SETUP % {"antraege": ANTRAEGE}))
        print(
            f"   setup (migrate, collectstatic, demo data): {time.perf_counter() - started:.0f} s"
        )
        server = start_gunicorn(env, WORKERS)

        token = secrets.token_hex(4)

        def register(client, n):
            form = {
                "option": urls["register_option"],
                "name": f"Person {n}",
                "email": f"p{n}-{token}-{secrets.token_hex(3)}@example.org",
                "datenschutz": "on",
                "website": "",
                "submission_key": secrets.token_hex(16),
            }
            return client.request("POST", urls["register"], form, headers=resident_address(n))

        status, _, _ = Client().request("GET", "/")
        print(
            f"   gunicorn {WORKERS} sync workers; {CLIENTS} clients, {SECONDS:.0f} s per page; "
            f"jury overview with {urls['antraege']} applications"
        )

        def floor(client, n):
            return client.request(
                "POST", "/bench/lock-and-insert/", {"option": urls["register_option"]}
            )

        runs = [
            _load("minimal Django view", _get("/bench/minimal/"), 200),
            _load("lock and insert", floor, 200),
            _load("start page /", _get("/"), status),
            _load("plan page", _get(urls["plan"]), 200),
            _load("event page", _get(urls["event"]), 200),
            _load("registration (POST)", register, 302),
            # The frame of every logged-in page (session, user, second factor, the guard's
            # memberships, the page layout) around a list of two calls: what a staff page
            # costs before its own content.
            _load(
                "jury start page",
                _get("/jury/"),
                200,
                cookies={"sessionid": urls["jury_session"]},
            ),
            _load(
                "jury overview",
                _get(urls["jury"]),
                200,
                cookies={"sessionid": urls["jury_session"]},
            ),
            _load(
                "Fachdienst list",
                _get("/verwaltung/foerderung/antraege/"),
                200,
                cookies={"sessionid": urls["fachdienst_session"]},
            ),
        ]
        base, floor_rps = runs[0]["rps"], runs[1]["rps"]
        print(
            f"   {'':<22}{'req/s':>8}{'ratio':>7}{'floor':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
            f"{'errors':>8}{'queries':>9}{'bytes':>9}"
        )
        for r in runs:
            # Writes are measured against both references: the minimal view and the floor.
            writes = r["label"] in {"lock and insert", "registration (POST)"}
            to_floor = f"{r['rps'] / floor_rps:7.2f}" if writes else f"{'':>7}"
            print(
                f"   {r['label']:<22}{r['rps']:8.0f}{r['rps'] / base:7.2f}{to_floor}"
                f"{r['p50'] * 1000:6.0f}ms{r['p95'] * 1000:6.0f}ms{r['p99'] * 1000:6.0f}ms"
                f"{r['errors']:8d}{r['queries']:9.1f}{r['bytes']:9.0f}"
            )
        print(
            "   (ratio: to the minimal view; floor: to lock-and-insert, same run. Targets on 2 "
            "cores: public pages ≥ 0.50 × minimal, registration ≥ 0.12 × minimal and ≥ 0.45 × "
            "floor, no errors)"
        )

        def pdf_time(target, session):
            client = Client({"sessionid": session} if session else None)
            client.request("GET", target)  # warm-up: fonts
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                status, size, _ = client.request("GET", target)
                times.append(time.perf_counter() - t0)
                if status != 200:
                    return f"HTTP {status}"
            return f"{statistics.median(times) * 1000:.0f} ms ({size / 1024:.0f} KiB)"

        print(f"   PDF whole plan:           {pdf_time(urls['plan_pdf'], None)}")
        print(f"   PDF one Werkzeug:         {pdf_time(urls['werkzeug_pdf'], None)}")
        print(
            f"   PDF participant list:     "
            f"{pdf_time(urls['participants_pdf'], urls['staff_session'])}"
        )
        bescheid = json.loads(_manage(env, "shell", code=BESCHEID).strip().splitlines()[-1])
        print(f"   PDF Zuwendungsbescheid:   {bescheid * 1000:.0f} ms (rendered in-process)")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        _admin(params, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)
