"""Every URL pattern, under every language prefix and trailing variant, tried by people
who must not get in.

The URLs come from the resolver and the languages from settings.LANGUAGES, so a new
URL or a new language is tried as soon as it exists. What a view is comes from the
view itself: its guard (`zwk_portal.tenancy.requires`), `kommunen.views.kommune_page`
for a commune's public pages, `netzwerk.views.network_page` for the public pages over
all communes, the admin site; a view that is none of these and not
one of the portal's few public or personal pages listed below fails the test.

Each intruder gets a refusal (403, 404, 405, 410, the login or the second-factor
page), never data: no answer, whatever its status, contains one of commune A's
secrets (conftest.SECRETS). The rightful people get every page, so that a refusal
is not just a wrong id in this test.
"""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from aktuelles.models import Artikel, Bild
from dokumente.models import Dokument
from events import services as event_services
from events.models import Benachrichtigung
from foerderung.models import Befangenheit, Bewertung
from zwk_portal.admin_site import admin_kommune_ids
from zwk_portal.models import WorkerHeartbeat
from zwk_portal.security import DOORS
from zwk_portal.tenancy import kommune_path

from .conftest import JPEG, ORGANISATION_A, PDF, SECRETS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _draft_document_of_a(world):
    """A document of commune A not yet published: only A's staff may open it, so its file
    carries a marker of A's drafts."""
    world.dokument = Dokument(
        kommune=world.kommune, title="Datenblatt A", mimetype="application/pdf", published=False
    )
    world.dokument.datei.save(
        "datenblatt-a.pdf", ContentFile(PDF + SECRETS["entwurf"].encode()), save=True
    )


@pytest.fixture(autouse=True)
def _worker_alive():
    """A task worker runs, as in production: /health/ answers 200 here, not 503."""
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="test", host="localhost", pid=1, started_at=now, seen_at=now
    )


@pytest.fixture(autouse=True)
def _artikel(world):
    """A's public article (aktuelles) with an image and an own video with captions."""
    artikel = Artikel(kommune=world.kommune, title="Meldung A", teaser="Kurz.", published=True)
    artikel.video_title = "Video A"
    artikel.video_datei.save("video.mp4", ContentFile(b"\0\0\0\x18ftypmp42"), save=False)
    artikel.video_untertitel.save("untertitel.vtt", ContentFile(b"WEBVTT\n"), save=False)
    artikel.save()
    artikel.veranstaltungen.set([world.event])
    world.bild = Bild(artikel=artikel, alt_text="Bild A", bildnachweis="Foto: A")
    world.bild.datei.save("bild-a.jpg", ContentFile(JPEG), save=True)
    world.artikel = artikel


# Pages of the portal itself, not of a commune, that anyone may open.
PORTAL_PUBLIC = {
    "home",
    "health",
    "seiten:impressum",
    "seiten:datenschutz",
    "seiten:barrierefreiheit",
    "seiten:barriere_melden",
    "seiten:barriere_danke",
    "seiten:leichte_sprache",
    "seiten:gebaerdensprache",
} | DOORS
# A signed-in person's own pages: they show only that person's things.
OWN = {
    "konto:konto",
    "konto:password",
    "security:backup_codes",
    "security:replace_app",
    "foerderung:antrag_neu",
}
LOGIN_PATHS = ("/konto/anmelden/", "/admin/login/")
SECOND_FACTOR_PATHS = ("/sicherheit/zwei-faktor/einrichten/", "/sicherheit/zwei-faktor/pruefen/")


