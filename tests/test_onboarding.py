"""A new commune comes in: the platform creates it and invites its first coordinator, who
sets a password and invites the Fachdienst; nobody else's data is in sight on the way."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from foerderung.models import JuryMitgliedschaft
from kommunen.models import Kommune
from tests.factories import KommuneFactory, VeranstaltungFactory, koordination_user, platform_user
from tests.foerderung.factories import AufrufFactory
from zwk_portal.models import Membership

pytestmark = pytest.mark.django_db


def _link(mail) -> str:
    return "/" + re.search(r"http://[^/\s]+/(\S+)", mail.body).group(1)


def test_platform_creates_a_kommune_and_invites_its_coordinator(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    other = KommuneFactory(slug="landkreis-rostock", name="Landkreis Rostock")
    VeranstaltungFactory(kommune=other, title="Veranstaltung der anderen Kommune")
    client.force_login(platform_user())
    response = client.post(
        reverse("admin:kommunen_kommune_add"),
        {
            "name": "Landkreis Vorpommern-Greifswald",
            "slug": "vorpommern-greifswald",
            "art": "landkreis",
        },
    )
    kommune = Kommune.objects.get(slug="vorpommern-greifswald")
    add_member = reverse("admin:zwk_portal_membership_add")
    assert response["Location"] == f"{add_member}?kommune={kommune.pk}&role=koordination"
    form = client.get(response["Location"]).content.decode()
    assert f'<option value="{kommune.pk}" selected>' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            add_member,
            {
                "kommune": kommune.pk,
                "email": "Anna.Neu@Example.org",
                "name": "Anna Neu",
                "role": "koordination",
            },
        )
    assert response.status_code == 302, response.content.decode()
    anna = User.objects.get(email="anna.neu@example.org")
    assert anna.is_staff and not anna.has_usable_password()
    assert anna.get_full_name() == "Anna Neu"
    assert Membership.objects.get(user=anna).kommune == kommune
    [mail] = mailoutbox
    assert "als Koordination für Landkreis Vorpommern-Greifswald" in mail.body
    # The platform sees no commune's data: not the other commune's events.
    page = client.get(reverse("admin:events_veranstaltung_changelist"))
    assert page.status_code == 403

    # Anna follows the link, sets her password and invites the Fachdienst.
    client.logout()
    link = _link(mail)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response["Location"] == reverse("konto:password")
    response = client.post(
        reverse("konto:password"),
        {"new_password1": "ein-gutes-passwort-2026", "new_password2": "ein-gutes-passwort-2026"},
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.check_password("ein-gutes-passwort-2026")
    index = client.get(reverse("admin:index")).content.decode()
    assert "Werkstattpläne" in index and "Veranstaltungen" in index
    assert (
        "Landkreis Rostock"
        not in client.get(reverse("admin:kommunen_kommune_changelist")).content.decode()
    )
    assert (
        "Veranstaltung der anderen Kommune"
        not in client.get(reverse("admin:events_veranstaltung_changelist")).content.decode()
    )
    # She can choose only her own Kommune, and nobody else's.
    form = client.get(add_member).content.decode()
    assert f'value="{kommune.pk}"' in form and f'value="{other.pk}"' not in form
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            add_member,
            {
                "kommune": kommune.pk,
                "email": "fd@example.org",
                "name": "Fritz Fach",
                "role": "fachdienst",
            },
        )
    assert Membership.objects.filter(kommune=kommune, role="fachdienst").count() == 1
    refused = client.post(
        add_member,
        {"kommune": other.pk, "email": "x@example.org", "name": "X Y", "role": "koordination"},
    )
    assert refused.status_code == 200  # the form again, with an error
    assert not Membership.objects.filter(kommune=other).exists()


def test_a_coordinator_cannot_add_a_kommune(client):
    client.force_login(koordination_user(KommuneFactory()))
    assert client.get(reverse("admin:kommunen_kommune_add")).status_code == 403


def test_removing_the_last_membership_closes_the_admin(client, mailoutbox):
    kommune = KommuneFactory()
    coordinator = koordination_user(kommune, username="k1")
    leaving = koordination_user(kommune, username="k2")
    client.force_login(coordinator)
    membership = Membership.objects.get(user=leaving)
    response = client.post(
        reverse("admin:zwk_portal_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    leaving.refresh_from_db()
    assert not leaving.is_staff


def test_the_coordination_invites_the_jury_of_its_own_calls_only(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    kommune, other = KommuneFactory(), KommuneFactory()
    aufruf, foreign = AufrufFactory(kommune=kommune), AufrufFactory(kommune=other)
    client.force_login(koordination_user(kommune))
    add = reverse("admin:foerderung_jurymitgliedschaft_add")
    form = client.get(f"{add}?aufruf={aufruf.pk}").content.decode()
    assert f'<option value="{aufruf.pk}" selected>' in form
    assert f'value="{foreign.pk}"' not in form
    data = {"aufruf": aufruf.pk, "email": "jury@example.org", "name": "Jutta Jury", "vorsitz": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(add, data).status_code == 302
    seat = JuryMitgliedschaft.objects.get(aufruf=aufruf)
    assert seat.vorsitz and seat.mitglied.email == "jury@example.org"
    assert not seat.mitglied.is_staff  # the jury works on /jury/, not in the admin
    [mail] = mailoutbox
    assert "als Vorsitz der Jury" in mail.body and aufruf.title in mail.body
    # Twice is refused in German, not a second seat.
    again = client.post(add, data)
    assert "schon zur Jury" in again.content.decode()
    assert client.post(add, {**data, "aufruf": foreign.pk}).status_code == 200
    assert not JuryMitgliedschaft.objects.filter(aufruf=foreign).exists()
