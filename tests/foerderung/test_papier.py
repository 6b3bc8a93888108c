"""Applications that came on paper (issue #15): the Fachdienst types them in from the sheet
through `services.enter_paper_antrag`, the same steps as online; the day the paper arrived
decides the deadline, and the channel shows wherever the application does."""

import csv
import datetime
import io
import re
import subprocess
import threading
import uuid
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from foerderung import selectors, services
from foerderung.models import Anhang, Antrag, Dokument, Status, Verlauf
from foerderung.services import ServiceError
from foerderung.workflow import BY_NAME
from tests.factories import koordination_user
from zwk_portal.exports import read_xlsx
from zwk_portal.models import OutgoingMail
from zwk_portal.tenancy import kommune_scope

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

BERLIN = ZoneInfo("Europe/Berlin")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EMAIL = "heimatverein@beispieldorf.example"
# Seed 001: the 2022 call, submission until 10 June 2022, implementation 21 June to 31 October.
LETZTER_TAG = datetime.date(2022, 6, 10)


@pytest.fixture
def aufruf():
    return AufrufFactory(
        title="Kleinprojektefonds 2022",
        budget=Decimal("30000.00"),
        hoechstbetrag=Decimal("5000.00"),
        einreichung_ab=datetime.datetime(2022, 5, 2, 0, 0, tzinfo=BERLIN),
        einreichung_bis=datetime.datetime(2022, 6, 10, 23, 59, tzinfo=BERLIN),
        umsetzung_von=datetime.date(2022, 6, 21),
        umsetzung_bis=datetime.date(2022, 10, 31),
    )


@pytest.fixture
def staff(aufruf):
    return fachdienst_user(aufruf.kommune)


def daten(aufruf, **overrides) -> dict:
    """What the sheet says, as the form hands it to the service."""
    data = {
        "organisation": "Heimatverein Beispieldorf e. V.",
        "art": "verein",
        "rechtsform": "eingetragener Verein",
        "strasse": "Dorfstraße 1",
        "plz": "19288",
        "ort": "Ludwigslust",
        "gemeinde": "Ludwigslust",
        "kontakt_name": "Erika Beispiel",
        "email": EMAIL,
        "telefon": "03874 000000",
        "kontoinhaber": "Heimatverein Beispieldorf e. V.",
        "iban": "DE89370400440532013000",
        "title": "Treffpunkt für Jung und Alt",
        "kurzbeschreibung": "Ein Platz zum Treffen im Freien.",
        "description": "Wir bauen Bänke und einen Tisch auf dem Dorfplatz.",
        "mehrwert": "Generationen kommen ins Gespräch.",
        "zielgruppen": "Alle im Dorf",
        "generationen": ["kinder", "senioren"],
        "partner": "",
        "projektort": "Dorfplatz",
        "beginn": aufruf.umsetzung_von,
        "ende": aufruf.umsetzung_bis,
        "eigenmittel": Decimal("500.00"),
        "drittmittel": Decimal("0.00"),
        "beantragt": Decimal("2500.00"),
        "erklaerung_nicht_begonnen": True,
        "erklaerung_richtig": True,
    }
    data.update(overrides)
    return data


KOSTEN = [("Bänke und Tisch", Decimal("2000.00")), ("Fest zur Eröffnung", Decimal("1000.00"))]


