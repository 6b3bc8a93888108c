"""`manage.py check --deploy` passes without a warning on the documented production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The production environment as the README documents it.
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "zwk.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://zwk.example.org",
    "ZWK_SITE_URL": "https://zwk.example.org",
    "DJANGO_TRUST_X_FORWARDED_PROTO": "1",
    "EMAIL_URL": "smtp://portal:geheim@mail.example.org:587?tls=1",
}


def _run(extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZWK_"))}
    env.update(PRODUCTION | extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_nothing_with_the_production_settings():
    result = _run({})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr.upper().replace("LEVEL", "")


def test_deploy_check_fails_when_production_runs_without_https_settings():
    result = _run({"DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0"})
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
