"""Three guards of a call: the budget holds what is committed, the criteria are locked once
the jury has scored, and a jury member sees the others' points only after scoring."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from foerderung import permissions, selectors
from foerderung.models import Antrag, Befangenheit, Bewertung, Foerderaufruf, Kriterium, Status
from tests.html_forms import FormData
from zwk_portal.exports import read_xlsx
from zwk_portal.tenancy import scopes_disabled

from .factories import (
    AntragFactory,
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    fachdienst_user,
)

pytestmark = pytest.mark.django_db

LOCKED = "Die Kriterien sind gesperrt, weil die Jury schon bewertet hat."
HIDDEN = "Punkte sehen Sie nach Ihrer eigenen Bewertung."


def change_url(aufruf) -> str:
    return reverse("admin:foerderung_foerderaufruf_change", args=[aufruf.pk])


def admin_post(client, aufruf, **changes):
    """Post the admin's change form of `aufruf` as a browser would, with `changes`."""
    data = FormData(client.get(change_url(aufruf)).content.decode()).data
    data.update({name: [value] for name, value in changes.items()})
    return client.post(change_url(aufruf), data)


@pytest.fixture
def unit(client, kommune):
    user = fachdienst_user(kommune)
    client.force_login(user)
    return user


@pytest.fixture
def aufruf(kommune):
    aufruf = AufrufFactory(kommune=kommune, budget=Decimal("30000"), hoechstbetrag=Decimal("5000"))
    KriteriumFactory(aufruf=aufruf, name="Mehrwert", gewicht=2)
    KriteriumFactory(aufruf=aufruf, name="Machbarkeit", gewicht=1)
    return aufruf


def placed(status, *, aufruf, bewilligt=None):
    """An application of `aufruf` put straight into `status` (bewilligt: money promised)."""
    antrag = AntragFactory(aufruf=aufruf, status=status, bewilligt=bewilligt)
    antrag.eingangsnummer = f"KPF-G-{antrag.pk:05d}"
    antrag.save()
    return antrag


def score(antrag, member, *points, kommentar=""):
    """`member` declares no conflict and scores `antrag` (points in criterion order)."""
    Befangenheit.objects.get_or_create(antrag=antrag, mitglied=member, befangen=False)
    for kriterium, punkte in zip(antrag.aufruf.kriterien.all(), points, strict=True):
        Bewertung.objects.create(
            antrag=antrag, mitglied=member, kriterium=kriterium, punkte=punkte, kommentar=kommentar
        )


# ---------------------------------------------------------------- the budget


def test_budget_cannot_sink_below_what_is_committed(client, unit, aufruf):
    for _ in range(5):
        placed(Status.BESCHEID_ERTEILT, aufruf=aufruf, bewilligt=Decimal("2500"))  # 12.500 €
    response = admin_post(client, aufruf, budget="12499.99")
    assert response.status_code == 200
    assert (
        "Das Budget kann nicht unter die bereits bewilligten 12.500,00\xa0€ sinken."
        in response.content.decode()
    )
    aufruf.refresh_from_db()
    assert aufruf.budget == Decimal("30000")
    assert admin_post(client, aufruf, budget="12500.00").status_code == 302
    aufruf.refresh_from_db()
    assert aufruf.budget == Decimal("12500")


@pytest.mark.django_db(transaction=True)
def test_budget_change_waits_for_an_approval_in_progress(client, kommune):
    """An approval holds the call's row lock (services.approve); the admin's budget check
    waits for it and counts the money it promised."""
    client.force_login(fachdienst_user(kommune))
    aufruf = AufrufFactory(kommune=kommune, budget=Decimal("30000"), hoechstbetrag=Decimal("5000"))
    antrag = placed(Status.JURY, aufruf=aufruf)
    form = FormData(client.get(change_url(aufruf)).content.decode()).data
    locked, done = threading.Event(), threading.Event()

    def approve():
        try:
            with scopes_disabled(), transaction.atomic():
                Foerderaufruf.objects.select_for_update().get(pk=aufruf.pk)
                Antrag.objects.filter(pk=antrag.pk).update(bewilligt=Decimal("2500"))
                locked.set()
                done.wait(1)  # long enough for the admin's request to reach the lock
        finally:
            connection.close()

    thread = threading.Thread(target=approve)
    thread.start()
    locked.wait(5)
    response = client.post(change_url(aufruf), {**form, "budget": ["2000.00"]})
    done.set()
    thread.join()
    assert response.status_code == 200
    assert "bereits bewilligten 2.500,00\xa0€" in response.content.decode()
    aufruf.refresh_from_db()
    assert aufruf.budget == Decimal("30000")