def scan(name="antrag-scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def enter(aufruf, staff, *, eingegangen_am=LETZTER_TAG, **kwargs):
    """Type a paper application in as the Fachdienst's page does (the service)."""
    kwargs.setdefault("data", daten(aufruf))
    kwargs.setdefault("kosten", KOSTEN)
    kwargs.setdefault("datenschutz", True)
    kwargs.setdefault("originale", [scan()])
    kwargs.setdefault("submission_key", uuid.uuid4().hex)
    with kommune_scope([aufruf.kommune_id]):
        return services.enter_paper_antrag(
            aufruf=aufruf, by=staff, eingegangen_am=eingegangen_am, **kwargs
        )


def form_url(aufruf):
    return reverse("foerderung:verwaltung_aufruf_papierantrag", kwargs={"pk": aufruf.pk})


def staff_url(antrag):
    return reverse("foerderung:verwaltung_antrag", kwargs={"pk": antrag.pk})


def form_data(aufruf, **overrides):
    """The staff form as posted, typed from the sheet."""
    data = {
        "kanal": "papier",
        "eingegangen_am": "10.06.2022",
        "datei": scan(),
        "submission_key": "0123456789abcdef0123456789abcdef",
        "organisation": "Heimatverein Beispieldorf e. V.",
        "art": "verein",
        "rechtsform": "eingetragener Verein",
        "strasse": "Dorfstraße 1",
        "plz": "19288",
        "ort": "Ludwigslust",
        "gemeinde": "Ludwigslust",
        "kontakt_name": "Erika Beispiel",
        "email": EMAIL,
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
        "beginn": aufruf.umsetzung_von.isoformat(),
        "ende": aufruf.umsetzung_bis.isoformat(),
        "eigenmittel": "500,00",
        "drittmittel": "0",
        "beantragt": "2.500,00",
        "erklaerung_nicht_begonnen": "on",
        "erklaerung_richtig": "on",
        "datenschutz": "on",
        "kosten-TOTAL_FORMS": "3",
        "kosten-INITIAL_FORMS": "0",
        "kosten-MIN_NUM_FORMS": "0",
        "kosten-MAX_NUM_FORMS": "1000",
        "kosten-0-bezeichnung": "Bänke",
        "kosten-0-betrag": "2.000,00",
        "kosten-1-bezeichnung": "Fest",
        "kosten-1-betrag": "1.000,00",
        "kosten-2-bezeichnung": "",
        "kosten-2-betrag": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def mails(kind=None) -> list[OutgoingMail]:
    found = OutgoingMail.objects.order_by("pk")
    return list(found.filter(kind=kind) if kind else found)


# ------------------------------------------------------------------ the service


def test_a_paper_application_is_entered_once_with_number_channel_day_history_pdfs_and_scan(
    aufruf, staff
):
    antrag = enter(aufruf, staff)
    assert Antrag.objects.count() == 1
    antrag = Antrag.objects.get()
    assert antrag.status == Status.EINGEREICHT
    assert re.fullmatch(rf"KPF-2022-{aufruf.pk:02d}-0001", antrag.eingangsnummer)
    assert antrag.kanal == Antrag.Kanal.PAPIER
    assert antrag.eingegangen_am == LETZTER_TAG
    assert antrag.erfasst_von == staff
    # Submitted on the day the paper arrived, not when it was typed.
    assert timezone.localtime(antrag.submitted_at).date() == LETZTER_TAG
    assert antrag.eingangsvermerk == "auf Papier eingegangen am 10.06.2022"
    # The history: both steps by the Fachdienst, as the Fachdienst, with the receipt day.
    verlauf = list(
        antrag.verlauf.values_list("von", "nach", "durch", "rolle", "schritt", "nachricht")
    )
    assert verlauf == [
        ("", "entwurf", staff.pk, "fachdienst", "", ""),
        (
            "entwurf",
            "eingereicht",
            staff.pk,
            "fachdienst",
            "papier_erfassen",
            "auf Papier eingegangen am 10.06.2022",
        ),
    ]
    assert sorted(antrag.dokumente.values_list("art", flat=True)) == ["antrag", "eingang"]
    [original] = antrag.anhaenge.all()
    assert (original.art, original.name, original.hochgeladen_von) == (
        Anhang.Art.ORIGINAL,
        "antrag-scan.pdf",
        staff,
    )
    assert original.datei.read() == PDF
    # The form as typed, the cost plan, the consent.
    assert antrag.organisation == "Heimatverein Beispieldorf e. V."
    assert antrag.gesamtkosten == Decimal("3000.00")
    assert antrag.datenschutz_version and antrag.consented_at


def test_a_form_that_arrived_on_the_last_day_is_in_time_though_typed_days_later(staff):
    """The deadline passed three days ago; the paper came on its last day."""
    frist = timezone.now() - datetime.timedelta(days=3)
    aufruf = AufrufFactory(
        kommune=staff.memberships.get().kommune,
        einreichung_ab=frist - datetime.timedelta(days=30),
        einreichung_bis=frist,
    )
    letzter_tag = timezone.localdate(frist)
    antrag = enter(aufruf, staff, eingegangen_am=letzter_tag)
    assert antrag.status == Status.EINGEREICHT
    assert timezone.localtime(antrag.submitted_at).date() == letzter_tag
    # Online, the same moment of typing is too late: the rule knows the channel.
    online = AntragFactory(aufruf=aufruf)
    with pytest.raises(ServiceError, match="Einreichungsfrist ist am"):
        services.submit(antrag=online, by=online.antragsteller)


def test_a_form_that_arrived_after_the_deadline_is_refused_naming_the_deadline(aufruf, staff):
    users = UserFactory._meta.model.objects.count()
    with pytest.raises(ServiceError) as refused:
        enter(aufruf, staff, eingegangen_am=LETZTER_TAG + datetime.timedelta(days=1))
    message = refused.value.errors["eingegangen_am"][0]
    assert message == (
        "Der Antrag ist am 11.06.2022 eingegangen, nach der Einreichungsfrist "
        "(10.06.2022, 23:59 Uhr). Er kann nicht mehr angenommen werden."
    )
    # Nothing stays: no application, no account, no file, no mail.
    assert not Antrag.objects.exists()
    assert UserFactory._meta.model.objects.count() == users
    assert not Anhang.objects.exists() and not mails()


def test_a_receipt_day_in_the_future_or_before_the_call_opened_is_refused(staff):
    aufruf = AufrufFactory(kommune=staff.memberships.get().kommune)  # open now
    morgen = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ServiceError) as refused:
        enter(aufruf, staff, eingegangen_am=morgen)
    assert "liegt in der Zukunft" in refused.value.errors["eingegangen_am"][0]
    vorher = timezone.localdate(aufruf.einreichung_ab) - datetime.timedelta(days=1)
    with pytest.raises(ServiceError) as refused:
        enter(aufruf, staff, eingegangen_am=vorher)
    assert "vor Beginn der Einreichung" in refused.value.errors["eingegangen_am"][0]
    assert not Antrag.objects.exists()


def test_an_incomplete_paper_application_is_refused_whole(aufruf, staff):
    with pytest.raises(ServiceError) as refused:
        enter(
            aufruf,
            staff,
            data=daten(aufruf, organisation="", beantragt=Decimal("9000")),
            eingegangen_am=LETZTER_TAG + datetime.timedelta(days=1),
            originale=[],
        )
    # Everything at once: the Fachdienst corrects the form in one go.
    assert set(refused.value.errors) >= {"organisation", "beantragt", "eingegangen_am", "datei"}
    assert not Antrag.objects.exists() and not Anhang.objects.exists()


def test_the_same_form_twice_enters_one_application(aufruf, staff):
    first = enter(aufruf, staff, submission_key="a" * 32)
    with pytest.raises(services.DuplicateSubmission) as again:
        enter(aufruf, staff, submission_key="a" * 32)
    assert again.value.antrag == first
    assert Antrag.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_enter_one_application(aufruf, staff):
    """A real race: two requests with the same form, at once. The call's row lock makes the
    second wait for the first and then find it."""
    barrier = threading.Barrier(2)
    results = []

    def click():
        try:
            barrier.wait()
            enter(aufruf, staff, submission_key="b" * 32, originale=[scan()])
            results.append("ok")
        except services.DuplicateSubmission:
            results.append("doppelt")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["doppelt", "ok"]
    assert Antrag.objects.count() == 1
    assert Antrag.objects.get().eingangsnummer.endswith("-0001")


def test_with_an_address_the_receipt_mail_says_how_to_sign_in_by_login_link(
    aufruf, staff, mailoutbox
):
    antrag = enter(aufruf, staff)
    assert [(m.kind, m.recipients) for m in mails()] == [("foerderung_eingang", [EMAIL])]
    [mail] = mailoutbox
    assert mail.to == [EMAIL]
    assert antrag.eingangsnummer in mail.subject
    assert sorted(name.split("-")[0] for name, _c, _m in mail.attachments) == [
        "antrag",
        "eingang",
    ]
    body = " ".join(mail.body.split())
    assert "Auf Papier eingegangen am 10.06.2022" in body
    assert "Geben Sie unter „Mit einem Link per E-Mail“ diese E-Mail-Adresse ein." in body
    assert "Ein Passwort brauchen Sie nicht." in body
    login = re.search(r"(https?://\S+/konto/anmelden/\?next=\S+)", body).group(1)
    assert urlsplit(login).query == f"next=%2Fkonto%2Fantraege%2F{antrag.pk}%2F"
    # The account of that address, without a password: a login link opens it.
    owner = antrag.antragsteller
    assert owner.email == EMAIL and not owner.has_usable_password() and owner.is_active


def test_the_applicant_signs_in_by_login_link_and_finds_the_application(
    client, aufruf, staff, mailoutbox
):
    antrag = enter(aufruf, staff)
    response = client.post(reverse("konto:link_request"), {"email": EMAIL})
    assert response.status_code == 200
    link_mail = mailoutbox[-1]
    link = re.search(r"https?://\S+/konto/anmeldelink/\S+", link_mail.body).group(0)
    response = client.post(urlsplit(link).path)
    assert response.status_code == 302
    konto = client.get(reverse("konto:konto")).content.decode()
    assert "Treffpunkt für Jung und Alt" in konto and antrag.eingangsnummer in konto
    page = client.get(reverse("foerderung:antrag", kwargs={"pk": antrag.pk})).content.decode()
    assert "Auf Papier eingegangen am 10.06.2022" in page
    assert "antrag-scan.pdf" in page  # their own original
    assert "erfasst von" not in page
    # Their timeline: typed in by the Fachdienst, not "Sie haben den Antrag angelegt".
    assert "Der Fachdienst hat Ihren Antrag vom Formular ins Portal übertragen." in page
    assert "Sie haben den Antrag angelegt" not in page


def test_an_existing_account_of_the_address_gets_the_application(aufruf, staff):
    known = UserFactory(username=EMAIL.upper())
    known.email = EMAIL.upper()
    known.save()
    antrag = enter(aufruf, staff)
    assert antrag.antragsteller == known


def test_without_an_address_no_mail_an_account_without_login_and_the_letter_to_print(
    client, aufruf, staff
):
    antrag = enter(aufruf, staff, data=daten(aufruf, email=""))
    assert not mails()
    owner = antrag.antragsteller
    assert owner.email == "" and not owner.has_usable_password() and not owner.is_active
    assert owner.get_full_name() == "Erika Beispiel"
    client.force_login(staff)
    page = client.get(staff_url(antrag)).content.decode()
    assert "Ohne E-Mail-Adresse" in page
    # The next steps' messages go by post: their help says so, never "per E-Mail".
    assert "Bitte schicken Sie die Nachricht per Post" in page
    assert "Wird per E-Mail geschickt" not in page
    eingang = antrag.dokumente.get(art=Dokument.Art.EINGANG)
    brief = reverse("foerderung:dokument", kwargs={"pk": antrag.pk, "dokument_pk": eingang.pk})
    assert f'href="{brief}"' in page and "Eingangsbestätigung als Brief drucken" in page
    response = client.get(brief)
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "Eingangsbestätigung" in text
    assert "Ihr Antrag ist am 10.06.2022 auf Papier bei uns eingegangen" in text
    assert "informieren wir Sie per Post" in text
    assert "Dorfstraße 1" in text and "19288 Ludwigslust" in text  # the window's address
    # A later step has nobody to mail either, and that is no error.
    services.step(antrag=antrag, by=staff, nachricht="Vollständig.")
    assert not mails()


def test_a_fachdienst_member_cannot_enter_their_own_application(aufruf, staff):
    with pytest.raises(ServiceError) as refused:
        enter(aufruf, staff, data=daten(aufruf, email=staff.email))
    assert "eigenen Kontos" in refused.value.errors["email"][0]
    assert not Antrag.objects.exists()


# ------------------------------------------------------------------ afterwards, as online


def test_a_paper_application_goes_to_the_jury_and_counts_against_the_budget(client, aufruf, staff):
    aufruf.budget = aufruf.hoechstbetrag = Decimal("3000.00")
    aufruf.save()
    KriteriumFactory(aufruf=aufruf)
    chair = JuryFactory(aufruf=aufruf, vorsitz=True).mitglied
    antrag = enter(aufruf, staff)
    client.force_login(staff)
    for name in ("formal_pruefen", "an_jury"):
        response = client.post(
            reverse("foerderung:schritt", kwargs={"pk": antrag.pk, "name": name}),
            {f"{name}-stand": stand(antrag)},
        )
        assert response.status_code == 302, name
    antrag.refresh_from_db()
    assert antrag.status == Status.JURY
    # The formal check told the applicant by mail, as online.
    assert [m.kind for m in mails()] == ["foerderung_eingang", "foerderung_status"]
    # The jury sees it, with its channel, and not the scan (it shows the bank account).
    client.force_login(chair)
    page = client.get(reverse("foerderung:jury_antrag", kwargs={"pk": antrag.pk}))
    assert "Auf Papier eingegangen am 10.06.2022" in page.content.decode()
    assert "antrag-scan.pdf" not in page.content.decode()
    original = antrag.anhaenge.get()
    anhang_url = reverse("foerderung:anhang", kwargs={"pk": antrag.pk, "anhang_pk": original.pk})
    assert client.get(anhang_url).status_code == 404
    services.decide(antrag=antrag, by=chair, entscheidung="bewilligung")
    assert selectors.committed(aufruf) == Decimal("2500.00")
    # An online application after it finds the budget the paper one took.
    online = antrag_in(Status.JURY, aufruf=aufruf, beantragt=Decimal("1000"))
    with pytest.raises(ServiceError, match="Budget reicht nicht"):
        services.decide(antrag=online, by=chair, entscheidung="bewilligung")
    client.force_login(staff)
    assert client.get(anhang_url).status_code == 200  # the Fachdienst sees the scan


def test_a_paper_applicant_answers_a_nachforderung_online(client, aufruf, staff):
    antrag = enter(aufruf, staff)
    services.request_more(
        antrag=antrag,
        by=staff,
        nachricht="Bitte ergänzen Sie die Partner.",
        frist=timezone.localdate() + datetime.timedelta(days=14),
    )
    owner = antrag.antragsteller
    client.force_login(owner)
    url = reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})
    assert client.get(url).status_code == 200
    services.submit(antrag=antrag, by=owner)
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT
    last = antrag.verlauf.last()
    assert (last.durch, last.rolle, last.schritt, last.nachricht) == (
        owner,
        "antragsteller",
        "einreichen",
        "erneut eingereicht",
    )
    # Still the day the paper arrived, for the deadline and the notice.
    assert timezone.localtime(antrag.submitted_at).date() == LETZTER_TAG


