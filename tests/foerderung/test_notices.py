"""The notices of the Kleinprojektefonds carry what a legal office checks in a Bescheid.

The checklist (README.md, "Was ein Bescheid enthält") is one table here; one test reads each
element back from the text of each notice it belongs to. The notices are rendered once per
module, in a transaction rolled back afterwards.
"""

import datetime
import re
import subprocess
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from PIL import Image

from foerderung import documents
from foerderung.models import Dokument, Finanzierungsart, Status, Verlauf
from kommunen.models import Kommune
from tests.factories import KommuneFactory

from .factories import AntragFactory, AufrufFactory, fachdienst_user

pytestmark = pytest.mark.django_db  # also makes pytest-django create the test database

MM = 25.4 / 72  # one PDF point in millimetres
BERLIN = ZoneInfo("Europe/Berlin")

REASONS_PARTIAL = (
    "Die Bewirtung beim Eröffnungsfest ist nach den Fördergrundsätzen nicht zuwendungsfähig."
)
REASONS_REJECTED = "Das Projekt hat vor der Bewilligung bereits begonnen."
WIDERSPRUCH_STELLE = (
    "Landkreis Ludwigslust-Parchim\nDer Landrat\nPutlitzer Straße 25\n19370 Parchim"
)

# Each notice of the checklist: its kind, the call's financing type, the amounts and reasons.
CASES = {
    "bewilligung": {"art": Dokument.Art.BESCHEID, "bewilligt": Decimal("3000")},
    "teilbewilligung": {
        "art": Dokument.Art.BESCHEID,
        "bewilligt": Decimal("1500"),
        "begruendung": REASONS_PARTIAL,
        "jury": True,
    },
    "ablehnung": {"art": Dokument.Art.ABLEHNUNG, "begruendung": REASONS_REJECTED},
    "ersatz": {
        "art": Dokument.Art.BESCHEID,
        "bewilligt": Decimal("1500"),
        "begruendung": REASONS_PARTIAL,
        "ersetzt": True,
    },
    "fehlbedarf": {
        "art": Dokument.Art.BESCHEID,
        "bewilligt": Decimal("3000"),
        "aufruf": {"finanzierungsart": Finanzierungsart.FEHLBEDARF, "kontakt_email": ""},
    },
    "anteil": {
        "art": Dokument.Art.BESCHEID,
        "bewilligt": Decimal("1500"),
        "begruendung": REASONS_PARTIAL,
        "aufruf": {
            "finanzierungsart": Finanzierungsart.ANTEIL,
            "anteil_prozent": Decimal("50.00"),
            "widerspruch_stelle": WIDERSPRUCH_STELLE,
        },
    },
    "stadt": {
        "art": Dokument.Art.BESCHEID,
        "bewilligt": Decimal("3000"),
        "kommune": {"name": "Hansestadt Rostock", "slug": "notices-rostock", "art": "stadt"},
    },
}
GRANTS = ("bewilligung", "teilbewilligung", "ersatz", "fehlbedarf", "anteil")
ALL = (*GRANTS, "ablehnung")

