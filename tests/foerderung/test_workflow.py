"""The table of steps, walked as each role: every step has a button and does its move,
every button is a step, everyone else is refused, and the procedure's facts hold."""

import re
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from foerderung import permissions, services
from foerderung.models import Antrag, Befangenheit, Buchung, Dokument, Status, Widerspruch
from foerderung.workflow import (
    ANFECHTBAR,
    ANTRAGSTELLER,
    BY_NAME,
    FACHDIENST,
    SCHRITTE,
    VORSITZ,
    Schritt,
)
from kommunen.models import Kommune

from .factories import (
    KASSE,
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    UserFactory,
    antrag_in,
    buche,
    fachdienst_user,
    nachweis_fuer,
    stand,
)

pytestmark = pytest.mark.django_db

PAGES = {
    ANTRAGSTELLER: "foerderung:antrag",
    FACHDIENST: "foerderung:verwaltung_antrag",
    VORSITZ: "foerderung:jury_antrag",
}
TODAY = timezone.localdate().isoformat()
IN_TWO_WEEKS = (timezone.localdate() + timedelta(days=14)).isoformat()

# What a person types to take each step: written out here, not read from the table.
VALID = {
    "zurueckziehen": {"nachricht": "Wir schaffen es zeitlich nicht."},
    "nachfordern": {"nachricht": "Bitte reichen Sie den Kostenplan nach.", "frist": IN_TWO_WEEKS},
    "formal_pruefen": {},
    "formal_ablehnen": {"begruendung": "Der Verein hat seinen Sitz nicht im Landkreis."},
    "an_jury": {},
    "entscheiden": {
        "entscheidung": "teilbewilligung",
        "betrag": "1.500,00",
        "begruendung": "Das Eröffnungsfest ist nicht zuwendungsfähig.",
    },
    "zurueck_an_jury": {"vermerk": "Ein Jurymitglied war befangen und hat mitgestimmt."},
    "bescheid": {},
    "ablehnungsbescheid": {},
    "berichtigen": {
        "entscheidung": "bewilligung",
        "vermerk": "Rechenfehler bei der Teilbewilligung.",
    },
    "widerspruch": {"eingegangen_am": TODAY, "inhalt": "Das Fest ist Teil des Projekts."},
    "abhelfen": {
        "entscheidung": "bewilligung",
        "begruendung": "Dem Widerspruch wird abgeholfen: Das Fest gehört zum Projekt.",
    },
    "weiterleiten": {"nachricht": "Wir haben Ihren Widerspruch weitergeleitet."},
    "weiterleiten_bescheid": {"nachricht": "Wir haben Ihren Widerspruch weitergeleitet."},
    "auszahlen": {"betrag": "1.000,00", "datum": TODAY},
    "nachweis_rueckfrage": {
        "nachricht": "Bitte erläutern Sie den Beleg der Tischlerei.",
        "frist": IN_TWO_WEEKS,
    },
    "nachweis_anerkennen": {},
    "abschliessen": {},
    "rueckfordern": {"kassenzeichen": "KZ-2026-4711", "frist": IN_TWO_WEEKS},
    "schlusszahlung": {"betrag": "1.500,00", "datum": TODAY},
    "rueckzahlung": {"betrag": "40,00", "datum": TODAY},
    "beglichen": {},
    "widerspruch_erstattung": {
        "eingegangen_am": TODAY,
        "inhalt": "Die Rechnung über die Stühle fehlt im Nachweis; sie lag dem Brief bei.",
    },
    "rueckzahlung_trotz_widerspruch": {"betrag": "40,00", "datum": TODAY},
    "abhelfen_erstattung": {
        "begruendung": "Die Rechnung über 100,00 € lag dem Verwendungsnachweis bei.",
        "nachricht": "Bitte tragen Sie die Rechnung über die Stühle als Beleg ein.",
        "frist": IN_TWO_WEEKS,
    },
    "weiterleiten_erstattung": {"nachricht": "Wir haben Ihren Widerspruch weitergeleitet."},
}

