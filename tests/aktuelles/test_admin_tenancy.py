"""The admin of Aktuelles, tried as tests/security/test_admin_tenancy.py tries every model
admin: a member of Kommune A finds nothing of Kommune B, and changes nothing of B."""

import pytest
from django.contrib.auth.models import User

from aktuelles.models import Artikel
from tests.factories import KommuneFactory
from tests.security.test_admin_tenancy import Intruder, populate, registry, snapshot

from .factories import aktuelles_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(settings):
    settings.ZWK_REQUIRE_2FA = False
    a = KommuneFactory(slug="kommune-a", name="Landkreis NUR-A-kommune")
    b = KommuneFactory(slug="kommune-b", name="Landkreis NUR-B-kommune")
    for tag, kommune in (("A", a), ("B", b)):
        populate(tag, kommune)
        aktuelles_of(tag, kommune)
    return a, b


@pytest.mark.parametrize("role", ["koordination", "fachdienst"])
def test_a_member_of_a_finds_nothing_of_b_in_the_aktuelles_admin(two, client, role):
    a, b = two
    user = User.objects.get(username=f"{role}-a")
    client.force_login(user)
    before = snapshot(b)
    intruder = Intruder(client, user, a, b)
    intruder.check_site_pages(registry())
    intruder.check_model(Artikel, registry()[Artikel])
    assert snapshot(b) == before
    assert not intruder.problems, "\n".join(intruder.problems)
