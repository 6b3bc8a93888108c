"""Staff and jury reset a forgotten password: the link goes out through the outbox."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from zwk_portal.models import OutgoingMail

pytestmark = pytest.mark.django_db

SITE_URL = "https://zwk.landkreis.example"
KIND = "konto_passwort_zuruecksetzen"


@pytest.fixture
def staff(settings):
    settings.SITE_URL = SITE_URL
    return User.objects.create_user(
        "fachdienst",
        email="fachdienst@landkreis.example",
        password="altes-passwort-123",
        first_name="Frieda",
        last_name="Fachdienst",
        is_staff=True,
    )


def reset_link(text: str) -> str:
    return re.search(r"https?://\S+/admin/reset/\S+/", text).group(0)


def test_reset_mail_goes_through_the_outbox_with_a_link_that_works(client, staff, mailoutbox):
    response = client.post(reverse("admin_password_reset"), {"email": staff.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    mail = OutgoingMail.objects.get(kind=KIND)
    assert mail.kommune is None and mail.recipients == [staff.email]
    # Sent by the (here immediate) worker, not by the form.
    assert mail.status == OutgoingMail.Status.SENT
    [sent] = mailoutbox
    assert sent.extra_headers["Message-ID"] == mail.message_id
    assert sent.subject == "Neues Passwort für das ZWK-Portal"
    assert "Guten Tag Frieda Fachdienst," in sent.body
    assert "Ihr Benutzername: fachdienst" in sent.body
    link = reset_link(sent.body)
    assert link.startswith(f"{SITE_URL}/admin/reset/")
    assert f'href="{link}"' in sent.alternatives[0].content
    # The link leads to the form for the new password, and it sets it.
    page = client.get(link.removeprefix(SITE_URL), follow=True)
    assert page.status_code == 200 and 'name="new_password1"' in page.content.decode()
    new = {"new_password1": "neues-passwort-456", "new_password2": "neues-passwort-456"}
    assert client.post(page.redirect_chain[-1][0], new).status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("neues-passwort-456")


def test_a_forged_host_header_does_not_change_the_link(client, staff, settings, mailoutbox):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    client.post(reverse("admin_password_reset"), {"email": staff.email}, HTTP_HOST="evil.example")
    [sent] = mailoutbox
    assert reset_link(sent.body).startswith(f"{SITE_URL}/admin/reset/")
    assert "evil.example" not in sent.body
    assert "evil.example" not in sent.alternatives[0].content


def test_unknown_address_gets_no_mail_and_the_same_answer(client, staff, mailoutbox):
    known = client.post(reverse("admin_password_reset"), {"email": staff.email})
    OutgoingMail.objects.all().delete()
    mailoutbox.clear()
    unknown = client.post(reverse("admin_password_reset"), {"email": "niemand@example.org"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert not OutgoingMail.objects.exists() and mailoutbox == []