# The checklist: element, the notices it belongs to, the texts that must appear in this order
# ({placeholders} from the case), and texts that must not appear.
CHECKLIST = [
    ("Briefkopf der Behörde", ALL, ["Landkreis Ludwigslust-Parchim", "Fachdienst Gleichstellung"], []),
    ("Rücksendeangabe", ALL, ["Landkreis Ludwigslust-Parchim · Garnisonsstraße 1, 19288 Ludwigslust"], []),
    ("Anschrift", ALL, ["Heimatverein Beispieldorf e. V.", "Dorfstraße 1", "19288 Ludwigslust"], []),
    ("Aktenzeichen", ALL, ["Aktenzeichen {aktenzeichen}"], []),
    ("Datum", ALL, ["Datum {heute}"], []),
    ("Ansprechperson (§ 37 Abs. 3 VwVfG)", ALL, ["Name Maria Muster"], []),
    ("Kontakt aus dem Aufruf", ("bewilligung", "ablehnung", "anteil"), ["Telefon 03874 624-1234", "E-Mail kleinprojekte@lup.example"], ["info@lup.example"]),
    ("Kontakt der Kommune, wenn der Aufruf keinen nennt", ("fehlbedarf",), ["E-Mail info@lup.example"], ["kleinprojekte@lup.example"]),
    ("Betreff", ("bewilligung", "fehlbedarf"), ["Zuwendungsbescheid Kleinprojektefonds 2026: Projekt „Treffpunkt für Jung und Alt“"], ["Teilbewilligung"]),
    ("Betreff Teilbewilligung", ("teilbewilligung", "ersatz", "anteil"), ["Zuwendungsbescheid (Teilbewilligung)"], []),
    ("Betreff Ablehnung", ("ablehnung",), ["Ablehnungsbescheid"], ["Zuwendungsbescheid"]),
    ("Tenor zuerst, mit Artikel", GRANTS, ["Der Landkreis Ludwigslust-Parchim bewilligt Ihnen", "Nebenbestimmungen", "Begründung", "Rechtsbehelfsbelehrung"], []),
    ("Tenor der Ablehnung zuerst", ("ablehnung",), ["erlässt der Landkreis Ludwigslust-Parchim folgenden Bescheid", "Ihr Antrag wird abgelehnt.", "Begründung", REASONS_REJECTED, "Rechtsbehelfsbelehrung"], ["Anlage 1", "bewilligt Ihnen"]),
    ("Grammatik: die Behörde mit Artikel", ALL, ["der Landkreis Ludwigslust-Parchim"], ["Ihnen Landkreis", "bei Landkreis", "erlässt Landkreis", "teilen Landkreis"]),
    ("Grammatik bei einer Stadt", ("stadt",), ["erlässt die Hansestadt Rostock folgenden Bescheid", "Die Hansestadt Rostock bewilligt Ihnen", "Sie teilen der Hansestadt Rostock unverzüglich mit", "Fördergeber ist die Hansestadt Rostock", "Die Hansestadt Rostock entscheidet"], ["Ihnen Hansestadt", "Landkreis"]),
    ("Betrag bei voller Bewilligung", ("bewilligung",), ["Zuwendung in Höhe von 3.000,00 €", "in voller Höhe entsprochen", "Beantragt 3.000,00 €", "Bewilligt 3.000,00 €"], []),
    ("Beantragt und bewilligt bei Teilbewilligung", ("teilbewilligung", "ersatz", "anteil"), ["Zuwendung in Höhe von 1.500,00 €", "Beantragt hatten Sie 3.000,00 €", "im Übrigen wird Ihr Antrag abgelehnt (Teilbewilligung)", "Beantragt 3.000,00 €", "Bewilligt 1.500,00 € (Teilbewilligung)"], []),
    ("Gründe der Teilbewilligung (§ 39 VwVfG)", ("teilbewilligung", "ersatz", "anteil"), ["Begründung", "beantragt; bewilligt werden 1.500,00 €", REASONS_PARTIAL], []),
    ("Beantragter Betrag in der Ablehnung", ("ablehnung",), ["Zuwendung in Höhe von 3.000,00 €"], []),
    ("Zuwendungsart", GRANTS, ["Zuwendungsart Projektförderung, nicht rückzahlbarer Zuschuss"], []),
    ("Festbetragsfinanzierung", ("bewilligung", "teilbewilligung", "ersatz"), ["als Festbetragsfinanzierung", "Finanzierungsart Festbetragsfinanzierung"], ["Anteilfinanzierung", "Fehlbedarfsfinanzierung"]),
    ("Fehlbedarfsfinanzierung", ("fehlbedarf",), ["als Fehlbedarfsfinanzierung, höchstens 3.000,00 €", "Finanzierungsart Fehlbedarfsfinanzierung"], ["Festbetragsfinanzierung"]),
    ("Anteilfinanzierung mit Prozentsatz", ("anteil",), ["als Anteilfinanzierung in Höhe von 50 % der zuwendungsfähigen Ausgaben, höchstens 1.500,00 €", "Anteilfinanzierung: 50 % der zuwendungsfähigen Ausgaben"], ["Festbetragsfinanzierung"]),
    ("Zweck und Bewilligungszeitraum", GRANTS, ["Der Bewilligungszeitraum beginnt am {von} und endet am {bis}.", "Zuwendungszweck Durchführung des Projekts „Treffpunkt für Jung und Alt“"], []),
    ("Nebenbestimmungen: kein vorzeitiger Beginn", GRANTS, ["Kein vorzeitiger Beginn", "erst nach Bekanntgabe dieses Bescheids"], []),
    ("Nebenbestimmungen: Mitteilungspflichten", GRANTS, ["Mitteilungspflichten. Sie teilen dem Landkreis Ludwigslust-Parchim unverzüglich mit"], []),
    ("Nebenbestimmungen: Verwendungsnachweis", GRANTS, ["Verwendungsnachweis. Bis zum {nachweis}", "Sachbericht", "zahlenmäßigen Nachweis"], []),
    ("Widerruf und Erstattung mit Zinsen", GRANTS, ["§ 49 Abs. 3 VwVfG", "zu erstatten (§ 49a Abs. 1 VwVfG)", "fünf Prozentpunkten über dem Basiszinssatz", "§ 49a Abs. 3 VwVfG"], []),
    ("Rechtsgrundlage und Ermessen", ALL, ["kein Rechtsanspruch", "Der Landkreis Ludwigslust-Parchim entscheidet", "pflichtgemäßem Ermessen im Rahmen der verfügbaren Haushaltsmittel", "Fördergrundsätze und Regeln des Förderaufrufs „Kleinprojektefonds 2026“"], []),
    ("Jury nur, wenn sie beraten hat", ("teilbewilligung",), ["Die Jury des Förderaufrufs hat Ihren Antrag beraten"], []),
    ("Keine Jury nach formaler Ablehnung", ("ablehnung", "bewilligung"), [], ["Jury"]),
    ("Ersetzter Bescheid", ("ersatz",), ["Dieser Bescheid ersetzt den Bescheid vom {ersetzt_am} (Aktenzeichen {aktenzeichen})."], []),
    ("Kein ersetzter Bescheid", ("bewilligung", "ablehnung"), [], ["ersetzt den Bescheid"]),
    ("Rechtsbehelfsbelehrung (§ 58, § 70 VwGO)", ALL, ["Rechtsbehelfsbelehrung", "innerhalb eines Monats nach seiner Bekanntgabe Widerspruch", "schriftlich oder zur Niederschrift"], []),
    ("Widerspruch bei der Kommune mit Anschrift", ("bewilligung", "ablehnung"), ["einzulegen bei: Landkreis Ludwigslust-Parchim Garnisonsstraße 1 19288 Ludwigslust"], []),
    ("Widerspruch bei der Stelle des Aufrufs", ("anteil",), ["einzulegen bei: Landkreis Ludwigslust-Parchim Der Landrat Putlitzer Straße 25 19370 Parchim"], []),
    ("Schluss im Auftrag, mit Namen", ALL, ["Mit freundlichen Grüßen Im Auftrag Maria Muster", "Dieser Bescheid wurde elektronisch erstellt und ist ohne Unterschrift gültig."], []),
    ("Anlage 1: Kosten- und Finanzierungsplan", GRANTS, ["Anlage 1. Kosten- und Finanzierungsplan", "Anlage 1 zum Zuwendungsbescheid", "Bänke und Tisch 2.500,00 €", "Fest zur Eröffnung 1.000,00 €", "Zuwendungsfähige Ausgaben insgesamt 3.500,00 €", "Eigenmittel 500,00 € 500,00 €", "Drittmittel 0,00 € 0,00 €"], []),
    ("Anlage 1: Zuwendung und Lücke der Teilbewilligung", ("teilbewilligung",), ["Zuwendung aus dem Kleinprojektefonds (Festbetragsfinanzierung) 3.000,00 € 1.500,00 €", "Noch zu decken", "1.500,00 €", "Finanzierung insgesamt 3.500,00 € 3.500,00 €"], []),
    ("Seitenzahlen", ALL, ["Seite 1 von {seiten}", "Seite {seiten} von {seiten}"], []),
]  # fmt: skip


