"""Every page and state, checked by axe-core in Debian's chromium and walked without JavaScript.

One world of demo data (`setup_demo` plus a few events in the states the demo lacks), one
browser, one context per role. Each page is checked at 320 px and 1280 px against the WCAG
2.0/2.1/2.2 A and AA rules, must not scroll sideways at 320 px or at 640 px (1280 px at
200 % zoom), and must work without JS.
"""

import os
import re
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from PIL import Image

from aktuelles.models import Artikel
from events import services as event_services
from events.models import Ergebnis, Foto, Idee, Rueckblick, Unterlage, Veranstaltung
from foerderung.models import Antrag, Foerderaufruf
from kommunen.models import Kommune
from tests.factories import TeilnahmeoptionFactory, VeranstaltungFactory
from tests.werkstattplan.test_pages import make_full_plan
from werkstattplan.models import Werkzeug

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = (320, 1280)

pytestmark = pytest.mark.django_db(transaction=True)


def run_axe(page) -> list[dict]:
    """axe's violations on the page, each with its nodes. axe runs every rule of the tags
    all the same; `resultTypes` only spares it listing every node that passed."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
            });
            if (!result.passes.length) throw new Error("axe checked nothing");
            return result.violations.map(v => ({
                id: v.id, help: v.help, impact: v.impact,
                targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
            }));
        }""",
        AXE_TAGS,
    )


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it reflows)."""
    return page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)"
    )


def overflowing_elements(page) -> list[str]:
    """Where the sideways overflow comes from: the path to the element whose hiding removes it."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const over = () => document.documentElement.scrollWidth > width;
            const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
                + (el.className ? "." + String(el.className).trim().replace(/ +/g, ".") : "");
            let node = document.body, path = [];
            for (let depth = 0; depth < 30; depth++) {
                const culprit = [...node.children].find((child) => {
                    const old = child.style.display;
                    child.style.display = "none";
                    const fixed = !over();
                    child.style.display = old;
                    return fixed;
                });
                if (!culprit) break;
                path.push(name(culprit));
                node = culprit;
            }
            return path.join(" > ");
        }"""
    )


def format_problems(problems: list[str]) -> str:
    return "\n".join(problems)


# -- the world ---------------------------------------------------------------


def build_world(live_server) -> dict:
    call_command("setup_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    now = timezone.now()
    rostock = Kommune.objects.get(slug="rostock")
    demo_event = Veranstaltung.objects.get(kommune=rostock, slug="von-a-nach-b")
    # A full option (one seat, taken) next to a free one: the waitlist state.
    full = VeranstaltungFactory(
        kommune=rostock, title="Seniorenfrühstück", slug="seniorenfruehstueck"
    )
    small = TeilnahmeoptionFactory(veranstaltung=full, name="Gemeindehaus Laage", kapazitaet=1)
    TeilnahmeoptionFactory(veranstaltung=full, name="Rathaus Teterow", kapazitaet=20)
    event_services.register(option=small, name="Erika Beispiel", email="erika@example.org")
    closed = VeranstaltungFactory(
        kommune=rostock,
        title="Radwegekonferenz",
        slug="radwegekonferenz",
        anmeldung_bis=now - timedelta(days=1),
    )
    TeilnahmeoptionFactory(veranstaltung=closed)
    started = VeranstaltungFactory(
        kommune=rostock,
        title="Workshop Dorfladen",
        slug="workshop-dorfladen",
        beginn=now - timedelta(minutes=30),
        ende=now + timedelta(hours=1),
    )
    TeilnahmeoptionFactory(veranstaltung=started)
    past = VeranstaltungFactory(
        kommune=rostock,
        title="Bürgerdialog Mobilität",
        slug="buergerdialog-mobilitaet",
        beginn=now - timedelta(days=20),
        ende=now - timedelta(days=20) + timedelta(hours=2),
    )
    TeilnahmeoptionFactory(veranstaltung=past)

    guestrow = demo_event.optionen.order_by("position").first()
    anmeldung = event_services.register(
        option=guestrow, name="Max Beispiel", email="max@example.org"
    )
    confirm_code = event_services.confirmation_code(anmeldung)
    confirmed = event_services.register(
        option=guestrow, name="Lisa Beispiel", email="lisa@example.org"
    )
    event_services.confirm(anmeldung=confirmed)
    with_idea = event_services.register(
        option=guestrow,
        name="Ida Beispiel",
        email="ida@example.org",
        frage="Ein Rufbus nach 22 Uhr für die Dörfer",
        idee_oeffentlich=True,
    )

    # The demo's Rückblick (Plau am See) with what the seed lacks: a photo, slides, an idea.
    rueckblick = Rueckblick.objects.get(veranstaltung__slug="zukunftswerkstatt-plau-ehrenamt")
    photo = BytesIO()
    Image.new("RGB", (1200, 800), (90, 120, 160)).save(photo, "JPEG")
    foto = Foto(
        rueckblick=rueckblick,
        alt_text="Ehrenamtliche im Gespräch an Stehtischen",
        caption="Speeddating der Vereine",
        bildnachweis="Foto: Landkreis Ludwigslust-Parchim",
        width=1200,
        height=800,
    )
    foto.datei.save("speeddating.jpg", ContentFile(photo.getvalue()), save=True)
    folien = Unterlage(rueckblick=rueckblick, title="Ergebnisse des Speeddatings", groesse=40)
    folien.datei.save("folien.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    Idee.objects.create(rueckblick=rueckblick, text="Ein gemeinsamer Vereinskalender für Plau.")
    network_werkzeug = Ergebnis.objects.filter(werkzeug__isnull=False).first().werkzeug

    offen = Foerderaufruf.objects.get(title="Kleinprojektefonds 2026 (Demo)")
    closed_call = Foerderaufruf.objects.filter(title__contains="2022").get()
    plan_werkzeug = Werkzeug.objects.filter(title="Musik gegen Einsamkeit").first()
    simple_werkzeug = Werkzeug.objects.exclude(pk=plan_werkzeug.pk).first()
    # A plan with all a real plan may say (Kennzahlen, measures without Werkzeug, references).
    full_plan = make_full_plan()
    return {
        "demo_event": demo_event,
        "full": full,
        "closed": closed,
        "started": started,
        "confirm_url": reverse(
            "events:confirm", kwargs={"kommune": "rostock", "code": confirm_code}
        ),
        "manage_url": confirmed.get_absolute_url(),
        "manage_with_idea_url": with_idea.get_absolute_url(),
        "rueckblick": rueckblick,
        "werkzeug_entstanden_aus": network_werkzeug,
        "offen": offen,
        "closed_call": closed_call,
        "werkzeug_grid": plan_werkzeug,
        "werkzeug": simple_werkzeug,
        "full_plan": full_plan,
        "werkzeug_with_references": Werkzeug.objects.get(title="Pendlerportal"),
        # The demo's network: Rostock took LUP's Rufbus Werkzeug (netzwerk/demo.py).
        "werkzeug_kopie": Werkzeug.objects.get(uebernommen_aus__isnull=False),
        "eingereicht": Antrag.objects.get(title="Beispiel: Digital fit im Alter"),
        "entwurf": Antrag.objects.get(title="Beispiel: Boule-Platz am Gemeindehaus"),
        "jury_antrag": Antrag.objects.get(title="Beispiel: Generationentreff im Freien"),
        "nachforderung": Antrag.objects.get(title="Beispiel: Erzählcafé Jung trifft Alt"),
        "ausgezahlt": Antrag.objects.get(title="Beispiel: Sommerkino für alle Generationen"),
    }


def login_cookie(username: str, live_server) -> dict:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def decision_with_errors(page, base, world):
    page.goto(base + reverse("foerderung:jury_antrag", kwargs={"pk": world["jury_antrag"].pk}))
    page.locator("#schritt-entscheiden button").click()
    assert page.locator("#schritt-entscheiden .kern-error").count() >= 1


# -- the pages and states ----------------------------------------------------
# Each state: (name, role, visit). `visit(page, base, world)` brings the page into the state.


def goto(path_or_fn):
    def visit(page, base, world):
        path = path_or_fn(world) if callable(path_or_fn) else path_or_fn
        response = page.goto(base + path)
        assert response.status == 200, f"{path}: HTTP {response.status}"

    return visit


def registration_with_errors(page, base, world):
    page.goto(base + world["demo_event"].get_absolute_url())
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    assert page.locator("#fehler").count() == 1


def registration_with_errors_in_english(page, base, world):
    page.goto(base + "/en" + world["demo_event"].get_absolute_url())
    page.get_by_role("button", name="Register").click()
    assert page.locator("#fehler").count() == 1
    assert page.locator("html").get_attribute("lang") == "en"


def login_with_error(page, base, world):
    page.goto(base + "/konto/anmelden/")
    page.get_by_role("textbox", name="Benutzername").fill("niemand")
    page.get_by_label("Passwort", exact=True).fill("falsch-falsch")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_role("alert").first.wait_for()  # the answer page, however slow the machine


def link_request_with_error(page, base, world):
    page.goto(base + "/konto/anmelden/")
    page.get_by_role("button", name="Anmeldelink schicken").click()
    page.locator(".kern-error").first.wait_for()


def new_application(page, base, world):
    page.goto(base + world["offen"].get_absolute_url())
    page.get_by_role("button", name="Antrag stellen").click()
    assert "/bearbeiten/" in page.url


def application_with_errors(page, base, world):
    new_application(page, base, world)
    page.get_by_role("button", name="Antrag einreichen").click()
    assert page.locator("#fehler").count() == 1


def report_with_errors(page, base, world):
    """The Verwendungsnachweis submitted empty: every gap listed at the top, a bad amount kept."""
    page.goto(base + reverse("foerderung:nachweis", kwargs={"pk": world["ausgezahlt"].pk}))
    page.locator("#beleg-zeile-1").get_by_label("Betrag in Euro").fill("zwölf Euro")
    page.get_by_role("button", name="Verwendungsnachweis einreichen").click()
    page.wait_for_load_state("load")
    assert page.locator("#fehler").count() == 1


def event_url(key):
    return lambda w: w[key].get_absolute_url()


STATES = [
    ("home", "anon", goto("/")),
    ("kommune start page", "anon", goto("/ludwigslust-parchim/")),
    ("kommune start page with events", "anon", goto("/rostock/")),
    ("werkstattplan", "anon", goto("/ludwigslust-parchim/werkstattplan/")),
    ("werkstattplan filtered", "anon", goto("/ludwigslust-parchim/werkstattplan/?jahr=2021")),
    ("werkstattplan search", "anon", goto("/ludwigslust-parchim/werkstattplan/?suche=Musik")),
    (
        "werkstattplan bad filter",
        "anon",
        goto("/ludwigslust-parchim/werkstattplan/?jahr=abc&handlungsfeld=x"),
    ),
    ("werkstattplan no result", "anon", goto("/ludwigslust-parchim/werkstattplan/?suche=zzzzqqq")),
    ("werkzeug", "anon", goto(lambda w: w["werkzeug"].get_absolute_url())),
    ("werkstattplan with everything", "anon", goto(lambda w: w["full_plan"].get_absolute_url())),
    (
        "werkzeug with references",
        "anon",
        goto(lambda w: w["werkzeug_with_references"].get_absolute_url()),
    ),
    ("werkzeug with month grid", "anon", goto(lambda w: w["werkzeug_grid"].get_absolute_url())),
    ("network search", "anon", goto("/netzwerk/suche/?q=Rufbussystems")),
    ("network search, typo and filter", "anon", goto("/netzwerk/suche/?q=Ehrenamd&land=13")),
    ("network search, bad input", "anon", goto("/netzwerk/suche/?q=" + "x" * 201 + "&jahr=abc")),
    ("network search, nothing found", "anon", goto("/netzwerk/suche/?q=zzzzqqq")),
    ("network directory", "anon", goto("/netzwerk/")),
    ("network comparison", "anon", goto("/netzwerk/handlungsfelder/")),
    ("documents with data sheet and forms", "anon", goto("/ludwigslust-parchim/dokumente/")),
    ("documents in English", "anon", goto("/en/ludwigslust-parchim/dokumente/")),
    ("documents empty", "anon", goto("/rostock/dokumente/")),
    ("werkzeug taken home", "anon", goto(lambda w: w["werkzeug_kopie"].get_absolute_url())),
    (
        "werkzeug taken up elsewhere",
        "anon",
        goto(lambda w: w["werkzeug_kopie"].uebernommen_aus.get_absolute_url()),
    ),
    (
        "take a werkzeug home",
        "koordination-rostock",
        goto(
            lambda w: f"/netzwerk/werkzeuge/{w['werkzeug_kopie'].uebernommen_aus_id}/uebernehmen/"
        ),
    ),
    ("aktuelles list", "anon", goto("/ludwigslust-parchim/aktuelles/")),
    ("aktuelles year archive", "anon", goto("/ludwigslust-parchim/aktuelles/2022/")),
    ("aktuelles empty list", "anon", goto("/rostock/aktuelles/")),
    (
        "aktuelles article linked to an event and a Werkzeug",
        "anon",
        goto(
            lambda w: Artikel.objects.get(slug="zukunftswerkstatt-plau-ehrenamt").get_absolute_url()
        ),
    ),
    (
        "aktuelles article with image",
        "anon",
        goto(lambda w: Artikel.objects.get(slug="videoreihe-wir-tun-gutes").get_absolute_url()),
    ),
    (
        "aktuelles preview",
        "koordination",
        goto(lambda w: Artikel.objects.get(slug="kleinprojektefonds-2022").preview_url()),
    ),
    ("aktuelles in English", "anon", goto("/en/ludwigslust-parchim/aktuelles/")),
    ("events upcoming", "anon", goto("/rostock/veranstaltungen/")),
    ("events past", "anon", goto("/rostock/veranstaltungen/?zeit=vergangen")),
    ("events empty list", "anon", goto("/ludwigslust-parchim/veranstaltungen/")),
    ("events filtered empty", "anon", goto("/rostock/veranstaltungen/?q=zzzz&format=online")),
    ("event open", "anon", goto(event_url("demo_event"))),
    ("event full option with waitlist", "anon", goto(event_url("full"))),
    ("event registration closed", "anon", goto(event_url("closed"))),
    ("event started", "anon", goto(event_url("started"))),
    ("registration form with errors", "anon", registration_with_errors),
    ("registered", "anon", goto(lambda w: w["demo_event"].get_absolute_url() + "angemeldet/")),
    (
        "registered on waitlist",
        "anon",
        goto(lambda w: w["full"].get_absolute_url() + "angemeldet/?warteliste=1"),
    ),
    ("confirm", "anon", goto(lambda w: w["confirm_url"])),
    ("manage", "anon", goto(lambda w: w["manage_url"])),
    ("manage with idea consent", "anon", goto(lambda w: w["manage_with_idea_url"])),
    ("event with Rückblick", "anon", goto(lambda w: w["rueckblick"].get_absolute_url())),
    ("Rückblicke archive", "anon", goto("/ludwigslust-parchim/veranstaltungen/rueckblicke/")),
    ("Rückblicke archive empty", "anon", goto("/rostock/veranstaltungen/rueckblicke/")),
    (
        "werkzeug with Entstanden aus",
        "anon",
        goto(lambda w: w["werkzeug_entstanden_aus"].get_absolute_url()),
    ),
    ("events privacy", "anon", goto("/rostock/veranstaltungen/datenschutz/")),
    ("foerderung list", "anon", goto("/ludwigslust-parchim/foerderung/")),
    ("foerderung empty list", "anon", goto("/rostock/foerderung/")),
    ("open call", "anon", goto(lambda w: w["offen"].get_absolute_url())),
    ("closed call", "anon", goto(lambda w: w["closed_call"].get_absolute_url())),
    ("login", "anon", goto("/konto/anmelden/")),
    ("login with error", "anon", login_with_error),
    ("login link with error", "anon", link_request_with_error),
    ("applicant account", "antrag", goto("/konto/")),
    ("open call signed in", "antrag", goto(lambda w: w["offen"].get_absolute_url())),
    ("application form empty", "antrag", new_application),
    ("application form with errors", "antrag", application_with_errors),
    (
        "application detail with timeline",
        "antrag",
        goto(lambda w: reverse("foerderung:antrag", kwargs={"pk": w["eingereicht"].pk})),
    ),
    ("events staff overview", "koordination-rostock", goto("/verwaltung/veranstaltungen/")),
    (
        "events staff event",
        "koordination-rostock",
        goto(lambda w: reverse("events:staff_event", kwargs={"pk": w["demo_event"].pk})),
    ),
    (
        "events check-in",
        "koordination-rostock",
        goto(lambda w: reverse("events:staff_checkin", kwargs={"pk": w["demo_event"].pk})),
    ),
    (
        "events check-in search",
        "koordination-rostock",
        goto(
            lambda w: reverse("events:staff_checkin", kwargs={"pk": w["demo_event"].pk}) + "?q=Lisa"
        ),
    ),
    (
        "events message",
        "koordination-rostock",
        goto(lambda w: reverse("events:staff_message", kwargs={"pk": w["demo_event"].pk})),
    ),
    ("foerderung staff overview", "fachdienst", goto("/verwaltung/foerderung/")),
    ("foerderung staff list", "fachdienst", goto("/verwaltung/foerderung/antraege/")),
    (
        "foerderung staff application",
        "fachdienst",
        goto(lambda w: reverse("foerderung:verwaltung_antrag", kwargs={"pk": w["eingereicht"].pk})),
    ),
    (
        "foerderung staff call page",
        "fachdienst",
        goto(lambda w: reverse("foerderung:verwaltung_aufruf", kwargs={"pk": w["offen"].pk})),
    ),
    ("foerderung to-do", "fachdienst", goto("/verwaltung/foerderung/zu-erledigen/")),
    (
        "foerderung staff application paid",
        "fachdienst",
        goto(lambda w: reverse("foerderung:verwaltung_antrag", kwargs={"pk": w["ausgezahlt"].pk})),
    ),
    (
        "application paid, report due",
        "antrag",
        goto(lambda w: reverse("foerderung:antrag", kwargs={"pk": w["ausgezahlt"].pk})),
    ),
    (
        "report form",
        "antrag",
        goto(lambda w: reverse("foerderung:nachweis", kwargs={"pk": w["ausgezahlt"].pk})),
    ),
    ("report form with errors", "antrag", report_with_errors),
    ("jury overview", "jury-vorsitz", goto("/jury/")),
    (
        "jury call",
        "jury-vorsitz",
        goto(lambda w: reverse("foerderung:jury_aufruf", kwargs={"pk": w["offen"].pk})),
    ),
    ("home in English", "anon", goto("/en/")),
    ("event in English", "anon", goto(lambda w: "/en" + w["demo_event"].get_absolute_url())),
    ("registration form with errors in English", "anon", registration_with_errors_in_english),
    (
        "application form in English",
        "antrag",
        goto(
            lambda w: (
                "/en" + reverse("foerderung:antrag_bearbeiten", kwargs={"pk": w["entwurf"].pk})
            )
        ),
    ),
    (
        "jury scoring form",
        "jury-vorsitz",
        goto(lambda w: reverse("foerderung:jury_antrag", kwargs={"pk": w["jury_antrag"].pk})),
    ),
    ("jury decision with errors", "jury-vorsitz", decision_with_errors),
]


def legal_pages() -> list:
    """The legal and help pages of app `seiten`, those that exist."""
    states = []
    for path in (
        "/impressum/",
        "/datenschutz/",
        "/barrierefreiheit/",
        "/barriere-melden/",
        "/leichte-sprache/",
        "/gebaerdensprache/",
    ):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.url_name != "kommune":  # not a page of its own, the commune pattern
            states.append((path.strip("/"), "anon", goto(path)))
    if any(name == "barriere-melden" for name, _, _ in states):
        states.append(("barriere-melden with errors", "anon", barrier_report_with_errors))
    return states


def barrier_report_with_errors(page, base, world):
    page.goto(base + "/barriere-melden/")
    page.locator("main form [type=submit]").last.click()
    assert page.locator(".kern-error").count() >= 1


def test_every_page_and_state_passes_axe_reflows_and_works_without_javascript(
    browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    world = build_world(live_server)
    base = live_server.url
    problems: list[str] = []
    states = STATES + legal_pages()
    if only := os.environ.get("ZWK_A11Y_ONLY"):  # while fixing: check only the matching states
        states = [state for state in states if only in state[0]]
    pages = {}
    contexts = []
    try:
        for role in dict.fromkeys(role for _, role, _ in states):
            # The portal's Content-Security-Policy forbids the injected axe script; only this
            # context, which runs axe, ignores it.
            js = browser.new_context(
                viewport={"width": 320, "height": 800}, locale="de-DE", bypass_csp=True
            )
            # Every page of this context starts with axe loaded: injecting it page by page
            # (`run_axe` does when it is missing) took 8 of the test's 60 s.
            js.add_init_script(path=str(AXE))
            nojs = browser.new_context(
                viewport={"width": 320, "height": 800}, locale="de-DE", java_script_enabled=False
            )
            # Without web fonts too: the fallback font is what a slow first visit keeps
            # (font-display: optional) and what readers who block fonts see; it must reflow too.
            nojs.route(re.compile(r"\.woff2?$"), lambda route: route.abort())
            contexts += [js, nojs]
            if role != "anon":
                cookie = login_cookie(role, live_server)
                js.add_cookies([cookie])
                nojs.add_cookies([cookie])
            pages[role] = (js.new_page(), nojs.new_page())
            for page in pages[role]:
                page.set_default_timeout(5000)

        for name, role, visit in states:
            page, page_nojs = pages[role]
            try:
                page.set_viewport_size({"width": 320, "height": 800})
                visit(page, base, world)
                # A click that submits a form returns when the next page commits, not when its
                # styles and fonts are in: measured then, a half-styled page "overflowed" in CI.
                page.wait_for_load_state("load")
                # 640 px is a 1280 px screen at 200 % zoom: checked for reflow only.
                for width in (WIDTHS[0], 640, WIDTHS[1]):
                    page.set_viewport_size({"width": width, "height": 800})
                    if width < 1280 and (overflow := horizontal_overflow(page)):
                        problems.append(
                            f"{name} @{width}: page scrolls sideways by {overflow}px: "
                            f"{overflowing_elements(page)}"
                        )
                    if width not in WIDTHS:
                        continue
                    for v in run_axe(page):
                        problems.append(
                            f"{name} @{width}: {v['id']} ({v['impact']}) {v['help']} -> {v['targets']}"
                        )
            except Exception as error:  # noqa: BLE001
                problems.append(f"{name}: could not check with JS: {error}")
            try:
                visit(page_nojs, base, world)
                page_nojs.wait_for_load_state("load")
                if page_nojs.get_by_role("heading", level=1).count() != 1:
                    problems.append(f"{name} without JS: not exactly one h1")
                if overflow := horizontal_overflow(page_nojs):
                    problems.append(
                        f"{name} without JS or web fonts @320: page scrolls sideways by "
                        f"{overflow}px: {overflowing_elements(page_nojs)}"
                    )
            except Exception as error:  # noqa: BLE001
                problems.append(f"{name}: does not work without JS: {error}")
    finally:
        for context in contexts:
            context.close()
    assert not problems, "\n" + format_problems(problems)


FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(), id: el.id, type: el.type || "", text: el.innerText || "",
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== "none",
    };
}"""


