import datetime
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from events import services as events_services
from events.models import Anmeldung, Idee, Rueckblick
from foerderung.models import Antrag, Dokument, Status, Verlauf, Widerspruch
from seiten import privacy
from seiten.models import Barrieremeldung
from tests.factories import (
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    koordination_user,
    platform_user,
)
from tests.foerderung.factories import AntragFactory, UserFactory, antrag_in, fachdienst_user
from zwk_portal.models import AuditEntry, LoginLink

EMAIL = "erika@example.org"


@pytest.fixture
def held(db):
    """Everything the portal may hold about one person."""
    now = timezone.now()
    future = VeranstaltungFactory(
        beginn=now + datetime.timedelta(days=10), ende=now + datetime.timedelta(days=10, hours=2)
    )
    past = VeranstaltungFactory(
        beginn=now - datetime.timedelta(days=3), ende=now - datetime.timedelta(days=3, hours=-2)
    )
    site = TeilnahmeoptionFactory(veranstaltung=future, kapazitaet=1)
    past_site = TeilnahmeoptionFactory(veranstaltung=past, kapazitaet=5)
    kommend = events_services.register(
        option=site, name="Erika Muster", email="Erika@Example.org", barrierefreiheit="Rollstuhl"
    )
    events_services.confirm(anmeldung=kommend)
    waiting = events_services.register(
        option=site, name="Max Warte", email="max@example.org", waitlist_ok=True
    )
    events_services.confirm(anmeldung=waiting)
    vergangen = events_services.register(
        option=past_site, name="Erika Muster", email=EMAIL, now=now - datetime.timedelta(days=5)
    )
    Barrieremeldung.objects.create(description="Kontrast", name="Erika", email=EMAIL)
    konto = UserFactory(username=EMAIL, email=EMAIL)
    entwurf = AntragFactory(antragsteller=konto, title="Entwurf Dorffest")
    Verlauf.objects.create(antrag=entwurf, von="", nach=Status.ENTWURF, durch=konto)
    eingereicht = antrag_in(Status.ENTSCHIEDEN, antragsteller=konto, title="Treffpunkt")
    Verlauf.objects.create(
        antrag=eingereicht, nach=Status.ENTSCHIEDEN, vermerk="INTERN: Onkel in der Jury"
    )
    bescheid = Dokument.objects.create(
        antrag=eingereicht, art=Dokument.Art.BESCHEID, sha256="0" * 64, datei="bescheid.pdf"
    )
    Widerspruch.objects.create(
        antrag=eingereicht,
        bescheid=bescheid,
        eingegangen_am=datetime.date(2026, 11, 20),
        inhalt="Das Fest gehört zum Projekt.",
        erfasst_von=konto,
    )
    LoginLink.objects.create(email=EMAIL, token_hash="a" * 64, expires_at=timezone.now())
    return {
        "kommend": kommend,
        "waiting": waiting,
        "vergangen": vergangen,
        "konto": konto,
        "entwurf": entwurf,
        "eingereicht": eingereicht,
    }


@pytest.mark.django_db
def test_export_contains_everything_held_about_the_address_and_no_secrets(held):
    data = json.loads(json.dumps(privacy.export("ERIKA@example.org"), default=str))
    assert {a["veranstaltung"] for a in data["veranstaltungen"]} == {
        held["kommend"].veranstaltung.title,
        held["vergangen"].veranstaltung.title,
    }
    assert data["veranstaltungen"][0]["barrierefreiheit"] == "Rollstuhl"
    assert data["veranstaltungen"][0]["datenschutz_version"]
    assert data["barrieremeldungen"][0]["description"] == "Kontrast"
    assert data["foerderung"]["konten"][0]["email"] == EMAIL
    titles = {a["title"] for a in data["foerderung"]["antraege"]}
    assert titles == {"Entwurf Dorffest", "Treffpunkt"}
    antrag = next(a for a in data["foerderung"]["antraege"] if a["title"] == "Treffpunkt")
    assert antrag["iban"] and antrag["kostenplan"]
    # The applicant's own objection is theirs; the administration's internal note is not given
    # out unchecked (Art. 15 Abs. 4 DSGVO).
    assert antrag["widersprueche"][0]["inhalt"] == "Das Fest gehört zum Projekt."
    assert "Onkel" not in json.dumps(data)
    assert len(data["foerderung"]["anmeldelinks"]) == 1
    text = json.dumps(data)
    for secret in ("token_hash", '"token"', "password", "submission_key"):
        assert secret not in text
    assert "max@example.org" not in text