# The money behind each step's condition after the notice (bewilligt 2.500,00 €, Festbetrag):
# (paid before the report, spent according to the report, reclaimed, repaid).
MONEY = {
    "auszahlen": (1000, None, 0, 0),
    "nachweis_rueckfrage": (2500, 2500, 0, 0),
    "nachweis_anerkennen": (1000, 3000, 0, 0),  # final payment 1.500,00 € due
    "abschliessen": (2500, 2500, 0, 0),
    "rueckfordern": (2500, 2400, 0, 0),  # 100,00 € to be repaid
    "schlusszahlung": (1000, 3000, 0, 0),
    "rueckzahlung": (2500, 2400, 100, 0),
    "beglichen": (2500, 2400, 100, 100),
    "widerspruch_erstattung": (2500, 2400, 100, 0),
    "rueckzahlung_trotz_widerspruch": (2500, 2400, 100, 0),
    "abhelfen_erstattung": (2500, 2400, 100, 0),
    "weiterleiten_erstattung": (2500, 2400, 100, 0),
}
# Steps on an objection to the Erstattungsbescheid: they need the notice (and the objection).
GEGEN_ERSTATTUNG = {
    "widerspruch_erstattung",
    "rueckzahlung_trotz_widerspruch",
    "abhelfen_erstattung",
    "weiterleiten_erstattung",
}


@pytest.fixture
def world():
    aufruf = AufrufFactory(budget=Decimal("30000"), hoechstbetrag=Decimal("5000"), **KASSE)
    KriteriumFactory(aufruf=aufruf)
    owner = UserFactory(first_name="Erika", last_name="Verein")
    chair = UserFactory(first_name="Jutta", last_name="Vorsitz")
    member = UserFactory()
    JuryFactory(aufruf=aufruf, mitglied=chair, vorsitz=True)
    JuryFactory(aufruf=aufruf, mitglied=member)
    other = Kommune.objects.create(name="Landkreis Anderswo", slug="anderswo")
    return {
        "aufruf": aufruf,
        ANTRAGSTELLER: owner,
        FACHDIENST: fachdienst_user(aufruf.kommune),
        VORSITZ: chair,
        "jury": member,
        "fremder Fachdienst": fachdienst_user(other, username="fremd"),
    }


def _antrag_for(schritt: Schritt, von: str, world) -> Antrag:
    """An application in `von` that meets the step's condition."""
    wants_rejection = schritt.name in ("ablehnungsbescheid", "weiterleiten")
    antrag = antrag_in(
        von, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER], abgelehnt=wants_rejection
    )
    if von in (Status.ABGELEHNT, Status.BESCHEID_ERTEILT, Status.WIDERSPRUCH):
        services._store(
            antrag,
            Dokument.Art.ABLEHNUNG if antrag.bewilligt is None else Dokument.Art.BESCHEID,
            world[FACHDIENST],
        )
    if von == Status.AUSGEZAHLT or schritt.name in MONEY:
        bezahlt, ausgaben, gefordert, gezahlt = MONEY.get(schritt.name, (1000, None, 0, 0))
        buche(antrag, Buchung.Art.ABSCHLAG, bezahlt)
        if ausgaben is not None:
            nachweis_fuer(antrag, ausgaben)
        if gefordert:
            buche(antrag, Buchung.Art.RUECKFORDERUNG, gefordert)
        if gezahlt:
            buche(antrag, Buchung.Art.RUECKZAHLUNG, gezahlt)
    elif von in (Status.NACHWEIS_EINGEREICHT, Status.NACHWEIS_RUECKFRAGE):
        buche(antrag, Buchung.Art.ABSCHLAG, 2500)
        nachweis_fuer(antrag, 2500)
    if schritt.name in GEGEN_ERSTATTUNG:
        bescheid = services._store(antrag, Dokument.Art.RUECKFORDERUNG, world[FACHDIENST])
        if von == Status.WIDERSPRUCH_ERSTATTUNG:
            Widerspruch.objects.create(
                antrag=antrag,
                bescheid=bescheid,
                eingegangen_am=timezone.localdate(),
                inhalt="Die Rechnung über die Stühle fehlt im Nachweis.",
                erfasst_von=world[FACHDIENST],
            )
    assert schritt.passt(antrag), (schritt.name, von)
    return antrag


