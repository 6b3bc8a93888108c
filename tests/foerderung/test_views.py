import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from foerderung import services
from foerderung.models import Anhang, Antrag, Status
from foerderung.workflow import SCHRITTE

from .factories import (
    AntragFactory,
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    UserFactory,
    antrag_in,
    fachdienst_user,
    stand,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def form_data(antrag, **overrides):
    data = {
        "organisation": "Heimatverein Beispieldorf e. V.",
        "art": "verein",
        "rechtsform": "eingetragener Verein",
        "strasse": "Dorfstraße 1",
        "plz": "19288",
        "ort": "Ludwigslust",
        "gemeinde": "Ludwigslust",
        "kontakt_name": "Erika Beispiel",
        "email": "erika@example.org",
        "telefon": "03874 000000",
        "kontoinhaber": "Heimatverein",
        "iban": "DE89 3704 0044 0532 0130 00",
        "title": "Treffpunkt für Jung und Alt",
        "kurzbeschreibung": "Ein Platz im Freien",
        "description": "Bänke und Tisch",
        "mehrwert": "Begegnung",
        "zielgruppen": "Alle",
        "generationen": ["kinder", "senioren"],
        "partner": "",
        "projektort": "Dorfplatz",
        "beginn": antrag.aufruf.umsetzung_von.isoformat(),
        "ende": antrag.aufruf.umsetzung_bis.isoformat(),
        "eigenmittel": "500,00",
        "drittmittel": "0",
        "beantragt": "2500,00",
        "erklaerung_nicht_begonnen": "on",
        "erklaerung_richtig": "on",
        "datenschutz": "on",
        "kosten-TOTAL_FORMS": "3",
        "kosten-INITIAL_FORMS": "0",
        "kosten-MIN_NUM_FORMS": "0",
        "kosten-MAX_NUM_FORMS": "1000",
        "kosten-0-bezeichnung": "Bänke",
        "kosten-0-betrag": "2000,00",
        "kosten-1-bezeichnung": "Fest",
        "kosten-1-betrag": "1000,00",
        "kosten-2-bezeichnung": "",
        "kosten-2-betrag": "",
        "aktion": "speichern",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_public_call_page_and_start_application(client):
    aufruf = AufrufFactory()
    response = client.get(aufruf.get_absolute_url())
    assert response.status_code == 200
    assert "Anmelden und Antrag stellen" in response.content.decode()
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("foerderung:antrag_neu", kwargs={"kommune": aufruf.kommune.slug, "pk": aufruf.pk})
    )
    antrag = Antrag.objects.get(antragsteller=user)
    assert response["Location"] == reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})


def test_save_draft_then_submit_via_form(client, mailoutbox, django_capture_on_commit_callbacks):
    antrag = AntragFactory(organisation="", kostenplan=[("x", Decimal("1"))])
    client.force_login(antrag.antragsteller)
    url = reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})
    assert client.post(url, form_data(antrag, organisation="")).status_code == 302
    antrag.refresh_from_db()
    assert antrag.gesamtkosten == Decimal("3000.00") and antrag.status == Status.ENTWURF
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(antrag, aktion="einreichen"))
    assert response.status_code == 302
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT
    assert len(mailoutbox) == 1


def test_submit_with_errors_shows_summary_and_keeps_draft(client):
    antrag = AntragFactory()
    client.force_login(antrag.antragsteller)
    url = reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})
    response = client.post(
        url,
        form_data(
            antrag, aktion="einreichen", beantragt="9000", title="Neuer Titel", organisation=""
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert 'href="#id_beantragt"' in html and "höchstens 5.000,00" in html
    assert 'href="#id_organisation"' in html
    assert "geht nicht auf" in html
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTWURF and antrag.title == "Neuer Titel"


def test_wrong_iban_is_a_field_error_and_is_not_saved(client):
    """The wrong IBAN is refused and not stored; the draft keeps the rest of the input
    (tests/foerderung/test_draft_keeps_input.py)."""
    antrag = AntragFactory()
    iban = antrag.iban
    client.force_login(antrag.antragsteller)
    url = reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})
    response = client.post(url, form_data(antrag, iban="DE89370400440532013001", title="Geändert"))
    assert response.status_code == 400
    assert "Prüfziffer der IBAN" in response.content.decode()
    antrag.refresh_from_db()
    assert antrag.iban == iban
    assert antrag.title == "Geändert"


