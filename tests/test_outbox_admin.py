"""The admin's "Postausgang": who sees which mails, and "erneut senden" / "verwerfen"."""

import base64
from email.utils import make_msgid

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import KommuneFactory, koordination_user, platform_user
from tests.foerderung.factories import fachdienst_user
from zwk_portal.models import OutgoingMail

pytestmark = pytest.mark.django_db

Status = OutgoingMail.Status
LIST = reverse("admin:zwk_portal_outgoingmail_changelist")
ATTACHMENT = b"%PDF INHALT DES BESCHEIDS"


def detail(mail) -> str:
    return reverse("admin:zwk_portal_outgoingmail_change", args=[mail.pk])


def outgoing(kommune, subject, *, kind="anmeldung_bestaetigt", status=Status.FAILED, to=None):
    return OutgoingMail.objects.create(
        kommune=kommune,
        kind=kind,
        recipients=[to or f"{subject.lower()}@example.org"],
        subject=subject,
        text=f"Textteil von {subject}",
        html=f"<p>HTML-Teil von {subject}</p>",
        attachments=[["bescheid.pdf", base64.b64encode(ATTACHMENT).decode(), "application/pdf"]],
        message_id=make_msgid(domain="portal.example"),
        status=status,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused"
        if status == Status.FAILED
        else "",
    )


@pytest.fixture
def two(db, settings):
    settings.ZWK_REQUIRE_2FA = False
    a = KommuneFactory(slug="kommune-a", name="Landkreis A")
    b = KommuneFactory(slug="kommune-b", name="Landkreis B")
    return a, b


@pytest.fixture
def mails(two):
    a, b = two
    return {
        "a": outgoing(a, "Mail-A"),
        "b": outgoing(b, "Mail-B"),
        "none": outgoing(None, "Anmeldelink", kind="konto_login_link"),
    }


def run(client, action: str, *selected):
    return client.post(
        LIST, {"action": action, "_selected_action": [m.pk for m in selected]}, follow=True
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def status_of(mail) -> str:
    mail.refresh_from_db()
    return mail.status


# ------------------------------------------------------------------------ who sees what


def test_the_coordination_sees_its_kommunes_mails_only(client, two, mails):
    a, _b = two
    client.force_login(koordination_user(a, username="koordination-a"))
    html = client.get(LIST).content.decode()
    assert "Mail-A" in html and "mail-a@example.org" in html
    assert "Mail-B" not in html and "Anmeldelink" not in html
    assert client.get(detail(mails["a"])).status_code == 200
    for theirs in (mails["b"], mails["none"]):
        response = client.get(detail(theirs))
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")


def test_forged_ids_in_an_action_are_not_touched(client, two, mails, mailoutbox):
    a, _b = two
    client.force_login(koordination_user(a, username="koordination-a"))
    for action in ("resend", "discard"):
        response = run(client, action, mails["b"], mails["none"])
        assert response.status_code == 200
    assert status_of(mails["b"]) == status_of(mails["none"]) == Status.FAILED
    assert mailoutbox == [] and not LogEntry.objects.exists()


def test_the_platform_sees_the_installations_own_mails_not_a_kommunes(client, mails, mailoutbox):
    client.force_login(platform_user())
    html = client.get(LIST).content.decode()
    assert "Anmeldelink" in html
    assert "Mail-A" not in html and "Mail-B" not in html
    assert client.get(detail(mails["none"])).status_code == 200
    for theirs in (mails["a"], mails["b"]):
        response = client.get(detail(theirs))
        assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    run(client, "resend", mails["a"], mails["b"])
    assert status_of(mails["a"]) == status_of(mails["b"]) == Status.FAILED
    run(client, "resend", mails["none"])
    assert status_of(mails["none"]) == Status.SENT and len(mailoutbox) == 1


def test_the_fachdienst_has_no_outbox(client, two, mails):
    a, _b = two
    client.force_login(fachdienst_user(a, username="fachdienst-a"))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(mails["a"])).status_code == 403
    assert run(client, "resend", mails["a"]).status_code == 403
    assert status_of(mails["a"]) == Status.FAILED


def test_the_detail_shows_attachment_names_but_never_the_content(client, two, mails):
    # The content may hold a login or password link that lets the reader act as the recipient.
    client.force_login(koordination_user(two[0], username="koordination-a"))
    html = client.get(detail(mails["a"])).content.decode()
    assert "Mail-A" in html and "bescheid.pdf" in html
    assert "Textteil" not in html and "HTML-Teil" not in html
    assert base64.b64encode(ATTACHMENT).decode() not in html
    assert "Connection refused" in html


def test_the_list_shows_no_mail_body(client, two, mails):
    client.force_login(koordination_user(two[0], username="koordination-a"))
    html = client.get(LIST).content.decode()
    assert "Textteil" not in html and "HTML-Teil" not in html and "bescheid.pdf" not in html
    assert "Connection refused" in html  # the last error, shortened