# ------------------------------------------------------------------ the online guards hold


def test_staff_cannot_submit_fill_in_or_attach_to_an_online_draft(staff, aufruf):
    online = AntragFactory(aufruf=AufrufFactory(kommune=aufruf.kommune))
    with pytest.raises(PermissionDenied):
        services.submit(antrag=online, by=staff)
    with pytest.raises(ServiceError):
        services.save_draft(antrag=online, by=staff, data={}, kosten=KOSTEN, datenschutz=True)
    with pytest.raises(ServiceError):
        services.add_attachment(antrag=online, by=staff, upload=scan(), art=Anhang.Art.ORIGINAL)
    online.refresh_from_db()
    assert online.status == Status.ENTWURF and not online.anhaenge.exists()
    # The table's paper step never fits an online draft; the online one fits no paper draft.
    assert not BY_NAME["papier_erfassen"].passt(online)
    paper_draft = Antrag(aufruf=online.aufruf, kanal=Antrag.Kanal.PAPIER, status=Status.ENTWURF)
    assert not BY_NAME["einreichen"].passt(paper_draft)


def test_an_applicant_or_the_coordination_cannot_enter_paper_applications(aufruf, staff):
    for outsider in (UserFactory(), koordination_user(aufruf.kommune)):
        with pytest.raises(PermissionDenied):
            enter(aufruf, outsider)
    assert not Antrag.objects.exists()


