"""Shared fixtures. Tests run on PostgreSQL: the embedded server unless DATABASE_URL is set.

Browser tests use Playwright driving Debian's chromium (`apt-get install chromium`):
Playwright's own browser download does not work here, so the browser is the
system one, found on PATH. One browser per test process, shared by every test.
"""

import os
import shutil

import pytest
from django.core.cache import cache
from django_scopes import scopes_disabled

from tests.factories import KommuneFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(autouse=True)
def _unscoped_test_code():
    """Test code reads and writes every Kommune's data (zwk_portal.tenancy). Requests made
    by the test client start without a scope, as in production, and run in their view's."""
    with scopes_disabled():
        yield


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
