"""Security headers and cookies on every response."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.foerderung.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_public_page_sends_csp_referrer_permissions_and_nosniff(client, kommune):
    response = client.get(reverse("kommune", kwargs={"kommune": kommune.slug}))
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_hsts_for_a_year_on_https(client, kommune):
    response = client.get("/", secure=True)
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts


def test_admin_allows_inline_styles_but_never_inline_scripts(client):
    response = client.get(reverse("admin:login"))
    csp = response["Content-Security-Policy"]
    style = next(p for p in csp.split(";") if p.strip().startswith("style-src"))
    script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" in style
    assert script.split() == ["script-src", "'self'"]


def test_session_and_csrf_cookies_are_httponly_and_secure_in_production(client, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.get(reverse("konto:login"))
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["secure"]
    UserFactory(username="verein")
    response = client.post(
        reverse("konto:login"), {"username": "verein", "password": "sicheres-passwort-123"}
    )
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"


def test_no_inline_script_in_templates():
    """Only JSON-LD data blocks, which browsers never run, may sit inline."""
    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", path.read_text()):
            if "src=" not in tag and 'type="application/ld+json"' not in tag:
                offenders.append(f"{path.relative_to(root)}: {tag}")
            if re.search(r"\son\w+=", tag):
                offenders.append(f"{path.relative_to(root)}: {tag}")
    for path in root.rglob("*.html"):
        if re.search(r"<[a-z][^>]*\son(click|load|change|submit|input)=", path.read_text()):
            offenders.append(f"{path.relative_to(root)}: inline event handler")
    assert not offenders, offenders


def test_password_rules_and_reset_link_lifetime(settings):
    assert settings.PASSWORD_RESET_TIMEOUT == 3600
    for weak in ("kurz-1234", "qwerty123456", "123456789012345"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Kreisverwaltung-Güstrow-2027")