def test_an_applicant_cannot_submit_a_paper_draft_for_themselves(aufruf, staff):
    """The paper step is the Fachdienst's: a paper draft's owner cannot take it."""
    owner = UserFactory()
    with kommune_scope([aufruf.kommune_id]):
        draft = services.create_antrag(
            aufruf=aufruf,
            by=staff,
            antragsteller=owner,
            kanal=Antrag.Kanal.PAPIER,
            eingegangen_am=LETZTER_TAG,
        )
    with kommune_scope([aufruf.kommune_id]):  # complete: only the step's owner is wrong
        services.save_draft(
            antrag=draft, by=staff, data=daten(aufruf), kosten=KOSTEN, datenschutz=True
        )
    with pytest.raises(PermissionDenied):
        services.submit(antrag=draft, by=owner)
    draft.refresh_from_db()
    assert draft.status == Status.ENTWURF


def test_the_database_refuses_a_paper_application_without_its_day(aufruf, staff):
    from django.db import IntegrityError, transaction  # noqa: PLC0415 - this test only

    with pytest.raises(IntegrityError), transaction.atomic():
        AntragFactory(aufruf=aufruf, kanal=Antrag.Kanal.PAPIER, erfasst_von=staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        AntragFactory(aufruf=aufruf, eingegangen_am=LETZTER_TAG, erfasst_von=staff)


# ------------------------------------------------------------------ the staff page


def test_the_call_page_offers_the_tables_step(client, aufruf, staff):
    client.force_login(staff)
    page = client.get(reverse("foerderung:verwaltung_aufruf", kwargs={"pk": aufruf.pk}))
    html = page.content.decode()
    assert f'href="{form_url(aufruf)}"' in html
    assert str(BY_NAME["papier_erfassen"].label) in html
    form = client.get(form_url(aufruf))
    assert form.status_code == 200
    html = form.content.decode()
    # The sections of the paper form, the receipt day as TT.MM.JJJJ, the scan, e-mail optional.
    for legend in ("Eingang", "1. Organisation", "5. Kostenplan", "8. Erklärungen"):
        assert f">{legend}</legend>" in html, legend
    assert 'name="eingegangen_am"' in html and "TT.MM.JJJJ" in html
    assert 'type="file" name="datei"' in html and "multiple" in html
    assert 'name="kosten-9-betrag"' in html  # the sheet's ten lines
    assert "E-Mail (freiwillig)" in html


def test_the_form_enters_the_application_and_shows_its_staff_page(client, aufruf, staff):
    client.force_login(staff)
    response = client.post(form_url(aufruf), form_data(aufruf))
    antrag = Antrag.objects.get()
    assert response.status_code == 302 and response["Location"] == staff_url(antrag)
    page = client.get(response["Location"]).content.decode()
    assert "Der Antrag ist erfasst und eingereicht" in page
    assert f"Die Eingangsbestätigung geht per E-Mail an {EMAIL}" in page
    assert "Auf Papier eingegangen am 10.06.2022, erfasst von Frieda Förster" in page
    original = antrag.anhaenge.get()
    assert reverse("foerderung:anhang", kwargs={"pk": antrag.pk, "anhang_pk": original.pk}) in page
    assert "Original des Antrags (Scan)" in page
    assert "Ohne E-Mail-Adresse" not in page
    assert antrag.beantragt == Decimal("2500.00") and antrag.iban == "DE89370400440532013000"


def test_by_e_mail_is_a_channel_too(client, aufruf, staff):
    client.force_login(staff)
    client.post(form_url(aufruf), form_data(aufruf, kanal="email"))
    antrag = Antrag.objects.get()
    assert antrag.kanal == Antrag.Kanal.EMAIL
    assert antrag.eingangsvermerk == "per E-Mail eingegangen am 10.06.2022"


def test_bad_input_comes_back_in_german_filled_in_and_nothing_is_stored(client, aufruf, staff):
    client.force_login(staff)
    response = client.post(
        form_url(aufruf),
        form_data(
            aufruf,
            organisation="",
            beantragt="9.000,00",
            title="Bänke für alle",
            eingegangen_am="13.06.2022",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in html
    # All at once: what is missing, the money, and the deadline (named).
    assert 'href="#id_organisation"' in html and "höchstens 5.000,00" in html
    assert "geht nicht auf" in html
    assert "nach der Einreichungsfrist (10.06.2022, 23:59 Uhr)" in html
    assert 'value="13.06.2022"' in html
    assert 'value="Bänke für alle"' in html  # filled in as typed
    assert "wählen Sie die Datei des Originals noch einmal aus" in html
    assert 'value="0123456789abcdef0123456789abcdef"' in html  # the same form, once more
    assert not Antrag.objects.exists() and not Anhang.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"eingegangen_am": "2022-13-45"}, "eingegangen_am", "TT.MM.JJJJ"),
        ({"eingegangen_am": ""}, "eingegangen_am", "an dem der Antrag eingegangen ist"),
        ({"eingegangen_am": "11.06.2022"}, "eingegangen_am", "nach der Einreichungsfrist"),
        ({"eingegangen_am": "01.01.2099"}, "eingegangen_am", "in der Zukunft"),
        ({"datei": None}, "datei", "Original des Antrags als Scan"),
        (
            {"datei": SimpleUploadedFile("antrag.pdf", b"kein PDF", "application/pdf")},
            "datei",
            "keine PDF-, JPEG- oder PNG-Datei",
        ),
        ({"iban": "DE00 1234"}, "iban", "IBAN"),
        ({"kanal": "online"}, "kanal", "wie der Antrag eingegangen ist"),
    ],
)
def test_each_wrong_field_is_named_in_german(client, aufruf, staff, fields, field, message):
    client.force_login(staff)
    if isinstance(fields.get("datei"), SimpleUploadedFile):
        fields["datei"].seek(0)
    response = client.post(form_url(aufruf), form_data(aufruf, **fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'href="#id_{field}"' in html, html[:3000]
    assert message in html
    assert not Antrag.objects.exists()


def test_hostile_input_never_breaks_the_page(client, aufruf, staff):
    client.force_login(staff)
    attack = "<script>alert('xss')</script>"
    for data in (
        {"eingegangen_am": attack, "organisation": attack, "kosten-0-betrag": attack},
        {"kosten-TOTAL_FORMS": "x", "generationen": attack, "kanal": attack},
        {"submission_key": attack},
    ):
        response = client.post(form_url(aufruf), form_data(aufruf, **data))
        assert response.status_code < 500
        assert attack not in response.content.decode()
    # A forged key is ignored: the application is entered (once) with none.
    assert Antrag.objects.count() <= 1


def test_a_double_submit_of_the_form_shows_the_first_application(client, aufruf, staff):
    client.force_login(staff)
    first = client.post(form_url(aufruf), form_data(aufruf))
    again = client.post(form_url(aufruf), form_data(aufruf))
    antrag = Antrag.objects.get()
    assert first["Location"] == again["Location"] == staff_url(antrag)
    page = client.get(again["Location"]).content.decode()
    assert "Dieser Antrag ist bereits erfasst" in page
    assert antrag.anhaenge.count() == 1 and len(mails("foerderung_eingang")) == 1


# ------------------------------------------------------------------ who may


def test_anonymous_is_sent_to_the_login(client, aufruf):
    response = client.get(form_url(aufruf))
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
    assert client.post(form_url(aufruf), form_data(aufruf)).status_code == 302
    assert not Antrag.objects.exists()


def test_coordination_other_fachdienst_and_applicants_are_refused(client, aufruf, staff):
    other = AufrufFactory()
    outsiders = [
        koordination_user(aufruf.kommune),
        fachdienst_user(other.kommune, username="fremder-fachdienst"),
        UserFactory(),
    ]
    for outsider in outsiders:
        client.force_login(outsider)
        assert client.get(form_url(aufruf)).status_code in (403, 404), outsider
        assert client.post(form_url(aufruf), form_data(aufruf)).status_code in (403, 404)
    assert not Antrag.objects.exists()


def test_a_forged_call_id_is_a_404(client, aufruf, staff):
    client.force_login(staff)
    missing = reverse("foerderung:verwaltung_aufruf_papierantrag", kwargs={"pk": 999999})
    assert client.get(missing).status_code == 404
    assert client.post(missing, form_data(aufruf)).status_code == 404
    other = AufrufFactory()  # another Kommune's call
    assert client.post(form_url(other), form_data(other)).status_code == 404
    assert not Antrag.objects.exists()


# ------------------------------------------------------------------ the channel shows


def test_the_channel_shows_in_list_detail_pdf_and_export(client, aufruf, staff):
    antrag = enter(aufruf, staff)
    online = antrag_in(Status.EINGEREICHT, aufruf=aufruf, organisation="Online-Verein")
    client.force_login(staff)
    liste = client.get(reverse("foerderung:verwaltung_antraege")).content.decode()
    rows = {
        row.split("</tr>")[0]
        for row in liste.split('<tr class="kern-table__row">')
        if antrag.eingangsnummer in row or online.eingangsnummer in row
    }
    [papier_row] = [r for r in rows if antrag.eingangsnummer in r]
    [online_row] = [r for r in rows if online.eingangsnummer in r]
    assert "auf Papier" in papier_row and "auf Papier" not in online_row
    aufruf_page = client.get(reverse("foerderung:verwaltung_aufruf", kwargs={"pk": aufruf.pk}))
    assert "auf Papier" in aufruf_page.content.decode()
    detail = client.get(staff_url(antrag)).content.decode()
    assert "Auf Papier eingegangen am 10.06.2022, erfasst von Frieda Förster" in detail
    # The application's PDF, as stored.
    text = pdf_text(antrag.dokumente.get(art=Dokument.Art.ANTRAG).datei.read())
    assert "auf Papier eingegangen am 10.06.2022, erfasst von Frieda Förster" in text
    assert "Original des Antrags (auf Papier): antrag-scan.pdf" in text
    # CSV and XLSX of the staff list.
    response = client.get(reverse("foerderung:verwaltung_antraege") + "?format=csv")
    content = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";" if ";" in content else ","))
    by_number = {row["Eingangsnummer"]: row for row in rows}
    assert by_number[antrag.eingangsnummer]["Eingangsweg"] == "auf Papier"
    assert by_number[antrag.eingangsnummer]["eingegangen am"].startswith("2022-06-10") or (
        by_number[antrag.eingangsnummer]["eingegangen am"] == "10.06.2022"
    )
    assert by_number[online.eingangsnummer]["Eingangsweg"] == "online"
    response = client.get(reverse("foerderung:verwaltung_antraege") + "?format=xlsx")
    header, *lines = read_xlsx(response.content)
    kanal = header.index("Eingangsweg")
    nummer = header.index("Eingangsnummer")
    assert {line[nummer]: line[kanal] for line in lines} == {
        antrag.eingangsnummer: "auf Papier",
        online.eingangsnummer: "online",
    }
    # The call's spreadsheet for the committee.
    response = client.get(reverse("foerderung:verwaltung_aufruf_export", kwargs={"pk": aufruf.pk}))
    faelle = list(load_workbook(io.BytesIO(response.content))["Fälle"].iter_rows(values_only=True))
    assert faelle[0][-1] == "Eingangsweg"
    assert {row[1]: row[-1] for row in faelle[1:]} == {
        antrag.eingangsnummer: "auf Papier eingegangen am 10.06.2022",
        online.eingangsnummer: "online",
    }


def test_the_history_names_the_fachdienst(client, aufruf, staff):
    antrag = enter(aufruf, staff)
    client.force_login(staff)
    page = client.get(staff_url(antrag)).content.decode()
    eingereicht = Verlauf.objects.get(antrag=antrag, nach=Status.EINGEREICHT)
    assert eingereicht.get_rolle_display() == "Fachdienst"
    assert "Frieda Förster (Fachdienst)" in page