def test_keyboard_reaches_every_field_of_the_registration_form_in_order_with_visible_focus(
    live_server, page
):
    event = VeranstaltungFactory(kommune__slug="rostock", kommune__name="Landkreis Rostock")
    TeilnahmeoptionFactory(veranstaltung=event, name="Kreisverwaltung Güstrow")
    TeilnahmeoptionFactory(veranstaltung=event, name="Kreisverwaltung Bad Doberan")
    page.goto(live_server.url + event.get_absolute_url())

    # The first Tab lands on the skip link, which is then visible.
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] == "Zum Inhalt springen"
    assert page.get_by_role("link", name="Zum Inhalt springen").bounding_box()["y"] >= 0

    seen = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(focused)
        assert focused["outline"] or focused["shadow"], f"no visible focus on {focused}"
        if focused["tag"] == "button" and focused["text"].strip() == "Verbindlich anmelden":
            break
    else:
        pytest.fail("Tab never reached the submit button: " + ", ".join(f["id"] for f in seen))

    ids = [f["id"] for f in seen if f["id"]]
    expected = [
        "id_option_0",
        "id_name",
        "id_email",
        "id_organisation",
        "id_telefon",
        "id_barrierefreiheit",
        "id_frage",
        "id_warteliste",
        "id_datenschutz",
    ]
    assert [i for i in ids if i in expected] == expected
    assert "id_website" not in ids  # the spam trap is out of the tab order
