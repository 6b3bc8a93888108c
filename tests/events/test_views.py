import re
from datetime import timedelta
from uuid import uuid4

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from events import services
from events.models import Anmeldung, Veranstaltung
from tests.factories import TeilnahmeoptionFactory, VeranstaltungFactory

pytestmark = pytest.mark.django_db


def _form(option, **overrides):
    data = {
        "option": option.pk,
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "organisation": "Gemeinde Laage",
        "datenschutz": "on",
        "website": "",
        "submission_key": "0" * 31 + "1",
    }
    data.update(overrides)
    return data


def _detail_url(event):
    return f"/{event.kommune.slug}/veranstaltungen/{event.slug}/"


def _links(mail):
    return re.findall(r"http://\S+", mail.body)


# ----------------------------------------------------------------- public pages


def test_event_page_shows_programme_sites_and_seats_but_never_the_join_link(
    client, event, site, online
):
    response = client.get(_detail_url(event))
    html = response.content.decode()
    assert response.status_code == 200
    assert event.title in html and site.name in html
    assert "noch 2 Plätze frei" in html
    assert online.zugangslink not in html
    assert '"@type": "Event"' in html


def test_event_page_uses_a_fixed_number_of_queries(
    client, event, site, online, django_assert_num_queries
):
    client.get(_detail_url(event))
    for n in range(3):
        TeilnahmeoptionFactory(veranstaltung=event, name=f"Zusatz {n}")
    client.cookies["messages"] = "x"  # a visitor with a cookie gets the page rendered, not kept
    # the Kommune, the event, its programme, its options, the articles linked to it
    with django_assert_num_queries(5):
        client.get(_detail_url(event))