def _post(client, user, antrag, schritt: Schritt, data=None, version=None):
    """Post the step's form as the page shows it: with the state it was shown on."""
    client.force_login(user)
    data = VALID[schritt.name] if data is None else data
    data = {"stand": stand(antrag) if version is None else version, **data}
    return client.post(
        reverse("foerderung:schritt", kwargs={"pk": antrag.pk, "name": schritt.name}),
        {f"{schritt.name}-{key}": value for key, value in data.items()},
    )


CASES = [(s, von) for s in SCHRITTE for von in sorted(s.von)]


def test_every_step_is_tested_with_what_a_person_types():
    assert {s.name for s in SCHRITTE if not s.seite} == set(VALID)


def test_every_objection_knows_the_notice_it_is_against():
    for schritt in SCHRITTE:
        if schritt.service == "record_objection":
            assert schritt.von <= set(ANFECHTBAR), schritt.name


def test_each_service_finds_one_step_per_state():
    """A service called without a step picks the one that fits; it must be unambiguous."""
    for a in SCHRITTE:
        for b in SCHRITTE:
            if a is not b and a.service == b.service and a.von & b.von:
                assert a.wenn and b.wenn, (a.name, b.name)


@pytest.mark.parametrize(("schritt", "von"), CASES, ids=[f"{s.name}-{v}" for s, v in CASES])
def test_each_step_has_its_button_on_the_page_of_each_role_that_may_take_it(
    client, world, schritt, von
):
    if schritt.name == "papier_erfassen":
        # Taken before there is an application: its button is on the call's page
        # (tests/foerderung/test_papier.py walks it).
        client.force_login(world[FACHDIENST])
        url = reverse("foerderung:verwaltung_aufruf", kwargs={"pk": world["aufruf"].pk})
        assert f'id="schritt-{schritt.name}"' in client.get(url).content.decode()
        return
    antrag = _antrag_for(schritt, von, world)
    if VORSITZ in schritt.wer:
        Befangenheit.objects.create(antrag=antrag, mitglied=world[VORSITZ], befangen=False)
    for rolle in schritt.wer:
        client.force_login(world[rolle])
        page = client.get(reverse(PAGES[rolle], kwargs={"pk": antrag.pk}))
        assert page.status_code == 200, (rolle, page.status_code)
        html = page.content.decode()
        buttons = set(re.findall(r'id="schritt-([a-z_]+)"', html))
        assert schritt.name in buttons, (rolle, buttons)
        # and no button without a step of this role in this state
        expected = {s.name for s in SCHRITTE if rolle in s.wer and s.passt(antrag)}
        assert buttons == expected, rolle


@pytest.mark.parametrize(
    ("schritt", "von"),
    [c for c in CASES if not c[0].seite],
    ids=[f"{s.name}-{v}" for s, v in CASES if not s.seite],
)
def test_each_step_works_for_whom_the_table_allows_and_for_nobody_else(client, world, schritt, von):
    antrag = _antrag_for(schritt, von, world)
    Befangenheit.objects.create(antrag=antrag, mitglied=world[VORSITZ], befangen=False)
    for rolle in (ANTRAGSTELLER, FACHDIENST, VORSITZ, "jury", "fremder Fachdienst"):
        if rolle in schritt.wer:
            continue
        response = _post(client, world[rolle], antrag, schritt)
        assert response.status_code in (403, 404), rolle
        antrag.refresh_from_db()
        assert antrag.status == von, rolle
    rolle = sorted(schritt.wer)[0]
    version = stand(antrag)
    response = _post(client, world[rolle], antrag, schritt, version=version)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get(response.url).status_code == 200  # back on a page the role still sees
    antrag.refresh_from_db()
    assert antrag.status == schritt.nach
    last = antrag.verlauf.last()
    assert (last.von, last.nach, last.schritt, last.durch) == (
        von,
        schritt.nach,
        schritt.name,
        world[rolle],
    )
    # Twice, as after a double click (the same form again): refused with a message, nothing
    # is recorded twice, not even by a step that may repeat (a payment).
    verlauf, buchungen = antrag.verlauf.count(), antrag.buchungen.count()
    again = _post(client, world[rolle], antrag, schritt, version=version)
    assert again.status_code in (302, 404)
    assert (antrag.verlauf.count(), antrag.buchungen.count()) == (verlauf, buchungen)
    antrag.refresh_from_db()
    assert antrag.status == schritt.nach


