"""Shared fixtures. Tests run on PostgreSQL: the embedded server unless DATABASE_URL is set.

Browser tests use Playwright driving Debian's chromium (`apt-get install chromium`):
Playwright's own browser download does not work here, so the browser is the
system one, found on PATH. One browser per test process, shared by every test.
"""

import os
import shutil

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation
from django_scopes import scopes_disabled

from tests.factories import KommuneFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Passwords are hashed with MD5 in tests: PBKDF2's million rounds cost 0.2 s a user, and
    the tests make hundreds of users and password logins. No test is about the hash itself;
    setting, changing and checking passwords works the same with any hasher. The gunicorn
    servers of tests/ops keep the production hashers (their sessions come from force_login)."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", *django_settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):  # the others still check stored hashes
        yield


@pytest.fixture(autouse=True)
def _unscoped_test_code():
    """Test code reads and writes every Kommune's data (zwk_portal.tenancy). Requests made
    by the test client start without a scope, as in production, and run in their view's."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request to an /en/ page leaves English
    active in the thread (LocaleMiddleware activates, nothing deactivates), and the next test
    in the same process would get English messages from code it calls directly."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages kept for visitors (zwk_portal.visitor_cache) must not leak from one test into the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Queued tasks (mail) run when enqueued; the database queue is tested on its own."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def kommune(db):
    return KommuneFactory()


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is missing: apt-get install chromium (see README)")
    # Only the browser tests need Playwright, and only when chromium is there.
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - heavy, optional

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                # Scroll jumps instead of gliding (html has `scroll-behavior: smooth`): Playwright
                # waits for an element to stand still before it clicks or fills, and a glide down
                # a long phone page took up to 1.5 s an action. Where a page ends up is the same.
                "--disable-smooth-scrolling",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test, phone-sized, German, JavaScript on."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_nojs(browser):
    """A phone-sized page without JavaScript: every page must work like this."""
    context = browser.new_context(
        viewport={"width": 320, "height": 720}, locale="de-DE", java_script_enabled=False
    )
    page = context.new_page()
    yield page
    context.close()
