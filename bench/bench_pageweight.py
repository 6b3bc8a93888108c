"""Page weight of the public pages, as a resident's phone loads them.

Collects the static files (hashed, compressed) into a temporary STATIC_ROOT,
starts the production server (gunicorn, DJANGO_DEBUG=0) on 127.0.0.1:8299
against the dev database with its demo data (loads the demo data first if it
is missing; deletes nothing), and loads the start page of a Kommune, its
Werkstattplan and the demo event in Debian's chromium through Playwright:

- first visit (empty cache) and repeat visit (same browser, reload):
  requests and bytes transferred (compressed, headers included: the CDP
  Network domain's encodedDataLength), against the budgets of issue 5;
- every host that was asked for anything (only the server itself is allowed);
- Lighthouse 12 (npm, pinned in package.json) in its mobile setting:
  performance, accessibility, best practices.

    .venv/bin/python -m bench bench_pageweight
    BENCH_PAGEWEIGHT_LIGHTHOUSE=0 .venv/bin/python -m bench bench_pageweight   # without Lighthouse
"""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from kommunen.models import Kommune

BASE_DIR = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PAGEWEIGHT_PORT", "8299"))
ORIGIN = f"http://{HOST}:{PORT}"
CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIGHTHOUSE = BASE_DIR / "node_modules" / ".bin" / "lighthouse"
RUN_LIGHTHOUSE = os.environ.get("BENCH_PAGEWEIGHT_LIGHTHOUSE", "1") != "0"

# Budgets of issue 5 (start page, event page and "… in Zahlen" with its charts; the plan
# page is shown for information).
FIRST_VISIT_BYTES = 120 * 1024
FIRST_VISIT_REQUESTS = 15
REPEAT_VISIT_BYTES = 20 * 1024
BUDGETED = {"start", "event", "zahlen"}
LIGHTHOUSE_MIN = {"performance": 95, "accessibility": 100, "best-practices": 95}
CLS_MAX = 0.1  # Cumulative Layout Shift: "good" below 0.1

# The collected files get hashed names; the settings point STATIC_ROOT at a temporary folder.
BENCH_SETTINGS = """
import os
from zwk_portal.settings import *  # noqa: F403
STATIC_ROOT = os.environ["ZWK_BENCH_STATIC_ROOT"]
"""


def _env(static_root: Path, settings_dir: Path) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(settings_dir), str(BASE_DIR)]),
        "DJANGO_SETTINGS_MODULE": "bench_pageweight_settings",
        "ZWK_BENCH_STATIC_ROOT": str(static_root),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_LOG_LEVEL": "ERROR",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "EMAIL_URL": "memory:",
        "ZWK_SITE_URL": ORIGIN,
    }


def _manage(env: dict, *args: str) -> str:
    command = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout


def _ensure_demo_data() -> None:
    """Load the demo data (repeatable, adds nothing twice) only when the demo Kommunen are missing."""
    if Kommune.objects.filter(slug__in=["ludwigslust-parchim", "rostock"]).count() < 2:
        print("   loading the demo data (manage.py setup_demo)", flush=True)
        subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), "setup_demo"], check=True)


def _wait_for_server(process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn did not start")
        try:
            with urllib.request.urlopen(ORIGIN + "/health/", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers; 503 only says no task worker runs beside this bench
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _event_url(page) -> str:
    """The demo event, found through the event list as a visitor finds it."""
    page.goto(ORIGIN + "/rostock/veranstaltungen/")
    for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)"):
        path = urlsplit(href).path
        if (
            path.startswith("/rostock/veranstaltungen/")
            and path.count("/") == 4
            and not path.endswith("/rueckblicke/")  # the list of reviews, not an event
        ):
            return path
    raise RuntimeError("no event linked from /rostock/veranstaltungen/")


def _article_url(page) -> str:
    """The newest demo article, found through the news list as a visitor finds it."""
    page.goto(ORIGIN + "/ludwigslust-parchim/aktuelles/")
    for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)"):
        path = urlsplit(href).path
        if re.fullmatch(r"/ludwigslust-parchim/aktuelles/\d+-[\w-]+/", path):
            return path
    raise RuntimeError("no article linked from /ludwigslust-parchim/aktuelles/")