def pdf_text(pdf: bytes, *args: str) -> str:
    result = subprocess.run(
        ["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


# The running header and footer of the pages: read apart from the text that flows across pages.
MARGINS = re.compile(r"Seite \d+ von \d+|(Zuwendungs|Ablehnungs)bescheid vom [\d.]+ · Az\.")


def flowing_text(raw: str) -> str:
    """The letter's text in one line, then the pages' headers and footers."""
    lines = raw.replace("\f", "\n").splitlines()
    body = [line for line in lines if not MARGINS.search(line)]
    margins = [line for line in lines if MARGINS.search(line)]
    return " ".join(" ".join(body + margins).split())


def _notice(aufruf, beamter, case: dict, number: int) -> dict:
    antrag = AntragFactory(
        aufruf=aufruf,
        gesamtkosten=Decimal("3500"),
        eigenmittel=Decimal("500"),
        beantragt=Decimal("3000"),
        kostenplan=[("Bänke und Tisch", Decimal("2500")), ("Fest zur Eröffnung", Decimal("1000"))],
    )
    antrag.eingangsnummer = f"KPF-2026-01-{number:04d}"
    antrag.submitted_at = datetime.datetime(2026, 2, 3, 10, 30, tzinfo=BERLIN)
    antrag.status = Status.ENTSCHIEDEN
    antrag.bewilligt = case.get("bewilligt")
    antrag.begruendung = case.get("begruendung", "")
    antrag.decided_at = timezone.now()
    antrag.decided_by = beamter
    antrag.save()
    if case.get("jury"):
        Verlauf.objects.create(antrag=antrag, von=Status.FORMAL_GEPRUEFT, nach=Status.JURY)
    ersetzt = None
    if case.get("ersetzt"):
        ersetzt = Dokument.objects.create(
            antrag=antrag, art=Dokument.Art.BESCHEID, sha256="0" * 64, datei="alt.pdf"
        )
        Dokument.objects.filter(pk=ersetzt.pk).update(
            created_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
        )
        ersetzt.refresh_from_db()
    pdf = documents.render(antrag, case["art"], beamter=beamter, ersetzt=ersetzt)
    raw = pdf_text(pdf, "-layout")
    return {
        "pdf": pdf,
        "text": flowing_text(raw),
        "values": {
            "aktenzeichen": antrag.aktenzeichen,
            "heute": timezone.localdate().strftime("%d.%m.%Y"),
            "von": aufruf.umsetzung_von.strftime("%d.%m.%Y"),
            "bis": aufruf.umsetzung_bis.strftime("%d.%m.%Y"),
            "nachweis": aufruf.nachweis_faellig.strftime("%d.%m.%Y"),
            "ersetzt_am": "02.03.2026",
            "seiten": raw.count("\f"),
        },
    }


@pytest.fixture(scope="module")
def notices(django_db_setup, django_db_blocker):
    """Every notice of CASES, rendered once: its PDF, its text and the values it must show."""
    with django_db_blocker.unblock(), scopes_disabled(), transaction.atomic():
        assert connection.settings_dict["NAME"].startswith("test_")
        kommune = KommuneFactory(
            name="Landkreis Ludwigslust-Parchim",
            slug="notices-ludwigslust-parchim",
            anschrift="Garnisonsstraße 1\n19288 Ludwigslust",
            kontakt_email="info@lup.example",
            kontakt_telefon="03874 624-0",
        )
        beamter = fachdienst_user(
            kommune, username="notices-fachdienst", first_name="Maria", last_name="Muster"
        )
        result = {}
        for number, (name, case) in enumerate(CASES.items(), start=1):
            aufruf = AufrufFactory(
                **{
                    "kommune": KommuneFactory(**case["kommune"]) if "kommune" in case else kommune,
                    "title": "Kleinprojektefonds 2026",
                    "aktenzeichen": "20.1-KPF-2026",
                    "kontakt_email": "kleinprojekte@lup.example",
                    "kontakt_telefon": "03874 624-1234",
                    **case.get("aufruf", {}),
                }
            )
            result[name] = _notice(aufruf, beamter, case, number)
        transaction.set_rollback(True)
    return result


@pytest.mark.parametrize(
    ("element", "case"),
    [(element, case) for element, cases, *_ in CHECKLIST for case in cases],
)
def test_notice_has_checklist_element(notices, element, case):
    _, _, present, absent = next(row for row in CHECKLIST if row[0] == element)
    notice = notices[case]
    text, position = notice["text"], 0
    for expected in present:
        expected = expected.format(**notice["values"])
        found = text.find(expected, position)
        assert found >= 0, f"{element}: „{expected}“ fehlt (oder steht zu früh) in {case}:\n{text}"
        position = found + len(expected)
    for unexpected in absent:
        assert unexpected not in text, f"{element}: „{unexpected}“ steht in {case}"


def test_every_page_is_numbered(notices):
    for name, notice in notices.items():
        pages = pdf_text(notice["pdf"], "-layout").split("\f")[:-1]
        assert len(pages) >= 2, name
        for number, page in enumerate(pages, start=1):
            assert f"Seite {number} von {len(pages)}" in " ".join(page.split()), (name, number)


def _words(pdf: bytes) -> list[tuple[str, float, float]]:
    """The words of the first page with their top-left corner in mm from the sheet's corner."""
    html = pdf_text(pdf, "-bbox", "-f", "1", "-l", "1")
    return [
        (word, float(x) * MM, float(y) * MM)
        for x, y, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html
        )
    ]


@pytest.mark.parametrize("case", ["teilbewilligung", "ablehnung"])
def test_address_field_is_where_din_5008_form_b_puts_it(notices, case):
    """Form B: address field 45 mm from the top, 20 mm from the left, 85 × 45 mm (five lines for
    the return address, six for the address, the text at 25 mm); information block from
    125 mm and 50 mm; the subject below both."""
    words = _words(notices[case]["pdf"])

    def first(word):
        """The topmost place of `word` on the page."""
        return min(((x, y) for w, x, y in words if w == word), key=lambda place: place[1])

    x, y = first("Heimatverein")
    assert 62 <= y <= 90, f"Anschrift {y:.1f} mm unter der Oberkante"
    assert 24 <= x <= 26, f"Anschrift {x:.1f} mm vom linken Rand"
    x, y = first("Garnisonsstraße")  # the return address, in the first line of the field
    assert 45 <= y <= 50, y
    assert min(x for _, x, y in words if 45 <= y <= 50) == pytest.approx(25, abs=1)
    x, y = first("Dorfstraße")
    assert y <= 90 - 4, "the address ends inside the window"
    x, y = first("Aktenzeichen")
    assert x >= 124.5 and 50 <= y <= 90, (x, y)
    x, y = first("Datum")
    assert x >= 124.5 and y <= 90, (x, y)
    subject = "Zuwendungsbescheid" if case != "ablehnung" else "Ablehnungsbescheid"
    x, y = first(subject)
    assert 95 <= y <= 105 and 24 <= x <= 26, (x, y)


def test_first_page_as_image_shows_the_address_only_in_the_window(notices, tmp_path):
    """The first page at 50 dpi: ink in the window (20–105 mm × 45–90 mm), none around it
    where the envelope would hide it, and the text starts at 25 mm."""
    pdf_file = tmp_path / "bescheid.pdf"
    pdf_file.write_bytes(notices["teilbewilligung"]["pdf"])
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf_file), str(tmp_path / "s")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("s*.png"))).convert("L")
    assert image.size == pytest.approx((210 / 25.4 * 50, 297 / 25.4 * 50), abs=1)  # A4

    def ink(left, top, right, bottom) -> int:
        """Dark pixels in a rectangle given in mm."""
        box = [round(v / 25.4 * 50) for v in (left, top, right, bottom)]
        return sum(image.crop(box).histogram()[:128])

    assert ink(25, 45, 105, 90) > 50  # return address and address in the window
    assert ink(10, 40, 24, 95) == 0  # left of the text line, beside the window
    assert ink(106, 45, 124, 90) == 0  # between the window and the information block
    assert ink(125, 50, 200, 90) > 50  # information block