# -- the procedure's facts, pinned literally --------------------------------------------


def test_the_fachdienst_may_reject_formally_from_eingereicht_with_a_notice(
    client, world, django_capture_on_commit_callbacks
):
    antrag = antrag_in(
        Status.EINGEREICHT, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client,
            world[FACHDIENST],
            antrag,
            BY_NAME["formal_ablehnen"],
            {"begruendung": "Nicht antragsberechtigt: Sitz außerhalb.", "vermerk": "INTERN-4711"},
        )
    assert response.status_code == 302
    antrag.refresh_from_db()
    assert antrag.status == Status.ABGELEHNT
    assert antrag.dokumente.filter(art=Dokument.Art.ABLEHNUNG).count() == 1
    assert len(mail.outbox) == 1
    assert "INTERN-4711" not in mail.outbox[0].body
    assert mail.outbox[0].attachments


def test_a_formal_rejection_needs_reasons(client, world):
    antrag = antrag_in(
        Status.EINGEREICHT, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER]
    )
    response = _post(
        client, world[FACHDIENST], antrag, BY_NAME["formal_ablehnen"], {"begruendung": ""}
    )
    assert response.status_code == 400
    assert "Pflichtfeld" in response.content.decode() or "erforderlich" in response.content.decode()
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT


def test_the_applicant_hears_of_the_jury_decision_only_with_the_notice(
    client, world, django_capture_on_commit_callbacks
):
    antrag = antrag_in(Status.JURY, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER])
    Befangenheit.objects.create(antrag=antrag, mitglied=world[VORSITZ], befangen=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, world[VORSITZ], antrag, BY_NAME["entscheiden"])
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTSCHIEDEN
    assert antrag.bewilligt == Decimal("1500.00")
    # Only the Fachdienst hears of it: it has a notice to issue.
    assert [m.to for m in mail.outbox] == [[world[FACHDIENST].email]]
    assert "Zu erledigen: Bescheid erteilen" in mail.outbox[0].subject
    assert "1.500,00" not in mail.outbox[0].body
    mail.outbox.clear()
    client.force_login(world[ANTRAGSTELLER])
    page = client.get(reverse("foerderung:antrag", kwargs={"pk": antrag.pk})).content.decode()
    assert "1.500,00" not in page and "Teilbewilligung" not in page
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, world[FACHDIENST], antrag, BY_NAME["bescheid"])
    antrag.refresh_from_db()
    assert antrag.status == Status.BESCHEID_ERTEILT
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments


def test_the_jury_chair_cannot_issue_the_notice(client, world):
    antrag = antrag_in(
        Status.ENTSCHIEDEN, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER]
    )
    response = _post(client, world[VORSITZ], antrag, BY_NAME["bescheid"])
    assert response.status_code in (403, 404)
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTSCHIEDEN


def test_a_partial_grant_and_a_rejection_need_reasons(client, world):
    antrag = antrag_in(Status.JURY, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER])
    for data in (
        {"entscheidung": "teilbewilligung", "betrag": "1.500,00"},
        {"entscheidung": "ablehnung"},
    ):
        response = _post(client, world[FACHDIENST], antrag, BY_NAME["entscheiden"], data)
        assert response.status_code == 400
        assert "begründen" in response.content.decode()
        antrag.refresh_from_db()
        assert antrag.status == Status.JURY and antrag.bewilligt is None


def test_a_partial_grant_is_below_the_requested_amount(client, world):
    antrag = antrag_in(Status.JURY, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER])
    data = {"entscheidung": "teilbewilligung", "betrag": "2.500,00", "begruendung": "x"}
    response = _post(client, world[FACHDIENST], antrag, BY_NAME["entscheiden"], data)
    assert response.status_code == 400
    assert "unter den beantragten 2.500,00" in response.content.decode()


