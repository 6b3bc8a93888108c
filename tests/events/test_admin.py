"""The events admin: options without JavaScript, no published event without a bookable
option, and status changes only by the explicit steps of events.status."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services, status
from events.admin import VeranstaltungAdmin
from events.models import Teilnahmeoption, Veranstaltung, Verlauf
from tests.factories import (
    KommuneFactory,
    OnlineOptionFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    koordination_user,
)
from tests.html_forms import FormData

pytestmark = pytest.mark.django_db

S = Veranstaltung.Status
ADD = reverse("admin:events_veranstaltung_add")
LIST = reverse("admin:events_veranstaltung_changelist")
NOT_BOOKABLE = (
    "Eine Veranstaltung kann erst veröffentlicht werden, wenn sie mindestens eine "
    "Teilnahmeoption mit Plätzen hat."
)


def change_url(event) -> str:
    return reverse("admin:events_veranstaltung_change", args=[event.pk])


@pytest.fixture
def coordinator(client, event, settings):
    settings.ZWK_REQUIRE_2FA = False
    client.force_login(koordination_user(event.kommune, username="koordination-admin"))
    return client


def form_of(client, url) -> dict[str, list[str]]:
    """What the browser would post from the admin page at `url`, as it is."""
    response = client.get(url)
    assert response.status_code == 200
    return FormData(response.content.decode()).data


def post(client, url, data: dict, button: str = "_save", **changes):
    """Post the form with `changes` (field name: value) as if `button` were pressed."""
    data = {**data, **{name: [value] for name, value in changes.items()}, button: ["x"]}
    return client.post(url, data)


def new_event(client, kommune, **changes):
    """The add page, filled in like a coordinator would for a hybrid event."""
    data = form_of(client, ADD)
    fields = {
        "kommune": str(kommune.pk),
        "title": "Bürgerdialog Mobilität",
        "slug": "buergerdialog-mobilitaet",
        "beginn_0": "27.05.2027",
        "beginn_1": "18:00",
        "ende_0": "27.05.2027",
        "ende_1": "20:00",
        "format": "hybrid",
    }
    return {**data, **{k: [v] for k, v in fields.items()}, **changes}


def with_options(data, *options: dict) -> dict:
    data = dict(data)
    for i, option in enumerate(options):
        for name, value in option.items():
            data[f"optionen-{i}-{name}"] = [str(value)]
    return data


GUESTROW = {"art": "vor_ort", "name": "Kreisverwaltung Güstrow", "kapazitaet": 40}
DOBERAN = {"art": "vor_ort", "name": "Bad Doberan", "kapazitaet": 25}
ONLINE = {"art": "online", "name": "Online", "kapazitaet": ""}


def confirmed(option, email):
    anmeldung = services.register(option=option, name="Anna Beispiel", email=email)
    return services.confirm(anmeldung=anmeldung)


# -- options without JavaScript ----------------------------------------------------------


def test_new_event_offers_three_blank_options_and_one_more_once_it_has_some(coordinator, event):
    assert form_of(coordinator, ADD)["optionen-TOTAL_FORMS"] == ["3"]
    draft = VeranstaltungFactory(kommune=event.kommune, status=S.ENTWURF)
    assert form_of(coordinator, change_url(draft))["optionen-TOTAL_FORMS"] == ["3"]
    TeilnahmeoptionFactory(veranstaltung=draft)
    assert form_of(coordinator, change_url(draft))["optionen-TOTAL_FORMS"] == ["2"]  # 1 + 1


def test_coordinator_saves_two_sites_and_online_in_one_go_as_a_draft(
    coordinator, event, mailoutbox
):
    data = with_options(new_event(coordinator, event.kommune), GUESTROW, DOBERAN, ONLINE)
    response = post(coordinator, ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Veranstaltung.objects.get(slug="buergerdialog-mobilitaet")
    assert created.status == S.ENTWURF
    assert sorted(created.optionen.values_list("name", "kapazitaet")) == [
        ("Bad Doberan", 25),
        ("Kreisverwaltung Güstrow", 40),
        ("Online", None),
    ]
    assert not mailoutbox


def test_a_site_without_places_is_refused_in_german(coordinator, event):
    site = {**GUESTROW, "kapazitaet": ""}
    response = post(coordinator, ADD, with_options(new_event(coordinator, event.kommune), site))
    assert response.status_code == 200
    assert "Bitte geben Sie die Zahl der Plätze an" in response.content.decode()
    assert not Veranstaltung.objects.filter(slug="buergerdialog-mobilitaet").exists()


# -- publishing needs a bookable option --------------------------------------------------


def test_publish_button_on_the_add_page_saves_the_options_and_publishes(coordinator, event):
    data = with_options(new_event(coordinator, event.kommune), GUESTROW, DOBERAN, ONLINE)
    response = post(coordinator, ADD, data, "_schritt_veroeffentlichen")
    created = Veranstaltung.objects.get(slug="buergerdialog-mobilitaet")
    assert response.status_code == 302 and response["Location"] == change_url(created)
    assert created.status == S.VEROEFFENTLICHT
    assert created.optionen.count() == 3
    assert LogEntry.objects.filter(object_id=str(created.pk), change_message__contains="Veröff")


def test_publishing_without_options_is_refused_next_to_the_status_and_on_top(coordinator, event):
    draft = VeranstaltungFactory(kommune=event.kommune, status=S.ENTWURF)
    response = post(
        coordinator,
        change_url(draft),
        form_of(coordinator, change_url(draft)),
        "_schritt_veroeffentlichen",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(NOT_BOOKABLE) == 3  # the summary, the status, the options
    summary = page.split('class="errornote"')[1].split("</fieldset>")[0]
    assert NOT_BOOKABLE in summary
    status_row = page.split('class="form-row errors field-status')[1].split("</fieldset>")[0]
    assert NOT_BOOKABLE in status_row
    draft.refresh_from_db()
    assert draft.status == S.ENTWURF


def test_publishing_on_the_add_page_without_options_creates_nothing(coordinator, event):
    response = post(
        coordinator, ADD, new_event(coordinator, event.kommune), "_schritt_veroeffentlichen"
    )
    assert response.status_code == 200
    assert NOT_BOOKABLE in response.content.decode()
    assert not Veranstaltung.objects.filter(slug="buergerdialog-mobilitaet").exists()


@pytest.mark.parametrize(
    ("option", "bookable"),
    [
        ({**GUESTROW, "kapazitaet": 0}, False),
        ({**GUESTROW, "kapazitaet": 1}, True),
        (ONLINE, True),  # online without a limit
        ({**ONLINE, "kapazitaet": 0}, False),
    ],
)
def test_an_option_is_bookable_with_places_or_online_without_limit(
    coordinator, event, option, bookable
):
    data = with_options(new_event(coordinator, event.kommune), option)
    response = post(coordinator, ADD, data, "_schritt_veroeffentlichen")
    assert (response.status_code == 302) is bookable
    assert (NOT_BOOKABLE in response.content.decode()) is not bookable


def test_a_deleted_option_does_not_count(coordinator, event):
    draft = VeranstaltungFactory(kommune=event.kommune, status=S.ENTWURF)
    TeilnahmeoptionFactory(veranstaltung=draft)
    data = form_of(coordinator, change_url(draft))
    response = post(
        coordinator,
        change_url(draft),
        data,
        "_schritt_veroeffentlichen",
        **{"optionen-0-DELETE": "on"},
    )
    assert NOT_BOOKABLE in response.content.decode()
    assert draft.optionen.count() == 1
    draft.refresh_from_db()
    assert draft.status == S.ENTWURF


def test_a_published_event_cannot_lose_its_last_bookable_option_by_saving(coordinator, event, site):
    data = form_of(coordinator, change_url(event))
    response = post(coordinator, change_url(event), data, **{"optionen-0-DELETE": "on"})
    assert response.status_code == 200
    assert NOT_BOOKABLE in response.content.decode()
    assert event.optionen.count() == 1


def test_the_guard_of_the_step_reads_the_saved_options(event):
    draft = VeranstaltungFactory(kommune=event.kommune, status=S.ENTWURF)
    TeilnahmeoptionFactory(veranstaltung=draft, kapazitaet=0)
    with pytest.raises(status.StepRefused, match="mindestens eine Teilnahmeoption mit Plätzen"):
        status.take(veranstaltung=draft, step="veroeffentlichen")
    OnlineOptionFactory(veranstaltung=draft)
    assert status.take(veranstaltung=draft, step="veroeffentlichen") == 0
    draft.refresh_from_db()
    assert draft.status == S.VEROEFFENTLICHT


# -- a plain save changes no status and sends no mail ------------------------------------


def test_saving_never_changes_the_status_even_if_the_post_says_so(
    coordinator, event, site, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed(site, "anna@example.org")
    mailoutbox.clear()
    data = form_of(coordinator, change_url(event))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(coordinator, change_url(event), data, status="abgesagt", title="Neu")
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.status) == ("Neu", S.VEROEFFENTLICHT)
    assert not mailoutbox


def test_a_published_event_moves_only_by_the_move_button(coordinator, event, site):
    data = form_of(coordinator, change_url(event))
    response = post(coordinator, change_url(event), data, beginn_1="19:00")
    assert response.status_code == 200
    assert "„Verschieben (Teilnehmende benachrichtigen)“" in response.content.decode()
    before = event.beginn
    event.refresh_from_db()
    assert event.beginn == before


def test_draft_dates_change_by_saving(coordinator, event):
    draft = VeranstaltungFactory(kommune=event.kommune, status=S.ENTWURF)
    data = form_of(coordinator, change_url(draft))
    assert post(coordinator, change_url(draft), data, beginn_1="19:00").status_code == 302
    draft.refresh_from_db()
    assert draft.beginn.hour == 17  # 19:00 in Berlin is 17:00 UTC


# -- the steps as buttons ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "buttons"),
    [
        (S.ENTWURF, ["veroeffentlichen"]),
        (S.VEROEFFENTLICHT, ["verschieben", "absagen"]),
        (S.ABGESAGT, ["wieder_oeffnen"]),
    ],
)
def test_the_page_shows_the_buttons_of_the_table_for_the_status(coordinator, event, state, buttons):
    event.status = state
    event.save()
    page = coordinator.get(change_url(event)).content.decode()
    shown = [s.name for s in status.STEPS if f'name="_schritt_{s.name}"' in page]
    assert shown == buttons


def test_move_tells_the_participants_the_new_date_and_the_note(
    coordinator, event, site, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed(site, "anna@example.org")
    mailoutbox.clear()
    data = form_of(coordinator, change_url(event))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            coordinator,
            change_url(event),
            data,
            "_schritt_verschieben",
            beginn_0="03.06.2027",
            ende_0="03.06.2027",
            nachricht="Der Saal ist am 27. Mai belegt.",
        )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.beginn.day == 3 and event.status == S.VEROEFFENTLICHT
    [mail] = mailoutbox
    assert "Neuer Termin: Donnerstag, 3. Juni 2027, 18:00–20:00 Uhr." in mail.body
    assert "Der Saal ist am 27. Mai belegt." in mail.body
    messages = [str(m) for m in coordinator.get(change_url(event)).context["messages"]]
    assert messages == ["Neuer Termin an 1 Teilnehmende geschickt."]


def test_move_without_a_new_date_is_refused(coordinator, event, site, mailoutbox):
    data = form_of(coordinator, change_url(event))
    response = post(coordinator, change_url(event), data, "_schritt_verschieben")
    assert response.status_code == 200
    assert "ändern Sie bitte zuerst Beginn oder Ende" in response.content.decode()


def test_cancel_button_calls_the_event_off_and_tells_everyone(
    coordinator, event, site, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed(site, "anna@example.org")
    mailoutbox.clear()
    data = form_of(coordinator, change_url(event))
    with django_capture_on_commit_callbacks(execute=True):
        post(coordinator, change_url(event), data, "_schritt_absagen", nachricht="Sturmwarnung")
    event.refresh_from_db()
    assert event.status == S.ABGESAGT
    [mail] = mailoutbox
    assert "Abgesagt" in mail.subject and "Sturmwarnung" in mail.body


def test_reopen_publishes_again_and_tells_the_participants(
    coordinator, event, site, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed(site, "anna@example.org")
    services.cancel_event(veranstaltung=event)
    mailoutbox.clear()
    data = form_of(coordinator, change_url(event))
    with django_capture_on_commit_callbacks(execute=True):
        post(coordinator, change_url(event), data, "_schritt_wieder_oeffnen")
    event.refresh_from_db()
    assert event.status == S.VEROEFFENTLICHT
    [mail] = mailoutbox
    assert "Die Veranstaltung findet doch statt." in mail.body
    ics = mail.attachments[0][1]
    assert "STATUS:CONFIRMED" in (ics.decode() if isinstance(ics, bytes) else ics)


def test_a_step_from_another_status_is_refused(coordinator, event, site, mailoutbox):
    draft = VeranstaltungFactory(kommune=event.kommune, status=S.ENTWURF)
    TeilnahmeoptionFactory(veranstaltung=draft)
    data = form_of(coordinator, change_url(draft))
    response = post(coordinator, change_url(draft), data, "_schritt_absagen")
    assert response.status_code == 200
    assert "„Absagen“ ist bei einer Veranstaltung im Status „Entwurf“ nicht möglich." in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.status == S.ENTWURF


def test_every_step_the_table_does_not_allow_is_refused(event, site):
    for step in status.STEPS:
        for state in set(S.values) - step.von:
            Veranstaltung.objects.filter(pk=event.pk).update(status=state)
            with pytest.raises(status.StepRefused):
                status.take(veranstaltung=event, step=step)
            event.refresh_from_db()
            assert event.status == state
    assert not Verlauf.objects.exists()  # a refused step leaves no trace in the history


def test_every_step_taken_is_a_row_of_the_events_history_shown_on_its_page(
    coordinator, event, site, register
):
    anmeldung = register(site)
    services.confirm(anmeldung=anmeldung)
    data = form_of(coordinator, change_url(event))
    post(coordinator, change_url(event), data, "_schritt_absagen", nachricht="Sturmwarnung.")
    data = form_of(coordinator, change_url(event))
    post(coordinator, change_url(event), data, "_schritt_wieder_oeffnen")
    cancelled, reopened = Verlauf.objects.filter(veranstaltung=event)
    assert (cancelled.schritt, cancelled.von, cancelled.nach) == (
        "absagen",
        S.VEROEFFENTLICHT,
        S.ABGESAGT,
    )
    assert cancelled.informiert == 1 and "Sturmwarnung." in cancelled.nachricht
    assert cancelled.durch.username == "koordination-admin"
    assert (reopened.von, reopened.nach) == (S.ABGESAGT, S.VEROEFFENTLICHT)
    html = coordinator.get(change_url(event)).content.decode()
    assert "Verlauf" in html and "Wieder öffnen" in html and "Sturmwarnung." in html


def test_a_coordinator_of_another_kommune_cannot_take_a_step(client, event, site, settings):
    settings.ZWK_REQUIRE_2FA = False
    client.force_login(koordination_user(KommuneFactory(), username="fremd"))
    response = client.post(change_url(event), {"_schritt_absagen": "x"})
    assert response.status_code in {302, 403, 404}
    event.refresh_from_db()
    assert event.status == S.VEROEFFENTLICHT


# -- the list action ---------------------------------------------------------------------


def test_cancel_list_action_takes_the_step_and_refuses_drafts(
    coordinator, event, site, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed(site, "anna@example.org")
    draft = VeranstaltungFactory(kommune=event.kommune, status=S.ENTWURF, title="Entwurf X")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            LIST,
            {"action": "cancel_event", "_selected_action": [event.pk, draft.pk]},
            follow=True,
        )
    event.refresh_from_db()
    draft.refresh_from_db()
    assert (event.status, draft.status) == (S.ABGESAGT, S.ENTWURF)
    assert len(mailoutbox) == 1
    messages = [str(m) for m in response.context["messages"]]
    assert f"{event}: Abgesagt; 1 Teilnehmende informiert." in messages
    assert (
        "Entwurf X: „Absagen“ ist bei einer Veranstaltung im Status „Entwurf“ nicht möglich."
        in (messages)
    )


# -- an option edited on its own ---------------------------------------------------------


def test_the_last_bookable_option_keeps_its_places_and_cannot_be_deleted(coordinator, event, site):
    url = reverse("admin:events_teilnahmeoption_change", args=[site.pk])
    response = post(coordinator, url, form_of(coordinator, url), kapazitaet="0")
    assert response.status_code == 200
    assert "braucht mindestens eine Teilnahmeoption mit Plätzen" in response.content.decode()
    delete = reverse("admin:events_teilnahmeoption_delete", args=[site.pk])
    coordinator.post(delete, {"post": "yes"})
    assert Teilnahmeoption.objects.filter(pk=site.pk).exists()
    other = OnlineOptionFactory(veranstaltung=event)
    assert post(coordinator, url, form_of(coordinator, url), kapazitaet="0").status_code == 302
    coordinator.post(
        reverse("admin:events_teilnahmeoption_delete", args=[other.pk]), {"post": "yes"}
    )
    assert Teilnahmeoption.objects.filter(pk=other.pk).exists()  # now the last bookable one


def test_cancel_list_action_skips_events_the_user_may_not_change(coordinator, event, monkeypatch):
    monkeypatch.setattr(
        VeranstaltungAdmin, "has_change_permission", lambda self, request, obj=None: obj is None
    )
    coordinator.post(LIST, {"action": "cancel_event", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.status == S.VEROEFFENTLICHT


@pytest.mark.parametrize(
    ("art", "kapazitaet", "bookable"),
    [
        ("vor_ort", 12, True),
        ("vor_ort", 0, False),
        ("vor_ort", None, False),  # not allowed anyway (teilnahmeoption_vor_ort_hat_plaetze)
        ("online", None, True),
        ("online", 0, False),
        (None, None, False),
    ],
)
def test_offers_places(art, kapazitaet, bookable):
    assert status.offers_places(art=art, kapazitaet=kapazitaet) is bookable


def test_the_history_on_the_event_page_reads_its_people_with_the_rows(coordinator, event, site):
    coordinator.get(change_url(event))  # the session's first page reads a little more
    counts = []
    for n in (2, 6):
        for i in range(n):
            Verlauf.objects.create(
                veranstaltung=event,
                schritt="verschieben",
                von=S.VEROEFFENTLICHT,
                nach=S.VEROEFFENTLICHT,
                durch=koordination_user(event.kommune, username=f"k-{n}-{i}"),
            )
        with CaptureQueriesContext(connection) as captured:
            assert coordinator.get(change_url(event)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]  # no query per row of the Verlauf
