"""A paper applicant without an address gives one later (on the phone, with their consent):
the Fachdienst enters it on the application's page; from then on the mails go there, and
the applicant signs in by a login link to answer a Nachforderung online."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from foerderung import services
from foerderung.models import Antrag, Status
from tests.factories import koordination_user
from zwk_portal.models import OutgoingMail

from .factories import AufrufFactory, UserFactory, fachdienst_user
from .test_papier import aufruf, daten, enter, staff, staff_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

ADRESSE = "erika.beispiel@beispieldorf.example"


@pytest.fixture
def ohne(aufruf, staff):  # noqa: F811 - the fixtures above
    return enter(aufruf, staff, data=daten(aufruf, email=""))


def url(antrag):
    return reverse("foerderung:verwaltung_antrag_email", kwargs={"pk": antrag.pk})


def post(client, antrag, follow=False, **data):
    data = {"email": ADRESSE, "einverstanden": "on", **data}
    return client.post(url(antrag), data, follow=follow)


def test_the_address_is_entered_and_the_applicant_finds_the_way_in(client, ohne, staff):  # noqa: F811
    platzhalter = ohne.antragsteller
    client.force_login(staff)
    page = client.get(staff_url(ohne)).content.decode()
    assert "E-Mail-Adresse nachtragen" in page and f'action="{url(ohne)}"' in page

    response = post(client, ohne, email=" Erika.Beispiel@Beispieldorf.example ")
    assert response.status_code == 302 and response.url == staff_url(ohne)
    antrag = Antrag.objects.get(pk=ohne.pk)
    owner = antrag.antragsteller
    assert owner.email == antrag.email == ADRESSE and owner.get_full_name() == "Erika Beispiel"
    # The account without an address is gone, with the name it kept.
    assert not get_user_model().objects.filter(pk=platzhalter.pk).exists()
    last = antrag.verlauf.last()
    assert (last.von, last.nach, last.durch) == (antrag.status, antrag.status, staff)
    assert ADRESSE in last.vermerk and last.nachricht == ""
    [zugang] = OutgoingMail.objects.filter(kind="foerderung_zugang")
    assert zugang.recipients == [ADRESSE]
    page = client.get(staff_url(antrag)).content.decode()
    assert "E-Mail-Adresse nachtragen" not in page and "Ohne E-Mail-Adresse" not in page
    assert "Wird per E-Mail geschickt" in page  # the next steps' messages go by mail

    # A Nachforderung now reaches the applicant, who answers it online.
    services.request_more(
        antrag=antrag,
        by=staff,
        nachricht="Bitte ergänzen Sie die Partner.",
        frist=timezone.localdate() + datetime.timedelta(days=14),
    )
    assert OutgoingMail.objects.filter(kind="foerderung_status", recipients=[ADRESSE]).exists()
    client.force_login(owner)
    bearbeiten = reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})
    assert client.get(bearbeiten).status_code == 200
    services.submit(antrag=antrag, by=owner)
    assert Antrag.objects.get(pk=antrag.pk).status == Status.EINGEREICHT


def test_an_existing_account_of_the_address_gets_the_application(client, ohne, staff):  # noqa: F811
    existing = UserFactory(email=ADRESSE, username="erika")
    client.force_login(staff)
    assert post(client, ohne).status_code == 302
    assert Antrag.objects.get(pk=ohne.pk).antragsteller == existing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": ""}, "Bitte geben Sie die E-Mail-Adresse an."),
        ({"email": "kein-at-zeichen"}, "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ({"email": "zwei@@beispiel.example"}, "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ({"email": "x" * 250 + "@b.de"}, "höchstens 254 Zeichen"),
        ({"einverstanden": ""}, "Ohne dieses Einverständnis gehen Bescheide weiter per Post."),
    ],
)
def test_bad_input_comes_back_in_german_filled_in(client, ohne, staff, data, message):  # noqa: F811
    client.force_login(staff)
    response = post(client, ohne, **data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if data.get("einverstanden") == "":
        assert f'value="{ADRESSE}"' in page  # what was typed stays
    antrag = Antrag.objects.get(pk=ohne.pk)
    assert antrag.email == "" and antrag.antragsteller == ohne.antragsteller
    assert not OutgoingMail.objects.filter(kind="foerderung_zugang").exists()


def test_their_own_address_is_refused(client, ohne, staff):  # noqa: F811
    client.force_login(staff)
    response = post(client, ohne, email=staff.email)
    assert response.status_code == 400
    assert "Das ist die E-Mail-Adresse Ihres eigenen Kontos." in response.content.decode()
    assert Antrag.objects.get(pk=ohne.pk).antragsteller == ohne.antragsteller


def test_an_application_with_an_address_keeps_it(client, aufruf, staff):  # noqa: F811
    antrag = enter(aufruf, staff)  # with an address
    client.force_login(staff)
    assert "E-Mail-Adresse nachtragen" not in client.get(staff_url(antrag)).content.decode()
    response = post(client, antrag, email="andere@beispiel.example", follow=True)
    assert "Dieser Antrag hat bereits eine E-Mail-Adresse." in response.content.decode()
    assert Antrag.objects.get(pk=antrag.pk).email != "andere@beispiel.example"


def test_the_same_form_twice_enters_the_address_once(client, ohne, staff):  # noqa: F811
    client.force_login(staff)
    assert post(client, ohne).status_code == 302
    again = post(client, ohne, follow=True)
    assert "Die E-Mail-Adresse ist eingetragen." in again.content.decode()
    assert OutgoingMail.objects.filter(kind="foerderung_zugang").count() == 1
    assert Antrag.objects.get(pk=ohne.pk).verlauf.filter(vermerk__contains=ADRESSE).count() == 1


def test_others_are_refused_and_nothing_changes(client, ohne, aufruf):  # noqa: F811
    other = AufrufFactory()
    for outsider in (
        None,
        koordination_user(aufruf.kommune),
        fachdienst_user(other.kommune, username="fremder-fachdienst"),
        ohne.antragsteller,
        UserFactory(),
    ):
        client.logout()
        if outsider is not None:
            client.force_login(outsider)
        response = post(client, ohne)
        assert response.status_code in (302, 403, 404), outsider
        if response.status_code == 302:
            assert "/konto/anmelden/" in response.url  # anonymous: to the login
    assert Antrag.objects.get(pk=ohne.pk).email == ""
    assert client.get(url(ohne)).status_code in (302, 403, 404, 405)
    client.force_login(fachdienst_user(aufruf.kommune, username="zweite"))
    assert client.get(url(ohne)).status_code == 405  # a form's target, not a page
    missing = reverse("foerderung:verwaltung_antrag_email", kwargs={"pk": 999999})
    assert client.post(missing, {"email": ADRESSE, "einverstanden": "on"}).status_code == 404
