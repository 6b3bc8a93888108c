"""Design and page-weight rules of issue 5 that a test can hold.

- No cookie but CSRF and session: the public pages set none, a form sets only
  `csrftoken`, `sessionid` comes only with a login (so no cookie banner).
- No third-party request: no page links or loads anything from another host.
- The built design (make assets → static/build/): a KERN subset that still
  defines every KERN class the templates use, Fira Sans in two subset weights.

The transferred bytes and Lighthouse scores are measured, not tested:
bench/bench_pageweight.py.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from fontTools.ttLib import TTFont

BASE_DIR = Path(settings.BASE_DIR)
BUILD = BASE_DIR / "static" / "build"
KERN_DIST = BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"
EXTERNAL = re.compile(
    r"""\b(?:src|href|action|srcset|poster|data)\s*=\s*["']\s*(?:https?:)?//""", re.I
)


@pytest.fixture
def demo(db):
    call_command("setup_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def public_pages(client) -> dict[str, str]:
    """The pages a resident sees first, with the demo event found in the event list."""
    events = client.get("/rostock/veranstaltungen/").content.decode()
    event = re.search(r'href="(/rostock/veranstaltungen/(?!kalender)[^"/]+/)"', events).group(1)
    return {
        "start": "/ludwigslust-parchim/",
        "plan": "/ludwigslust-parchim/werkstattplan/",
        "event": event,
    }


def test_start_and_plan_page_set_no_cookie(demo, client):
    pages = public_pages(client)
    for name in ("start", "plan"):
        response = client.get(pages[name], follow=True)
        assert response.status_code == 200, name
        assert not response.cookies, f"{name} sets {list(response.cookies)}"


def test_event_page_with_its_registration_form_sets_only_the_csrf_cookie(demo, client):
    # The event page carries the registration form, so it needs the CSRF token; nothing else.
    response = client.get(public_pages(client)["event"])
    assert response.status_code == 200
    assert set(response.cookies) <= {settings.CSRF_COOKIE_NAME}
    assert not response.cookies.get(settings.SESSION_COOKIE_NAME)


def test_a_form_page_sets_only_csrftoken_and_the_session_comes_with_login(db, client):
    login = reverse("konto:login")
    response = client.get(login)
    assert response.status_code == 200
    assert set(response.cookies) == {settings.CSRF_COOKIE_NAME}

    User.objects.create_user("verein", "verein@example.org", "ein-langes-passwort-1")
    response = client.post(login, {"username": "verein", "password": "ein-langes-passwort-1"})
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_NAME in response.cookies


def test_pages_link_and_load_nothing_from_another_host(demo, client):
    pages = {**public_pages(client), "login": reverse("konto:login")}
    pages["aufruf"] = re.search(
        r'href="(/ludwigslust-parchim/foerderung/\d+/)"',
        client.get("/ludwigslust-parchim/foerderung/").content.decode(),
    ).group(1)
    for name, path in pages.items():
        html = client.get(path, follow=True).content.decode()
        found = [html[m.start() : m.start() + 80] for m in EXTERNAL.finditer(html)]
        assert not found, f"{name} refers to another host: {found}"
        # The design comes from our own static files only: the built KERN subset, no full KERN.
        assert "/static/build/kern-portal" in html, name
        assert "kern.min.css" not in html and "fonts/fira-sans.css" not in html, name


def test_built_css_is_a_subset_of_kern_that_defines_every_kern_class_the_templates_use():
    built = (BUILD / "kern-portal.css").read_text()
    full = (KERN_DIST / "kern.min.css").read_text()
    assert len(built) < len(full) / 2
    used = set()
    for template in (BASE_DIR / "templates").rglob("*.html"):
        used |= set(re.findall(r"kern-[a-z0-9_-]*[a-z0-9]", template.read_text()))

    def defined(css, name):
        return re.search(rf"\.{re.escape(name)}(?![a-z0-9_-])", css)

    # A class KERN itself does not define is a template's own hook, not a missing component.
    missing = sorted(name for name in used if defined(full, name) and not defined(built, name))
    assert not missing, f"add these KERN modules to static/scss/kern-portal.scss: {missing}"
    assert "http" not in re.sub(r"url\(\"?data:[^)]*\)", "", built)  # no remote @import/url()


def test_fonts_are_two_weights_subset_to_latin():
    fonts = sorted((BUILD / "fonts").glob("*.woff2"))
    assert [f.name for f in fonts] == ["FiraSans-Bold-latin.woff2", "FiraSans-Regular-latin.woff2"]
    faces = re.findall(r"@font-face\{[^}]*\}", (BUILD / "kern-portal.css").read_text())
    assert sorted(re.search(r"font-weight:(\d+)", face).group(1) for face in faces) == [
        "400",
        "700",
    ]
    for font in fonts:
        original = KERN_DIST / "fonts" / "fira-sans" / font.name.replace("-latin", "")
        assert font.stat().st_size < original.stat().st_size / 4
        cmap = TTFont(font).getBestCmap()
        assert all(ch in cmap for ch in map(ord, "AZaz09äöüÄÖÜß€„“–…"))
        assert max(cmap) < 0x3000  # no Greek, Cyrillic, or other scripts beyond the Latin set
        assert not any(0x370 <= cp < 0x530 for cp in cmap)