class Recorder:
    """Requests and transferred bytes of one page load, from Chrome's Network domain."""

    def __init__(self, cdp):
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        self.cached: set[str] = set()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        cdp.on("Network.responseReceived", self._received)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def reset(self) -> None:
        self.urls, self.bytes, self.cached = {}, {}, set()

    def _sent(self, event) -> None:
        url = event["request"]["url"]
        if not url.startswith("data:"):
            self.urls[event["requestId"]] = url

    def _received(self, event) -> None:
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def _finished(self, event) -> None:
        self.bytes[event["requestId"]] = int(event["encodedDataLength"])

    def summary(self) -> dict:
        network = [rid for rid in self.urls if rid not in self.cached]
        return {
            "requests": len(self.urls),
            "network_requests": sum(1 for rid in network if self.bytes.get(rid, 0) > 0),
            "bytes": sum(self.bytes.get(rid, 0) for rid in self.urls),
            "hosts": sorted({urlsplit(url).netloc for url in self.urls.values()}),
            "files": sorted(
                (self.bytes.get(rid, 0), urlsplit(url).path) for rid, url in self.urls.items()
            ),
        }


def _measure(pages: dict[str, str]) -> dict:
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            finder = browser.new_page()
            pages["event"] = _event_url(finder)
            pages["news"] = _article_url(finder)
            for name, path in pages.items():  # measure the page itself, not a redirect to it
                finder.goto(ORIGIN + path)
                landed = urlsplit(finder.url)
                pages[name] = landed.path + (f"?{landed.query}" if landed.query else "")
            finder.close()
            for name, path in pages.items():
                # A fresh context is a fresh profile: empty cache, no cookies.
                context = browser.new_context(viewport={"width": 390, "height": 844})
                page = context.new_page()
                recorder = Recorder(context.new_cdp_session(page))
                page.goto(ORIGIN + path, wait_until="networkidle")
                first = recorder.summary()
                recorder.reset()
                page.reload(wait_until="networkidle")
                repeat = recorder.summary()
                results[name] = {"path": path, "first": first, "repeat": repeat}
                context.close()
        finally:
            browser.close()
    return results


def _lighthouse(url: str, out_dir: Path) -> dict:
    """Scores 0–100 of one Lighthouse 12 run in its default (mobile, simulated slow 4G) setting."""
    report = out_dir / f"lighthouse-{abs(hash(url))}.json"
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [
        str(LIGHTHOUSE),
        url,
        "--only-categories=performance,accessibility,best-practices",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={flags}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=300)
    data = json.loads(report.read_text())
    scores = {key: round((cat["score"] or 0) * 100) for key, cat in data["categories"].items()}
    failed = [
        f"{audit_id} ({audit.get('score')})"
        for cat in data["categories"].values()
        for ref in cat["auditRefs"]
        if ref.get("weight", 0) > 0
        and (audit := data["audits"][ref["id"]]).get("score") is not None
        and audit["score"] < 0.9
        for audit_id in [ref["id"]]
    ]
    scores["failed"] = failed
    scores["lcp_ms"] = round(data["audits"]["largest-contentful-paint"]["numericValue"])
    scores["tbt_ms"] = round(data["audits"]["total-blocking-time"]["numericValue"])
    scores["cls"] = data["audits"]["cumulative-layout-shift"]["numericValue"]
    # Lighthouse's measure of this machine's speed (a fast desktop is about 1500+).
    scores["benchmark_index"] = round(data["environment"]["benchmarkIndex"])
    return scores


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def _mark(ok: bool) -> str:
    return "ok" if ok else "OVER BUDGET"