def test_visitors_get_the_kept_event_page_with_their_own_token_and_key(
    event, site, django_assert_num_queries, django_capture_on_commit_callbacks
):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(_detail_url(event))
    with django_assert_num_queries(0):
        html = second.get(_detail_url(event)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    assert "@@" not in html and len(key) == 32
    assert key not in first.get(_detail_url(event)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = second.post(
            _detail_url(event), _form(site, csrfmiddlewaretoken=token, submission_key=key)
        )
    assert response.status_code == 302
    assert Anmeldung.objects.get().submission_key == key


def test_draft_event_is_hidden_from_the_public(client):
    draft = VeranstaltungFactory(status="entwurf")
    assert client.get(_detail_url(draft)).status_code == 404


def test_index_lists_upcoming_and_past_events_with_filters(client, event, clock):
    past = VeranstaltungFactory(
        kommune=event.kommune, title="Vergangene Werkstatt", beginn=clock.now - timedelta(days=30)
    )
    response = client.get(f"/{event.kommune.slug}/veranstaltungen/")
    assert event.title in response.content.decode() and past.title not in response.content.decode()
    response = client.get(f"/{event.kommune.slug}/veranstaltungen/?zeit=vergangen")
    assert past.title in response.content.decode() and event.title not in response.content.decode()
    response = client.get(f"/{event.kommune.slug}/veranstaltungen/?format=online")
    assert event.title not in response.content.decode()


def test_registering_redirects_and_mails_a_confirmation_link(
    client, event, site, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_detail_url(event), _form(site))
    assert response.status_code == 302 and response.url.endswith("/angemeldet/")
    anmeldung = Anmeldung.objects.get()
    assert anmeldung.organisation == "Gemeinde Laage" and not anmeldung.is_confirmed
    assert len(mailoutbox) == 1


def test_invalid_form_shows_summary_and_field_errors_and_keeps_input(client, event, site):
    response = client.post(
        _detail_url(event), _form(site, email="kein-at", name="", datenschutz="")
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert (
        'href="#id_name"' in html
        and 'href="#id_email"' in html
        and 'href="#id_datenschutz"' in html
    )
    assert 'aria-describedby="id_email-hint id_email-error"' in html
    assert 'value="kein-at"' in html and "Gemeinde Laage" in html
    assert "Bitte stimmen Sie den Datenschutzhinweisen zu" in html
    assert not Anmeldung.objects.exists()


def test_honeypot_looks_like_success_but_stores_nothing(client, event, site, mailoutbox):
    response = client.post(_detail_url(event), _form(site, website="http://spam.example"))
    assert response.status_code == 302
    assert not Anmeldung.objects.exists() and not mailoutbox


def test_double_submit_creates_one_registration(
    client, event, site, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(_detail_url(event), _form(site))
        second = client.post(_detail_url(event), _form(site))
    assert first.status_code == second.status_code == 302
    assert Anmeldung.objects.count() == 1
    assert len(mailoutbox) == 1


def _main(response) -> str:
    """The page's main content, without the per-visitor tokens."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'value="[^"]*"', "", main)


def test_same_email_again_answers_as_for_a_new_address_and_mails_the_manage_link(
    client, event, site, online, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_detail_url(event), _form(site))
    services.confirm(anmeldung=Anmeldung.objects.get())
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(_detail_url(event), _form(online, submission_key="2" * 32))
        unknown = client.post(
            _detail_url(event),
            _form(online, email="neu@example.org", submission_key="3" * 32),
        )
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert _main(client.get(known.url)) == _main(client.get(unknown.url))
    assert "Bitte prüfen Sie Ihr E-Mail-Postfach" in _main(client.get(known.url))
    assert "bereits" not in _main(client.get(known.url))
    assert Anmeldung.objects.filter(email="erika@example.org").count() == 1
    anmeldung = Anmeldung.objects.get(email="erika@example.org")
    [again] = [m for m in mailoutbox if m.to == ["erika@example.org"]]
    assert "bereits eine Anmeldung" in again.body and "Sie müssen nichts weiter tun" in again.body
    assert anmeldung.manage_url() in again.body and "Platz sicher" in again.body
    assert "/bestaetigen/" not in again.body


def test_same_email_again_while_unconfirmed_answers_the_same_and_mails_the_confirmation_link(
    client, event, site, online, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_detail_url(event), _form(site))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(_detail_url(event), _form(online, submission_key="2" * 32))
        unknown = client.post(
            _detail_url(event),
            _form(online, email="neu@example.org", submission_key="3" * 32),
        )
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert _main(client.get(known.url)) == _main(client.get(unknown.url))
    [again] = [m for m in mailoutbox if m.to == ["erika@example.org"]]
    assert "Bitte bestätigen" in again.subject and "noch nicht bestätigt" in again.body
    anmeldung = Anmeldung.objects.get(email="erika@example.org")
    confirm_url = next(link for link in _links(again) if "bestaetigen" in link)
    response = client.post(confirm_url.replace("http://127.0.0.1:8000", ""), follow=True)
    assert "Ihre Anmeldung ist bestätigt" in response.content.decode()
    anmeldung.refresh_from_db()
    assert anmeldung.is_confirmed and anmeldung.option == site


def test_same_email_again_on_a_full_option_answers_as_for_a_new_address(
    client, event, site, register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_detail_url(event), _form(site))
    register(site)  # now full
    for waitlist in ("", "on"):
        known = client.post(
            _detail_url(event), _form(site, warteliste=waitlist, submission_key=uuid4().hex)
        )
        unknown = client.post(
            _detail_url(event),
            _form(
                site,
                warteliste=waitlist,
                email=f"neu{waitlist}@example.org",
                submission_key=uuid4().hex,
            ),
        )
        assert known.status_code == unknown.status_code
        if waitlist:
            assert known.url == unknown.url and known.url.endswith("?warteliste=1")
        else:
            assert known.status_code == 409
            assert _main(known).replace("erika@", "neu@") == _main(unknown)


def test_full_option_says_so_and_keeps_input(client, event, site, register):
    register(site)
    register(site)
    response = client.post(_detail_url(event), _form(site))
    html = response.content.decode()
    assert response.status_code == 409
    assert "ausgebucht" in html and 'value="erika@example.org"' in html
    response = client.post(_detail_url(event), _form(site, warteliste="on"))
    assert response.status_code == 302 and "warteliste=1" in response.url


def test_started_event_takes_no_registrations(client, event, site, clock):
    clock.now = event.beginn
    response = client.get(_detail_url(event))
    assert "bereits begonnen" in response.content.decode()
    assert 'name="name"' not in response.content.decode()
    response = client.post(_detail_url(event), _form(site))
    assert response.status_code == 409 and not Anmeldung.objects.exists()


def test_rate_limit_refuses_with_a_message_that_names_the_communes_contact_if_the_event_has_none(
    client, event, site, settings
):
    event.kontakt_name = event.kontakt_email = event.kontakt_telefon = ""
    event.save()
    kommune = event.kommune
    kommune.kontakt_name = "Teresa Hildwein"
    kommune.kontakt_email = "zwk@kreis-lup.example"
    kommune.save()
    settings.EVENTS_RATE_LIMIT_PER_ADDRESS = 1
    client.post(_detail_url(event), _form(site))
    response = client.post(
        _detail_url(event), _form(site, email="b@example.org", submission_key="3" * 32)
    )
    html = response.content.decode()
    assert response.status_code == 429
    assert "sehr viele Anmeldungen" in html
    assert "Teresa Hildwein, zwk@kreis-lup.example" in html
    assert "Ansprechperson." not in html
    assert Anmeldung.objects.count() == 1


def test_rate_limit_message_names_the_events_own_contact_first(client, event, site, settings):
    """The same card as on the page (`Veranstaltung.kontakt`): the event's own contact."""
    event.kommune.kontakt_email = "zwk@kreis-lup.example"
    event.kommune.save()
    settings.EVENTS_RATE_LIMIT_PER_ADDRESS = 0
    response = client.post(_detail_url(event), _form(site))
    assert response.status_code == 429
    html = response.content.decode()
    assert f"{event.kommune.name}, {event.kontakt_email}" in html
    assert "zwk@kreis-lup.example" not in html


# ------------------------------------------------- confirmation and personal page


def _registered(client, event, option, mailoutbox, capture):
    with capture(execute=True):
        client.post(_detail_url(event), _form(option))
    anmeldung = Anmeldung.objects.get()
    confirm_url = next(link for link in _links(mailoutbox[0]) if "bestaetigen" in link)
    return anmeldung, confirm_url.replace("http://127.0.0.1:8000", "")


def test_confirmation_link_shows_a_button_and_post_confirms(
    client, event, site, mailoutbox, django_capture_on_commit_callbacks
):
    anmeldung, url = _registered(
        client, event, site, mailoutbox, django_capture_on_commit_callbacks
    )
    response = client.get(url)
    assert response.status_code == 200 and "Jetzt bestätigen" in response.content.decode()
    anmeldung.refresh_from_db()
    assert not anmeldung.is_confirmed  # a mail scanner following the link confirms nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "ist bestätigt" in response.content.decode()
    anmeldung.refresh_from_db()
    assert anmeldung.is_confirmed
    assert mailoutbox[-1].attachments[0][0].endswith(".ics")


def test_forged_and_expired_confirmation_links_are_refused(
    client, event, site, mailoutbox, clock, django_capture_on_commit_callbacks
):
    anmeldung, url = _registered(
        client, event, site, mailoutbox, django_capture_on_commit_callbacks
    )
    response = client.post(url[:-3] + "xx/")
    assert response.status_code == 404 and "ungültig" in response.content.decode()
    clock.advance(hours=49)
    response = client.post(url)
    assert response.status_code == 410 and "abgelaufen" in response.content.decode()
    anmeldung.refresh_from_db()
    assert not anmeldung.is_confirmed


def test_manage_page_with_unknown_token_is_404(client, event):
    assert (
        client.get(f"/{event.kommune.slug}/veranstaltungen/anmeldung/erfunden123/").status_code
        == 404
    )


def test_manage_token_of_another_commune_is_404(client, site, register):
    anmeldung = register(site)
    other = VeranstaltungFactory().kommune
    assert (
        client.get(f"/{other.slug}/veranstaltungen/anmeldung/{anmeldung.token}/").status_code == 404
    )


def test_cancel_via_personal_link(
    client, site, register, mailoutbox, django_capture_on_commit_callbacks
):
    anmeldung = services.confirm(anmeldung=register(site))
    url = anmeldung.get_absolute_url()
    assert client.get(url + "stornieren/").status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "stornieren/", follow=True)
    assert "ist storniert" in response.content.decode()
    anmeldung.refresh_from_db()
    assert anmeldung.status == "storniert"
    assert "storniert" in mailoutbox[-1].subject


def test_change_option_via_personal_link(client, site, online, register):
    anmeldung = services.confirm(anmeldung=register(site))
    response = client.post(anmeldung.get_absolute_url() + "aendern/", {"option": online.pk})
    assert response.status_code == 302
    anmeldung.refresh_from_db()
    assert anmeldung.option == online


def test_change_to_full_option_is_refused_with_a_message(client, event, site, online, register):
    anmeldung = services.confirm(anmeldung=register(online))
    register(site)
    register(site)
    response = client.post(anmeldung.get_absolute_url() + "aendern/", {"option": site.pk})
    assert response.status_code == 409 and "ausgebucht" in response.content.decode()
    anmeldung.refresh_from_db()
    assert anmeldung.option == online


def test_change_to_option_of_another_event_is_refused(client, site, register):
    anmeldung = register(site)
    foreign = TeilnahmeoptionFactory()
    response = client.post(anmeldung.get_absolute_url() + "aendern/", {"option": foreign.pk})
    assert response.status_code == 400
    anmeldung.refresh_from_db()
    assert anmeldung.option == site


def test_personal_ics_download(client, site, register):
    anmeldung = services.confirm(anmeldung=register(site))
    response = client.get(anmeldung.get_absolute_url() + "kalender.ics")
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content


# ------------------------------------------------------------ coordination pages

STAFF_URLS = [
    "/verwaltung/veranstaltungen/",
    "/verwaltung/veranstaltungen/{pk}/",
    "/verwaltung/veranstaltungen/{pk}/anmeldungen.csv",
    "/verwaltung/veranstaltungen/{pk}/anmeldungen.xlsx",
    "/verwaltung/veranstaltungen/{pk}/einlass/",
    "/verwaltung/veranstaltungen/{pk}/nachricht/",
]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_need_login(client, event, url):
    response = client.get(url.format(pk=event.pk))
    assert response.status_code == 302 and response.url.startswith(reverse("konto:login"))


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_forbid_users_without_events_permission(client, event, url):
    """The list is a 403; an event's pages are a 404, as if the event did not exist."""
    client.force_login(User.objects.create_user("besucher", password="x" * 16, is_staff=True))
    assert client.get(url.format(pk=event.pk)).status_code in {403, 404}


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_open_for_the_coordination(client, staff, event, site, register, url):
    services.confirm(anmeldung=register(site, name="Erika Mustermann"))
    client.force_login(staff)
    response = client.get(url.format(pk=event.pk))
    assert response.status_code == 200


def test_staff_participant_pdf_is_forbidden_without_permission(client, event, site):
    client.force_login(User.objects.create_user("besucher", password="x" * 16))
    assert (
        client.get(
            f"/verwaltung/veranstaltungen/{event.pk}/teilnehmerliste-{site.pk}.pdf"
        ).status_code
        == 404
    )


def test_staff_overview_counts_seats_and_waitlist(client, staff, event, site, register):
    services.confirm(anmeldung=register(site, name="Anna"))
    register(site, name="Bert")
    services.confirm(anmeldung=register(site, name="Cora", waitlist_ok=True))
    client.force_login(staff)
    html = client.get(f"/verwaltung/veranstaltungen/{event.pk}/").content.decode()
    assert "Anna" in html and "Bert" in html and "Cora" in html
    assert "Warteliste (in dieser Reihenfolge)" in html


def test_csv_export_contains_registrations(client, staff, event, site, register):
    services.confirm(
        anmeldung=register(site, name="Erika Mustermann", organisation="Gemeinde Laage")
    )
    client.force_login(staff)
    content = client.get(f"/verwaltung/veranstaltungen/{event.pk}/anmeldungen.csv").content.decode(
        "utf-8-sig"
    )
    header, row = content.strip().splitlines()
    assert "Teilnahmeoption" in header and "Name" in header
    assert "Erika Mustermann" in row and "Gemeinde Laage" in row and "bestätigt" in row


def test_check_in_marks_present(client, staff, event, site, register):
    anmeldung = services.confirm(anmeldung=register(site, name="Erika Mustermann"))
    client.force_login(staff)
    page = client.get(f"/verwaltung/veranstaltungen/{event.pk}/einlass/?q=erika").content.decode()
    assert "Erika Mustermann" in page
    response = client.post(
        f"/verwaltung/veranstaltungen/{event.pk}/einlass/",
        {"anmeldung": anmeldung.pk, "present": "1", "q": "erika"},
    )
    assert response.status_code == 302
    anmeldung.refresh_from_db()
    assert anmeldung.checked_in_at is not None


def test_check_in_of_another_events_registration_is_404(client, staff, event, site, register):
    other = TeilnahmeoptionFactory()
    foreign = register(other)
    client.force_login(staff)
    response = client.post(
        f"/verwaltung/veranstaltungen/{event.pk}/einlass/",
        {"anmeldung": foreign.pk, "present": "1"},
    )
    assert response.status_code == 404


def test_staff_message_is_sent_and_validated(
    client, staff, event, site, register, mailoutbox, django_capture_on_commit_callbacks
):
    services.confirm(anmeldung=register(site))
    client.force_login(staff)
    url = f"/verwaltung/veranstaltungen/{event.pk}/nachricht/"
    response = client.post(url, {"betreff": "", "text": ""})
    assert (
        response.status_code == 400
        and "Bitte geben Sie einen Betreff an." in response.content.decode()
    )
    mailoutbox.clear()
    preview = client.post(
        url, {"betreff": "Hinweis", "text": "Bitte Ausweis mitbringen.", "option": site.pk}
    )
    assert preview.status_code == 200 and mailoutbox == []  # first the preview, nothing sent
    token = preview.context["preview"]["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "send", "vorschau": token})
    assert response.status_code == 302
    assert [m.subject for m in mailoutbox] == ["Hinweis"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/veranstaltung/",
        "/admin/events/veranstaltung/{pk}/change/",
        "/admin/events/teilnahmeoption/",
        "/admin/events/anmeldung/",
        "/admin/events/anmeldung/export/",
        "/admin/events/nachricht/",
    ],
)
def test_admin_pages_open_for_the_coordination(client, staff, event, site, register, url):
    services.confirm(anmeldung=register(site))
    client.force_login(staff)
    assert client.get(url.format(pk=event.pk)).status_code == 200


def test_admin_cancel_action_moves_waitlist_up(client, staff, event, site, register):
    first = services.confirm(anmeldung=register(site))
    services.confirm(anmeldung=register(site))
    waiting = services.confirm(anmeldung=register(site, waitlist_ok=True))
    client.force_login(staff)
    response = client.post(
        "/admin/events/anmeldung/", {"action": "cancel", "_selected_action": [first.pk]}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "platz"


def test_moving_a_published_event_in_the_admin_tells_the_participants(
    client, staff, event, site, register, mailoutbox, django_capture_on_commit_callbacks
):
    services.confirm(anmeldung=register(site))
    client.force_login(staff)
    url = f"/admin/events/veranstaltung/{event.pk}/change/"
    data = {
        "kommune": event.kommune.pk,
        "title": event.title,
        "slug": event.slug,
        "beginn_0": "27.05.2027",
        "beginn_1": "18:30:00",
        "ende_0": "27.05.2027",
        "ende_1": "20:30:00",
        "format": event.format,
        "status": "veroeffentlicht",
        "programm-TOTAL_FORMS": "0",
        "programm-INITIAL_FORMS": "0",
        "optionen-TOTAL_FORMS": "1",
        "optionen-INITIAL_FORMS": "1",
        "optionen-0-id": site.pk,
        "optionen-0-veranstaltung": event.pk,
        "optionen-0-art": site.art,
        "optionen-0-name": site.name,
        "optionen-0-position": site.position,
        "optionen-0-kapazitaet": site.kapazitaet,
        "optionen-0-anschrift": site.anschrift,
        "verlauf-TOTAL_FORMS": "0",
        "verlauf-INITIAL_FORMS": "0",
        "_schritt_verschieben": "x",  # the explicit step (events/status.py); a save sends nothing
    }
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    [mail] = mailoutbox
    assert "Änderung" in mail.subject and "18:30–20:30" in mail.body


def test_event_format_is_not_mistaken_for_a_file_format(client):
    """import-export's German catalog translates a bare "Format" as "Dateiformat"."""
    event = VeranstaltungFactory()
    html = client.get(f"/{event.kommune.slug}/veranstaltungen/").content.decode()
    assert "Dateiformat" not in html


def test_confirming_a_waitlisted_registration_says_waitlist_and_place_not_confirmed_seat(
    client, event, site, register, mailoutbox, django_capture_on_commit_callbacks
):
    register(site)
    register(site)  # full
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_detail_url(event), _form(site, warteliste="on"))
    assert response.url.endswith("?warteliste=1")
    [request] = [m for m in mailoutbox if m.to == ["erika@example.org"]]
    url = next(link for link in _links(request) if "bestaetigen" in link)
    response = client.post(url.replace("http://127.0.0.1:8000", ""), follow=True)
    html = response.content.decode()
    assert "Sie stehen auf der Warteliste, Platz 1." in html
    assert "Ihre Anmeldung ist bestätigt" not in html and "Platz ist sicher" not in html
    assert '<strong id="anmeldung-status">auf der Warteliste, Platz 1</strong>' in html


def test_a_registration_sent_to_a_cancelled_or_draft_event_is_refused_cleanly(client, event, site):
    Veranstaltung.objects.filter(pk=event.pk).update(status="abgesagt")
    response = client.post(_detail_url(event), _form(site))
    assert response.status_code == 409
    assert "abgesagt" in response.content.decode()
    Veranstaltung.objects.filter(pk=event.pk).update(status="entwurf")
    assert client.post(_detail_url(event), _form(site)).status_code == 404
    assert not Anmeldung.objects.exists()