def all_patterns(resolver=None, namespace="", prefix=""):
    """(full name, route, callback) for every named URL, walking includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_patterns(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback


def kind(name: str, callback) -> str:
    """What the view is, read off the view."""
    if name in PORTAL_PUBLIC:
        return "public"
    if name.startswith("admin:"):
        return "admin"
    if getattr(callback, "requires", None):
        return "guarded"
    if name in OWN:
        return "own"
    if getattr(callback, "kommune_page", False):
        return "kommune_page"
    if getattr(callback, "network_page", False):
        return "network_page"
    return "unknown"


def param_names(route: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


def kwargs_for(name: str, params: list[str], w, *, real_token: bool) -> dict:
    """Path parameters naming commune A's objects (or a guessed secret token)."""
    values = {}
    for p in params:
        if p == "kommune":
            values[p] = w.kommune.slug
        elif p == "slug" and name.startswith("aktuelles:"):
            values[p] = w.artikel.slug
        elif p == "slug":
            values[p] = w.event.slug
        elif p == "jahr":
            values[p] = timezone.localtime(w.artikel.published_at).year
        elif p == "plan":
            values[p] = w.werkzeug.handlungsfeld.plan.slug
        elif p == "werkzeug":
            values[p] = w.werkzeug.slug
        elif p == "token" and name.startswith("events:"):
            values[p] = w.anmeldung.token if real_token else "erraten-" + "x" * 24
        elif p == "token":
            values[p] = "erraten-" + "x" * 30
        elif p == "code":
            values[p] = (
                event_services.confirmation_code(w.anmeldung) if real_token else "erraten:xyz"
            )
        elif p == "uidb64":
            values[p] = "MQ"
        elif p == "fmt":
            values[p] = "csv"
        elif p == "option":
            values[p] = w.option.pk
        elif p == "anmeldung":
            values[p] = w.anmeldung.pk
        elif p == "benachrichtigung":
            values[p] = Benachrichtigung.objects.get_or_create(
                anmeldung=w.anmeldung, defaults={"anlass": Benachrichtigung.Anlass.GEAENDERT}
            )[0].pk
        elif p == "key":
            values[p] = "bevoelkerung"
        elif p == "indikator":
            values[p] = w.indikator.slug
        elif p == "name" and name == "foerderung:schritt":
            values[p] = "nachfordern"  # every step: tests/foerderung/test_workflow.py
        elif p == "anhang_pk":
            values[p] = w.anhang_a.pk
        elif p == "dokument_pk":
            values[p] = w.dokument_a.pk
        elif p == "app_label":
            values[p] = "foerderung"
        elif p == "content_type_id":
            values[p] = ContentType.objects.get_for_model(w.antrag_a).pk
        elif p == "id":
            values[p] = w.applicant_a.pk
        elif p == "object_id":
            values[p] = str(admin_object(name, w))
        elif p == "pk" and name == "events:rueckblick_foto":
            values[p] = w.foto.pk
        elif p == "pk" and name == "events:rueckblick_unterlage":
            values[p] = w.unterlage.pk
        elif p == "pk" and name == "dokumente:datei":
            values[p] = w.dokument.pk
        elif p == "pk" and name == "netzwerk:uebernehmen":
            values[p] = w.werkzeug.pk
        elif p == "pk" and name == "aktuelles:bild":
            values[p] = w.bild.pk
        elif p == "pk" and name.startswith("aktuelles:"):
            values[p] = w.artikel.pk
        elif p == "pk":
            if name.startswith("events:"):
                values[p] = w.event.pk
            elif name in {
                "foerderung:aufruf",
                "foerderung:antrag_neu",
                "foerderung:antragsformular",
            } or name.startswith(
                ("foerderung:jury_aufruf", "foerderung:jury_export", "foerderung:verwaltung_aufruf")
            ):
                values[p] = w.aufruf.pk
            elif name in {
                "foerderung:antrag_bearbeiten",
                "foerderung:antrag_einreichen",
                "foerderung:anhang_hochladen",
                "foerderung:anhang_loeschen",
            }:
                values[p] = w.entwurf_a.pk
            else:
                values[p] = w.antrag_a.pk
        else:
            raise AssertionError(f"{name}: no value for path parameter {p!r}")
    return values


def admin_model(name: str):
    """The model of an admin URL name such as "admin:foerderung_antrag_change"."""
    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model
    return None


def admin_object(name: str, w) -> int:
    """An object of commune A of the admin page's model (any one, if it has no Kommune)."""
    model = admin_model(name)
    objects = model._default_manager.all() if model else None
    if model is not None and (path := kommune_path(model)):
        objects = objects.filter(**{path: w.kommune.pk})
    found = objects.order_by("pk").first() if objects is not None else None
    return found.pk if found else 999999


