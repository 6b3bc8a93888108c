"""Every URL pattern, tried by people who must not get in.

The patterns come from the resolver, so a new URL is tried as soon as it
exists. Each named URL belongs to one access class below; a URL without a class
fails the test, so nobody adds a private page that is public by accident.
For every URL the rightful user is tried too (with GET), so that a 404 of
the intruders is not just a wrong id in this test.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events import services as event_services
from foerderung.models import Befangenheit, Bewertung

pytestmark = pytest.mark.django_db

# Anyone may open these.
PUBLIC = {
    "home",
    "kommune",
    "health",
    "werkstattplan:current",
    "werkstattplan:plan",
    "werkstattplan:plan_pdf",
    "werkstattplan:werkzeug",
    "werkstattplan:werkzeug_pdf",
    "events:index",
    "events:feed",
    "events:privacy",
    "events:detail",
    "events:registered",
    "events:event_ics",
    "foerderung:index",
    "foerderung:aufruf",
    "foerderung:login",
    "foerderung:logout",
    "foerderung:link_anfordern",
    "admin_password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
    "admin:logout",
    "seiten:impressum",
    "seiten:datenschutz",
    "seiten:barrierefreiheit",
    "seiten:barriere_melden",
    "seiten:barriere_danke",
    "seiten:leichte_sprache",
    "seiten:gebaerdensprache",
}
# Public by possession of a secret token: a guessed token is a 404/410.
TOKEN = {
    "events:confirm",
    "events:manage",
    "events:manage_cancel",
    "events:manage_change",
    "events:manage_ics",
    "foerderung:link",
}
# Any signed-in user sees only their own things here.
SELF = {
    "foerderung:konto",
    "foerderung:jury",
    "foerderung:antrag_neu",
    "security:otp_setup",
    "security:otp_verify",
}
# Applicant A's own application pages.
APPLICANT = {
    "foerderung:antrag",
    "foerderung:antrag_bearbeiten",
    "foerderung:antrag_einreichen",
    "foerderung:antrag_zurueckziehen",
    "foerderung:anhang_hochladen",
    "foerderung:anhang",
    "foerderung:anhang_loeschen",
    "foerderung:dokument",
    "foerderung:nachweis",
}
EVENTS_STAFF = {
    "events:staff_index",
    "events:staff_event",
    "events:staff_export",
    "events:staff_pdf",
    "events:staff_checkin",
    "events:staff_message",
}
FOERDERUNG_STAFF = {
    "foerderung:verwaltung",
    "foerderung:verwaltung_antraege",
    "foerderung:verwaltung_antrag",
    "foerderung:verwaltung_entscheidung",
    "foerderung:verwaltung_aktion",
}
# The jury of A's call (the chair and the biased member), nobody else.
JURY_CALL = {"foerderung:jury_aufruf", "foerderung:jury_export"}
JURY_ANTRAG = {
    "foerderung:jury_antrag",
    "foerderung:jury_befangenheit",
    "foerderung:jury_entscheidung",
}
CLASSES = [PUBLIC, TOKEN, SELF, APPLICANT, EVENTS_STAFF, FOERDERUNG_STAFF, JURY_CALL, JURY_ANTRAG]

LOGIN_PATHS = ("/konto/anmelden/", "/admin/login/")


def all_patterns(resolver=None, namespace="", prefix=""):
    """(full name, pattern) for every named URL, walking includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from all_patterns(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry


def param_names(route: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


def kwargs_for(name: str, params: list[str], w, *, real_token: bool) -> dict:
    """Path parameters naming A's objects (or a guessed token)."""
    values = {}
    for p in params:
        if p == "kommune":
            values[p] = w.kommune.slug
        elif p == "slug":
            values[p] = w.event.slug
        elif p == "plan":
            values[p] = w.werkzeug.handlungsfeld.plan.slug
        elif p == "werkzeug":
            values[p] = w.werkzeug.slug
        elif p == "token" and name.startswith("events:"):
            values[p] = w.anmeldung.token if real_token else "erraten-" + "x" * 24
        elif p == "token" and name == "foerderung:link":
            values[p] = "erraten-" + "x" * 30
        elif p == "token":
            values[p] = "abc-123"
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
        elif p == "aktion":
            values[p] = "an_jury"
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
            values[p] = str(w.antrag_a.pk)
        elif p == "pk":
            if name.startswith("events:"):
                values[p] = w.event.pk
            elif name in {"foerderung:aufruf", "foerderung:antrag_neu"} or name in JURY_CALL:
                values[p] = w.aufruf.pk
            elif name in APPLICANT - {"foerderung:anhang", "foerderung:dokument"}:
                values[p] = w.entwurf_a.pk
            else:
                values[p] = w.antrag_a.pk
        else:
            raise AssertionError(f"{name}: no value for path parameter {p!r}")
    return values


def classify(name: str) -> set[str] | None:
    if name.startswith("admin:") and name not in PUBLIC:
        return {"admin"}
    for group in CLASSES:
        if name in group:
            return group
    return None


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].split("?")[0].endswith(LOGIN_PATHS)


def denied(response, anonymous: bool) -> bool:
    if is_login_redirect(response):
        return True
    return response.status_code in {403, 404, 405, 410}


def _intruders(w):
    return {
        "anonym": None,
        "Antragsteller B": w.applicant_b,
        "Jury des anderen Aufrufs": w.jury_other,
        "befangenes Jurymitglied": w.biased,
    }


def _rightful(group, name, w):
    if group is PUBLIC or group is TOKEN:
        return None
    if group is SELF or group is APPLICANT:
        return w.applicant_a
    if group is EVENTS_STAFF:
        return w.koordination
    if group is FOERDERUNG_STAFF:
        return w.fachdienst
    if group in (JURY_CALL, JURY_ANTRAG):
        return w.chair
    return w.superuser  # admin


def _may(actor: str, group, name: str, method: str) -> bool:
    """What an intruder may legitimately do (besides being refused)."""
    if group is PUBLIC or group is TOKEN:
        return True
    if group is SELF:
        return actor != "anonym"
    if actor == "befangenes Jurymitglied":
        # Still a member of A's call: sees the call and the application (scores hidden),
        # may open its attachments like the other members; never scores or decides.
        if group is JURY_CALL:  # these pages treat POST like GET
            return True
        if name == "foerderung:jury_antrag" and method == "GET":
            return True
        if name == "foerderung:jury_befangenheit":
            return True  # the declaration stays as it was (checked below)
        if name == "foerderung:anhang":
            return True
    return False


def test_every_url_refuses_intruders_and_serves_the_rightful_user(world, client):
    w = world
    problems = []
    unclassified = []
    seen = 0
    for name, route, _pattern in all_patterns():
        group = classify(name)
        if group is None:
            unclassified.append(name)
            continue
        params = param_names(route)
        try:
            url = reverse(name, kwargs=kwargs_for(name, params, w, real_token=False))
        except Exception as error:  # noqa: BLE001 - reported below
            problems.append(f"{name}: cannot build URL ({error})")
            continue
        seen += 1
        for actor, user in _intruders(w).items():
            client.logout()
            if user is not None:
                client.force_login(user)
            for method in ("GET", "POST"):
                response = getattr(client, method.lower())(url)
                status = response.status_code
                if status >= 500:
                    problems.append(f"{method} {url} as {actor}: {status}")
                elif group is TOKEN:
                    if status not in {404, 405, 410}:
                        problems.append(f"{method} {url} (guessed token) as {actor}: {status}")
                elif not _may(actor, group, name, method) and not denied(response, user is None):
                    problems.append(f"{method} {url} as {actor}: {status} (must be refused)")
        # The rightful user gets the page (or a redirect, or 405 on a POST-only URL).
        client.logout()
        owner = _rightful(group, name, w)
        if owner is not None:
            client.force_login(owner)
        real = reverse(name, kwargs=kwargs_for(name, params, w, real_token=True))
        response = client.get(real)
        if response.status_code >= 500 or (
            group != {"admin"}
            and name != "foerderung:link"
            and (response.status_code in {403, 404, 410} or (owner and is_login_redirect(response)))
        ):
            problems.append(f"GET {real} as the rightful user: {response.status_code}")

    assert not unclassified, f"URLs without an access class in this test: {unclassified}"
    assert seen > 100  # the admin's patterns are in
    assert not problems, "\n".join(problems)
    # Nothing changed hands on the way.
    w.antrag_a.refresh_from_db()
    w.entwurf_a.refresh_from_db()
    assert w.antrag_a.status == "jury" and w.entwurf_a.status == "entwurf"
    assert Befangenheit.objects.get(antrag=w.antrag_a, mitglied=w.biased).befangen is True
    assert not Bewertung.objects.filter(mitglied__in=[w.biased, w.jury_other]).exists()
    w.anmeldung.refresh_from_db()
    assert w.anmeldung.is_active


def test_biased_member_sees_no_scores_and_cannot_score(world, client):
    w = world
    client.force_login(w.chair)
    url = reverse("foerderung:jury_antrag", kwargs={"pk": w.antrag_a.pk})
    client.post(
        reverse("foerderung:jury_befangenheit", kwargs={"pk": w.antrag_a.pk}), {"befangen": "nein"}
    )
    kriterium = w.aufruf.kriterien.get()
    client.post(url, {f"punkte_{kriterium.pk}": "7", f"kommentar_{kriterium.pk}": "GEHEIMNOTIZ"})
    assert Bewertung.objects.filter(mitglied=w.chair).exists()
    client.force_login(w.biased)
    page = client.get(url).content.decode()
    assert "GEHEIMNOTIZ" not in page
    assert client.post(url, {f"punkte_{kriterium.pk}": "10"}).status_code == 404
    export = client.get(reverse("foerderung:jury_export", kwargs={"pk": w.aufruf.pk}))
    assert export.status_code == 200


def test_foreign_applicant_sees_nothing_of_a_in_own_pages(world, client):
    w = world
    client.force_login(w.applicant_b)
    for name in ("foerderung:konto", "foerderung:jury"):
        page = client.get(reverse(name)).content.decode()
        assert "Geheimverein A" not in page
        assert w.antrag_a.iban not in page
