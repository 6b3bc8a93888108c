"""Registration by phone (issue #15): the coordination enters a caller through the same
`services.register` as the public form, confirmed at once, by e-mail or by letter."""

import csv
import io
import subprocess
import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse

from events import selectors, services
from events.models import PRIVACY_NOTICE_VERSION, Anmeldung, Versuch
from tests.factories import TeilnahmeoptionFactory, VeranstaltungFactory, koordination_user
from zwk_portal.exports import read_xlsx
from zwk_portal.models import AuditEntry, OutgoingMail
from zwk_portal.tenancy import kommune_scope

from .conftest import NOW

pytestmark = pytest.mark.django_db

ANSCHRIFT = "Lindenstraße 3\n18273 Güstrow"
# The factories' event: 27 May 2027 (a Thursday), 18:00–20:00 Berlin.
WHEN = "Donnerstag, 27. Mai 2027, 18:00–20:00 Uhr"
CONTACT_PHONE = "03843 755-61000"


@pytest.fixture
def phone(staff):
    """Enter a caller as the coordination does (the service, not the form)."""

    def _phone(option, **kwargs):
        kwargs.setdefault("name", "Gerda Anrufer")
        kwargs.setdefault("email", "")
        kwargs.setdefault("telefon", "03843 1234")
        kwargs.setdefault("bestaetigung", Anmeldung.Bestaetigung.BRIEF)
        kwargs.setdefault("anschrift", ANSCHRIFT)
        return services.register(
            option=option, kanal=Anmeldung.Kanal.TELEFON, erfasst_von=staff, **kwargs
        )

    return _phone


def form_url(event):
    return reverse("events:staff_telefon", kwargs={"pk": event.pk})


def brief_url(anmeldung):
    return reverse(
        "events:staff_brief",
        kwargs={"pk": anmeldung.veranstaltung_id, "anmeldung": anmeldung.pk},
    )