def test_submit_after_deadline_message_and_draft_kept(client):
    aufruf = AufrufFactory()
    antrag = AntragFactory(aufruf=aufruf)
    Antrag.objects.filter(pk=antrag.pk)
    type(aufruf).objects.filter(pk=aufruf.pk).update(
        einreichung_ab=aufruf.einreichung_ab - datetime.timedelta(days=60),
        einreichung_bis=aufruf.einreichung_ab - datetime.timedelta(days=1),
    )
    client.force_login(antrag.antragsteller)
    url = reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})
    response = client.post(url, form_data(antrag, aktion="einreichen", title="Spät"), follow=True)
    assert "Einreichungsfrist ist am" in response.content.decode()
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTWURF and antrag.title == "Spät"


def test_disguised_upload_is_refused_in_the_form(client):
    antrag = AntragFactory()
    client.force_login(antrag.antragsteller)
    url = reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})
    data = form_data(antrag)
    data["dateien"] = [
        SimpleUploadedFile("programm.pdf", b"MZ\x90\x00binary"),
        SimpleUploadedFile("plan.pdf", PDF),
    ]
    response = client.post(url, data)
    assert response.status_code == 400
    assert "keine PDF-, JPEG- oder PNG-Datei" in response.content.decode()
    assert list(antrag.anhaenge.values_list("name", flat=True)) == ["plan.pdf"]


def test_every_object_url_is_closed_to_a_foreign_user(client):
    antrag = antrag_in(Status.EINGEREICHT)
    anhang = Anhang.objects.create(
        antrag=antrag,
        name="a.pdf",
        mimetype="application/pdf",
        groesse=1,
        sha256="0" * 64,
        hochgeladen_von=antrag.antragsteller,
        datei="x.pdf",
    )
    pk = antrag.pk
    get_urls = [
        reverse("foerderung:antrag", kwargs={"pk": pk}),
        reverse("foerderung:antrag_bearbeiten", kwargs={"pk": pk}),
        reverse("foerderung:nachweis", kwargs={"pk": pk}),
        reverse("foerderung:anhang", kwargs={"pk": pk, "anhang_pk": anhang.pk}),
        reverse("foerderung:dokument", kwargs={"pk": pk, "dokument_pk": 999999}),
        reverse("foerderung:jury_antrag", kwargs={"pk": pk}),
        reverse("foerderung:jury_aufruf", kwargs={"pk": antrag.aufruf_id}),
        reverse("foerderung:jury_export", kwargs={"pk": antrag.aufruf_id}),
    ]
    post_urls = [
        reverse("foerderung:antrag_einreichen", kwargs={"pk": pk}),
        reverse("foerderung:anhang_hochladen", kwargs={"pk": pk}),
        reverse("foerderung:anhang_loeschen", kwargs={"pk": pk, "anhang_pk": anhang.pk}),
        reverse("foerderung:jury_befangenheit", kwargs={"pk": pk}),
    ]
    # Every step of the procedure, the applicant's, the jury's and the Fachdienst's alike.
    post_urls += [
        reverse("foerderung:schritt", kwargs={"pk": pk, "name": schritt.name})
        for schritt in SCHRITTE
    ]
    staff_urls = [
        reverse("foerderung:verwaltung"),
        reverse("foerderung:verwaltung_antraege"),
        reverse("foerderung:verwaltung_antrag", kwargs={"pk": pk}),
    ]
    client.force_login(UserFactory())
    for url in get_urls:
        assert client.get(url).status_code == 404, url
    for url in post_urls:
        assert client.post(url).status_code == 404, url
    # Lists are a 403; an application's pages a 404, as if it did not exist.
    for url in staff_urls:
        assert client.get(url).status_code in {403, 404}, url
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT and antrag.verlauf.count() == 0


def test_anonymous_is_sent_to_login(client):
    antrag = AntragFactory()
    response = client.get(reverse("foerderung:antrag", kwargs={"pk": antrag.pk}))
    assert response.status_code == 302 and response["Location"].startswith("/konto/anmelden/")


def test_owner_sees_attachment_and_jury_member_of_other_call_does_not(client):
    antrag = AntragFactory()
    anhang = services.add_attachment(
        antrag=antrag, by=antrag.antragsteller, upload=SimpleUploadedFile("plan.pdf", PDF)
    )
    url = reverse("foerderung:anhang", kwargs={"pk": antrag.pk, "anhang_pk": anhang.pk})
    client.force_login(antrag.antragsteller)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(JuryFactory().mitglied)
    assert client.get(url).status_code == 404