def test_sending_a_decision_back_to_the_jury_frees_the_money_and_keeps_the_reason(client, world):
    antrag = antrag_in(
        Status.ENTSCHIEDEN, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER]
    )
    _post(client, world[FACHDIENST], antrag, BY_NAME["zurueck_an_jury"])
    antrag.refresh_from_db()
    assert antrag.status == Status.JURY and antrag.bewilligt is None
    assert "befangen und hat mitgestimmt" in antrag.verlauf.last().vermerk
    client.force_login(world[VORSITZ])
    Befangenheit.objects.create(antrag=antrag, mitglied=world[VORSITZ], befangen=False)
    page = client.get(reverse("foerderung:jury_antrag", kwargs={"pk": antrag.pk}))
    assert "befangen und hat mitgestimmt" in page.content.decode()


def test_a_correction_makes_a_new_notice_that_names_the_old_one(client, world):
    antrag = antrag_in(Status.JURY, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER])
    _post(client, world[FACHDIENST], antrag, BY_NAME["entscheiden"])
    _post(client, world[FACHDIENST], antrag, BY_NAME["bescheid"])
    first = antrag.dokumente.get(art=Dokument.Art.BESCHEID)
    response = _post(client, world[FACHDIENST], antrag, BY_NAME["berichtigen"])
    assert response.status_code == 302
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTSCHIEDEN and antrag.bewilligt == antrag.beantragt
    _post(client, world[FACHDIENST], antrag, BY_NAME["bescheid"])
    second = antrag.dokumente.filter(art=Dokument.Art.BESCHEID).latest("pk")
    assert second != first and second.ersetzt == first
    assert first.sha256 != second.sha256
    assert Dokument.objects.get(pk=first.pk).datei.name == first.datei.name  # never rewritten


def test_an_objection_is_recorded_and_remedied_or_forwarded(client, world):
    antrag = antrag_in(Status.ABGELEHNT, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER])
    services._store(antrag, Dokument.Art.ABLEHNUNG, world[FACHDIENST])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    bad = _post(
        client,
        world[FACHDIENST],
        antrag,
        BY_NAME["widerspruch"],
        {"eingegangen_am": future, "inhalt": "x"},
    )
    assert bad.status_code == 400 and "nicht in der Zukunft" in bad.content.decode()
    _post(client, world[FACHDIENST], antrag, BY_NAME["widerspruch"])
    antrag.refresh_from_db()
    widerspruch = antrag.widersprueche.get()
    assert antrag.status == Status.WIDERSPRUCH
    assert widerspruch.eingegangen_am == timezone.localdate()
    assert widerspruch.ergebnis == "offen"
    _post(client, world[FACHDIENST], antrag, BY_NAME["abhelfen"])
    antrag.refresh_from_db()
    widerspruch.refresh_from_db()
    assert antrag.status == Status.ENTSCHIEDEN and antrag.bewilligt == antrag.beantragt
    assert widerspruch.ergebnis == "abhilfe"


def test_the_budget_holds_for_decisions(client, world):
    aufruf = world["aufruf"]
    aufruf.budget = Decimal("3000")
    aufruf.hoechstbetrag = Decimal("3000")
    aufruf.save()
    antrag_in(Status.ENTSCHIEDEN, aufruf=aufruf, beantragt=Decimal("2000"))
    antrag = antrag_in(Status.JURY, aufruf=aufruf, antragsteller=world[ANTRAGSTELLER])
    response = _post(
        client, world[FACHDIENST], antrag, BY_NAME["entscheiden"], {"entscheidung": "bewilligung"}
    )
    assert response.status_code == 400
    assert "Das Budget reicht nicht" in response.content.decode()
    assert "1.000,00" in response.content.decode()


def test_issuing_a_notice_needs_the_officers_name(client, world):
    nameless = fachdienst_user(
        world["aufruf"].kommune, username="ohne-name", first_name="", last_name=""
    )
    antrag = antrag_in(
        Status.ENTSCHIEDEN, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER]
    )
    response = _post(client, nameless, antrag, BY_NAME["bescheid"])
    assert response.status_code == 400
    assert "§ 37 Abs. 3 VwVfG" in response.content.decode()
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTSCHIEDEN


