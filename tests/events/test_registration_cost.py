"""What a successful registration costs the database: a fixed, small number of statements
and one commit (issue: registration at the speed of the platform). Counted with the
database task backend, as in production: the mail and its delivery task are rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.events.test_views import _detail_url, _form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_successful_registration_is_few_statements_in_one_transaction(
    client, event, site, online, clock, queued_tasks
):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(_detail_url(event), _form(site))
    assert response.status_code == 302
    logged = [q["sql"].strip() for q in ctx.captured_queries]
    statements = [s for s in logged if s not in {"BEGIN", "COMMIT"}]
    reads = [s for s in statements if s.startswith("SELECT")]
    writes = [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    attempts = [s for s in statements if s.startswith("WITH counts AS")]
    # The Kommune, the event, its options, the lock on the option, the seats held.
    assert len(reads) == 5, reads
    assert len(attempts) == 1  # the rate limit counts and records in one statement
    assert len(writes) == 3  # the Anmeldung, the mail, its delivery task
    assert len(statements) == 9, [s[:60] for s in statements]  # no savepoint, no question twice
    assert not any("programmpunkt" in s for s in statements)  # no page data for a redirect
    # Everything from the attempt to the task in one transaction, committed once; the reads
    # before it run on their own (autocommit), the writes never do.
    assert logged.count("BEGIN") == 1 and logged.count("COMMIT") == 1
    inside = logged[logged.index("BEGIN") + 1 : logged.index("COMMIT")]
    assert inside[0].startswith("WITH counts AS") and inside[-1].startswith("INSERT")
    assert all(w in inside for w in writes)
