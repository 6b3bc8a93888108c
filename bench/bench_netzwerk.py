"""The network search (issue #16) over 40 communes' plans: server time and throughput.

Builds 40 Kommunen in a throwaway test database (created and dropped here), each with
a published plan made from the seed's table text (fixtures/werkstattplan-ludwigslust-
parchim.txt, imported as werkstattplan.demo does), varied a little per commune: every
k-th Werkzeug left out, some Handlungsfelder renamed, statuses set, and for three in
four communes one Werkzeug of their own ("Rufbus für …", a youth forum, neighbourly help).

1. In-process (Django's test Client, a persistent connection as in production):
   the search for realistic queries (hits, SQL queries, median and p95 once the
   vocabulary is cached), the first search after a cache clear (the vocabulary
   `netzwerk.suche.vocabulary` is built then), a Werkzeug page with its similar
   Werkzeuge of other communes, the directory /netzwerk/ and the comparison
   /netzwerk/handlungsfelder/ (both rendered: the visitors' cache cleared each time).
2. Under load: gunicorn (DEBUG off, bench_server's settings and reference view) on the
   same throwaway database; the minimal view, the search rotating through the queries
   and the Werkzeug page rotating through Werkzeuge, each for BENCH_NETZWERK_SECONDS with
   BENCH_NETZWERK_CLIENTS clients; requests/s and its ratio to the minimal view.

    .venv/bin/python -m bench bench_netzwerk
    BENCH_NETZWERK_SECONDS=20 BENCH_NETZWERK_WORKERS=3 .venv/bin/python -m bench bench_netzwerk
"""

import os
import secrets
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)
from django.utils.text import slugify

from bench import bench_server
from bench.bench_events import _admin, _database_url, _manage, _server_params
from bench.bench_werkstattplan import report, timed
from kommunen.models import Kommune
from netzwerk import suche
from werkstattplan.demo import SEED_TEXT
from werkstattplan.importers import import_table_text
from werkstattplan.models import Handlungsfeld, Massnahme, Werkzeug

