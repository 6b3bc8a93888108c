"""The coordination's pages on the evening (issue #13): German order, the door list, the
phone number, check-in that keeps the site, a message with preview, the questions and ideas."""

import csv
import io
import subprocess
import threading

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.message_views import PREVIEW_MAX_AGE, message_recipients
from events.models import Nachricht
from tests.factories import TeilnahmeoptionFactory, VeranstaltungFactory, koordination_user
from zwk_portal.collation import german_sort_key
from zwk_portal.exports import read_xlsx
from zwk_portal.models import AuditEntry

pytestmark = pytest.mark.django_db

# Unsorted on purpose; byte order would put Ärger, Özdemir and Übel after Zander.
GERMAN_NAMES = ["Zander", "Übel", "Anna", "Özdemir", "Bert", "Ärger", "Ulf", "Oskar"]
GERMAN_ORDER = ["Anna", "Ärger", "Bert", "Oskar", "Özdemir", "Übel", "Ulf", "Zander"]


def in_order(text: str, names: list[str]) -> bool:
    positions = [text.index(name) for name in names]
    return positions == sorted(positions)


@pytest.fixture
def hall(event):
    """A site with room for a long list."""
    return TeilnahmeoptionFactory(veranstaltung=event, name="Rathaus Teterow", kapazitaet=200)


@pytest.fixture
def confirmed(register):
    def _confirmed(option, **kwargs):
        return services.confirm(anmeldung=register(option, **kwargs))

    return _confirmed


# ------------------------------------------------------------------ German order


def test_german_sort_key_puts_umlauts_with_their_vowels_and_ignores_case():
    names = [*GERMAN_NAMES, "apfel", "Weiß", "Weiss", "Weise", "Mueller", "Müller", "Muller"]
    assert sorted(names, key=german_sort_key) == [
        "Anna",
        "apfel",
        "Ärger",
        "Bert",
        "Mueller",
        "Muller",
        "Müller",
        "Oskar",
        "Özdemir",
        "Übel",
        "Ulf",
        "Weise",
        "Weiss",
        "Weiß",
        "Zander",
    ]


def test_german_sort_key_is_total_for_names_equal_but_for_umlaut_or_case():
    assert sorted(["Äpfel", "apfel", "Apfel"], key=german_sort_key) == ["Apfel", "apfel", "Äpfel"]
    assert german_sort_key(None) == german_sort_key("") == german_sort_key("  ")


# ------------------------------------------------------------------ participant list PDF