def test_a_biased_chair_has_no_step(client, world):
    antrag = antrag_in(Status.JURY, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER])
    Befangenheit.objects.create(antrag=antrag, mitglied=world[VORSITZ], befangen=True)
    response = _post(client, world[VORSITZ], antrag, BY_NAME["entscheiden"])
    assert response.status_code == 404
    antrag.refresh_from_db()
    assert antrag.status == Status.JURY


def test_history_is_append_only(world):
    antrag = antrag_in(Status.ENTWURF, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER])
    services.withdraw(antrag=antrag, by=world[ANTRAGSTELLER])
    eintrag = antrag.verlauf.last()
    eintrag.nachricht = "geändert"
    with pytest.raises(Exception, match="nur ergänzt"):
        eintrag.save()
    with pytest.raises(Exception, match="nur ergänzt"):
        eintrag.delete()


def test_an_unknown_step_is_a_404(client, world):
    antrag = antrag_in(
        Status.EINGEREICHT, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER]
    )
    client.force_login(world[FACHDIENST])
    url = reverse("foerderung:schritt", kwargs={"pk": antrag.pk, "name": "bewilligen-sofort"})
    assert client.post(url).status_code == 404


def test_records_and_notices_stay_german_when_the_page_is_english(client, world):
    antrag = antrag_in(Status.JURY, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER])
    client.force_login(world[FACHDIENST])
    for name in ("entscheiden", "bescheid"):
        with translation.override("en"):
            url = reverse("foerderung:schritt", kwargs={"pk": antrag.pk, "name": name})
        assert url.startswith("/en/")
        fields = {"stand": stand(antrag), **VALID[name]}
        data = {f"{name}-{key}": value for key, value in fields.items()}
        assert client.post(url, data).status_code == 302
    assert "Teilbewilligung: 1.500,00" in antrag.verlauf.get(schritt="entscheiden").vermerk
    notice = antrag.dokumente.get(art=Dokument.Art.BESCHEID)
    with notice.datei.open("rb") as handle:
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=handle.read(), capture_output=True, check=True
        ).stdout.decode()
    assert "Festbetragsfinanzierung" in text and "Rechtsbehelfsbelehrung" in text
    # The file copy of an application submitted from an English page is German, too.
    entwurf = antrag_in(Status.ENTWURF, aufruf=world["aufruf"], antragsteller=world[ANTRAGSTELLER])
    client.force_login(world[ANTRAGSTELLER])
    with translation.override("en"):
        url = reverse("foerderung:antrag_einreichen", kwargs={"pk": entwurf.pk})
    client.post(url)
    copy = entwurf.dokumente.get(art=Dokument.Art.ANTRAG)
    with copy.datei.open("rb") as handle:
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=handle.read(), capture_output=True, check=True
        ).stdout.decode()
    assert "Verein" in text and "Association" not in text


def test_nobody_takes_a_staff_or_jury_step_on_their_own_application(client, world):
    """A Fachdienst member who chairs the jury and applies to the fund is only the applicant."""
    insider = world[FACHDIENST]
    JuryFactory(aufruf=world["aufruf"], mitglied=insider, vorsitz=True)
    antrag = antrag_in(Status.JURY, aufruf=world["aufruf"], antragsteller=insider)
    response = _post(client, insider, antrag, BY_NAME["entscheiden"])
    assert response.status_code == 403
    antrag.refresh_from_db()
    assert antrag.status == Status.JURY
    page = client.get(reverse("foerderung:antrag", kwargs={"pk": antrag.pk})).content.decode()
    assert 'id="schritt-entscheiden"' not in page
    # nor the staff's or the jury's view of it, with internal notes and scores
    for name in ("foerderung:verwaltung_antrag", "foerderung:jury_antrag"):
        assert client.get(reverse(name, kwargs={"pk": antrag.pk})).status_code == 404
    staff_list = client.get(reverse("foerderung:verwaltung_antraege")).content.decode()
    assert antrag.eingangsnummer not in staff_list
    ranking = client.get(reverse("foerderung:jury_aufruf", kwargs={"pk": world["aufruf"].pk}))
    rows = [z["antrag"].pk for z in ranking.context["zeilen"]]
    assert antrag.pk not in rows
    assert not any("Förster" in name for name in permissions.who_may_decide(antrag))