def test_jury_sees_no_bank_account_but_unit_does(client):
    antrag = antrag_in(Status.JURY)
    KriteriumFactory(aufruf=antrag.aufruf)
    member = JuryFactory(aufruf=antrag.aufruf).mitglied
    client.force_login(member)
    html = client.get(reverse("foerderung:jury_antrag", kwargs={"pk": antrag.pk})).content.decode()
    assert "Sind Sie befangen?" in html and antrag.iban not in html
    client.force_login(fachdienst_user())
    html = client.get(
        reverse("foerderung:verwaltung_antrag", kwargs={"pk": antrag.pk})
    ).content.decode()
    assert antrag.iban in html


def test_biased_member_posting_scores_gets_404(client):
    antrag = antrag_in(Status.JURY)
    k = KriteriumFactory(aufruf=antrag.aufruf)
    member = JuryFactory(aufruf=antrag.aufruf).mitglied
    client.force_login(member)
    client.post(
        reverse("foerderung:jury_befangenheit", kwargs={"pk": antrag.pk}), {"befangen": "ja"}
    )
    response = client.post(
        reverse("foerderung:jury_antrag", kwargs={"pk": antrag.pk}), {f"punkte_{k.pk}": "9"}
    )
    assert response.status_code == 404
    assert not antrag.bewertungen.exists()


def test_jury_scores_and_chair_decides_via_pages(client, mailoutbox):
    antrag = antrag_in(Status.JURY)
    k = KriteriumFactory(aufruf=antrag.aufruf)
    chair = JuryFactory(aufruf=antrag.aufruf, vorsitz=True).mitglied
    client.force_login(chair)
    client.post(
        reverse("foerderung:jury_befangenheit", kwargs={"pk": antrag.pk}), {"befangen": "nein"}
    )
    response = client.post(
        reverse("foerderung:jury_antrag", kwargs={"pk": antrag.pk}),
        {f"punkte_{k.pk}": "8", f"kommentar_{k.pk}": "gut"},
    )
    assert response.status_code == 302
    overview = client.get(
        reverse("foerderung:jury_aufruf", kwargs={"pk": antrag.aufruf_id})
    ).content.decode()
    assert "8.00" in overview or "8,00" in overview
    response = client.post(
        reverse("foerderung:schritt", kwargs={"pk": antrag.pk, "name": "entscheiden"}),
        {
            "entscheiden-stand": stand(antrag),
            "entscheiden-entscheidung": "teilbewilligung",
            "entscheiden-betrag": "2000,00",
            "entscheiden-begruendung": "Das Fest ist nicht zuwendungsfähig.",
        },
    )
    assert response.status_code == 302
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTSCHIEDEN and antrag.bewilligt == Decimal("2000.00")
    assert antrag.decided_by == chair
    assert mailoutbox == []  # the applicant learns it with the Fachdienst's notice
    xlsx = client.get(reverse("foerderung:jury_export", kwargs={"pk": antrag.aufruf_id}))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_approval_beyond_budget_shows_message(client):
    aufruf = AufrufFactory(budget=Decimal("5000"), hoechstbetrag=Decimal("5000"))
    antrag_in(
        Status.ENTSCHIEDEN,
        aufruf=aufruf,
        beantragt=Decimal("4000"),
        eigenmittel=Decimal("0"),
        drittmittel=Decimal("-1000") + Decimal("0") if False else Decimal("0"),
    )
    antrag = antrag_in(Status.JURY, aufruf=aufruf)
    client.force_login(fachdienst_user())
    response = client.post(
        reverse("foerderung:schritt", kwargs={"pk": antrag.pk, "name": "entscheiden"}),
        {"entscheiden-entscheidung": "bewilligung", "entscheiden-stand": stand(antrag)},
    )
    # The page comes back with the message at the form, and the decision unrecorded.
    assert response.status_code == 400
    assert "Budget reicht nicht" in response.content.decode()
    antrag.refresh_from_db()
    assert antrag.status == Status.JURY and antrag.bewilligt is None


def test_staff_export_csv_and_xlsx(client):
    antrag_in(Status.EINGEREICHT, title="Exporttest")
    client.force_login(fachdienst_user())
    csv = client.get(reverse("foerderung:verwaltung_antraege") + "?format=csv")
    assert "Exporttest" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("foerderung:verwaltung_antraege") + "?format=xlsx")
    assert xlsx.content[:2] == b"PK"