@pytest.mark.django_db(transaction=True)
def test_delete_preview_changes_nothing_then_delete_removes_what_may_go(held, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    preview = privacy.delete(EMAIL)
    assert not preview.ausgefuehrt
    assert Anmeldung.objects.filter(email__iexact=EMAIL).count() == 2
    assert Antrag.objects.filter(pk=held["entwurf"].pk).exists()
    assert any("Entwurf Dorffest" in z for z in preview.geloescht)

    bericht = privacy.delete(EMAIL, execute=True)
    assert bericht.ausgefuehrt
    # Events: the future seat is freed and the waitlist moves up; both are anonymised.
    assert not Anmeldung.objects.filter(email__iexact=EMAIL).exists()
    kommend = Anmeldung.objects.get(pk=held["kommend"].pk)
    assert kommend.status == Anmeldung.Status.STORNIERT and kommend.anonymised_at
    assert kommend.name == "" and kommend.barrierefreiheit == ""
    assert Anmeldung.objects.get(pk=held["waiting"].pk).status == Anmeldung.Status.PLATZ
    assert Anmeldung.objects.get(pk=held["vergangen"].pk).anonymised_at
    # Barrier report: contact gone, the report stays without a person.
    meldung = Barrieremeldung.objects.get()
    assert meldung.email == "" and meldung.name == "" and meldung.description == "Kontrast"
    # Funding: the draft goes, the approved application and so the account stay, with reasons.
    assert not Antrag.objects.filter(pk=held["entwurf"].pk).exists()
    assert Antrag.objects.filter(pk=held["eingereicht"].pk).exists()
    assert User.objects.filter(pk=held["konto"].pk).exists()
    assert any("Haushaltsrecht" in z for z in bericht.behalten)
    assert any("Konto" in z for z in bericht.behalten)
    assert not LoginLink.objects.filter(email=EMAIL).exists()
    # A second run finds nothing more to delete.
    again = privacy.delete(EMAIL, execute=True)
    assert not any("Anmeldung" in z or "Entwurf" in z for z in again.geloescht)


@pytest.mark.django_db
def test_an_account_with_only_drafts_is_deleted():
    konto = UserFactory(username="nur-entwurf@example.org")
    AntragFactory(antragsteller=konto)
    bericht = privacy.delete("nur-entwurf@example.org", execute=True)
    assert not User.objects.filter(pk=konto.pk).exists()
    assert bericht.behalten == []


@pytest.mark.django_db
def test_staff_accounts_are_never_deleted(koordination):
    bericht = privacy.delete(koordination.email, execute=True)
    assert User.objects.filter(pk=koordination.pk).exists()
    assert "Verwaltung" in bericht.behalten[0]


@pytest.mark.django_db
def test_command_exports_json_and_deletes_only_with_confirm(held, capsys):
    call_command("personal_data", EMAIL, "--export")
    data = json.loads(capsys.readouterr().out)
    assert data["email"] == EMAIL
    call_command("personal_data", EMAIL, "--delete")
    out = capsys.readouterr().out
    assert "VORSCHAU" in out
    assert Antrag.objects.filter(pk=held["entwurf"].pk).exists()
    call_command("personal_data", EMAIL, "--delete", "--confirm")
    out = capsys.readouterr().out
    assert "Bleibt gespeichert" in out and "Haushaltsrecht" in out
    assert not Antrag.objects.filter(pk=held["entwurf"].pk).exists()


@pytest.mark.django_db
def test_each_kommune_answers_for_its_own_data_and_the_platform_for_the_installation(client, held):
    """Art. 15/17 in the admin: the coordination sees and deletes its own Kommune's data only;
    accounts, login links and barrier reports are the platform's."""
    kommune = held["entwurf"].aufruf.kommune
    client.force_login(fachdienst_user(kommune, username="fachdienst-auskunft"))
    assert client.get("/admin/seiten/datenauskunft/").status_code == 403

    client.force_login(koordination_user(kommune, username="koordination-auskunft"))
    assert "Auskunft und Löschung" in client.get("/admin/").content.decode()
    response = client.post("/admin/seiten/datenauskunft/", {"email": EMAIL, "aktion": "export"})
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["email"] == EMAIL
    assert [a["title"] for a in data["foerderung"]["antraege"]] == ["Entwurf Dorffest"]
    assert data["veranstaltungen"] == []  # registrations for other Kommunen' events
    assert data["foerderung"]["konten"] == data["barrieremeldungen"] == []
    assert AuditEntry.objects.get(what__contains="Art. 15").kommune == kommune
    response = client.post("/admin/seiten/datenauskunft/", {"email": EMAIL, "aktion": "loeschen"})
    assert "Vorschau" in response.content.decode()
    assert Antrag.objects.filter(pk=held["entwurf"].pk).exists()
    response = client.post(
        "/admin/seiten/datenauskunft/", {"email": EMAIL, "aktion": "loeschen", "bestaetigt": "on"}
    )
    assert "Plattformbetrieb" in response.content.decode()
    assert not Antrag.objects.filter(pk=held["entwurf"].pk).exists()
    assert Antrag.objects.filter(pk=held["eingereicht"].pk).exists()  # another Kommune's
    assert User.objects.filter(pk=held["konto"].pk).exists()
    held["kommend"].refresh_from_db()
    assert held["kommend"].anonymised_at is None

    client.force_login(platform_user())
    data = json.loads(
        client.post("/admin/seiten/datenauskunft/", {"email": EMAIL, "aktion": "export"}).content
    )
    assert data["foerderung"]["antraege"] == [] and data["veranstaltungen"] == []
    assert [k["username"] for k in data["foerderung"]["konten"]] == [EMAIL]
    assert len(data["barrieremeldungen"]) == 1


def test_erasure_ends_the_consent_and_removes_the_published_idea(db):
    now = timezone.now()
    past = VeranstaltungFactory(
        beginn=now - datetime.timedelta(days=3), ende=now - datetime.timedelta(days=3, hours=-2)
    )
    site = TeilnahmeoptionFactory(veranstaltung=past, kapazitaet=5)
    anmeldung = events_services.register(
        option=site,
        name="Erika Muster",
        email=EMAIL,
        frage="Ein Rufbus am Abend",
        idee_oeffentlich=True,
        now=now - datetime.timedelta(days=5),
    )
    rueckblick = Rueckblick.objects.create(veranstaltung=past, text="Bericht", published=True)
    Idee.objects.create(rueckblick=rueckblick, anmeldung=anmeldung, text="Ein Rufbus am Abend")
    preview = privacy.delete(EMAIL)
    assert any("Einwilligung zur Veröffentlichung der Idee beendet" in z for z in preview.geloescht)
    assert Idee.objects.exists()
    privacy.delete(EMAIL, execute=True)
    assert not Idee.objects.exists()
    anmeldung.refresh_from_db()
    assert not anmeldung.idee_oeffentlich and anmeldung.anonymised_at


@pytest.fixture
def anrufer(db):
    """Two callers without e-mail, sharing a household's phone, and someone online."""
    option = TeilnahmeoptionFactory(kapazitaet=10)
    staff = koordination_user(option.veranstaltung.kommune, username="koordination-telefon")

    def phone(name):
        return events_services.register(
            option=option,
            name=name,
            email="",
            telefon="03843 / 12 34-5",
            bestaetigung=Anmeldung.Bestaetigung.BRIEF,
            anschrift="Lindenstraße 3\n18273 Güstrow",
            kanal=Anmeldung.Kanal.TELEFON,
            erfasst_von=staff,
        )

    return {
        "gerda": phone("Gerda Anrufer"),
        "heinz": phone("Heinz Anrufer"),
        "online": events_services.register(option=option, name="Olga", email=EMAIL),
        "staff": staff,
    }


@pytest.mark.django_db
def test_a_caller_without_email_is_found_by_name_and_phone_never_by_the_number_alone(anrufer):
    data = privacy.export(name="gerda anrufer", telefon="0384312345")
    assert [a["name"] for a in data["veranstaltungen"]] == ["Gerda Anrufer"]
    assert data["veranstaltungen"][0]["anschrift"] == "Lindenstraße 3\n18273 Güstrow"
    assert data["telefon"] == "0384312345" and data["email"] == ""
    assert data["foerderung"]["anmeldelinks"] == []  # nothing found by an empty address
    assert privacy.export(name="", telefon="03843 / 12 34-5")["veranstaltungen"] == []
    assert privacy.export(name="Gerda Anrufer", telefon="03843 99")["veranstaltungen"] == []

    bericht = privacy.delete(name="Gerda Anrufer", telefon="03843 12345", execute=True)
    assert bericht.person == "Gerda Anrufer, 03843 12345"
    assert len(bericht.geloescht) == 1
    gerda, heinz, online = (
        Anmeldung.objects.get(pk=anrufer[k].pk) for k in ("gerda", "heinz", "online")
    )
    assert gerda.anonymised_at is not None and gerda.anschrift == "" and gerda.telefon == ""
    assert heinz.anonymised_at is None and online.anonymised_at is None


@pytest.mark.django_db
def test_the_admin_page_asks_for_an_address_or_name_and_phone(client, anrufer):
    client.force_login(anrufer["staff"])
    url = "/admin/seiten/datenauskunft/"
    for data, error in [
        ({}, "ihren Namen und ihre Telefonnummer"),
        ({"telefon": "03843 12345"}, "ihren Namen und ihre Telefonnummer"),
        ({"email": EMAIL, "name": "Gerda"}, "entweder die E-Mail-Adresse oder Name"),
        ({"email": "keine-adresse"}, "gültige E-Mail-Adresse"),
    ]:
        response = client.post(url, {**data, "aktion": "export"})
        assert response.status_code == 200
        assert error in response.content.decode()
    response = client.post(
        url, {"name": "Gerda Anrufer", "telefon": "03843 12345", "aktion": "export"}
    )
    assert response["Content-Type"].startswith("application/json")
    assert "auskunft-gerda-anrufer-03843-12345-" in response["Content-Disposition"]
    assert [a["name"] for a in json.loads(response.content)["veranstaltungen"]] == ["Gerda Anrufer"]


@pytest.mark.django_db
def test_the_command_finds_a_caller_by_name_and_phone(anrufer, capsys):
    call_command("personal_data", "--name", "Gerda Anrufer", "--telefon", "0384312345", "--export")
    assert [a["name"] for a in json.loads(capsys.readouterr().out)["veranstaltungen"]] == [
        "Gerda Anrufer"
    ]
    with pytest.raises(CommandError, match="--name und --telefon zusammen"):
        call_command("personal_data", "--telefon", "0384312345", "--export")
