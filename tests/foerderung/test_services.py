import datetime
import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from foerderung import permissions, selectors, services
from foerderung.models import Anhang, Dokument, Status
from foerderung.selectors import jury_uebersicht
from foerderung.services import ServiceError
from foerderung.validation import iban_error

from .factories import (
    AntragFactory,
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    UserFactory,
    antrag_in,
    fachdienst_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_submit_gives_receipt_number_history_pdfs_and_mail(
    django_capture_on_commit_callbacks, mailoutbox
):
    antrag = AntragFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(antrag=antrag, by=antrag.antragsteller)
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT
    assert antrag.eingangsnummer.startswith(f"KPF-{timezone.localdate().year}-")
    assert list(antrag.verlauf.values_list("von", "nach")) == [("entwurf", "eingereicht")]
    assert set(antrag.dokumente.values_list("art", flat=True)) == {"antrag", "eingang"}
    [mail] = mailoutbox
    assert antrag.eingangsnummer in mail.subject
    # Each file is named by its kind, the receipt number and the moment it was issued.
    names = sorted(name for name, _c, _m in mail.attachments)
    nummer = re.escape(antrag.eingangsnummer)
    assert len(names) == 2
    assert re.fullmatch(rf"antrag-{nummer}-\d{{8}}-\d{{6}}\.pdf", names[0]), names
    assert re.fullmatch(rf"eingang-{nummer}-\d{{8}}-\d{{6}}\.pdf", names[1]), names


def test_double_submit_is_refused():
    antrag = AntragFactory()
    services.submit(antrag=antrag, by=antrag.antragsteller)
    with pytest.raises(ServiceError, match="bereits eingereicht"):
        services.submit(antrag=antrag, by=antrag.antragsteller)
    assert antrag.verlauf.count() == 1


def test_submit_after_deadline_is_refused_and_draft_stays():
    aufruf = AufrufFactory()
    antrag = AntragFactory(aufruf=aufruf)
    too_late = aufruf.einreichung_bis + datetime.timedelta(seconds=1)
    with pytest.raises(
        ServiceError, match="Einreichungsfrist ist am .* abgelaufen. Ihr Entwurf bleibt gespeichert"
    ):
        services.submit(antrag=antrag, by=antrag.antragsteller, now=too_late)
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTWURF and antrag.eingangsnummer is None


def test_deadline_is_berlin_time():
    berlin = timezone.get_fixed_timezone(60)  # CET in winter
    aufruf = AufrufFactory(
        einreichung_ab=datetime.datetime(2022, 5, 1, tzinfo=berlin),
        einreichung_bis=datetime.datetime(
            2022, 6, 10, 23, 59, 59, tzinfo=timezone.get_fixed_timezone(120)
        ),
        umsetzung_von=datetime.date(2022, 6, 21),
        umsetzung_bis=datetime.date(2022, 10, 31),
    )
    antrag = AntragFactory(aufruf=aufruf)
    with pytest.raises(ServiceError, match="10.06.2022 um 23:59 Uhr"):
        services.submit(
            antrag=antrag,
            by=antrag.antragsteller,
            now=datetime.datetime(2022, 6, 11, tzinfo=datetime.UTC),
        )


def test_incomplete_application_lists_every_problem_per_field():
    aufruf = AufrufFactory(hoechstbetrag=Decimal("5000"))
    antrag = AntragFactory(
        aufruf=aufruf,
        organisation="",
        iban="DE89370400440532013001",
        beantragt=Decimal("6000"),
        eigenmittel=Decimal("0"),
        beginn=aufruf.umsetzung_von - datetime.timedelta(days=1),
        kostenplan=[("Material", Decimal("5000"))],
    )
    with pytest.raises(ServiceError) as error:
        services.submit(antrag=antrag, by=antrag.antragsteller)
    errors = error.value.errors
    assert "organisation" in errors
    assert "Prüfziffer" in errors["iban"][0]
    assert any("höchstens 5.000,00" in m for m in errors["beantragt"])
    assert any("nicht höher sein als die Gesamtkosten" in m for m in errors["beantragt"])
    assert any("geht nicht auf" in m for m in errors["eigenmittel"])
    assert "Umsetzungszeitraum" in errors["beginn"][0]
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTWURF


def test_applicant_kind_must_be_eligible():
    antrag = AntragFactory(aufruf=AufrufFactory(antragsteller_arten=["gemeinde"]))
    with pytest.raises(ServiceError) as error:
        services.submit(antrag=antrag, by=antrag.antragsteller)
    assert "richtet sich an: Gemeinde" in error.value.errors["art"][0]


def test_only_the_owner_can_submit():
    antrag = AntragFactory()
    with pytest.raises(PermissionDenied):
        services.submit(antrag=antrag, by=UserFactory())


@pytest.mark.parametrize(
    ("iban", "ok"),
    [
        ("DE89 3704 0044 0532 0130 00", True),
        ("de89370400440532013000", True),
        ("DE89370400440532013001", False),
        ("DE8937040044053201300", False),
        ("GB82WEST12345698765432", True),
        ("keine iban", False),
    ],
)
def test_iban_checksum(iban, ok):
    assert (iban_error(iban) is None) is ok


def test_nachforderung_and_resubmit(django_capture_on_commit_callbacks, mailoutbox):
    antrag = AntragFactory()
    unit = fachdienst_user()
    services.submit(antrag=antrag, by=antrag.antragsteller)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_more(
            antrag=antrag,
            by=unit,
            nachricht="Bitte Kostenvoranschlag beifügen.",
            frist=timezone.localdate() + datetime.timedelta(days=14),
            vermerk="INTERN: Kostenplan wirkt überhöht.",
        )
    # The message goes to the applicant; the internal note never does.
    assert "Kostenvoranschlag" in mailoutbox[-1].body
    assert "INTERN" not in mailoutbox[-1].body
    assert "INTERN" not in str(mailoutbox[-1].alternatives)
    antrag.refresh_from_db()
    assert antrag.status == Status.NACHFORDERUNG
    nummer, first = antrag.eingangsnummer, antrag.submitted_at
    services.submit(antrag=antrag, by=antrag.antragsteller)
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT and antrag.eingangsnummer == nummer
    # The deadline counts from the first submission; each submission has its own receipt.
    assert antrag.submitted_at == first
    receipts = [
        d.titel for d in selectors.antrag_detail(antrag.pk).dokumente.all() if d.art == "eingang"
    ]
    assert len(receipts) == 2
    assert receipts[0].startswith("Eingangsbestätigung vom ") and "(1. Einreichung)" in receipts[0]
    assert "(2. Einreichung)" in receipts[1]


def test_nachforderung_needs_a_message_to_the_applicant():
    antrag = antrag_in(Status.EINGEREICHT)
    with pytest.raises(ServiceError):
        services.request_more(
            antrag=antrag, by=fachdienst_user(), nachricht="  ", vermerk="nur intern"
        )
    antrag.refresh_from_db()
    assert antrag.status == Status.EINGEREICHT


def test_upload_checks_content_not_name():
    antrag = AntragFactory()
    owner = antrag.antragsteller
    exe = SimpleUploadedFile("rechnung.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ServiceError, match="keine PDF-, JPEG- oder PNG-Datei"):
        services.add_attachment(antrag=antrag, by=owner, upload=exe)
    wrong_ext = SimpleUploadedFile("bild.pdf", PNG)
    with pytest.raises(ServiceError, match="passt nicht zur Dateiendung"):
        services.add_attachment(antrag=antrag, by=owner, upload=wrong_ext)
    anhang = services.add_attachment(
        antrag=antrag, by=owner, upload=SimpleUploadedFile("plan.pdf", PDF)
    )
    assert anhang.mimetype == "application/pdf"
    assert Anhang.objects.filter(antrag=antrag).count() == 1


def test_upload_over_10_mb_is_refused():
    antrag = AntragFactory()
    big = SimpleUploadedFile("gross.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ServiceError, match="größer als 10 MB"):
        services.add_attachment(antrag=antrag, by=antrag.antragsteller, upload=big)


def test_at_most_ten_files():
    antrag = AntragFactory()
    for i in range(10):
        services.add_attachment(
            antrag=antrag, by=antrag.antragsteller, upload=SimpleUploadedFile(f"{i}.pdf", PDF)
        )
    with pytest.raises(ServiceError, match="höchstens 10 Dateien"):
        services.add_attachment(
            antrag=antrag, by=antrag.antragsteller, upload=SimpleUploadedFile("11.pdf", PDF)
        )


def test_uploads_are_stored_outside_the_web_root(settings):
    antrag = AntragFactory()
    anhang = services.add_attachment(
        antrag=antrag, by=antrag.antragsteller, upload=SimpleUploadedFile("a.png", PNG)
    )
    assert str(anhang.datei.path).startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not str(anhang.datei.path).startswith(str(settings.MEDIA_ROOT))


def test_no_upload_after_submission():
    antrag = antrag_in(Status.EINGEREICHT)
    with pytest.raises(ServiceError):
        services.add_attachment(antrag=antrag, by=antrag.antragsteller, upload=io.BytesIO(PDF))


# ---- Jury and decision --------------------------------------------------------------------


@pytest.fixture
def jury_antrag():
    aufruf = AufrufFactory(budget=Decimal("10000"), hoechstbetrag=Decimal("5000"))
    KriteriumFactory(aufruf=aufruf, name="Mehrwert", gewicht=2)
    KriteriumFactory(aufruf=aufruf, name="Machbarkeit", gewicht=1)
    return antrag_in(Status.JURY, aufruf=aufruf)


def test_biased_member_can_neither_score_nor_see_scores(jury_antrag):
    member = JuryFactory(aufruf=jury_antrag.aufruf).mitglied
    services.declare_bias(antrag=jury_antrag, by=member, befangen=True)
    assert not permissions.can_score(member, jury_antrag)
    assert not permissions.can_see_scores(member, jury_antrag)
    kriterien = {k.pk: (5, "") for k in jury_antrag.aufruf.kriterien.all()}
    with pytest.raises(PermissionDenied):
        services.score(antrag=jury_antrag, by=member, punkte=kriterien)
    with pytest.raises(ServiceError, match="bereits abgegeben"):
        services.declare_bias(antrag=jury_antrag, by=member, befangen=False)


def test_member_must_declare_before_scoring(jury_antrag):
    member = JuryFactory(aufruf=jury_antrag.aufruf).mitglied
    kriterien = {k.pk: (5, "") for k in jury_antrag.aufruf.kriterien.all()}
    with pytest.raises(PermissionDenied):
        services.score(antrag=jury_antrag, by=member, punkte=kriterien)
    services.declare_bias(antrag=jury_antrag, by=member, befangen=False)
    services.score(antrag=jury_antrag, by=member, punkte=kriterien)
    assert jury_antrag.bewertungen.count() == 2


def test_non_member_cannot_declare_or_score(jury_antrag):
    outsider = JuryFactory().mitglied  # member of another call
    with pytest.raises(PermissionDenied):
        services.declare_bias(antrag=jury_antrag, by=outsider, befangen=False)


def test_weighted_ranking(jury_antrag):
    aufruf = jury_antrag.aufruf
    other = antrag_in(Status.JURY, aufruf=aufruf)
    a, b = JuryFactory(aufruf=aufruf).mitglied, JuryFactory(aufruf=aufruf).mitglied
    mehrwert, machbarkeit = aufruf.kriterien.order_by("name").reverse()
    for member in (a, b):
        for antrag in (jury_antrag, other):
            services.declare_bias(antrag=antrag, by=member, befangen=False)
    services.score(
        antrag=jury_antrag, by=a, punkte={mehrwert.pk: (9, "gut"), machbarkeit.pk: (3, "")}
    )
    services.score(antrag=jury_antrag, by=b, punkte={mehrwert.pk: (6, ""), machbarkeit.pk: (6, "")})
    services.score(antrag=other, by=a, punkte={mehrwert.pk: (3, ""), machbarkeit.pk: (9, "")})
    data = jury_uebersicht(aufruf)
    # jury_antrag: (9*2+3)/3 = 7, (6*2+6)/3 = 6 → 6.5; other: (3*2+9)/3 = 5
    assert [(z["antrag"].pk, z["score"]) for z in data["zeilen"]] == [
        (jury_antrag.pk, Decimal("6.50")),
        (other.pk, Decimal("5.00")),
    ]


def test_chair_or_unit_decides_but_not_an_ordinary_member(jury_antrag):
    member = JuryFactory(aufruf=jury_antrag.aufruf).mitglied
    grund = "Das Eröffnungsfest ist nicht zuwendungsfähig."
    with pytest.raises(PermissionDenied):
        services.decide(
            antrag=jury_antrag,
            by=member,
            entscheidung="teilbewilligung",
            betrag=Decimal("1000"),
            begruendung=grund,
        )
    chair = JuryFactory(aufruf=jury_antrag.aufruf, vorsitz=True).mitglied
    services.decide(
        antrag=jury_antrag,
        by=chair,
        entscheidung="teilbewilligung",
        betrag=Decimal("1000"),
        begruendung=grund,
    )
    jury_antrag.refresh_from_db()
    # Decided, not yet notified: the notice is the Fachdienst's next step.
    assert jury_antrag.status == Status.ENTSCHIEDEN and jury_antrag.bewilligt == Decimal("1000")
    assert jury_antrag.decided_by == chair and jury_antrag.entscheidung == "teilbewilligung"
    assert jury_antrag.begruendung == grund
    assert not jury_antrag.dokumente.filter(art__in=["bescheid", "ablehnung"]).exists()


def test_the_decision_is_not_mailed(jury_antrag, django_capture_on_commit_callbacks, mailoutbox):
    """The applicant learns the jury's decision with the notice, not before."""
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(antrag=jury_antrag, by=fachdienst_user(), entscheidung="bewilligung")
    assert mailoutbox == []


def test_a_grant_is_at_most_the_requested_amount(jury_antrag):
    unit = fachdienst_user()
    for betrag in (jury_antrag.beantragt, jury_antrag.beantragt + 1):
        with pytest.raises(ServiceError, match="unter den beantragten 2.500,00"):
            services.decide(
                antrag=jury_antrag,
                by=unit,
                entscheidung="teilbewilligung",
                betrag=betrag,
                begruendung="zu viel",
            )
    jury_antrag.refresh_from_db()
    assert jury_antrag.status == Status.JURY and jury_antrag.bewilligt is None
    # A full grant is the requested amount, whatever amount comes with it.
    services.decide(
        antrag=jury_antrag, by=unit, entscheidung="bewilligung", betrag=jury_antrag.beantragt + 1
    )
    jury_antrag.refresh_from_db()
    assert jury_antrag.bewilligt == jury_antrag.beantragt


def test_approval_beyond_budget_is_refused(jury_antrag):
    unit = fachdienst_user()
    aufruf = jury_antrag.aufruf
    antrag_in(
        Status.BESCHEID_ERTEILT,
        aufruf=aufruf,
        beantragt=Decimal("5000"),
        eigenmittel=Decimal("-2000") + Decimal("2000"),
        kostenplan=[("x", Decimal("5000"))],
    )
    antrag_in(Status.ENTSCHIEDEN, aufruf=aufruf, beantragt=Decimal("4000"))
    grund = "Nur die Bänke sind zuwendungsfähig."
    with pytest.raises(ServiceError, match="Budget reicht nicht: Es sind noch 1.000,00"):
        services.decide(antrag=jury_antrag, by=unit, entscheidung="bewilligung", begruendung=grund)
    jury_antrag.refresh_from_db()
    assert jury_antrag.status == Status.JURY and jury_antrag.bewilligt is None
    services.decide(
        antrag=jury_antrag,
        by=unit,
        entscheidung="teilbewilligung",
        betrag=Decimal("1000"),
        begruendung=grund,
    )
    assert selectors.committed(aufruf) == aufruf.budget


def test_rejection_is_notified_with_a_notice_stored_once(
    jury_antrag, django_capture_on_commit_callbacks, mailoutbox
):
    unit = fachdienst_user()
    with pytest.raises(ServiceError, match="begründen Sie die Ablehnung"):
        services.decide(antrag=jury_antrag, by=unit, entscheidung="ablehnung", begruendung=" ")
    grund = "Kein demografischer Mehrwert erkennbar."
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(antrag=jury_antrag, by=unit, entscheidung="ablehnung", begruendung=grund)
    jury_antrag.refresh_from_db()
    assert jury_antrag.status == Status.ENTSCHIEDEN and jury_antrag.begruendung == grund
    assert not jury_antrag.dokumente.exists() and mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        dokument = services.issue_notice(antrag=jury_antrag, by=unit)
    jury_antrag.refresh_from_db()
    assert jury_antrag.status == Status.ABGELEHNT
    assert dokument.art == Dokument.Art.ABLEHNUNG and len(dokument.sha256) == 64
    [mail] = mailoutbox
    assert [name for name, _c, _m in mail.attachments] == [dokument.dateiname]
    with pytest.raises(ServiceError):
        services.issue_notice(antrag=jury_antrag, by=unit)
    assert jury_antrag.dokumente.filter(art=Dokument.Art.ABLEHNUNG).count() == 1


def test_bescheid_is_rendered_once_and_never_regenerated():
    antrag = antrag_in(Status.ENTSCHIEDEN)
    unit = fachdienst_user()
    dokument = services.issue_notice(antrag=antrag, by=unit)
    assert dokument.art == Dokument.Art.BESCHEID and dokument.erstellt_von == unit
    with pytest.raises(ServiceError):
        services.issue_notice(antrag=antrag, by=unit)
    assert antrag.dokumente.filter(art=Dokument.Art.BESCHEID).count() == 1
    with dokument.datei.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == dokument.sha256


def test_a_notice_names_its_officer():
    antrag = antrag_in(Status.ENTSCHIEDEN)
    nameless = fachdienst_user(username="ohne-name", first_name="", last_name="")
    with pytest.raises(ServiceError, match="§ 37 Abs. 3 VwVfG"):
        services.issue_notice(antrag=antrag, by=nameless)
    antrag.refresh_from_db()
    assert antrag.status == Status.ENTSCHIEDEN and not antrag.dokumente.exists()


def test_verwendungsnachweis_needs_report_figures_and_receipts():
    """Every gap at once (worked examples of the money: tests/foerderung/test_ledger.py)."""
    antrag = antrag_in(Status.AUSGEZAHLT)
    with pytest.raises(ServiceError) as error:
        services.submit_nachweis(antrag=antrag, by=antrag.antragsteller)
    assert set(error.value.errors) == {
        "sachbericht",
        "eigenmittel_ist",
        "drittmittel_ist",
        "einnahmen_ist",
        "belege",
    }
    antrag.refresh_from_db()
    assert antrag.status == Status.AUSGEZAHLT