def _many(n=500):
    aufruf = AufrufFactory(budget=Decimal("10000000"))
    KriteriumFactory(aufruf=aufruf)
    owner = UserFactory()
    Antrag.objects.bulk_create(
        Antrag(
            aufruf=aufruf,
            antragsteller=owner,
            status=Status.JURY,
            eingangsnummer=f"N-{i}",
            title=f"Antrag {i}",
            beantragt=Decimal("1000"),
        )
        for i in range(n)
    )
    return aufruf


def test_jury_overview_query_count_is_fixed(client, django_assert_num_queries):
    aufruf = _many()
    member = JuryFactory(aufruf=aufruf).mitglied
    client.force_login(member)
    url = reverse("foerderung:jury_aufruf", kwargs={"pk": aufruf.pk})
    client.get(url)
    # session, user, call, jury seats, criteria, applications, scores, declarations,
    # whether the member is also the Fachdienst (membership, user's and groups'
    # permissions: it sees every score), committed money
    with django_assert_num_queries(12):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('href="/jury/antraege/') == 50  # ranked over all 500, shown 50 a page
    assert "Seite 1 von 10: Einträge 1 bis 50 von 500" in html
    with django_assert_num_queries(12):
        last = client.get(url, {"seite": "10"}).content.decode()
    assert last.count('href="/jury/antraege/') == 50 and 'rel="prev"' in last


def test_staff_list_query_count_is_fixed(client, django_assert_num_queries):
    _many()
    client.force_login(fachdienst_user())
    url = reverse("foerderung:verwaltung_antraege")
    client.get(url)
    # session, user, user's and groups' permissions, memberships, calls, how many
    # applications, the applications of the page
    with django_assert_num_queries(8):
        response = client.get(url)
    html = response.content.decode()
    assert html.count('href="/verwaltung/foerderung/antraege/') == 50
    assert "Seite 1 von 10: Einträge 1 bis 50 von 500" in html
    assert "500 Anträge, Seite 1 von 10" in html  # the table's caption


def test_staff_list_pages_keep_the_search_and_forgive_a_wrong_page(client):
    _many(120)
    client.force_login(fachdienst_user())
    url = reverse("foerderung:verwaltung_antraege")
    html = client.get(url, {"q": "Antrag", "seite": "2"}).content.decode()
    assert "Seite 2 von 3: Einträge 51 bis 100 von 120" in html
    assert 'rel="next" href="?q=Antrag&amp;seite=3"' in html
    assert 'rel="prev" href="?q=Antrag&amp;seite=1"' in html
    assert 'aria-current="page" href="?q=Antrag&amp;seite=2"' in html
    # the export takes the search, not the page: every match
    assert 'href="?q=Antrag&amp;format=csv"' in html
    assert "Seite 3 von 3" in client.get(url, {"seite": "99"}).content.decode()
    assert "Seite 1 von 3" in client.get(url, {"seite": "zwei"}).content.decode()
    few = client.get(url, {"q": "Antrag 11"}).content.decode()  # 11, 110–119: one page
    assert 'aria-label="Seiten der Anträge"' not in few


def _schritt(client, antrag, name, **fields):
    fields.setdefault("stand", stand(antrag))
    return client.post(
        reverse("foerderung:schritt", kwargs={"pk": antrag.pk, "name": name}),
        {f"{name}-{key}": value for key, value in fields.items()},
    )


def test_unit_issues_bescheid_and_pays_via_pages(client):
    """The pages' part; the report and the money after it: test_nachweis.py, test_ledger.py
    and the browser journey tests/browser/test_foerderung_after_notice_journey.py."""
    antrag = antrag_in(Status.ENTSCHIEDEN, beantragt=Decimal("2500"))
    unit = fachdienst_user()
    client.force_login(unit)
    assert _schritt(client, antrag, "bescheid").status_code == 302
    today = timezone.localdate().isoformat()
    response = _schritt(client, antrag, "auszahlen", betrag="1.000,00", datum=today)
    assert response.status_code == 302
    antrag.refresh_from_db()
    assert antrag.status == Status.AUSGEZAHLT
    assert antrag.saldo.ausgezahlt == Decimal("1000.00")
    bescheid = antrag.dokumente.get(art="bescheid")
    client.force_login(antrag.antragsteller)
    response = client.get(
        reverse("foerderung:dokument", kwargs={"pk": antrag.pk, "dokument_pk": bescheid.pk})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
