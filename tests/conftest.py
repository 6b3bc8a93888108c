"""Shared fixtures. Tests run on PostgreSQL: the embedded server unless DATABASE_URL is set."""

import pytest


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Queued tasks (mail) run when enqueued; the database queue is tested on its own."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def kommune(db):
    from tests.factories import KommuneFactory

    return KommuneFactory()