def variants(name: str, kwargs: dict) -> list[str]:
    """The URL under every language of settings.LANGUAGES, with and without trailing slash,
    and with the default language's prefix spelled out."""
    urls = []
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            urls.append(reverse(name, kwargs=kwargs))
    default = urls[0]
    if len(set(urls)) > 1:  # served with language prefixes: the default's spelled out too
        urls.append(f"/{settings.LANGUAGE_CODE}{default}")
    for url in list(urls):
        urls.append(url[:-1] if url.endswith("/") else url + "/")
    return list(dict.fromkeys(urls))


def is_redirect_to(response, paths) -> bool:
    return response.status_code in {301, 302} and response["Location"].split("?")[0].endswith(paths)


def refused(response) -> bool:
    return (
        response.status_code in {403, 404, 405, 410}
        or is_redirect_to(response, LOGIN_PATHS)
        or is_redirect_to(response, SECOND_FACTOR_PATHS)
        # the admin's answer for an object the user may not see: "does not exist"
        or (response.status_code == 302 and response["Location"] == reverse("admin:index"))
    )


def slash_redirect(response, url) -> bool:
    """CommonMiddleware's APPEND_SLASH answer: a redirect to the same URL with a slash."""
    return response.status_code == 301 and response["Location"].split("?")[0] == url + "/"


# Intruders, by the role the issue names. Each may open the portal's public pages, commune
# A's public pages and their own pages, and nothing else of commune A. The biased
# members stay members of A's jury: they see the call's ranking (without antrag_a) and
# may repeat their declaration.
INTRUDERS = {
    "anonym": None,
    "Antragsteller/in B": "applicant_b",
    "Jury eines anderen Aufrufs": "jury_other",
    "befangenes Jurymitglied": "biased",
    "befangener Juryvorsitz": "biased_chair",
    "Koordination einer anderen Kommune": "koordination_b",
    "Fachdienst einer anderen Kommune": "fachdienst_b",
    "Plattformbetrieb": "platform",
}
JURY_OF_THE_CALL = {
    "foerderung:jury",
    "foerderung:jury_aufruf",
    "foerderung:jury_export",
    "foerderung:jury_befangenheit",
}
# Their organisation's name is known to those who declared themselves biased on it.
KNOWS_ORGANISATION = {"befangenes Jurymitglied", "befangener Juryvorsitz"}


STAFF = {
    "Koordination einer anderen Kommune",
    "Fachdienst einer anderen Kommune",
    "Plattformbetrieb",
}


def _may_open(actor: str, user, name: str, kind_: str, route: str, callback) -> bool:
    if kind_ in {"public", "kommune_page", "network_page"}:
        return True
    if actor == "anonym":
        return False
    if kind_ == "own":
        return True
    if actor in KNOWS_ORGANISATION and name in JURY_OF_THE_CALL:
        return True
    if kind_ == "guarded" and callback.requires[1] is None:
        return True  # a list across the person's own Kommunen (checked by the secrets)
    if kind_ == "admin" and actor in STAFF:
        # Their admin: lists and forms of their own Kommune (test_admin_tenancy.py), but
        # no object of commune A.
        model = admin_model(name)
        return (
            "object_id" not in route
            or model is None
            or kommune_path(model) is None
            or admin_kommune_ids(user, model) is None  # the platform: every Kommune
        )
    return False


def _leaks(content: str, actor: str) -> list[str]:
    found = [key for key, secret in SECRETS.items() if secret in content]
    if actor not in KNOWS_ORGANISATION and ORGANISATION_A in content:
        found.append("organisation")
    return found