def form_data(option, /, **overrides):
    data = {
        "option": option.pk,
        "name": "Gerda Anrufer",
        "telefon": "03843 1234",
        "email": "",
        "organisation": "Gemeinde Laage",
        "bestaetigung": "brief",
        "anschrift": ANSCHRIFT,
        "barrierefreiheit": "",
        "datenschutz": "on",
        "submission_key": "0123456789abcdef0123456789abcdef",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pdf_text(content: bytes, tmp_path) -> str:
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def mail_kinds() -> list[tuple[str, list[str]]]:
    return list(OutgoingMail.objects.order_by("pk").values_list("kind", "recipients"))


# ------------------------------------------------------------------ the service


def test_phone_registration_takes_a_seat_confirmed_at_once_with_who_and_consent(
    event, site, phone, staff
):
    anmeldung = phone(site)
    assert anmeldung.status == Anmeldung.Status.PLATZ
    assert anmeldung.kanal == Anmeldung.Kanal.TELEFON
    assert anmeldung.get_kanal_display() == "per Telefon"
    assert anmeldung.erfasst_von == staff
    assert anmeldung.datenschutz_version == PRIVACY_NOTICE_VERSION
    assert anmeldung.confirmed_at == NOW  # confirmed to the coordinator, no 48 hours
    assert anmeldung.anschrift == ANSCHRIFT
    stored = Anmeldung.objects.get(pk=anmeldung.pk)
    assert (stored.kanal, stored.erfasst_von_id) == ("telefon", staff.pk)
    option = selectors.options_with_counts().get(pk=site.pk)
    assert option.held == 1 and option.confirmed_count == 1


def test_online_registration_records_no_staff_and_stays_unconfirmed(event, site, register):
    anmeldung = register(site)
    assert anmeldung.kanal == Anmeldung.Kanal.ONLINE
    assert anmeldung.erfasst_von is None and anmeldung.confirmed_at is None


def test_a_full_option_puts_a_caller_on_the_waitlist_or_refuses_as_online(
    event, site, phone, register
):
    register(site)
    register(site)  # both seats held (unconfirmed, inside their 48 hours)
    with pytest.raises(services.OptionFull):
        phone(site, name="Ohne Warteliste")
    assert not Anmeldung.objects.filter(name="Ohne Warteliste").exists()
    waiting = phone(site, name="Mit Warteliste", waitlist_ok=True)
    assert waiting.status == Anmeldung.Status.WARTELISTE
    assert selectors.waitlist_position(waiting) == 1  # confirmed, so in line at once
    assert Anmeldung.objects.filter(option=site, status="platz").count() == 2


def test_a_caller_moves_up_when_a_seat_comes_free(event, site, phone, register):
    first = services.confirm(anmeldung=register(site))
    services.confirm(anmeldung=register(site))
    waiting = phone(site, waitlist_ok=True)
    services.cancel(anmeldung=first)
    waiting.refresh_from_db()
    assert waiting.status == Anmeldung.Status.PLATZ and waiting.promoted_at is not None


def test_staff_entries_are_not_rate_limited_by_the_office_address(
    event, site, online, phone, settings
):
    settings.EVENTS_RATE_LIMIT_PER_ADDRESS = 1
    for n in range(3):
        phone(
            online, name=f"Anrufer {n}", email=f"anrufer{n}@example.org", client_address="10.0.0.1"
        )
    assert Versuch.objects.count() == 0  # no attempt recorded for the office
    services.register(
        option=online, name="Online", email="online@example.org", client_address="10.0.0.1"
    )
    with pytest.raises(services.RateLimited):
        services.register(
            option=online, name="Online 2", email="online2@example.org", client_address="10.0.0.1"
        )


def test_two_callers_without_email_can_register_for_the_same_event(event, site, phone):
    first = phone(site, name="Gerda Anrufer")
    second = phone(site, name="Hans Anrufer", anschrift="Markt 1\n18299 Laage")
    assert first.email == second.email == ""
    assert Anmeldung.objects.filter(veranstaltung=event, status="platz").count() == 2


def test_a_caller_with_an_email_already_registered_online_is_a_duplicate(
    event, site, online, phone, register
):
    register(online, email="erika@example.org")
    with pytest.raises(services.AlreadyRegistered):
        phone(site, email="Erika@Example.org ", bestaetigung="email", anschrift="")
    assert Anmeldung.objects.filter(email="erika@example.org").count() == 1


def test_a_confirmation_needs_its_address(event, site, phone):
    with pytest.raises(services.RegistrationError):
        phone(site, bestaetigung="email", email="")
    with pytest.raises(services.RegistrationError):
        phone(site, bestaetigung="brief", anschrift="  ")
    assert not Anmeldung.objects.exists()


def test_letter_confirmation_sends_no_mail(event, site, phone, mailoutbox):
    phone(site, email="gerda@example.org")  # an address, but the letter was chosen
    assert mail_kinds() == []
    assert mailoutbox == []


def test_email_confirmation_queues_the_confirmation_mail_not_the_opt_in(
    event, site, phone, mailoutbox
):
    phone(site, email="Gerda@Example.org", bestaetigung="email", anschrift="")
    assert mail_kinds() == [("events_confirmed", ["gerda@example.org"])]
    assert len(mailoutbox) == 1
    assert "Platz sicher" in mailoutbox[0].body
    assert "bestaetigen" not in mailoutbox[0].body  # no double opt-in link


def test_email_confirmation_on_the_waitlist_says_so(event, site, phone, register, mailoutbox):
    register(site)
    register(site)
    OutgoingMail.objects.all().delete()
    mailoutbox.clear()
    phone(site, email="gerda@example.org", bestaetigung="email", anschrift="", waitlist_ok=True)
    assert mail_kinds() == [("events_confirmed", ["gerda@example.org"])]
    assert "Warteliste, Platz 1" in mailoutbox[0].body
    assert "Wir haben Ihre Anmeldung aufgenommen" in mailoutbox[0].body


def test_no_mail_ever_goes_to_a_caller_without_email(event, site, phone, register, clock, staff):
    first = services.confirm(anmeldung=register(site))
    services.confirm(anmeldung=register(site))
    waiting = phone(site, waitlist_ok=True)
    services.cancel(anmeldung=first)  # the caller moves up
    services.announce_change(veranstaltung=event, note="Neuer Raum")
    services.send_message(veranstaltung=event, betreff="Hallo", text="Bis bald", by=staff)
    clock.advance(days=6)  # the day before
    services.send_reminders()
    waiting.refresh_from_db()
    assert waiting.status == "platz"
    assert all(recipients != [""] and "" not in recipients for _kind, recipients in mail_kinds())
    assert OutgoingMail.objects.exists()  # the others got theirs


def test_anonymising_erases_the_postal_address(event, site, phone):
    anmeldung = phone(site)
    services.anonymise(Anmeldung.objects.filter(pk=anmeldung.pk), now=NOW)
    anmeldung.refresh_from_db()
    assert anmeldung.anschrift == "" and anmeldung.name == "" and anmeldung.telefon == ""


@pytest.mark.django_db(transaction=True)
def test_callers_and_online_registrants_racing_for_the_last_seats_never_get_more():
    option = TeilnahmeoptionFactory(kapazitaet=3)
    staff = koordination_user(option.veranstaltung.kommune, username="koordination-race")
    people = 16
    barrier = threading.Barrier(people)
    results, errors = [], []

    def attempt(n):
        try:
            barrier.wait()
            with kommune_scope([option.veranstaltung.kommune_id]):
                if n % 2:
                    services.register(
                        option=option,
                        name=f"Anrufer {n}",
                        email="",
                        kanal="telefon",
                        erfasst_von=staff,
                        bestaetigung="brief",
                        anschrift=ANSCHRIFT,
                    )
                else:
                    services.register(option=option, name=f"Online {n}", email=f"p{n}@example.org")
            results.append("platz")
        except services.OptionFull:
            results.append("full")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results.count("platz") == 3
    assert Anmeldung.objects.filter(option=option, status="platz").count() == 3


# ------------------------------------------------------------------ the staff form


def test_event_page_offers_the_phone_form(client, staff, event, site):
    client.force_login(staff)
    html = client.get(reverse("events:staff_event", kwargs={"pk": event.pk})).content.decode()
    assert "Anmeldung per Telefon erfassen" in html and form_url(event) in html
    form = client.get(form_url(event))
    assert form.status_code == 200
    page = form.content.decode()
    assert "Die anrufende Person ist mit der Speicherung einverstanden" in page
    assert "Datenschutzhinweise vorgelesen" in page
    assert 'name="submission_key"' in page


def test_the_form_registers_a_caller_and_offers_the_letter(client, staff, event, site):
    client.force_login(staff)
    response = client.post(form_url(event), form_data(site))
    anmeldung = Anmeldung.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?erfasst={anmeldung.pk}#erfasst")
    assert (anmeldung.kanal, anmeldung.erfasst_von, anmeldung.organisation) == (
        "telefon",
        staff,
        "Gemeinde Laage",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Gerda Anrufer ist angemeldet: Platz in „Kreisverwaltung Güstrow“ sicher." in page
    assert "Bestätigungsbrief (PDF)" in page and brief_url(anmeldung) in page


def test_the_form_puts_a_caller_on_the_waitlist_and_says_so(client, staff, event, site, register):
    register(site)
    register(site)
    client.force_login(staff)
    response = client.post(form_url(event), form_data(site, warteliste="on"), follow=True)
    assert "Gerda Anrufer steht auf der Warteliste für „Kreisverwaltung Güstrow“, Platz 1." in (
        response.content.decode()
    )


def test_the_form_refuses_a_full_option_without_waitlist_refilled(
    client, staff, event, site, register
):
    register(site)
    register(site)
    client.force_login(staff)
    response = client.post(form_url(event), form_data(site))
    assert response.status_code == 409
    page = response.content.decode()
    assert "ist leider ausgebucht" in page
    assert 'value="Gerda Anrufer"' in page and "Lindenstraße 3" in page
    assert not Anmeldung.objects.filter(kanal="telefon").exists()


def test_the_form_names_a_known_email_to_the_coordination(
    client, staff, event, site, online, register
):
    register(online, name="Erika Online", email="erika@example.org")
    client.force_login(staff)
    response = client.post(
        form_url(event), form_data(site, email="erika@example.org", bestaetigung="email")
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Mit dieser E-Mail-Adresse ist bereits Erika Online angemeldet" in page
    assert Anmeldung.objects.count() == 1


def test_a_double_submit_registers_once(client, staff, event, site):
    client.force_login(staff)
    first = client.post(form_url(event), form_data(site))
    second = client.post(form_url(event), form_data(site), follow=True)
    assert Anmeldung.objects.count() == 1
    assert first.status_code == 302
    assert "Diese Anmeldung ist bereits erfasst." in second.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Bitte geben Sie den Namen der anrufenden Person an."),
        (
            {"anschrift": ""},
            "anschrift",
            "Für eine Bestätigung per Brief brauchen wir die Postanschrift.",
        ),
        (
            {"datenschutz": None},
            "datenschutz",
            "Ohne Einverständnis mit der Speicherung können wir die Person nicht anmelden.",
        ),
        (
            {"bestaetigung": "email"},
            "email",
            "Für eine Bestätigung per E-Mail brauchen wir die E-Mail-Adresse.",
        ),
        (
            {"telefon": ""},
            "telefon",
            "Ohne E-Mail-Adresse brauchen wir eine Telefonnummer",
        ),
        ({"email": "kein-at"}, "email", "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ({"anschrift": "1\n2\n3\n4\n5\n6"}, "anschrift", "höchstens 5 Zeilen"),
        ({"option": "999999"}, "option", "Bitte wählen Sie eine der angebotenen"),
    ],
)
def test_bad_input_gives_german_errors_with_the_form_refilled(
    client, staff, event, site, overrides, field, message
):
    client.force_login(staff)
    data = form_data(site, organisation="Gemeinde Laage", **overrides)
    response = client.post(form_url(event), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'id="id_{field}-error"' in page
    assert 'value="Gemeinde Laage"' in page  # the rest as typed
    assert not Anmeldung.objects.exists()


def test_an_online_option_needs_an_email_for_the_join_link(client, staff, event, online):
    client.force_login(staff)
    response = client.post(form_url(event), form_data(online))
    assert response.status_code == 400
    assert "der Zugangslink kommt per E-Mail" in response.content.decode()


def test_a_closed_registration_shows_no_form(client, staff, event, site):
    event.status = "abgesagt"
    event.save()
    client.force_login(staff)
    page = client.get(form_url(event)).content.decode()
    assert "abgesagt" in page and 'name="datenschutz"' not in page
    response = client.post(form_url(event), form_data(site))
    assert response.status_code == 409 and not Anmeldung.objects.exists()


# ------------------------------------------------------------------ the letter


def test_the_letter_gives_date_place_stand_link_and_phone(
    client, staff, event, site, phone, tmp_path
):
    event.kontakt_name = "Erika Koordinatorin"
    event.kontakt_telefon = CONTACT_PHONE
    event.save()
    site.raum = "Saal 2"
    site.stufenlos = True
    site.save()
    anmeldung = phone(site)
    client.force_login(staff)
    response = client.get(brief_url(anmeldung))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    flat = " ".join(text.split())
    assert WHEN in flat
    assert f"Ihre Anmeldung: {event.title}" in flat
    assert "Gerda Anrufer" in text and "Lindenstraße 3" in text and "18273 Güstrow" in text
    assert "Kreisverwaltung Güstrow" in text and "Saal 2" in text
    assert "stufenlos erreichbar" in text
    assert "Ihr Platz ist fest gebucht." in flat
    assert CONTACT_PHONE in text
    assert anmeldung.token in text.replace("\n", "").replace(" ", "")
    entry = AuditEntry.objects.get(what="Bestätigungsbrief (PDF)")
    assert entry.user == staff and "Gerda" not in entry.object_label


def test_the_letter_of_a_waiting_online_caller_gives_place_in_line_not_the_join_link(
    client, staff, event, online, phone, register, tmp_path
):
    online.kapazitaet = 1
    online.save()
    register(online)
    anmeldung = phone(online, email="gerda@example.org", waitlist_ok=True)
    client.force_login(staff)
    text = pdf_text(client.get(brief_url(anmeldung)).content, tmp_path)
    flat = " ".join(text.split())
    assert "Warteliste, Platz 1" in flat
    assert "online (Videokonferenz)" in flat
    assert "Mittwoch, 26. Mai 2027 per E-Mail" in flat  # the day before
    assert online.zugangslink not in text


def test_the_letter_of_a_cancelled_registration_is_404(client, staff, event, site, phone):
    anmeldung = services.cancel(anmeldung=phone(site))
    client.force_login(staff)
    assert client.get(brief_url(anmeldung)).status_code == 404


# ------------------------------------------------------------------ lists show the channel


def test_registrations_page_shows_the_channel(client, staff, event, site, phone, register):
    services.confirm(anmeldung=register(site, name="Olga Online"))
    caller = phone(site)
    client.force_login(staff)
    page = client.get(reverse("events:staff_event", kwargs={"pk": event.pk})).content.decode()
    assert "Anmeldeweg" in page
    olga = page.index("Olga Online")
    gerda = page.index("Gerda Anrufer")
    assert "per Telefon" in page[gerda : gerda + 1500]
    assert ">online<" in page[olga : olga + 1500].replace("\n", "").replace(" ", "")
    assert brief_url(caller) in page


def test_participant_list_pdf_shows_the_channel(
    client, staff, event, site, phone, register, tmp_path
):
    services.confirm(anmeldung=register(site, name="Olga Online"))
    phone(site)
    client.force_login(staff)
    response = client.get(reverse("events:staff_pdf", kwargs={"pk": event.pk, "option": site.pk}))
    lines = pdf_text(response.content, tmp_path).splitlines()
    assert any("Anmeldeweg" in line for line in lines)
    assert any("Gerda Anrufer" in line and "per Telefon" in line for line in lines)
    assert any("Olga Online" in line and "online" in line for line in lines)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_shows_the_channel(client, staff, event, site, phone, register, fmt):
    register(site, name="Olga Online")
    phone(site, name="=HYPERLINK(1)")
    client.force_login(staff)
    response = client.get(reverse("events:staff_export", kwargs={"pk": event.pk, "fmt": fmt}))
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    else:
        rows = read_xlsx(response.content)
    column = rows[0].index("Anmeldeweg")
    name = rows[0].index("Name")
    channels = {row[name]: row[column] for row in rows[1:]}
    assert channels["Olga Online"] == "online"
    # Formula-safe as every export: the name stays text.
    assert channels.get("'=HYPERLINK(1)", channels.get("=HYPERLINK(1)")) == "per Telefon"
    if fmt == "csv":
        assert "'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


# ------------------------------------------------------------------ who may


@pytest.mark.parametrize("which", ["form", "letter"])
def test_others_cannot_open_the_form_or_the_letter(client, event, site, phone, which):
    anmeldung = phone(site)
    url = form_url(event) if which == "form" else brief_url(anmeldung)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("konto:login"))
    client.force_login(koordination_user(VeranstaltungFactory().kommune, username="fremd"))
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(site, submission_key="")).status_code in {404, 405}
    client.force_login(User.objects.create_user("besucher", password="x" * 16, is_staff=True))
    assert client.get(url).status_code == 404
    assert Anmeldung.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_the_letter_of_another_events_registration_is_404(client, staff, event, site, phone):
    other = VeranstaltungFactory(kommune=event.kommune)
    anmeldung = phone(site)
    client.force_login(staff)
    url = reverse("events:staff_brief", kwargs={"pk": other.pk, "anmeldung": anmeldung.pk})
    assert client.get(url).status_code == 404