def main() -> None:
    _ensure_demo_data()
    work = Path(tempfile.mkdtemp(prefix="zwk_bench_pageweight_"))
    static_root = work / "static"
    (work / "bench_pageweight_settings.py").write_text(BENCH_SETTINGS)
    env = _env(static_root, work)
    server = None
    try:
        print("   collectstatic into a temporary STATIC_ROOT …", flush=True)
        _manage(env, "collectstatic", "--no-input", "-v", "0")
        server = subprocess.Popen(
            [
                str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
                "zwk_portal.wsgi",
                "--bind",
                f"{HOST}:{PORT}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
        )
        _wait_for_server(server)
        pages = {
            "start": "/ludwigslust-parchim/",
            "plan": "/ludwigslust-parchim/werkstattplan/",
            "event": "",  # found in the event list
            "zahlen": "/ludwigslust-parchim/in-zahlen/",  # with its four SVG charts
            "suche": "/netzwerk/suche/?q=Rufbussystems",  # the network (issue #16)
            "netz": "/netzwerk/",
            "news": "",  # an article, found in the news list (issue #15)
            "doku": "/ludwigslust-parchim/dokumente/",  # documents and forms (issue #15)
        }
        results = _measure(pages)

        print(f"   machine: {platform.node()}, {platform.platform()}, {os.cpu_count()} cores")
        print(f"   server:  gunicorn, DJANGO_DEBUG=0, whitenoise, {ORIGIN}")
        print(f"   budgets: first visit ≤ {_kb(FIRST_VISIT_BYTES)} and ≤ {FIRST_VISIT_REQUESTS}")
        print(
            f"            requests, repeat visit ≤ {_kb(REPEAT_VISIT_BYTES)} (start, event, in Zahlen)"
        )
        foreign = set()
        for name, result in results.items():
            first, repeat = result["first"], result["repeat"]
            budget = name in BUDGETED
            print(f"   {name:<6} {result['path']}")
            ok = first["bytes"] <= FIRST_VISIT_BYTES and first["requests"] <= FIRST_VISIT_REQUESTS
            print(
                f"     first visit:  {first['requests']:>2} requests, {_kb(first['bytes']):>9}"
                + (f"  {_mark(ok)}" if budget else "  (no budget)")
            )
            for size, path in first["files"]:
                print(f"       {_kb(size):>9}  {path}")
            ok = repeat["bytes"] <= REPEAT_VISIT_BYTES
            print(
                f"     repeat visit: {repeat['requests']:>2} requests "
                f"({repeat['network_requests']} over the network), {_kb(repeat['bytes']):>9}"
                + (f"  {_mark(ok)}" if budget else "  (no budget)")
            )
            foreign |= {
                host for host in first["hosts"] + repeat["hosts"] if host != f"{HOST}:{PORT}"
            }
        print(f"   hosts asked besides the server: {', '.join(sorted(foreign)) or 'none'}")

        if not RUN_LIGHTHOUSE:
            print("   Lighthouse: skipped (BENCH_PAGEWEIGHT_LIGHTHOUSE=0)")
        elif not LIGHTHOUSE.exists():
            print("   Lighthouse: node_modules/.bin/lighthouse is missing; run `npm ci`")
        else:
            version = subprocess.run(
                [str(LIGHTHOUSE), "--version"], capture_output=True, text=True
            ).stdout.strip()
            print(f"   Lighthouse {version}, mobile (default: Moto G Power, simulated slow 4G):")
            for name, result in results.items():
                try:
                    scores = _lighthouse(ORIGIN + result["path"], work)
                except subprocess.CalledProcessError as error:
                    print(f"     {name:<6} failed: {(error.stderr or error.stdout)[-500:]}")
                    continue
                verdict = all(scores[k] >= v for k, v in LIGHTHOUSE_MIN.items()) and (
                    scores["cls"] < CLS_MAX
                )
                print(
                    f"     {name:<6} performance {scores['performance']:>3}, accessibility "
                    f"{scores['accessibility']:>3}, best practices {scores['best-practices']:>3}, "
                    f"LCP {scores['lcp_ms']} ms, TBT {scores['tbt_ms']} ms, "
                    f"CLS {scores['cls']:.3f}, benchmarkIndex "
                    f"{scores['benchmark_index']}  {'ok' if verdict else 'BELOW TARGET'}"
                )
                if scores["failed"]:
                    print(f"            audits below 0.9: {', '.join(scores['failed'])}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwk_portal.settings")
    import django

    django.setup()
    main()