@pytest.mark.parametrize("actor", list(INTRUDERS))
def test_no_url_gives_an_intruder_communes_a_data(world, client, actor):
    w = world
    user = getattr(w, INTRUDERS[actor]) if INTRUDERS[actor] else None
    problems, unknown, seen = [], [], 0
    for name, route, callback in all_patterns():
        kind_ = kind(name, callback)
        if kind_ == "unknown":
            unknown.append(name)
            continue
        kwargs = kwargs_for(name, param_names(route), w, real_token=False)
        for url in variants(name, kwargs):
            seen += 1
            for method in ("get", "post"):
                if user is not None and "_auth_user_id" not in client.session:
                    client.force_login(user)  # again after a logout URL
                response = getattr(client, method)(url)
                where = f"{method.upper()} {url} ({name}) as {actor}"
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                    continue
                content = b"".join(response) if response.streaming else response.content
                if leaks := _leaks(content.decode("utf-8", "replace"), actor):
                    problems.append(f"{where}: shows {leaks}")
                if (
                    not _may_open(actor, user, name, kind_, route, callback)
                    and not refused(response)
                    and not slash_redirect(response, url)
                ):
                    problems.append(f"{where}: {response.status_code}, must be refused")
    assert not unknown, f"views the test cannot tell public from private: {unknown}"
    assert seen > 300  # every language and variant of every pattern, the admin's included
    assert not problems, "\n".join(problems)

    # Nothing changed hands on the way.
    w.antrag_a.refresh_from_db()
    w.entwurf_a.refresh_from_db()
    assert w.antrag_a.status == "jury" and w.entwurf_a.status == "entwurf"
    assert Befangenheit.objects.get(antrag=w.antrag_a, mitglied=w.biased).befangen is True
    intruders = [getattr(w, a) for a in INTRUDERS.values() if a]
    assert not Bewertung.objects.filter(mitglied__in=intruders).exists()
    w.anmeldung.refresh_from_db()
    assert w.anmeldung.is_active


RIGHTFUL = ("applicant_a", "chair", "koordination", "fachdienst", "superuser")


def test_every_url_serves_its_rightful_user(world, client):
    """Each pattern opens for someone: the refusals above are refusals, not wrong ids."""
    w = world
    problems = []
    for name, route, callback in all_patterns():
        kind_ = kind(name, callback)
        if kind_ in {"unknown", "public"} or name == "konto:link":
            continue
        url = reverse(name, kwargs=kwargs_for(name, param_names(route), w, real_token=True))
        answers = []
        for who in RIGHTFUL:
            client.force_login(getattr(w, who))
            response = client.get(url)
            answers.append(response.status_code)
            if response.status_code < 500 and not refused(response):
                break
            if response.status_code == 405:  # POST-only, and not refused by the guard
                break
        else:
            if not name.startswith("admin:"):
                problems.append(f"GET {url} ({name}): {answers} for {RIGHTFUL}")
        if any(code >= 500 for code in answers):
            problems.append(f"GET {url} ({name}): {answers}")
    assert not problems, "\n".join(problems)


def test_without_the_second_factor_staff_reach_only_the_doors(world, client, settings):
    """A coordinator of A who signed in with the password alone, under every prefix."""
    settings.ZWK_REQUIRE_2FA = True
    w = world
    client.force_login(w.koordination)
    problems = []
    for name, route, _callback in all_patterns():
        if name in DOORS:
            continue
        kwargs = kwargs_for(name, param_names(route), w, real_token=True)
        for url in variants(name, kwargs):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if slash_redirect(response, url) or response.status_code == 404:
                    continue  # not served under this variant
                if not is_redirect_to(response, SECOND_FACTOR_PATHS):
                    problems.append(f"{method.upper()} {url} ({name}): {response.status_code}")
                elif _leaks(response.content.decode(), "anonym"):
                    problems.append(f"{method.upper()} {url}: shows data")
    assert not problems, "\n".join(problems)


def test_biased_member_sees_no_scores_and_cannot_score(world, client):
    w = world
    client.force_login(w.biased)
    url = reverse("foerderung:jury_antrag", kwargs={"pk": w.antrag_a.pk})
    kriterium = w.aufruf.kriterien.get()
    assert client.get(url).status_code == 404
    assert client.post(url, {f"punkte_{kriterium.pk}": "10"}).status_code == 404
    assert not Bewertung.objects.filter(mitglied=w.biased).exists()


def test_foreign_applicant_sees_nothing_of_a_in_own_pages(world, client):
    w = world
    client.force_login(w.applicant_b)
    page = client.get(reverse("konto:konto")).content.decode()
    assert ORGANISATION_A not in page and w.antrag_a.iban not in page