def test_maximum_grant_cannot_exceed_the_budget(client, unit, aufruf):
    response = admin_post(client, aufruf, budget="4000.00")
    assert response.status_code == 200
    assert "Der Höchstbetrag je Antrag darf nicht über dem Gesamtbudget liegen." in (
        response.content.decode()
    )
    aufruf.refresh_from_db()
    assert aufruf.budget == Decimal("30000")


def test_the_model_holds_the_budget_rule_for_any_form(aufruf):
    placed(Status.BESCHEID_ERTEILT, aufruf=aufruf, bewilligt=Decimal("2500"))
    aufruf.budget = Decimal("2499")
    with pytest.raises(ValidationError) as error:
        aufruf.full_clean()
    assert error.value.message_dict["budget"] == [
        "Das Budget kann nicht unter die bereits bewilligten 2.500,00\xa0€ sinken."
    ]


# ---------------------------------------------------------------- the criteria


def test_criteria_can_be_changed_before_the_first_score(client, unit, aufruf):
    placed(Status.JURY, aufruf=aufruf)
    html = client.get(change_url(aufruf)).content.decode()
    assert LOCKED not in html and 'name="kriterien-0-gewicht"' in html
    response = admin_post(client, aufruf, **{"kriterien-0-gewicht": "5"})
    assert response.status_code == 302
    assert aufruf.kriterien.get(name="Mehrwert").gewicht == 5


def test_criteria_are_locked_in_the_admin_once_the_jury_has_scored(client, unit, aufruf):
    score(placed(Status.JURY, aufruf=aufruf), JuryFactory(aufruf=aufruf).mitglied, 5, 5)
    html = client.get(change_url(aufruf)).content.decode()
    assert LOCKED in html and "Eine Änderung würde alle Punktzahlen verschieben." in html
    assert 'name="kriterien-0-gewicht"' not in html  # shown, not editable
    assert 'name="kriterien-2-name"' not in html  # no empty row to add one
    response = admin_post(
        client,
        aufruf,
        **{
            "kriterien-0-gewicht": "5",
            "kriterien-1-DELETE": "on",
            "kriterien-TOTAL_FORMS": "3",
            "kriterien-2-name": "Neu",
            "kriterien-2-gewicht": "1",
            "kriterien-2-position": "0",
        },
    )
    assert response.status_code == 302  # the rest of the call saves; the criteria stay
    assert sorted(aufruf.kriterien.values_list("name", "gewicht")) == [
        ("Machbarkeit", 1),
        ("Mehrwert", 2),
    ]


def test_criteria_are_locked_in_the_model_once_the_jury_has_scored(aufruf):
    antrag = placed(Status.JURY, aufruf=aufruf)
    mehrwert, machbarkeit = aufruf.kriterien.order_by("-gewicht")
    mehrwert.gewicht = 5
    mehrwert.save()  # no score yet: allowed
    score(antrag, JuryFactory(aufruf=aufruf).mitglied, 5, 5)
    mehrwert.gewicht = 3
    with pytest.raises(ValidationError, match=LOCKED):
        mehrwert.save()
    with pytest.raises(ValidationError, match=LOCKED):
        machbarkeit.delete()
    with pytest.raises(ValidationError, match=LOCKED):
        Kriterium.objects.create(aufruf=aufruf, name="Neu", gewicht=1)
    assert sorted(aufruf.kriterien.values_list("name", "gewicht")) == [
        ("Machbarkeit", 1),
        ("Mehrwert", 5),
    ]
    machbarkeit.save()  # unchanged: nothing moves
    KriteriumFactory(aufruf=AufrufFactory(kommune=aufruf.kommune))  # another call: open


# ---------------------------------------------------------------- the jury's view of scores


@pytest.fixture
def jury(client, aufruf):
    """Two applications at the jury; `other` has scored both, `member` has scored nothing."""
    vorne = placed(Status.JURY, aufruf=aufruf)
    hinten = placed(Status.JURY, aufruf=aufruf)
    member, other = JuryFactory(aufruf=aufruf).mitglied, JuryFactory(aufruf=aufruf).mitglied
    score(vorne, other, 9, 4, kommentar="Sehr überzeugend")  # (18 + 4) / 3 = 7.33
    score(hinten, other, 2, 1, kommentar="Eher schwach")  # (4 + 1) / 3 = 1.67
    for antrag in (vorne, hinten):
        Befangenheit.objects.create(antrag=antrag, mitglied=member, befangen=False)
    client.force_login(member)
    return {"member": member, "vorne": vorne, "hinten": hinten}


def overview(client, aufruf):
    response = client.get(reverse("foerderung:jury_aufruf", kwargs={"pk": aufruf.pk}))
    rows = {z["antrag"].pk: z for z in response.context["zeilen"]}
    return response.content.decode(), rows