@pytest.mark.parametrize(
    ("name", "art", "nominativ", "dativ"),
    [
        ("Landkreis Ludwigslust-Parchim", "landkreis", "der Landkreis Ludwigslust-Parchim", "dem Landkreis Ludwigslust-Parchim"),
        ("Landkreis Rostock", "landkreis", "der Landkreis Rostock", "dem Landkreis Rostock"),
        ("Kreis Herzogtum Lauenburg", "landkreis", "der Kreis Herzogtum Lauenburg", "dem Kreis Herzogtum Lauenburg"),
        ("Stadt Ludwigslust", "stadt", "die Stadt Ludwigslust", "der Stadt Ludwigslust"),
        ("Hansestadt Rostock", "stadt", "die Hansestadt Rostock", "der Hansestadt Rostock"),
        ("Hanse- und Universitätsstadt Rostock", "stadt", "die Hanse- und Universitätsstadt Rostock", "der Hanse- und Universitätsstadt Rostock"),
        ("Große Kreisstadt Radebeul", "stadt", "die Große Kreisstadt Radebeul", "der Großen Kreisstadt Radebeul"),
        ("Neustadt-Glewe", "stadt", "die Stadt Neustadt-Glewe", "der Stadt Neustadt-Glewe"),
        ("Neustadt in Holstein", "stadt", "die Stadt Neustadt in Holstein", "der Stadt Neustadt in Holstein"),
        ("Gemeinde Lübtheen", "gemeinde", "die Gemeinde Lübtheen", "der Gemeinde Lübtheen"),
        ("Amt Dömitz-Malliß", "amt", "das Amt Dömitz-Malliß", "dem Amt Dömitz-Malliß"),
        ("Region Hannover", "region", "die Region Hannover", "der Region Hannover"),
    ],
)  # fmt: skip
def test_kommune_with_article(name, art, nominativ, dativ):
    kommune = Kommune(name=name, art=art)
    assert kommune.mit_artikel == nominativ
    assert kommune.mit_artikel_dativ == dativ
    # Accusative ("für den Landkreis …") differs from the nominative only for the masculine.
    akkusativ = nominativ.replace("der ", "den ", 1) if art == "landkreis" else nominativ
    assert kommune.mit_artikel_akkusativ == akkusativ
