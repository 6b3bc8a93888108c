"""What a successful registration costs the database: a fixed, small number of statements
and one commit (issue: registration at the speed of the platform). Counted with the
database task backend, as in production: the mail and its delivery task are rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Anmeldung
from tests.events.test_views import _detail_url, _form
from tests.factories import koordination_user
from zwk_portal import mail
from zwk_portal.models import OutgoingMail

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
    # The Kommune, the event with its options, the lock on the option, the seats held.
    assert len(reads) == 4, reads
    assert len(attempts) == 1  # the rate limit counts and records in one statement
    assert len(writes) == 3  # the Anmeldung, the mail, its delivery task
    assert len(statements) == 8, [s[:60] for s in statements]  # no savepoint, no question twice
    assert not any("programmpunkt" in s for s in statements)  # no page data for a redirect
    # Everything from the attempt to the task in one transaction, committed once; the reads
    # before it run on their own (autocommit), the writes never do.
    assert logged.count("BEGIN") == 1 and logged.count("COMMIT") == 1
    inside = logged[logged.index("BEGIN") + 1 : logged.index("COMMIT")]
    assert inside[0].startswith("WITH counts AS") and inside[-1].startswith("INSERT")
    assert all(w in inside for w in writes)
    # The option's lock also holds the event against a change of its status meanwhile.
    [lock] = [s for s in inside if "FOR UPDATE" in s]
    assert "FOR KEY SHARE OF v" in lock


def test_a_registration_for_an_option_without_limit_counts_no_seats(
    client, event, online, clock, queued_tasks
):
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(_detail_url(event), _form(online))
    assert response.status_code == 302
    assert Anmeldung.objects.get().status == Anmeldung.Status.PLATZ
    statements = [q["sql"].strip() for q in ctx.captured_queries]
    statements = [s for s in statements if s not in {"BEGIN", "COMMIT"}]
    # The Kommune, event and options, the attempt, the lock, three inserts: nothing counted.
    assert len(statements) == 7, [s[:60] for s in statements]
    assert not any("count(*) FILTER" in s and "events_anmeldung" in s for s in statements)


def test_the_confirmation_mail_is_rendered_by_the_worker_not_the_request(
    client, event, site, clock, queued_tasks, monkeypatch, mailoutbox
):
    real_render = mail.render

    def not_here(*args, **kwargs):
        raise AssertionError("rendered in the request")

    monkeypatch.setattr(mail, "render", not_here)
    assert client.post(_detail_url(event), _form(site)).status_code == 302
    outgoing = OutgoingMail.objects.get()
    assert outgoing.compose is not None and outgoing.text == "" and not mailoutbox
    assert outgoing.recipients == ["erika@example.org"] and outgoing.kommune == event.kommune

    monkeypatch.setattr(mail, "render", real_render)
    assert mail.deliver.call(outgoing.pk) == "gesendet"
    [sent] = mailoutbox
    anmeldung = Anmeldung.objects.get()
    assert services.confirmation_code(anmeldung) in sent.body
    assert sent.subject == f"Bitte bestätigen Sie Ihre Anmeldung: {event.title}"
    assert sent.extra_headers["Message-ID"] == outgoing.message_id
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingMail.Status.SENT and outgoing.compose is None


def test_a_mail_whose_registration_is_gone_is_discarded_by_the_worker(
    event, site, clock, queued_tasks, mailoutbox
):
    anmeldung = services.register(option=site, name="Erika", email="erika@example.org")
    outgoing = OutgoingMail.objects.get()
    anmeldung.delete()
    assert mail.deliver.call(outgoing.pk) == "verworfen"
    outgoing.refresh_from_db()
    assert outgoing.status == OutgoingMail.Status.DISCARDED and not mailoutbox


def test_the_postausgang_says_a_mail_not_yet_rendered_is_made_when_sent(
    client, event, site, clock, queued_tasks, settings
):
    services.register(option=site, name="Erika", email="erika@example.org")
    settings.ZWK_REQUIRE_2FA = False
    client.force_login(koordination_user(event.kommune, username="koordination-postausgang"))
    html = client.get(reverse("admin:zwk_portal_outgoingmail_changelist")).content.decode()
    assert "(entsteht beim Versand)" in html and "erika@example.org" in html


def test_a_refusal_shows_the_form_again_on_a_page_of_its_own(client, event, site, clock):
    """Booked out: hundreds may get this answer within seconds, so the form comes back
    without programme, Rückblick and news, but with the event, the way back, the seats
    left and everything the person typed."""
    site.kapazitaet = 0
    site.save()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(_detail_url(event), _form(site, name="Erika Beispiel"))
    assert response.status_code == 409
    html = response.content.decode()
    assert f"Anmeldung: {event.title}" in html and f'href="{_detail_url(event)}"' in html
    assert "ausgebucht" in html and 'value="Erika Beispiel"' in html
    assert "css/events.css" in html  # hides the honeypot field
    statements = " ".join(q["sql"] for q in ctx.captured_queries)
    for not_loaded in ("events_programmpunkt", "events_rueckblick", "aktuelles_artikel"):
        assert not_loaded not in statements
    # A form that is merely incomplete comes back the same way.
    response = client.post(_detail_url(event), _form(site, datenschutz=""))
    assert response.status_code == 400 and f"Anmeldung: {event.title}" in response.content.decode()