def export(client, aufruf):
    response = client.get(reverse("foerderung:jury_export", kwargs={"pk": aufruf.pk}))
    header, *rows = read_xlsx(response.content)
    nummer = header.index("Eingangsnummer")
    return {row[nummer]: dict(zip(header, row, strict=True)) for row in rows if row[nummer]}


def test_member_sees_no_other_scores_on_the_application_before_scoring(client, jury):
    vorne = jury["vorne"]
    url = reverse("foerderung:jury_antrag", kwargs={"pk": vorne.pk})
    before = client.get(url).content.decode()
    assert "Sehr überzeugend" not in before
    assert "sehen Sie, sobald Sie selbst bewertet haben" in before  # and says why
    assert not permissions.can_see_scores(jury["member"], vorne)
    score(vorne, jury["member"], 5, 5)
    after = client.get(url).content.decode()
    assert "Sehr überzeugend" in after
    assert "sehen Sie, sobald Sie selbst bewertet haben" not in after


def test_member_sees_neither_score_nor_count_nor_rank_in_the_overview_before_scoring(
    client, jury, aufruf
):
    vorne, hinten = jury["vorne"], jury["hinten"]
    html, rows = overview(client, aufruf)
    for antrag in (vorne, hinten):
        assert rows[antrag.pk]["verdeckt"]
        assert (rows[antrag.pk]["score"], rows[antrag.pk]["anzahl"], rows[antrag.pk]["rang"]) == (
            None,
            None,
            None,
        )
    assert html.count(HIDDEN) == 2
    assert not any(s in html for s in ("7.33", "7,33", "1.67", "1,67", "1 Bewertung"))

    # Having scored the weaker one, the member sees it ranked first: the hidden one,
    # ahead by score, is neither ranked nor counted in the others' ranks.
    score(hinten, jury["member"], 1, 1)  # (2 + 1) / 3 = 1 → mean 1.33
    html, rows = overview(client, aufruf)
    assert rows[vorne.pk]["verdeckt"] and rows[vorne.pk]["rang"] is None
    assert (rows[hinten.pk]["rang"], rows[hinten.pk]["score"], rows[hinten.pk]["anzahl"]) == (
        1,
        Decimal("1.33"),
        2,
    )
    assert html.count(HIDDEN) == 1 and "7,33" not in html and "7.33" not in html

    score(vorne, jury["member"], 10, 10)  # 10 → mean 8.67
    html, rows = overview(client, aufruf)
    assert not rows[vorne.pk]["verdeckt"] and HIDDEN not in html
    assert (rows[vorne.pk]["rang"], rows[vorne.pk]["score"]) == (1, Decimal("8.67"))
    assert rows[hinten.pk]["rang"] == 2


def test_export_hides_the_same_as_the_page(client, jury, aufruf):
    vorne, hinten = jury["vorne"], jury["hinten"]
    score(hinten, jury["member"], 1, 1)
    rows = export(client, aufruf)
    assert rows[vorne.eingangsnummer]["Rang"] is None
    assert rows[vorne.eingangsnummer]["Gewichtete Punkte"] == HIDDEN
    assert rows[vorne.eingangsnummer]["Bewertungen"] in (None, "")
    assert rows[hinten.eingangsnummer]["Rang"] == 1
    assert rows[hinten.eingangsnummer]["Bewertungen"] == 2
    score(vorne, jury["member"], 10, 10)
    rows = export(client, aufruf)
    assert rows[vorne.eingangsnummer]["Rang"] == 1
    assert Decimal(str(rows[vorne.eingangsnummer]["Gewichtete Punkte"])) == Decimal("8.67")
    assert rows[vorne.eingangsnummer]["Bewertungen"] == 2


def test_scores_show_once_the_application_has_left_the_jury(client, jury, aufruf):
    vorne = jury["vorne"]
    vorne.status, vorne.bewilligt = Status.BESCHEID_ERTEILT, vorne.beantragt
    vorne.save()
    assert permissions.can_see_scores(jury["member"], vorne)
    _html, rows = overview(client, aufruf)
    assert not rows[vorne.pk]["verdeckt"] and rows[vorne.pk]["rang"] == 1
    url = reverse("foerderung:jury_antrag", kwargs={"pk": vorne.pk})
    assert "Sehr überzeugend" in client.get(url).content.decode()


def test_the_fachdienst_always_sees_the_scores(jury, aufruf, kommune):
    unit = fachdienst_user(kommune)
    assert permissions.can_see_scores(unit, jury["vorne"])
    rows = selectors.jury_uebersicht(aufruf, unit)["zeilen"]
    assert [(z["rang"], z["score"], z["verdeckt"]) for z in rows] == [
        (1, Decimal("7.33"), False),
        (2, Decimal("1.67"), False),
    ]