def test_a_mail_cannot_be_added_edited_or_deleted_even_by_the_superuser(client, mails):
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "x"))
    mail = mails["a"]
    assert client.get(reverse("admin:zwk_portal_outgoingmail_add")).status_code == 403
    assert 'name="_save"' not in client.get(detail(mail)).content.decode()
    response = client.post(detail(mail), {"subject": "Geändert", "_save": "Sichern"})
    assert response.status_code == 403
    delete = reverse("admin:zwk_portal_outgoingmail_delete", args=[mail.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(LIST, {"action": "delete_selected", "_selected_action": [mail.pk], "post": "yes"})
    mail.refresh_from_db()
    assert mail.subject == "Mail-A"


def test_the_list_is_searched_by_recipient(client, two, mails):
    a, _b = two
    outgoing(a, "Mail-A2")
    client.force_login(koordination_user(a, username="koordination-a"))
    html = client.get(LIST, {"q": "MAIL-a2@EXAMPLE"}).content.decode()
    assert "Mail-A2" in html and "Mail-A<" not in html and "mail-a@example.org" not in html


# -------------------------------------------------------------------------- the actions


def test_resend_queues_a_failed_mail_which_is_delivered_and_logged(client, two, mails, mailoutbox):
    a, _b = two
    user = koordination_user(a, username="koordination-a")
    client.force_login(user)
    mail = mails["a"]
    response = run(client, "resend", mail)
    assert messages_of(response) == [
        "E-Mails erneut in die Warteschlange gestellt: 1; übersprungen (z. B. schon gesendet): 0."
    ]
    assert status_of(mail) == Status.SENT  # queued, and sent by the (immediate) worker
    assert mail.attempts == 1
    [sent] = mailoutbox
    assert sent.subject == "Mail-A" and sent.to == ["mail-a@example.org"]
    assert sent.extra_headers["Message-ID"] == mail.message_id
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.action_flag) == (user, str(mail.pk), CHANGE)
    assert entry.get_change_message() == "Erneut gesendet"


def test_resend_only_queues_while_the_worker_is_away(client, two, mails, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(koordination_user(two[0], username="koordination-a"))
    run(client, "resend", mails["a"])
    assert status_of(mails["a"]) == Status.QUEUED


def test_discard_leaves_a_mail_unsent_and_logs_it(client, two, mails, mailoutbox):
    a, _b = two
    client.force_login(koordination_user(a, username="koordination-a"))
    response = run(client, "discard", mails["a"])
    assert messages_of(response) == [
        "E-Mails verworfen: 1; übersprungen (z. B. schon gesendet): 0."
    ]
    assert status_of(mails["a"]) == Status.DISCARDED
    assert mailoutbox == []
    assert LogEntry.objects.get().get_change_message() == "Verworfen"
    run(client, "resend", mails["a"])  # and stays so
    assert status_of(mails["a"]) == Status.DISCARDED and mailoutbox == []


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("resend", "E-Mails erneut in die Warteschlange gestellt: 1; "),
        ("discard", "E-Mails verworfen: 1; "),
    ],
)
def test_a_sent_mail_is_skipped(client, two, mails, mailoutbox, action, message):
    a, _b = two
    sent = outgoing(a, "Schon-Gesendet", status=Status.SENT)
    client.force_login(koordination_user(a, username="koordination-a"))
    response = run(client, action, sent, mails["a"])
    assert messages_of(response) == [f"{message}übersprungen (z. B. schon gesendet): 1."]
    assert status_of(sent) == Status.SENT
    assert [entry.object_id for entry in LogEntry.objects.all()] == [str(mails["a"].pk)]
    assert len(mailoutbox) == (1 if action == "resend" else 0)


# ------------------------------------------------------------------------- the summary


def test_the_summary_counts_waiting_failed_and_held_mails_per_kind(client, two):
    a, b = two
    for status in (Status.QUEUED, Status.RETRYING, Status.SENDING, Status.FAILED):
        outgoing(a, f"Zusage-{status}", kind="anmeldung_bestaetigt", status=status)
    for status in (Status.HELD, Status.HELD, Status.SENT, Status.DISCARDED):
        outgoing(a, f"Frist-{status}", kind="foerderung_frist", status=status)
    outgoing(a, "Nur-Gesendet", kind="nachricht", status=Status.SENT)
    outgoing(b, "Fremd", kind="anmeldung_bestaetigt", status=Status.FAILED)
    outgoing(None, "Ohne-Kommune", kind="konto_login_link", status=Status.FAILED)
    client.force_login(koordination_user(a, username="koordination-a"))
    response = client.get(LIST)
    assert [
        (row["kind"], row["waiting"], row["failed"], row["held"])
        for row in response.context["outbox_summary"]
    ] == [("anmeldung_bestaetigt", 3, 1, 0), ("foerderung_frist", 0, 0, 2)]
    html = response.content.decode()
    assert '<caption id="outbox-summary-caption">Nicht gesendete E-Mails nach Art</caption>' in html
    assert '<th scope="row">Förderantrag: Frist</th>' in html


def test_the_summary_says_when_nothing_waits(client, two):
    a, _b = two
    outgoing(a, "Gesendet", status=Status.SENT)
    client.force_login(koordination_user(a, username="koordination-a"))
    html = client.get(LIST).content.decode()
    assert "Keine E-Mail wartet auf Versand" in html
    assert "Nicht gesendete E-Mails nach Art" not in html


def test_the_list_reads_a_fixed_number_of_queries_however_many_mails(client, two):
    """No query per mail (N+1): 3 and 30 mails cost the same."""
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    a, _b = two
    client.force_login(koordination_user(a, username="koordination-a"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    for i in range(3):
        outgoing(a, f"Mail-{i}", kind=f"art_{i % 2}")
    few = queries()
    for i in range(3, 30):
        outgoing(a, f"Mail-{i}", kind=f"art_{i % 2}")
    assert queries() == few
