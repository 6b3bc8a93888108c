"""The foundation of a shared installation: scopes, memberships, clean text."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from events.models import Anmeldung, Veranstaltung
from tests.factories import (
    KommuneFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    koordination_user,
    platform_user,
)
from zwk_portal.tenancy import kommune_id_of, kommune_ids, kommune_scope, scopes_disabled
from zwk_portal.text import clean_text, clean_text_apps

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    a, b = KommuneFactory(slug="a"), KommuneFactory(slug="b")
    return a, b, VeranstaltungFactory(kommune=a), VeranstaltungFactory(kommune=b)


def test_a_query_on_a_kommunes_data_without_a_scope_raises(two):
    with scope(), pytest.raises(ScopeError):  # a scope, but none on Kommunen
        list(Veranstaltung.objects.all())


def test_a_scope_sees_its_kommunen_only(two):
    a, b, event_a, event_b = two
    with kommune_scope([a.pk]):
        assert list(Veranstaltung.objects.all()) == [event_a]
        assert not Veranstaltung.objects.filter(pk=event_b.pk).exists()
    with kommune_scope([]):
        assert not Veranstaltung.objects.exists()
    with kommune_scope(None):
        assert Veranstaltung.objects.count() == 2


def test_related_lists_follow_the_scope(two):
    a, b, event_a, event_b = two
    option = TeilnahmeoptionFactory(veranstaltung=event_b)
    with scopes_disabled():
        Anmeldung.objects.create(
            veranstaltung=event_b, option=option, name="Person B", email="b@example.org"
        )
    with kommune_scope([a.pk]):
        assert not option.anmeldungen.exists()


@pytest.mark.urls("tests.unguarded_urls")
def test_a_request_starts_without_a_scope(two, client):
    """The test code runs unscoped; a view that forgot its guard must still fail loudly."""
    with pytest.raises(ScopeError):
        client.get("/ohne-waechter/")


def test_members_hold_their_role_in_their_kommune_only(two):
    a, b, event_a, event_b = two
    coordinator = koordination_user(a)
    assert coordinator.has_perm("events.view_anmeldung")  # somewhere: the admin shows the module
    assert coordinator.has_perm("events.view_anmeldung", event_a)
    assert not coordinator.has_perm("events.view_anmeldung", event_b)
    assert coordinator.has_module_perms("events")
    assert kommune_ids(coordinator, "events.view_anmeldung") == {a.pk}
    assert kommune_ids(coordinator, "foerderung.bearbeiten_antrag") == set()


def test_the_platform_manages_kommunen_everywhere_but_sees_none_of_their_data(two):
    a, b, event_a, _ = two
    platform = platform_user()
    assert platform.has_perm("kommunen.add_kommune")
    assert platform.has_perm("kommunen.change_kommune", b)
    assert kommune_ids(platform, "kommunen.view_kommune") is None
    assert not platform.has_perm("events.view_anmeldung", event_a)
    assert kommune_ids(platform, "events.view_anmeldung") == set()


def test_kommune_id_of_follows_the_path(two):
    a, b, event_a, _ = two
    option = TeilnahmeoptionFactory(veranstaltung=event_a)
    assert kommune_id_of(option) == a.pk
    assert kommune_id_of(a) == a.pk
    assert kommune_id_of(User(username="x")) is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("\u202eevil", "evil"),  # RIGHT-TO-LEFT OVERRIDE: "evil" would show as "live"
        ("Anna\u2066 Muster\u2069", "Anna Muster"),
        ("Erika\x00 Muster\x07", "Erika Muster"),
        ("Zero\u200bwidth\ufeff", "Zerowidth"),
        ("محمد عبدالله", "محمد عبدالله"),  # Arabic stays as it is
        ("שרה כהן", "שרה כהן"),  # Hebrew too
        ("می\u200cخواهم", "می\u200cخواهم"),  # Persian keeps its zero-width non-joiner
        ("Zeile 1\nZeile 2\tTab", "Zeile 1\nZeile 2\tTab"),
    ],
)
def test_clean_text_strips_controls_and_overrides_and_keeps_scripts(typed, stored):
    assert clean_text(typed) == stored


def test_every_app_of_the_portal_has_its_text_cleaned_without_being_listed():
    """Found on disk: each folder of the project with an apps.py (news and documents came
    after the list that named the apps and were missing from it)."""
    own = {path.parent.name for path in Path(settings.BASE_DIR).glob("*/apps.py")}
    assert {"aktuelles", "dokumente", "events", "zwk_portal"} <= own
    assert own <= clean_text_apps()
    assert "axes" not in clean_text_apps()  # a library's models stay as the library keeps them


def test_names_are_stored_clean_whatever_the_way_in(two):
    a, b, event_a, _ = two
    option = TeilnahmeoptionFactory(veranstaltung=event_a)
    anmeldung = Anmeldung.objects.create(
        veranstaltung=event_a, option=option, name="\u202eevil", email="x@example.org"
    )
    anmeldung.refresh_from_db()
    assert anmeldung.name == "evil"
    user = User.objects.create(username="u1", first_name="\u202eTeresa")
    user.refresh_from_db()
    assert user.first_name == "Teresa"