def pdf_pages(content: bytes, tmp_path) -> list[str]:
    pdf = tmp_path / "liste.pdf"
    pdf.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_participant_pdf_names_event_date_and_site_on_every_page_and_sorts_german(
    client, staff, event, hall, confirmed, tmp_path
):
    for name in GERMAN_NAMES:
        confirmed(hall, name=name)
    for n in range(40):
        confirmed(hall, name=f"Teilnehmer {n:02d}")
    client.force_login(staff)
    response = client.get(reverse("events:staff_pdf", kwargs={"pk": event.pk, "option": hall.pk}))
    assert response.status_code == 200
    pages = pdf_pages(response.content, tmp_path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert event.title in page, f"page {number} does not name the event"
        assert "27.05.2027" in page, f"page {number} does not give the date"
        assert "Rathaus Teterow" in page, f"page {number} does not name the site"
        assert f"Seite {number} von {len(pages)}" in page
    assert in_order("".join(pages), GERMAN_ORDER)


def test_door_list_shows_needs_marked_as_health_data(
    client, staff, event, hall, confirmed, tmp_path
):
    confirmed(hall, name="Erika Mustermann", barrierefreiheit="Rollstuhlplatz")
    confirmed(hall, name="Max Mustermann")
    client.force_login(staff)
    response = client.get(reverse("events:staff_pdf", kwargs={"pk": event.pk, "option": hall.pk}))
    text = "\n".join(pdf_pages(response.content, tmp_path))
    assert "Unterstützungsbedarf" in text and "Art. 9 DSGVO" in text
    erika = next(line for line in text.splitlines() if "Erika Mustermann" in line)
    assert "Rollstuhlplatz" in erika
    assert "1 Person mit Unterstützungsbedarf" in text


# ------------------------------------------------------------------ staff event page


def test_staff_event_page_shows_phone_next_to_name_and_email(client, staff, event, hall, confirmed):
    confirmed(hall, name="Erika Mustermann", telefon="0381 / 12 34-5")
    client.force_login(staff)
    html = client.get(reverse("events:staff_event", kwargs={"pk": event.pk})).content.decode()
    assert ">Telefon</th>" in html
    assert '<a class="kern-link" href="tel:038112345">0381 / 12 34-5</a>' in html
    row = html[html.index("Erika Mustermann") :]
    assert row.index("person") < row.index("0381 / 12 34-5")  # after the e-mail


def test_staff_event_page_lists_seats_german_and_waitlist_in_arrival_order(
    client, staff, event, register, confirmed
):
    small = TeilnahmeoptionFactory(veranstaltung=event, name="Gemeindehaus", kapazitaet=8)
    for name in GERMAN_NAMES:
        confirmed(small, name=name)
    for name in ["Zora", "Ännchen", "Bodo"]:
        confirmed(small, name=name, waitlist_ok=True)
    client.force_login(staff)
    html = client.get(reverse("events:staff_event", kwargs={"pk": event.pk})).content.decode()
    seats, waitlist = html.split("Warteliste (in dieser Reihenfolge)")
    assert in_order(seats, GERMAN_ORDER)
    assert in_order(waitlist, ["Zora", "Ännchen", "Bodo"])


def test_staff_export_sorts_names_german(client, staff, event, hall, confirmed):
    for name in GERMAN_NAMES:
        confirmed(hall, name=name)
    client.force_login(staff)
    content = client.get(
        reverse("events:staff_export", kwargs={"pk": event.pk, "fmt": "csv"})
    ).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    assert [row["Name"] for row in rows] == GERMAN_ORDER


# ------------------------------------------------------------------ check-in


def test_check_in_returns_to_the_chosen_site_and_search(client, staff, event, hall, confirmed):
    anmeldung = confirmed(hall, name="Erika Mustermann")
    client.force_login(staff)
    url = reverse("events:staff_checkin", kwargs={"pk": event.pk})
    page = client.get(url, {"option": hall.pk, "q": "erika"}).content.decode()
    assert f'<input type="hidden" name="option" value="{hall.pk}">' in page

    response = client.post(
        url, {"anmeldung": anmeldung.pk, "present": "1", "q": "erika", "option": hall.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?option={hall.pk}&q=erika"
    page = client.get(response["Location"]).content.decode()
    assert f'<option value="{hall.pk}" selected>Rathaus Teterow</option>' in page
    anmeldung.refresh_from_db()
    assert anmeldung.checked_in_at is not None


def test_check_in_with_site_only_keeps_the_site(client, staff, event, hall, confirmed):
    anmeldung = confirmed(hall, name="Erika Mustermann")
    client.force_login(staff)
    url = reverse("events:staff_checkin", kwargs={"pk": event.pk})
    response = client.post(url, {"anmeldung": anmeldung.pk, "present": "1", "option": hall.pk})
    assert response["Location"] == f"{url}?option={hall.pk}"
    response = client.post(url, {"anmeldung": anmeldung.pk, "present": "0", "option": "x"})
    assert response["Location"] == url


def test_check_in_page_sorts_german_and_shows_needs(client, staff, event, hall, confirmed):
    for name in GERMAN_NAMES:
        confirmed(hall, name=name)
    confirmed(hall, name="Erika Mustermann", barrierefreiheit="Rollstuhlplatz")
    client.force_login(staff)
    page = client.get(reverse("events:staff_checkin", kwargs={"pk": event.pk})).content.decode()
    assert in_order(page, GERMAN_ORDER)
    erika = page[page.index("Erika Mustermann") :]
    assert erika.index("Rollstuhlplatz") < erika.index("</li>")
    assert "Art. 9 DSGVO" in page


# ------------------------------------------------------------------ Nachricht an alle


@pytest.fixture
def message_url(event):
    return reverse("events:staff_message", kwargs={"pk": event.pk})


@pytest.fixture
def audience(event, hall, site, register, confirmed):
    """Three who get the message (two at the hall, one at the site), four who don't."""
    confirmed(hall, name="Bert")
    confirmed(hall, name="Ärger")
    confirmed(site, name="Cora")
    register(hall, name="Unbestätigt")
    services.cancel(anmeldung=confirmed(hall, name="Storniert"))
    confirmed(site, name="Dora")
    confirmed(site, name="Wartende", waitlist_ok=True)  # the site holds two
    other = TeilnahmeoptionFactory(veranstaltung=VeranstaltungFactory(kommune=event.kommune))
    confirmed(other, name="Andere Veranstaltung")


def preview(client, url, **data):
    data = {"betreff": "Parkplätze", "text": "Bitte am Hintereingang parken.", **data}
    return client.post(url, {"action": "preview", **data})


def token_of(response_or_html) -> str:
    html = response_or_html
    if not isinstance(html, str):
        html = response_or_html.content.decode()
    start = html.index('name="vorschau" value="') + len('name="vorschau" value="')
    return html[start : html.index('"', start)]


def test_message_shows_a_preview_with_recipient_count_and_sends_nothing(
    client, staff, message_url, audience, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = preview(client, message_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nachricht prüfen" in html
    assert "alle bestätigten Teilnehmenden mit Platz" in html and "4 Personen" in html
    assert "Parkplätze" in html and "Bitte am Hintereingang parken." in html
    assert "Jetzt senden" in html and "Ändern" in html
    assert in_order(html, ["Ärger", "Bert", "Cora", "Dora"])
    assert "Wartende" not in html and "Unbestätigt" not in html and "Storniert" not in html
    assert mailoutbox == [] and not Nachricht.objects.exists()


def test_preview_for_one_option_names_it_and_counts_only_its_people(
    client, staff, message_url, hall, audience
):
    client.force_login(staff)
    html = preview(client, message_url, option=hall.pk).content.decode()
    assert "„Rathaus Teterow“" in html and "2 Personen" in html


def test_reloading_the_preview_sends_nothing(
    client, staff, message_url, audience, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert preview(client, message_url).status_code == 200
    assert mailoutbox == [] and not Nachricht.objects.exists()


def test_send_after_preview_sends_once_even_when_clicked_twice(
    client, staff, event, message_url, audience, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    token = token_of(preview(client, message_url))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(message_url, {"action": "send", "vorschau": token})
        second = client.post(message_url, {"action": "send", "vorschau": token})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("events:staff_event", kwargs={"pk": event.pk})
    nachricht = Nachricht.objects.get()
    assert (nachricht.betreff, nachricht.empfaenger, nachricht.sent_by) == ("Parkplätze", 4, staff)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        a.email for a in message_recipients(event, None)
    )
    assert [m.subject for m in mailoutbox] == ["Parkplätze"] * 4
    page = client.get(second["Location"]).content.decode()
    assert "geht nicht noch einmal hinaus" in page


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_send_once(staff, message_url, audience, mailoutbox):
    """Two requests with the same preview race for real, each on its own connection."""
    clients = [Client(), Client()]
    for c in clients:
        c.force_login(staff)
    token = token_of(preview(clients[0], message_url))
    mailoutbox.clear()
    barrier = threading.Barrier(2)
    answers = []

    def click(c):
        try:
            barrier.wait()
            answers.append(c.post(message_url, {"action": "send", "vorschau": token}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302]
    assert Nachricht.objects.count() == 1
    assert len(mailoutbox) == 4


def test_a_new_preview_of_the_same_message_may_be_sent_again(
    client, staff, message_url, audience, clock
):
    client.force_login(staff)
    client.post(message_url, {"action": "send", "vorschau": token_of(preview(client, message_url))})
    clock.advance(minutes=5)
    client.post(message_url, {"action": "send", "vorschau": token_of(preview(client, message_url))})
    assert Nachricht.objects.count() == 2


@pytest.mark.parametrize("option", [None, "hall", "site"])
def test_preview_counts_exactly_whom_the_service_writes_to(
    request, client, staff, event, message_url, audience, option
):
    option = request.getfixturevalue(option) if option else None
    client.force_login(staff)
    html = preview(client, message_url, option=option.pk if option else "").content.decode()
    count = len(message_recipients(event, option))
    assert f"{count} Person" in html
    client.post(message_url, {"action": "send", "vorschau": token_of(html)})
    assert Nachricht.objects.get().empfaenger == count


def test_change_returns_to_the_form_with_the_text(client, staff, message_url, audience, hall):
    client.force_login(staff)
    token = token_of(preview(client, message_url, option=hall.pk))
    response = client.post(message_url, {"action": "edit", "vorschau": token})
    html = response.content.decode()
    assert response.status_code == 200 and "Vorschau ansehen" in html
    assert 'value="Parkplätze"' in html and "Bitte am Hintereingang parken.</textarea>" in html
    assert f'<option value="{hall.pk}" selected>' in html
    assert not Nachricht.objects.exists()


def test_send_without_a_valid_preview_sends_nothing(client, staff, event, message_url, audience):
    client.force_login(staff)
    forged = signing.dumps(
        {"event": event.pk, "option": None, "betreff": "X", "text": "Y", "at": "2027-05-20"},
        salt="falsch",
    )
    for data in (
        {"action": "send"},
        {"action": "send", "vorschau": "kaputt"},
        {"action": "send", "vorschau": forged},
        {"action": "send", "betreff": "Direkt", "text": "ohne Vorschau"},
    ):
        response = client.post(message_url, data)
        assert response.status_code == 302 and response["Location"] == message_url
    assert not Nachricht.objects.exists()


def test_an_old_preview_is_not_sent(client, staff, message_url, audience, monkeypatch):
    client.force_login(staff)
    token = token_of(preview(client, message_url))
    assert PREVIEW_MAX_AGE >= 60 * 60  # an hour at the least, for a careful reading
    monkeypatch.setattr("events.message_views.PREVIEW_MAX_AGE", -1)
    response = client.post(message_url, {"action": "send", "vorschau": token})
    assert response["Location"] == message_url
    assert not Nachricht.objects.exists()


def test_a_preview_of_another_event_is_not_sent_here(client, staff, event, message_url, audience):
    other = VeranstaltungFactory(kommune=event.kommune)
    TeilnahmeoptionFactory(veranstaltung=other)
    client.force_login(staff)
    token = token_of(preview(client, reverse("events:staff_message", kwargs={"pk": other.pk})))
    response = client.post(message_url, {"action": "send", "vorschau": token})
    assert response["Location"] == message_url
    assert not Nachricht.objects.exists()


def test_message_form_errors_are_shown_and_nothing_is_previewed(client, staff, message_url):
    client.force_login(staff)
    response = client.post(message_url, {"action": "preview", "betreff": "", "text": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "Bitte geben Sie einen Betreff an." in html
    assert "Jetzt senden" not in html


# ------------------------------------------------------------------ Fragen und Ideen


@pytest.fixture
def questions(event, hall, site, register, confirmed):
    confirmed(hall, name="Zander", frage="Gibt es Rufbusse am Wochenende?")
    confirmed(hall, name="Ärger", frage="Idee: Mitfahrbank am Markt")
    confirmed(hall, name="Ohne Frage")
    confirmed(site, name="Özdemir", frage="Wie kommen Schüler nach Laage?")
    confirmed(site, name="Dora")
    confirmed(site, name="Wartende", waitlist_ok=True, frage="Frage von der Warteliste")
    register(hall, name="Unbestätigt", frage="Frage ohne Bestätigung")
    services.cancel(anmeldung=confirmed(hall, name="Storniert", frage="Frage, dann storniert"))


def test_questions_page_groups_by_option_sorted_german(client, staff, event, questions):
    client.force_login(staff)
    response = client.get(reverse("events:staff_fragen", kwargs={"pk": event.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    hall_part, site_part = html.split("Kreisverwaltung Güstrow</h2>")
    assert "Rathaus Teterow</h2>" in hall_part
    assert in_order(hall_part, ["Ärger", "Idee: Mitfahrbank", "Zander", "Rufbusse"])
    assert in_order(site_part, ["Özdemir", "Schüler nach Laage", "Wartende"])
    assert "Frage von der Warteliste" in site_part
    for absent in ("Ohne Frage", "Unbestätigt", "Storniert", "Dora"):
        assert absent not in html
    assert "4 Fragen und Ideen" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_questions_export_in_german_spreadsheet_formats_is_logged(
    client, staff, event, questions, fmt
):
    client.force_login(staff)
    response = client.get(
        reverse("events:staff_fragen_export", kwargs={"pk": event.pk, "fmt": fmt})
    )
    assert response.status_code == 200
    if fmt == "csv":
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    else:
        rows = read_xlsx(response.content)
    assert rows[0] == [
        "Teilnahmeoption",
        "Name",
        "Gemeinde / Organisation",
        "Stand",
        "Frage oder Idee",
    ]
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("Rathaus Teterow", "Ärger"),
        ("Rathaus Teterow", "Zander"),
        ("Kreisverwaltung Güstrow", "Özdemir"),
        ("Kreisverwaltung Güstrow", "Wartende"),
    ]
    assert rows[4][3] == "auf der Warteliste"
    entry = AuditEntry.objects.get(what=f"Fragen und Ideen als {fmt.upper()}")
    assert entry.user == staff and entry.kommune_id == event.kommune_id


def test_questions_export_guards_against_formulas(client, staff, event, hall, confirmed):
    confirmed(hall, name="Eva", frage='=HYPERLINK("http://x.invalid";"Klick")')
    client.force_login(staff)
    content = client.get(
        reverse("events:staff_fragen_export", kwargs={"pk": event.pk, "fmt": "csv"})
    ).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in content


def test_questions_export_of_unknown_format_is_404(client, staff, event):
    client.force_login(staff)
    url = reverse("events:staff_fragen_export", kwargs={"pk": event.pk, "fmt": "pdf"})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["events:staff_fragen", "events:staff_fragen_export"])
def test_questions_are_hidden_from_others(client, event, questions, name):
    kwargs = {"pk": event.pk} | ({"fmt": "csv"} if name.endswith("export") else {})
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("konto:login"))
    client.force_login(User.objects.create_user("besucher", password="x" * 16, is_staff=True))
    assert client.get(url).status_code == 404
    client.force_login(koordination_user(VeranstaltungFactory().kommune, username="fremd"))
    assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(what__startswith="Fragen und Ideen").exists()


def test_questions_page_without_any(client, staff, event, hall):
    client.force_login(staff)
    html = client.get(reverse("events:staff_fragen", kwargs={"pk": event.pk})).content.decode()
    assert "Keine Fragen oder Ideen." in html and "0 Fragen und Ideen" in html


# ------------------------------------------------------------------ queries


@pytest.mark.parametrize(
    "page", ["events:staff_event", "events:staff_fragen", "events:staff_checkin"]
)
def test_staff_pages_read_a_fixed_number_of_queries_however_many_registrants(
    client, staff, event, hall, confirmed, page
):
    """No query per registrant (N+1): 3 and 30 people cost the same."""
    url = reverse(page, kwargs={"pk": event.pk})
    client.force_login(staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for i in range(3):
        confirmed(hall, name=f"Person {i}", frage=f"Frage {i}")
    few = queries()
    for i in range(3, 30):
        confirmed(hall, name=f"Person {i}", frage=f"Frage {i}")
    assert queries() == few