BASE_DIR = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_NETZWERK_PORT", "8612"))
CLIENTS = int(os.environ.get("BENCH_NETZWERK_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_NETZWERK_SECONDS", "8"))
WORKERS = int(os.environ.get("BENCH_NETZWERK_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
RUNS = int(os.environ.get("BENCH_NETZWERK_RUNS", "25"))  # in-process runs per query

# (art, AGS) of 40 communes in four Länder: MV 13, Brandenburg 12, Sachsen-Anhalt 15, SH 01.
KOMMUNEN = [
    ("Landkreis Ludwigslust-Parchim", "landkreis", "13076"),
    ("Landkreis Rostock", "landkreis", "13072"),
    ("Landkreis Vorpommern-Greifswald", "landkreis", "13075"),
    ("Landkreis Mecklenburgische Seenplatte", "landkreis", "13071"),
    ("Landkreis Nordwestmecklenburg", "landkreis", "13074"),
    ("Landkreis Vorpommern-Rügen", "landkreis", "13073"),
    ("Hansestadt Wismar", "stadt", "13074087"),
    ("Stadt Hagenow", "stadt", "13076054"),
    ("Stadt Parchim", "stadt", "13076105"),
    ("Stadt Güstrow", "stadt", "13072029"),
    ("Stadt Pasewalk", "stadt", "13075105"),
    ("Amt Dömitz-Malliß", "amt", "13076562"),
    ("Amt Crivitz", "amt", "13076553"),
    ("Gemeinde Banzkow", "gemeinde", "13076007"),
    ("Gemeinde Zarrentin am Schaalsee", "gemeinde", "13076159"),
    ("Region Mecklenburgische Schweiz", "region", "13072"),
    ("Landkreis Prignitz", "landkreis", "12070"),
    ("Landkreis Uckermark", "landkreis", "12073"),
    ("Landkreis Elbe-Elster", "landkreis", "12062"),
    ("Landkreis Oberspreewald-Lausitz", "landkreis", "12066"),
    ("Stadt Perleberg", "stadt", "12070296"),
    ("Stadt Wittenberge", "stadt", "12070424"),
    ("Stadt Templin", "stadt", "12073572"),
    ("Amt Lenzen-Elbtalaue", "amt", "12070246"),
    ("Gemeinde Schorfheide", "gemeinde", "12060269"),
    ("Region Spreewald", "region", "12066"),
    ("Landkreis Stendal", "landkreis", "15090"),
    ("Altmarkkreis Salzwedel", "landkreis", "15081"),
    ("Landkreis Mansfeld-Südharz", "landkreis", "15087"),
    ("Stadt Salzwedel", "stadt", "15081455"),
    ("Stadt Tangermünde", "stadt", "15090535"),
    ("Stadt Sangerhausen", "stadt", "15087370"),
    ("Gemeinde Huy", "gemeinde", "15085235"),
    ("Region Altmark", "region", "15081"),
    ("Kreis Dithmarschen", "landkreis", "01051"),
    ("Kreis Nordfriesland", "landkreis", "01054"),
    ("Stadt Husum", "stadt", "01054056"),
    ("Amt Eiderstedt", "amt", "01054170"),
    ("Gemeinde Büsum", "gemeinde", "01051011"),
    ("Region Uthlande", "region", "01054"),
]

RENAMED = [
    {},
    {"Mobilität": "Mobilität und Erreichbarkeit"},
    {"Teilhabe": "Teilhabe und Inklusion", "Digitalisierung": "Digitale Region"},
    {"Ehrenamtliches Engagement und Kultur": "Ehrenamt"},
    {"Bürgerbeteiligung": "Beteiligung", "Mobilität": "Mobilität im ländlichen Raum"},
]

# One Werkzeug of its own for three in four communes: (Handlungsfeld in the seed, text).
EIGENE = [
    (
        "Mobilität",
        "Rufbus für {ort}: Fahrten auf Bestellung in den Dörfern, abgestimmt auf Bahn und Schulbus",
    ),
    (
        "Bürgerbeteiligung",
        "Jugendforum {ort}: Beteiligung junger Menschen an der Planung von Treffpunkten und Freizeitangeboten",
    ),
    (
        "Teilhabe",
        "Ehrenamtliche Nachbarschaftshilfe in {ort}: Einkaufs- und Fahrdienste für ältere Menschen",
    ),
    None,
]

# The search as visitors use it: (label, GET parameters).
QUERIES = [
    ("Rufbus", {"q": "Rufbus"}),
    ("Ehrenamt", {"q": "Ehrenamt"}),
    ("ehrenamtliche Nachbarschaftshilfe", {"q": "ehrenamtliche Nachbarschaftshilfe"}),
    ("Ehrenamd (typo)", {"q": "Ehrenamd"}),
    ("Rufbussystems (compound)", {"q": "Rufbussystems"}),
    ("Jugend Beteiligung", {"q": "Jugend Beteiligung"}),
    ("Mobilität, land=13 jahr=2021", {"q": "Mobilität", "land": "13", "jahr": "2021"}),
    (
        "Integration, art=landkreis + HF",
        {
            "q": "Integration",
            "art": "landkreis",
            "handlungsfeld": "Daseinsvorsorge und Willkommenskultur",
        },
    ),
    ("Ehrenamt, page 2", {"q": "Ehrenamt", "seite": "2"}),
]
SEARCH = "/netzwerk/suche/"


# ----------------------------------------------------------------------------- data


def _ort(name: str) -> str:
    return name.split(" ", 1)[1] if " " in name else name


def build_network() -> dict[str, int]:
    """The 40 communes, each with a published plan from the seed's text, varied a little."""
    text = SEED_TEXT.read_text(encoding="utf-8")
    for number, (name, art, ags) in enumerate(KOMMUNEN):
        kommune = Kommune.objects.create(name=name, slug=slugify(name), art=art, ags=ags)
        plan = import_table_text(
            text, kommune=kommune, title=f"Werkstattplan {name}", slug="2020-2023", published=True
        )
        fields = {hf.name: hf for hf in plan.handlungsfelder.all()}
        tools = list(Werkzeug.objects.filter(handlungsfeld__plan=plan).order_by("pk"))
        # Every k-th Werkzeug left out, k from 4 to 7, from a different start each time.
        k = 4 + number % 4
        Werkzeug.objects.filter(
            pk__in=[t.pk for i, t in enumerate(tools) if (i + number) % k == k - 1]
        ).delete()
        eigene = EIGENE[number % len(EIGENE)]
        if eigene:
            field, description = eigene
            Werkzeug(
                handlungsfeld=fields[field],
                position=100,
                description=description.format(ort=_ort(name)),
                umsetzungsort=_ort(name),
                beteiligte="Verwaltung, Vereine, Einwohner*innen",
                jahre=[2021, 2022, 2023],
            ).save()
        for old, new in RENAMED[number % len(RENAMED)].items():
            fields[old].name = new
            fields[old].save()
        statuses = {s.slug: s for s in plan.status_liste.all()}
        kept = Werkzeug.objects.filter(handlungsfeld__plan=plan).order_by("pk")
        pks = list(kept.values_list("pk", flat=True))
        Werkzeug.objects.filter(pk__in=pks[number % 3 :: 3]).update(status=statuses["laufend"])
        Werkzeug.objects.filter(pk__in=pks[(number + 1) % 5 :: 5]).update(
            status=statuses["abgeschlossen"]
        )
    return {
        "Kommunen": Kommune.objects.count(),
        "Handlungsfelder": Handlungsfeld.objects.count(),
        "Werkzeuge": Werkzeug.objects.count(),
        "Einzelmaßnahmen": Massnahme.objects.count(),
    }


# ------------------------------------------------------------------- in-process


def _search_url(params: dict) -> str:
    return f"{SEARCH}?{urlencode(params)}"


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f} ms"


def measure_in_process(werkzeug_urls: list[str]) -> None:
    client = Client()

    def get(url, expect=200):
        response = client.get(url)
        assert response.status_code == expect, (url, response.status_code)
        return response

    def counted(url):
        """One request with its SQL queries: (response, count, milliseconds in the database)."""
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            response = get(url)
        return response, len(queries), sum(float(q["time"]) for q in queries) * 1000

    # Warm up templates, the connection and the vocabulary.
    for _ in range(2):
        for _label, params in QUERIES:
            get(_search_url(params))

    print(
        f"   {'search (vocabulary cached)':<34}{'hits':>6}{'SQL':>5}{'in DB':>9}"
        f"{'median':>11}{'p95':>11}   note"
    )
    all_times = []
    for label, params in QUERIES:
        url = _search_url(params)
        response, count, db_ms = counted(url)
        page = response.context["page"] if response.context.get("searched") else None
        hits = page.paginator.count if page is not None else 0
        shown = len(response.context.get("treffer") or [])
        widened = response.context.get("widened") or {}
        times = timed(lambda url=url: get(url), RUNS)
        all_times += times
        notes = [f"widened {w} → {' | '.join(s)}" for w, s in widened.items()]
        if hits == 0:
            notes.append("NO HITS")
        elif shown == 0:
            notes.append("page empty")
        print(
            f"   {label:<34}{hits:6d}{count:5d}{db_ms:6.1f} ms"
            f"{_ms(statistics.median(times)):>11}{_ms(_p95(times)):>11}   {'; '.join(notes)}",
            flush=True,
        )
    report(f"search, all {len(QUERIES)} queries", all_times)

    # The first search after a cache clear builds the vocabulary from every stored vector.
    cold = []
    for index in range(max(5, RUNS // 3)):
        url = _search_url(QUERIES[index % len(QUERIES)][1])
        cache.clear()
        started = time.perf_counter()
        get(url)
        cold.append(time.perf_counter() - started)
    report("search, first after cache clear", cold)
    print(f"   {'':<34} each: {', '.join(f'{t * 1000:.0f}' for t in cold)} ms", flush=True)
    cache.clear()
    started = time.perf_counter()
    words = suche.vocabulary(suche.stand())
    print(
        f"   {'vocabulary alone':<34} {_ms(time.perf_counter() - started)}   ({len(words)} stems)",
        flush=True,
    )

    # A Werkzeug page with "similar Werkzeuge in other communes", rotating over communes.
    _response, count, db_ms = counted(werkzeug_urls[0])
    similar = [len(get(url).context["netzwerk"].aehnliche) for url in werkzeug_urls]
    rotation = iter(range(10**9))
    report(
        "Werkzeug page",
        timed(lambda: get(werkzeug_urls[next(rotation) % len(werkzeug_urls)]), 2 * RUNS),
    )
    print(
        f"   {'':<34} {count} SQL queries ({db_ms:.1f} ms in DB); similar Werkzeuge shown "
        f"on {len(werkzeug_urls)} pages: {min(similar)}–{max(similar)} (of at most 5), "
        f"{similar.count(0)} pages with none",
        flush=True,
    )
    for label, url in (
        ("directory /netzwerk/", "/netzwerk/"),
        ("comparison /netzwerk/handlungsfelder/", "/netzwerk/handlungsfelder/"),
    ):
        try:
            cache.clear()
            _response, count, db_ms = counted(url)

            def rendered(url=url):
                cache.clear()  # the render, not the visitors' kept page
                get(url)

            print(f"   {label}: {count} SQL queries ({db_ms:.1f} ms in DB) when rendered")
            report("  rendered (cache cleared)", timed(rendered, RUNS))
            report("  kept for visitors (cached)", timed(lambda url=url: get(url), RUNS))
        except Exception as error:  # in progress elsewhere: name it, go on
            print(f"   {label}: FAILED: {type(error).__name__}: {error}"[:300], flush=True)


# ------------------------------------------------------------------------ load


def measure_under_load(params: dict, database: str, werkzeug_urls: list[str]) -> None:
    # bench_server's load generator and client read its module settings: point them here.
    bench_server.PORT, bench_server.CLIENTS, bench_server.SECONDS = PORT, CLIENTS, SECONDS
    host = bench_server.HOST
    work = Path(tempfile.mkdtemp(prefix="zwk_bench_netzwerk_"))
    (work / "bench_netzwerk_settings.py").write_text(
        bench_server.BENCH_SETTINGS.format(static_root=str(work / "static"))
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(work), str(BASE_DIR)]),
        "DATABASE_URL": _database_url(params, database),
        "DJANGO_SETTINGS_MODULE": "bench_netzwerk_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": host,
        "DJANGO_CONN_MAX_AGE": "60",
        "DJANGO_LOG_LEVEL": "ERROR",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "EMAIL_URL": "memory:",
        "ZWK_SITE_URL": f"http://{host}:{PORT}",
        "ZWK_MEDIA_ROOT": str(work / "media"),
        "ZWK_PRIVATE_MEDIA_ROOT": str(work / "private"),
    }
    server = None
    try:
        started = time.perf_counter()
        _manage(env, "collectstatic", "--no-input")
        server = bench_server.start_gunicorn(env, WORKERS)
        print(
            f"   gunicorn {WORKERS} sync workers (up in {time.perf_counter() - started:.0f} s); "
            f"{CLIENTS} clients, {SECONDS:.0f} s per line",
            flush=True,
        )
        searches = [_search_url(p) for _label, p in QUERIES]

        def search(client, n):
            return client.request("GET", searches[n % len(searches)])

        def werkzeug(client, n):
            return client.request("GET", werkzeug_urls[n % len(werkzeug_urls)])

        runs = [
            bench_server._load("minimal Django view", bench_server._get("/bench/minimal/"), 200),
            bench_server._load(f"search ({len(searches)} queries)", search, 200),
            bench_server._load("Werkzeug page", werkzeug, 200),
        ]
        base = runs[0]["rps"]
        print(
            f"   {'':<24}{'req/s':>8}{'ratio':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
            f"{'errors':>8}{'queries':>9}{'bytes':>9}"
        )
        for r in runs:
            print(
                f"   {r['label']:<24}{r['rps']:8.0f}{r['rps'] / base:7.2f}"
                f"{r['p50'] * 1000:6.0f}ms{r['p95'] * 1000:6.0f}ms{r['p99'] * 1000:6.0f}ms"
                f"{r['errors']:8d}{r['queries']:9.1f}{r['bytes']:9.0f}"
            )
        print(
            f"   search throughput = {runs[1]['rps'] / base:.2f} × minimal view "
            f"({runs[1]['rps']:.0f} / {base:.0f} req/s, same run; the load generator shares "
            "the cores)",
            flush=True,
        )
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(work, ignore_errors=True)


# -------------------------------------------------------------------------- main


def main() -> None:
    params = _server_params()
    setup_test_environment(debug=False)  # as the test runner and production: DEBUG off
    old_name = connection.settings_dict["NAME"]
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        # One connection across requests, as in production (DJANGO_CONN_MAX_AGE=60).
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = 60
        started = time.perf_counter()
        totals = build_network()
        print(
            "   network: "
            + ", ".join(f"{count} {label}" for label, count in totals.items())
            + f" (built in {time.perf_counter() - started:.0f} s)",
            flush=True,
        )
        # Werkzeuge of many communes, for the Werkzeug page: every 7th one.
        werkzeug_urls = [
            w.get_absolute_url()
            for w in Werkzeug.objects.select_related("handlungsfeld__plan__kommune").order_by("pk")[
                ::7
            ]
        ]
        measure_in_process(werkzeug_urls)
        connection.close()
        measure_under_load(params, database, werkzeug_urls)
    finally:
        connection.close()
        try:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        finally:
            _admin(params, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            teardown_test_environment()
