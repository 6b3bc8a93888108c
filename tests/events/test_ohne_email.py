"""People registered without an e-mail address are not forgotten when something changes
(issue #15, the offline path): the change, the cancellation, a message and a seat from the
waitlist put them on the coordination's list to call or write to, with a letter that
says it, until someone marks it done."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled

from events import services
from events.models import Anmeldung, Benachrichtigung
from tests.factories import TeilnahmeoptionFactory, VeranstaltungFactory, koordination_user

from .test_telefon import ANSCHRIFT, pdf_text

pytestmark = pytest.mark.django_db

Anlass = Benachrichtigung.Anlass


@pytest.fixture
def caller(staff):
    def _caller(option, **kwargs):
        kwargs.setdefault("name", "Gerda Anrufer")
        kwargs.setdefault("telefon", "03843 1234")
        return services.register(
            option=option,
            email="",
            bestaetigung=Anmeldung.Bestaetigung.BRIEF,
            anschrift=ANSCHRIFT,
            kanal=Anmeldung.Kanal.TELEFON,
            erfasst_von=staff,
            **kwargs,
        )

    return _caller


def todo(anmeldung) -> list[tuple[str, str, str]]:
    return list(
        Benachrichtigung.objects.filter(anmeldung=anmeldung, done_at=None).values_list(
            "anlass", "betreff", "text"
        )
    )


def staff_page(client, staff, event) -> str:
    client.force_login(staff)
    response = client.get(reverse("events:staff_event", kwargs={"pk": event.pk}))
    assert response.status_code == 200
    return response.content.decode()


def letter_url(benachrichtigung):
    return reverse(
        "events:staff_benachrichtigung_brief",
        kwargs={
            "pk": benachrichtigung.anmeldung.veranstaltung_id,
            "benachrichtigung": benachrichtigung.pk,
        },
    )


def done_url(benachrichtigung):
    return reverse(
        "events:staff_benachrichtigung_done",
        kwargs={
            "pk": benachrichtigung.anmeldung.veranstaltung_id,
            "benachrichtigung": benachrichtigung.pk,
        },
    )


# ------------------------------------------------------------------ who lands on the list


def test_a_change_puts_those_without_email_on_the_list_and_mails_the_others(
    event, site, caller, register, mailoutbox
):
    gerda = caller(site)
    olga = services.confirm(anmeldung=register(site, name="Olga Online"))
    mailoutbox.clear()
    services.announce_change(veranstaltung=event, note="Neuer Raum: Saal 2")
    assert todo(gerda) == [(Anlass.GEAENDERT, "", "Neuer Raum: Saal 2")]
    assert todo(olga) == []
    assert [m.to for m in mailoutbox] == [[olga.email]]


def test_a_message_reaches_the_offline_seat_holders_through_the_list(event, site, caller, staff):
    gerda = caller(site)
    nachricht = services.send_message(
        veranstaltung=event, betreff="Bitte Ausweis mitbringen", text="Am Eingang.", by=staff
    )
    assert nachricht.empfaenger == 0  # no mail
    assert todo(gerda) == [(Anlass.NACHRICHT, "Bitte Ausweis mitbringen", "Am Eingang.")]


def test_a_seat_from_the_waitlist_is_told_by_phone_or_letter(event, site, caller, register):
    first = services.confirm(anmeldung=register(site))
    services.confirm(anmeldung=register(site))
    gerda = caller(site, waitlist_ok=True)
    assert gerda.status == Anmeldung.Status.WARTELISTE and todo(gerda) == []
    services.cancel(anmeldung=first)
    gerda.refresh_from_db()
    assert gerda.status == Anmeldung.Status.PLATZ
    assert todo(gerda) == [(Anlass.NACHGERUECKT, "", "")]


def test_the_cancellation_replaces_what_was_still_to_be_told(event, site, caller):
    gerda = caller(site)
    services.announce_change(veranstaltung=event, note="Neuer Raum")
    services.cancel_event(veranstaltung=event, note="Der Referent ist erkrankt.")
    assert todo(gerda) == [(Anlass.ABGESAGT, "", "Der Referent ist erkrankt.")]


def test_nobody_with_an_email_address_lands_on_the_list(event, site, staff, register):
    services.register(
        option=site,
        name="Mit Mail",
        email="mitmail@example.org",
        bestaetigung=Anmeldung.Bestaetigung.BRIEF,
        anschrift=ANSCHRIFT,
        kanal=Anmeldung.Kanal.TELEFON,
        erfasst_von=staff,
    )
    services.announce_change(veranstaltung=event, note="x")
    services.cancel_event(veranstaltung=event)
    assert not Benachrichtigung.objects.exists()


# ------------------------------------------------------------------ the staff page and the letter


def test_the_staff_page_lists_whom_to_call_with_phone_address_and_letter(
    client, staff, event, site, caller
):
    gerda = caller(site)
    services.announce_change(veranstaltung=event, note="Neuer Raum")
    benachrichtigung = Benachrichtigung.objects.get(anmeldung=gerda)
    page = staff_page(client, staff, event)
    assert "Ohne E-Mail: 1 Person anrufen oder anschreiben" in page
    assert 'href="tel:038431234"' in page and "Lindenstraße 3" in page
    assert "Veranstaltung geändert" in page
    assert letter_url(benachrichtigung) in page and done_url(benachrichtigung) in page


def test_the_letter_of_a_cancellation_says_so_with_the_reason_and_no_change_link(
    client, staff, event, site, caller, tmp_path
):
    gerda = caller(site)
    services.cancel_event(veranstaltung=event, note="Der Referent ist erkrankt.")
    client.force_login(staff)
    response = client.get(letter_url(Benachrichtigung.objects.get(anmeldung=gerda)))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    flat = " ".join(pdf_text(response.content, tmp_path).split())
    assert f"Absage: {event.title}" in flat
    assert "dass diese Veranstaltung abgesagt ist" in flat
    assert "Der Referent ist erkrankt." in flat
    assert "Gerda Anrufer" in flat and "18273 Güstrow" in flat
    assert "Ändern oder absagen" not in flat and gerda.token not in flat.replace(" ", "")


def test_the_letter_of_a_change_gives_the_note_and_the_details_as_they_are_now(
    client, staff, event, site, caller, tmp_path
):
    gerda = caller(site)
    site.raum = "Saal 2"
    site.save()
    services.announce_change(veranstaltung=event, note="Wir treffen uns in Saal 2.")
    client.force_login(staff)
    content = client.get(letter_url(Benachrichtigung.objects.get(anmeldung=gerda))).content
    flat = " ".join(pdf_text(content, tmp_path).split())
    assert f"Änderung: {event.title}" in flat
    assert "Wir treffen uns in Saal 2." in flat and "Raum: Saal 2" in flat
    assert "Ihr Platz ist fest gebucht." in flat and "Ändern oder absagen" in flat


def test_marking_done_takes_it_off_the_list_once(client, staff, event, site, caller):
    gerda = caller(site)
    services.announce_change(veranstaltung=event, note="x")
    benachrichtigung = Benachrichtigung.objects.get(anmeldung=gerda)
    client.force_login(staff)
    response = client.post(done_url(benachrichtigung), follow=True)
    assert "Gerda Anrufer ist benachrichtigt: erledigt." in response.content.decode()
    benachrichtigung.refresh_from_db()
    assert benachrichtigung.done_by == staff and benachrichtigung.done_at is not None
    assert "Ohne E-Mail:" not in staff_page(client, staff, event)
    again = client.post(done_url(benachrichtigung), follow=True).content.decode()
    assert "schon jemand anderes als erledigt vermerkt" in again
    assert client.get(done_url(benachrichtigung)).status_code == 405  # only by the button


def test_a_message_preview_counts_the_offline_seat_holders_and_may_send_to_them_alone(
    client, staff, event, site, caller
):
    caller(site)
    client.force_login(staff)
    url = reverse("events:staff_message", kwargs={"pk": event.pk})
    page = client.post(url, {"option": "", "betreff": "Hallo", "text": "Bis bald"}).content.decode()
    assert "Dazu 1 Person ohne E-Mail" in page
    assert "Niemand würde diese Nachricht erhalten" not in page
    assert 'value="send"' in page


def test_another_communes_coordination_and_a_forged_id_get_404(client, event, site, caller):
    gerda = caller(site)
    services.announce_change(veranstaltung=event, note="x")
    benachrichtigung = Benachrichtigung.objects.get(anmeldung=gerda)
    other = VeranstaltungFactory()
    stranger = koordination_user(other.kommune, username="fremde-koordination")
    client.force_login(stranger)
    assert client.get(letter_url(benachrichtigung)).status_code == 404
    assert client.post(done_url(benachrichtigung)).status_code == 404
    own = koordination_user(event.kommune, username="eigene-koordination")
    client.force_login(own)
    forged = reverse(
        "events:staff_benachrichtigung_brief",
        kwargs={"pk": other.pk, "benachrichtigung": benachrichtigung.pk},
    )
    assert client.get(forged).status_code == 404  # the event's id does not fit the entry
    benachrichtigung.refresh_from_db()
    assert benachrichtigung.done_at is None


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_marking_done_at_once_record_it_once():
    option = TeilnahmeoptionFactory(kapazitaet=5)
    staff = koordination_user(option.veranstaltung.kommune, username="k1")
    anmeldung = services.register(
        option=option,
        name="Gerda",
        email="",
        bestaetigung="brief",
        anschrift=ANSCHRIFT,
        kanal="telefon",
        erfasst_von=staff,
    )
    services.announce_change(veranstaltung=option.veranstaltung, note="x")
    benachrichtigung = Benachrichtigung.objects.get(anmeldung=anmeldung)
    results, barrier = [], threading.Barrier(2)

    def mark():
        barrier.wait()
        with scopes_disabled():  # a thread starts without the test's scope
            results.append(
                services.done_benachrichtigung(benachrichtigung=benachrichtigung, by=staff)
            )
        connection.close()

    threads = [threading.Thread(target=mark) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
