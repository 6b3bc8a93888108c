"""TOTP for everyone who sees personal data; lockout; idle end of staff sessions."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from zwk_portal.security import needs_second_factor, new_backup_codes

pytestmark = pytest.mark.django_db


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def two_factor(settings):
    settings.ZWK_REQUIRE_2FA = True


def test_the_predicate_covers_staff_unit_coordination_and_jury_not_applicants(world):
    w = world
    for user in (w.fachdienst, w.koordination, w.superuser, w.chair, w.biased, w.jury_other):
        assert needs_second_factor(user), user
    assert not needs_second_factor(w.applicant_a)
    assert not needs_second_factor(w.applicant_b)


@pytest.mark.parametrize(
    "url_name", ["admin:index", "foerderung:verwaltung", "events:staff_index", "foerderung:jury"]
)
def test_unverified_staff_and_jury_are_sent_to_setup(world, client, two_factor, url_name):
    user = world.chair if url_name == "foerderung:jury" else world.superuser
    client.force_login(user)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:otp_setup"))


def test_setup_confirm_and_later_verify_flow_without_javascript(world, client, two_factor):
    user = world.fachdienst
    client.post(
        reverse("konto:login"),
        {"username": user.username, "password": "sicheres-passwort-123"},
    )
    target = reverse("foerderung:verwaltung")
    response = client.get(target)
    setup = response["Location"]
    assert setup.startswith(reverse("security:otp_setup"))
    page = client.get(setup)
    assert page.status_code == 200
    text = page.content.decode()
    assert "otpauth://totp/" in text and "ZWK-Portal" in text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # A wrong code keeps the device unconfirmed, with a German message.
    wrong = client.post(setup, {"code": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "Der Code stimmt nicht" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(setup, {"code": _code(device), "next": target})
    # Confirmed: ten backup codes, shown once, and the way on to where the person wanted to go.
    page = response.content.decode()
    assert response.status_code == 200 and "Notfallcodes" in page and f'href="{target}"' in page
    assert len(re.findall(r"<code>([a-z0-9]{8})</code>", page)) == 10
    assert client.get(target).status_code == 200
    device.refresh_from_db()
    assert device.confirmed

    # Next login: the verify page, not the setup.
    client.logout()
    client.post(
        reverse("konto:login"),
        {"username": user.username, "password": "sicheres-passwort-123"},
    )
    response = client.get(target)
    assert response["Location"].startswith(reverse("security:otp_verify"))
    assert client.get(reverse("security:otp_setup"))["Location"].startswith(
        reverse("security:otp_verify")
    )
    device.last_t = -1  # the same 30-second window may be used once more here
    device.save()
    response = client.post(reverse("security:otp_verify"), {"code": _code(device), "next": target})
    assert response["Location"] == target
    assert client.get(target).status_code == 200


def test_verify_refuses_wrong_codes_and_throttles(world, client, two_factor):
    user = world.superuser
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    client.force_login(user)
    url = reverse("security:otp_verify")
    for _ in range(3):
        response = client.post(url, {"code": "12345x"})
        assert response.status_code == 400
    client.post(url, {"code": "000001"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttling_failure_count = 5  # as after five wrong codes: 16 s to wait
    device.save()
    # Even the right code is refused while throttled.
    response = client.post(url, {"code": _code(device)})
    assert response.status_code == 400
    assert client.get(reverse("admin:index")).status_code == 302


def test_applicants_need_no_second_factor(world, client, two_factor):
    client.force_login(world.applicant_a)
    assert client.get(reverse("konto:konto")).status_code == 200
    url = reverse("foerderung:antrag", kwargs={"pk": world.antrag_a.pk})
    assert client.get(url).status_code == 200


def test_local_demo_needs_no_second_factor(world, client, settings):
    settings.ZWK_REQUIRE_2FA = False
    client.force_login(world.fachdienst)
    assert client.get(reverse("foerderung:verwaltung")).status_code == 200


def test_second_factor_default_follows_debug():
    root = Path(__file__).resolve().parents[2]
    code = "from django.conf import settings; import django; django.setup(); print(settings.ZWK_REQUIRE_2FA)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZWK_"))}
    env["DJANGO_SETTINGS_MODULE"] = "zwk_portal.settings"
    local = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True
    )
    env |= {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60}
    prod = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True
    )
    assert local.stdout.strip().splitlines()[-1] == "False"
    assert prod.stdout.strip().splitlines()[-1] == "True"


def test_admin_login_locks_after_five_failures_with_a_german_page(world, client):
    url = reverse("admin:login")
    for _ in range(4):
        response = client.post(url, {"username": "admin", "password": "falsch"})
        assert response.status_code == 200
    response = client.post(url, {"username": "admin", "password": "falsch"})
    assert response.status_code == 429
    response = client.post(url, {"username": "admin", "password": "sicheres-passwort-123"})
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen" in response.content.decode()
    # Another username from the same address is not locked.
    response = client.post(url, {"username": "koordination", "password": "sicheres-passwort-123"})
    assert response.status_code == 302


def test_staff_session_ends_after_two_idle_hours(world, client, monkeypatch):
    client.post(
        reverse("konto:login"),
        {"username": "fachdienst", "password": "sicheres-passwort-123"},
    )
    assert client.session.get_expiry_age() == 7200
    url = reverse("foerderung:verwaltung")
    assert client.get(url).status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 7201)
    response = client.get(url)
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


def test_staff_session_is_extended_by_activity(world, client, monkeypatch):
    client.post(
        reverse("konto:login"),
        {"username": "fachdienst", "password": "sicheres-passwort-123"},
    )
    url = reverse("foerderung:verwaltung")
    now = time.time()
    for minutes in (100, 200, 300):
        monkeypatch.setattr(time, "time", lambda m=minutes: now + m * 60)
        assert client.get(url).status_code == 200


def test_applicant_sessions_keep_the_default_lifetime(world, client, settings):
    client.post(
        reverse("konto:login"),
        {"username": world.applicant_a.username, "password": "sicheres-passwort-123"},
    )
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_password_reset_page_is_german_and_mails_a_link(world, client, mailoutbox):
    page = client.get(reverse("admin_password_reset"))
    assert page.status_code == 200 and "Passwort" in page.content.decode()
    mailoutbox.clear()  # the world's registration mail
    client.post(reverse("admin_password_reset"), {"email": world.fachdienst.email})
    assert len(mailoutbox) == 1
    assert "/admin/reset/" in mailoutbox[0].body


def _confirmed_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="App", confirmed=True)


def test_a_lost_phone_backup_code_lets_the_person_in_once_and_sets_up_a_new_phone(
    world, client, two_factor
):
    user = world.fachdienst
    old_app = _confirmed_app(user)
    codes = new_backup_codes(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    client.force_login(user)
    target = reverse("foerderung:verwaltung")
    verify = reverse("security:otp_verify")
    response = client.post(verify, {"code": codes[0].upper(), "next": target})
    page = response.content.decode()
    assert response.status_code == 200 and "noch 9 Notfallcodes" in page
    assert client.get(target).status_code == 200
    # Used is used: the same code does not open a second session.
    client.logout()
    client.force_login(user)
    assert client.post(verify, {"code": codes[0], "next": target}).status_code == 400
    # A new phone: the old app goes, the setup comes, and with it new backup codes.
    StaticDevice.objects.filter(user=user).update(  # as after waiting out the wrong code
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    assert "noch 8 Notfallcodes" in client.post(verify, {"code": codes[1]}).content.decode()
    response = client.post(reverse("security:replace_app"))
    assert response["Location"].startswith(reverse("security:otp_setup"))
    assert not TOTPDevice.objects.filter(pk=old_app.pk).exists()
    client.get(response["Location"])
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(response["Location"], {"code": _code(device)}).content.decode()
    new_codes = re.findall(r"<code>([a-z0-9]{8})</code>", page)
    assert len(new_codes) == 10 and codes[2] not in new_codes
    client.logout()
    client.force_login(user)
    StaticDevice.objects.filter(user=user).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    assert client.post(verify, {"code": codes[2]}).status_code == 400  # the old list is void


def test_the_second_factor_holds_under_every_language_prefix_and_for_downloads(
    world, client, two_factor
):
    """The person, not the path: /en/ pages and file downloads ask for the code as well."""
    client.force_login(world.fachdienst)
    for url in (
        "/en" + reverse("foerderung:verwaltung_antrag", kwargs={"pk": world.antrag_a.pk}),
        reverse("foerderung:verwaltung_antraege") + "?format=xlsx",
        reverse(
            "foerderung:anhang", kwargs={"pk": world.antrag_a.pk, "anhang_pk": world.anhang_a.pk}
        ),
        "/en" + reverse("events:staff_export", kwargs={"pk": world.event.pk, "fmt": "csv"}),
        reverse("admin:foerderung_antrag_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("security:otp_setup")), url
    # Doors stay open: logging out works without the code.
    assert client.post(reverse("konto:logout")).status_code == 302


def test_jury_members_need_the_second_factor_too(world):
    assert needs_second_factor(world.jury_other)
    assert needs_second_factor(world.platform)


def test_an_invited_person_sets_the_first_password_before_the_second_factor(
    world, client, two_factor
):
    """As the invitation says; changing a password later still needs the code."""
    invited = world.koordination
    invited.set_unusable_password()
    invited.save()
    client.force_login(invited)
    password = reverse("konto:password")
    assert "Passwort festlegen" in client.get(password).content.decode()
    new = {"new_password1": "ein-gutes-passwort-2026", "new_password2": "ein-gutes-passwort-2026"}
    assert client.post(password, new)["Location"] == reverse("konto:konto")
    for url in (reverse("konto:konto"), password):
        response = client.get(url)
        assert response["Location"].startswith(reverse("security:otp_setup")), url
