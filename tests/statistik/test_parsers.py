"""statistik.parsers: GENESIS flat files (both dialects), plain tables (text and Excel) and
everything that must be refused, always as FormatError with a German message naming the line.

Plain functions, no database. The fixture files in files/ hold the real figures of
../shared/data/statistik-demo.tsv, written in the two GENESIS dialects.
"""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statistik import parsers
from statistik.parsers import FormatError, read_file

FILES = Path(__file__).resolve().parent / "files"
CURRENT = FILES / "12411-01-01-4_flat.csv"
OLD = FILES / "12411-0017_flat_alt.csv"
MARKERS = FILES / "fehlende_werte.tsv"
HEADER = "ags\tregion\tindikator\tmerkmal\tstichtag\twert\teinheit\tbasis\therausgeber\ttabelle\tquelle_url\tart"
BASES = {"Zensus 2011": parsers.BASIS_ZENSUS_2011, "Zensus 2022": parsers.BASIS_ZENSUS_2022}
# A real row of the demo table (press report), the base of the error cases below.
ROW = {
    "ags": "13076",
    "region": "Landkreis Ludwigslust-Parchim",
    "indikator": "Durchschnittsalter",
    "merkmal": "insgesamt",
    "stichtag": "2020-12-31",
    "wert": "47,5",
    "einheit": "Jahre",
    "basis": "Zensus 2011",
    "herausgeber": "Statistisches Amt Mecklenburg-Vorpommern (Pressebericht)",
    "tabelle": "",
    "quelle_url": "https://katapult-mv.de/artikel/durchschnittsalter-in-mv",
    "art": "Presse",
}
LUP = ("KREISE", "Kreise und kreisfreie Städte", "13076", "Ludwigslust-Parchim, Landkreis")


def demo_tsv() -> Path:
    """The shared demo table lies beside the clone (in CI too): walk up until it is found."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / "shared" / "data" / "statistik-demo.tsv"
        if candidate.is_file():
            return candidate
    pytest.fail(f"shared/data/statistik-demo.tsv not found in any folder above {__file__}")


def tsv_rows(tabelle: str | None = None) -> list[dict]:
    with demo_tsv().open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row for row in rows if tabelle is None or row["tabelle"] == tabelle]


def table(*rows: dict, sep: str = "\t") -> bytes:
    """A plain table: ROW changed by each dict in turn."""
    lines = [HEADER.replace("\t", sep)]
    lines += [sep.join({**ROW, **row}.values()) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def flat(*rows: list[str], variables: int = 1) -> bytes:
    """A GENESIS flat file in the current dialect."""
    head = ["statistics_code", "statistics_label", "time_code", "time_label", "time"]
    for n in range(1, variables + 1):
        head += [f"{n}_variable_code", f"{n}_variable_label"]
        head += [f"{n}_variable_attribute_code", f"{n}_variable_attribute_label"]
    head += ["value", "value_unit", "value_variable_code", "value_variable_label"]
    return "\n".join(";".join(row) for row in [head, *rows]).encode()


def flat_row(*variables, code="12411-07-01-4", time="2020-12-31", value="47,5", unit="Jahre"):
    cells = [code, "Durchschnittsalter der Bevölkerung", "STAG", "Stichtag", time]
    for variable in variables or [LUP]:
        cells += variable
    return [*cells, value, unit, "BEV017", "Durchschnittsalter der Bevölkerung"]


def errors_of(data: bytes, **kwargs) -> list[str]:
    with pytest.raises(FormatError) as caught:
        read_file(data, **kwargs)
    assert caught.value.fehler, "a FormatError must say what is wrong"
    return caught.value.fehler


def key(zeile):
    return (zeile.ags, zeile.indikator, zeile.merkmal, zeile.stichtag, zeile.wert, zeile.einheit)


def key_set(datei):
    return {key(z) for z in datei.zeilen}


def tsv_key(row):
    return (row["ags"], row["indikator"], row["merkmal"], date.fromisoformat(row["stichtag"]))


# GENESIS, current dialect --------------------------------------------------------------------


def test_current_dialect_gives_the_figures_of_the_demo_table():
    datei = read_file(CURRENT.read_bytes(), basis=parsers.BASIS_ZENSUS_2022)

    assert datei.format == "genesis"
    expected = tsv_rows("12411-01-01-4")
    assert len(expected) == 6
    got = {(z.ags, z.merkmal): z for z in datei.zeilen}
    for row in expected:
        zeile = got.pop((row["ags"], row["merkmal"]))
        assert zeile.wert == Decimal(row["wert"])
        assert zeile.stichtag == date.fromisoformat(row["stichtag"]) == date(2024, 12, 31)
        assert not zeile.nur_jahr
        assert (zeile.indikator, zeile.einheit) == (row["indikator"], row["einheit"])
        assert zeile.basis == BASES[row["basis"]] == parsers.BASIS_ZENSUS_2022
        assert (zeile.herausgeber, zeile.tabelle) == (row["herausgeber"], row["tabelle"])
        assert zeile.quelle == (
            "https://www.regionalstatistik.de/genesis/online?operation=table&code=12411-01-01-4"
        )
        assert (zeile.art, zeile.lizenz) == (parsers.ART_AMTLICH, parsers.LIZENZ_AMTLICH)
        assert (zeile.basisjahr, zeile.variante, zeile.fehlt) == (None, "", "")
    # What is left is the county whose figure the file marks as missing.
    assert list(got) == [("13071", "insgesamt")]
    missing = got["13071", "insgesamt"]
    assert (missing.wert, missing.fehlt, missing.zeile) == (None, "-", 8)
    assert len(datei.zeilen) == 7
    assert datei.zeilen[0].region == "Ludwigslust-Parchim, Landkreis"
    assert datei.hinweise == [
        "1 Wert fehlt in der Datei (Zeichen „-“) und wird als „kein Wert“ übernommen."
    ]


def test_current_dialect_without_basis_derives_the_census_from_the_date_and_says_so():
    datei = read_file(CURRENT.read_bytes())

    assert {z.basis for z in datei.zeilen} == {parsers.BASIS_ZENSUS_2022}
    assert any("aus dem Stichtag abgeleitet" in h for h in datei.hinweise)


def test_german_and_english_decimal_in_genesis_files():
    german = read_file(flat(flat_row(value="47,5")), basis="zensus2011").zeilen[0]
    english = read_file(flat(flat_row(value="47.5")), basis="zensus2011").zeilen[0]

    assert german.wert == english.wert == Decimal("47.5")
    assert (german.indikator, german.einheit, german.merkmal) == (
        "Durchschnittsalter",
        "Jahre",
        "insgesamt",
    )


def test_genesis_year_only_is_31_december():
    zeile = read_file(flat(flat_row(time="2023"))).zeilen[0]

    assert (zeile.stichtag, zeile.nur_jahr) == (date(2023, 12, 31), True)


def test_genesis_census_base_from_the_label_needs_no_hinweis():
    row = flat_row(time="2022-12-31")
    row[1] = "Durchschnittsalter der Bevölkerung (Basis Zensus 2011)"
    datei = read_file(flat(row))

    assert datei.zeilen[0].basis == parsers.BASIS_ZENSUS_2011
    assert datei.hinweise == []


def test_genesis_date_decides_the_census_from_reference_month_may_2022():
    before = read_file(flat(flat_row(time="2022-04-30"))).zeilen[0]
    after = read_file(flat(flat_row(time="2022-05-01"))).zeilen[0]

    assert (before.basis, after.basis) == (parsers.BASIS_ZENSUS_2011, parsers.BASIS_ZENSUS_2022)


def test_totals_above_the_regions_are_skipped_with_a_hinweis():
    germany = ("KREISE", "Kreise und kreisfreie Städte", "", "Deutschland")
    dg = ("KREISE", "Kreise und kreisfreie Städte", "DG", "Deutschland")
    datei = read_file(flat(flat_row(), flat_row(germany), flat_row(dg)), basis="zensus2011")

    assert [z.ags for z in datei.zeilen] == ["13076"]
    assert "2 Zeilen ohne Gemeindeschlüssel (Summen, z. B. für Deutschland) werden nicht " in (
        " ".join(datei.hinweise)
    )


def test_merkmal_joins_the_non_total_labels_in_the_plain_tables_words():
    sex = ("GES", "Geschlecht", "GESM", "männlich")
    age = ("ALTX20", "Altersgruppen", "ALT000B03", "unter 3 Jahre")
    old = ("ALTX20", "Altersgruppen", "ALT075UM", "75  Jahre und mehr")
    total = ("ALTX20", "Altersgruppen", "", "Insgesamt")
    rows = [
        flat_row(LUP, sex, age, code="12411-02-03-4", unit="Anzahl"),
        flat_row(LUP, sex, old, code="12411-02-03-4", unit="Anzahl"),
        flat_row(LUP, sex, total, code="12411-02-03-4", unit="Anzahl"),
    ]
    datei = read_file(flat(*rows, variables=3), basis="zensus2011")

    assert [z.merkmal for z in datei.zeilen] == [
        "männlich, unter 3",
        "männlich, 75 und mehr",
        "männlich",
    ]
    assert {z.indikator for z in datei.zeilen} == {"Bevölkerung nach Altersgruppen"}
    assert {z.einheit for z in datei.zeilen} == {"Personen"}


@pytest.mark.parametrize(
    ("code", "indikator"),
    [
        ("12411-01-01-5", "Bevölkerungsstand"),
        ("12411-0001", "Bevölkerungsstand"),
        ("12411-0005", "Bevölkerung nach Altersgruppen"),
        ("12411-08-01-4", "Jugend- und Altenquotient"),
        ("12711-04-02-4", "Wanderungen über die Kreisgrenzen"),
        ("12521-0044", "Wanderungen von Ausländerinnen und Ausländern"),
        ("99999-0001", "Durchschnittsalter der Bevölkerung"),  # the measure's own name
    ],
)
def test_indikator_from_the_table_code(code, indikator):
    assert read_file(flat(flat_row(code=code))).zeilen[0].indikator == indikator


def test_any_table_with_an_age_variable_is_by_age_group():
    age = ("ALTX20", "Altersgruppen", "ALT000B03", "unter 3 Jahre")
    zeile = read_file(flat(flat_row(LUP, age, code="99999-0001"), variables=2)).zeilen[0]

    assert zeile.indikator == "Bevölkerung nach Altersgruppen"


@pytest.mark.parametrize(
    ("code", "herausgeber", "quelle"),
    [
        (
            "12411-07-01-4",
            "Statistische Ämter des Bundes und der Länder (Regionaldatenbank)",
            "https://www.regionalstatistik.de/genesis/online?operation=table&code=12411-07-01-4",
        ),
        (
            "1000A-0000",
            "Statistische Ämter des Bundes und der Länder (Zensusdatenbank)",
            "https://ergebnisse.zensus2022.de/datenbank/online?operation=table&code=1000A-0000",
        ),
        (
            "12411-0017",
            "Statistisches Bundesamt (GENESIS-Online)",
            "https://www-genesis.destatis.de/datenbank/online/table/12411-0017",
        ),
    ],
)
def test_publisher_and_address_follow_the_shape_of_the_table_code(code, herausgeber, quelle):
    zeile = read_file(flat(flat_row(code=code)), basis="zensus2011").zeilen[0]

    assert (zeile.herausgeber, zeile.quelle, zeile.tabelle) == (herausgeber, quelle, code)


def test_the_census_database_always_counts_on_the_2022_census():
    zeile = read_file(flat(flat_row(code="1000A-0000")), basis="zensus2011").zeilen[0]

    assert zeile.basis == parsers.BASIS_ZENSUS_2022


def test_percent_is_shown_as_a_sign():
    assert read_file(flat(flat_row(unit="Prozent"))).zeilen[0].einheit == "%"


def test_zipped_flat_file_as_genesis_delivers_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("12411-01-01-4_de_flat.csv", CURRENT.read_bytes())

    assert key_set(read_file(buffer.getvalue())) == key_set(read_file(CURRENT.read_bytes()))


# GENESIS, older dialect ----------------------------------------------------------------------


def test_old_dialect_gives_the_figures_of_the_demo_table():
    datei = read_file(OLD.read_bytes())

    assert datei.format == "genesis-alt"
    expected = tsv_rows("12411-0017")
    assert len(expected) == len(datei.zeilen) == 36
    for row, zeile in zip(expected, datei.zeilen, strict=True):
        assert (zeile.ags, zeile.region, zeile.indikator, zeile.merkmal) == (
            row["ags"],
            row["region"],
            row["indikator"],
            row["merkmal"],
        )
        assert zeile.wert == Decimal(row["wert"])
        assert zeile.stichtag == date.fromisoformat(row["stichtag"]) == date(2019, 12, 31)
        assert zeile.basis == BASES[row["basis"]] == parsers.BASIS_ZENSUS_2011
        assert (zeile.einheit, zeile.herausgeber, zeile.tabelle) == (
            row["einheit"],
            row["herausgeber"],
            row["tabelle"],
        )
    merkmale = [z.merkmal for z in datei.zeilen]
    assert {"unter 3", "3 bis unter 6", "75 und mehr", "insgesamt"} <= set(merkmale)
    assert [z.zeile for z in datei.zeilen[:2]] == [2, 3]
    assert len(datei.hinweise) == 1
    assert "aus dem Stichtag abgeleitet" in datei.hinweise[0]


def test_old_dialect_saved_by_windows_excel_in_cp1252():
    text = OLD.read_text(encoding="utf-8")
    datei = read_file(text.encode("cp1252"))

    assert key_set(datei) == key_set(read_file(OLD.read_bytes()))
    assert datei.zeilen[0].region == "Landkreis Rostock"


def test_old_dialect_with_several_measures_gives_a_row_for_each():
    head = (
        "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
        "1_Auspraegung_Code;1_Auspraegung_Label;BEV081__Zuzuege__Anzahl;"
        "BEV082__Fortzuege__Anzahl"
    )
    line = "12711-04-02-4;Wanderungen;JAHR;Jahr;2023;KREISE;Kreise;13076;Ludwigslust-Parchim;100;."
    datei = read_file(f"{head}\n{line}\n".encode())

    assert [(z.indikator, z.merkmal, z.wert, z.fehlt, z.zeile) for z in datei.zeilen] == [
        ("Wanderungen über die Kreisgrenzen", "Zuzüge", Decimal(100), "", 2),
        ("Wanderungen über die Kreisgrenzen", "Fortzüge", None, ".", 2),
    ]
    assert all(z.einheit == "Personen" and z.nur_jahr for z in datei.zeilen)


def test_old_dialect_measure_names_get_their_umlauts_back_only_for_known_words():
    head = (
        "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
        "1_Auspraegung_Code;1_Auspraegung_Label;     FLC006__Gebietsflaeche__qkm;X__Schueler__Anzahl"
    )
    line = "11111-0001;Gebietsstand;STAG;Stichtag;31.12.2022;DLAND;Bundesländer;13;MV;23294,90;1"
    datei = read_file(f"{head}\n{line}\n".encode(), basis="zensus2011")

    assert [(z.indikator, z.einheit, z.wert) for z in datei.zeilen] == [
        ("Gebietsfläche", "qkm", Decimal("23294.90")),
        ("Schueler", "Anzahl", Decimal(1)),
    ]


# The plain table -----------------------------------------------------------------------------


def test_demo_table_gives_its_50_figures_exactly():
    rows = tsv_rows()
    datei = read_file(demo_tsv().read_bytes())

    assert datei.format == "tabelle"
    assert len(rows) == len(datei.zeilen) == 50
    assert datei.hinweise == []
    for row, zeile in zip(rows, datei.zeilen, strict=True):
        assert (zeile.ags, zeile.indikator, zeile.merkmal, zeile.stichtag) == tsv_key(row)
        assert zeile.wert == Decimal(row["wert"].replace(",", "."))
        assert (zeile.region, zeile.einheit, zeile.herausgeber) == (
            row["region"],
            row["einheit"],
            row["herausgeber"],
        )
        assert (zeile.tabelle, zeile.quelle) == (row["tabelle"], row["quelle_url"])
        assert zeile.basis == BASES.get(row["basis"], parsers.BASIS_PROGNOSE)
        assert zeile.art == (parsers.ART_PRESSE if row["art"] == "Presse" else parsers.ART_AMTLICH)
    average = only(datei, "13076", "Durchschnittsalter")
    assert average.wert == Decimal("47.5") and str(average.wert) == "47.5"
    assert (average.art, average.lizenz) == (parsers.ART_PRESSE, "")
    state = only(datei, "13", "Durchschnittsalter")
    assert (state.region, state.wert) == ("Mecklenburg-Vorpommern", Decimal("47.4"))
    forecasts = [z for z in datei.zeilen if z.basis == parsers.BASIS_PROGNOSE]
    assert [(z.ags, z.basisjahr, z.variante, z.wert, z.stichtag.year) for z in forecasts] == [
        ("13076", 2017, "mittlere Variante", Decimal("-6.4"), 2040),
        ("13072", 2017, "mittlere Variante", Decimal("-0.5"), 2040),
        ("13076", 2020, "", Decimal("-9.9"), 2040),
        ("13072", 2014, "", Decimal("-11.6"), 2035),
    ]
    assert all(z.art == parsers.ART_PRESSE and z.lizenz == "" for z in forecasts)
    density = only(datei, "13076", "Bevölkerungsdichte")
    assert (density.wert, density.stichtag, density.basis) == (44, date(2022, 5, 15), "zensus2022")
    assert (density.art, density.lizenz) == (parsers.ART_AMTLICH, parsers.LIZENZ_AMTLICH)
    assert all(z.basisjahr is None and z.variante == "" for z in datei.zeilen if z.tabelle)


def only(datei, ags, indikator):
    (zeile,) = [z for z in datei.zeilen if (z.ags, z.indikator) == (ags, indikator)]
    return zeile


def test_every_missing_marker_is_kept_as_no_value():
    datei = read_file(MARKERS.read_bytes())

    assert [(z.wert, z.fehlt) for z in datei.zeilen] == [
        (None, "-"),
        (None, "."),
        (None, "..."),
        (None, "/"),
        (None, "x"),
        (Decimal(218721), ""),
    ]
    assert datei.hinweise == [
        "5 Werte fehlen in der Datei (Zeichen „-“, „.“, „...“, „/“, „x“) und werden als "
        "„kein Wert“ übernommen."
    ]


def test_semicolon_csv_with_german_numbers():
    datei = read_file(
        table(
            {"wert": "1.234,56", "merkmal": "a"},
            {"wert": "215.794", "merkmal": "b"},
            {"wert": "-6,4", "merkmal": "c"},
            {"wert": "−0,5", "merkmal": "d"},  # U+2212 MINUS SIGN
            {"wert": "47.5", "merkmal": "e"},
            {"wert": "1.234.567", "merkmal": "f"},
            sep=";",
        )
    )

    assert [z.wert for z in datei.zeilen] == [
        Decimal("1234.56"),
        Decimal(215794),
        Decimal("-6.4"),
        Decimal("-0.5"),
        Decimal("47.5"),
        Decimal(1234567),
    ]


def test_comma_csv_with_quotes_bom_and_blank_lines():
    lines = [
        HEADER.replace("\t", ","),
        "",
        '13076,"Ludwigslust-Parchim, Landkreis",Durchschnittsalter,insgesamt,2020,"47,5",Jahre,'
        'Zensus 2011,"Amt, Presse",,"https://katapult-mv.de/a, S. 3",presse',
        "   ",
    ]
    datei = read_file(("\ufeff" + "\r\n".join(lines)).encode())

    zeile = datei.zeilen[0]
    assert (zeile.region, zeile.wert, zeile.herausgeber) == (
        "Ludwigslust-Parchim, Landkreis",
        Decimal("47.5"),
        "Amt, Presse",
    )
    assert (zeile.quelle, zeile.stichtag, zeile.nur_jahr, zeile.zeile) == (
        "https://katapult-mv.de/a, S. 3",
        date(2020, 12, 31),
        True,
        3,
    )


def test_cells_are_stripped_and_the_merkmal_normalised():
    zeile = read_file(table({"merkmal": "  3 bis unter 6 Jahre ", "ags": " 13076 "})).zeilen[0]

    assert (zeile.merkmal, zeile.ags) == ("3 bis unter 6", "13076")


def test_plain_table_in_cp1252():
    data = table({"merkmal": "Veränderung 2017 bis 2040"}).decode().encode("cp1252")

    assert read_file(data).zeilen[0].merkmal == "Veränderung 2017 bis 2040"


def test_excel_file(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split("\t"))
    excel_date = datetime(2020, 12, 31)  # noqa: DTZ001 - Excel cells know no time zone
    sheet.append([*ROW.values()][:4] + [excel_date, 47.5, *[*ROW.values()][6:]])
    sheet.append([13072, "Landkreis Rostock", "Bevölkerung nach Altersgruppen", "insgesamt", 2019])
    sheet.cell(3, 6, 215794)
    for column, value in enumerate(list(ROW.values())[6:], start=7):
        sheet.cell(3, column, value)
    sheet.cell(3, 9, "Statistisches Bundesamt (GENESIS-Online)")
    sheet.cell(3, 12, "amtlich")
    sheet.append([])
    sheet.append(["13076", "x", "Beispiel", "insgesamt", "2020-12-31", "215.794", "Personen"])
    for column, value in enumerate(list(ROW.values())[7:], start=8):
        sheet.cell(5, column, value)
    sheet.append(["13076", "x", "Beispiel", "b", date(2021, 12, 31), 215.794, "%"])
    for column, value in enumerate(list(ROW.values())[7:], start=8):
        sheet.cell(6, column, value)
    path = tmp_path / "zahlen.xlsx"
    workbook.save(path)

    datei = read_file(path.read_bytes())

    assert datei.format == "tabelle"
    assert [(z.ags, z.stichtag, z.nur_jahr, z.wert, z.zeile) for z in datei.zeilen] == [
        ("13076", date(2020, 12, 31), False, Decimal("47.5"), 2),
        ("13072", date(2019, 12, 31), True, Decimal(215794), 3),
        ("13076", date(2020, 12, 31), False, Decimal(215794), 5),
        # A number cell with a fraction is no thousands grouping, whatever its digits.
        ("13076", date(2021, 12, 31), False, Decimal("215.794"), 6),
    ]
    assert datei.zeilen[1].lizenz == parsers.LIZENZ_AMTLICH


def test_a_stray_cell_far_out_in_an_excel_sheet_is_no_burden(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split("\t"))
    sheet.append(list(ROW.values()))
    sheet["XFD1048576"] = "x"
    path = tmp_path / "weit.xlsx"
    workbook.save(path)

    assert [z.wert for z in read_file(path.read_bytes()).zeilen] == [Decimal("47.5")]


# What is refused -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"wert": "12a"}, "Zeile 2: „12a“ ist keine Zahl."),
        ({"wert": "1,2,3"}, "Zeile 2: „1,2,3“ ist keine Zahl."),
        ({"wert": "12.34.5"}, "Zeile 2: „12.34.5“ ist keine Zahl."),
        ({"wert": ""}, "Zeile 2: Der Wert fehlt"),
        ({"stichtag": "31.02.2020"}, "Zeile 2: „31.02.2020“ ist kein gültiges Datum."),
        ({"stichtag": "2020-13-01"}, "Zeile 2: „2020-13-01“ ist kein gültiges Datum."),
        ({"stichtag": "12/31/2020"}, "Zeile 2: „12/31/2020“ ist kein Stichtag"),
        ({"stichtag": ""}, "Zeile 2: Der Stichtag fehlt."),
        (
            {"herausgeber": ""},
            "Zeile 2: Herausgeber fehlt – ohne Quelle wird keine Zahl übernommen.",
        ),
        ({"quelle_url": ""}, "Zeile 2: Quelle fehlt – ohne Quelle wird keine Zahl übernommen."),
        ({"basis": "Prognose"}, "Zeile 2: Eine Prognose braucht ihr Basisjahr"),
        ({"basis": "Prognose (mittlere Variante)"}, "Zeile 2: Eine Prognose braucht ihr Basisjahr"),
        ({"basis": "Schätzung"}, "Zeile 2: „Schätzung“ ist keine bekannte Basis. Möglich sind"),
        ({"art": "Blog"}, "Zeile 2: „Blog“ ist keine Art der Quelle (amtlich oder Presse)."),
        ({"ags": "13 076"}, "Zeile 2: „13 076“ ist kein Gemeindeschlüssel"),
        ({"ags": "1234567890123"}, "Zeile 2: „1234567890123“ ist kein Gemeindeschlüssel"),
        ({"ags": ""}, "Zeile 2: Der Gemeindeschlüssel (ags) fehlt."),
        ({"indikator": ""}, "Zeile 2: Indikator fehlt."),
        ({"merkmal": ""}, "Zeile 2: Merkmal fehlt."),
        ({"einheit": ""}, "Zeile 2: Einheit fehlt."),
        ({"region": "x" * 501}, "Zeile 2: Ein Feld ist länger als 500 Zeichen."),
        ({"region": "Ludwigslust\x07"}, "Zeile 2: Ein Feld enthält Steuerzeichen"),
    ],
)
def test_a_wrong_cell_is_named_with_its_line(row, message):
    fehler = errors_of(table(row))

    assert any(f.startswith(message) for f in fehler), fehler


def test_all_problems_of_a_line_are_listed():
    fehler = errors_of(table({"wert": "12a", "stichtag": "31.02.2020", "herausgeber": ""}))

    assert len(fehler) == 3 and all(f.startswith("Zeile 2: ") for f in fehler)


def test_the_same_figure_twice_names_both_lines():
    fehler = errors_of(table({}, {"merkmal": "männlich"}, {"wert": "47,6"}))

    assert fehler == [
        "Zeile 4: Dieselbe Zahl (Region, Indikator, Merkmal, Stichtag, Basis und Herausgeber) "
        "steht schon in Zeile 2."
    ]


def test_the_same_figure_from_another_publisher_is_no_duplicate():
    datei = read_file(table({}, {"herausgeber": "Statistisches Amt Mecklenburg-Vorpommern"}))

    assert len(datei.zeilen) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Die Datei enthält keine Zahlen."),
        (b"\n\n  \n", "Die Datei enthält keine Zahlen."),
        (HEADER.encode(), "Die Datei enthält keine Zahlen."),
        (b"\x00\x01\x02binary\xff\xfe", "Zeile 1: Das Format der Datei wird nicht erkannt:"),
        (b"\x81\x8d\x8f\x90\x9d", "Die Datei ist weder eine Textdatei"),
        (b"PK\x03\x04 broken", "Die Datei ist eine ZIP- oder Excel-Datei, lässt sich aber nicht"),
        (b"ags;wert\n13076;1\n", "Zeile 1: Das Format der Datei wird nicht erkannt"),
        (f"{HEADER}\n13076\tx\n".encode(), "Zeile 2: Die Zeile hat 2 Spalten, die Kopfzeile 12."),
        (
            f"{HEADER}\n{chr(9).join(ROW.values())}\textra\n".encode(),
            "Zeile 2: Die Zeile hat 13 Spalten, die Kopfzeile 12.",
        ),
        (flat(flat_row(value="12a")), "Zeile 2: „12a“ ist keine Zahl."),
        (flat(flat_row(value="1.234,5")), "Zeile 2: „1.234,5“ ist keine Zahl."),
        (flat(flat_row(time="31.02.2020")), "Zeile 2: „31.02.2020“ ist kein gültiges Datum."),
        (flat(flat_row(LUP[:2] + ("1234567890123", "X"))), "Zeile 2: „1234567890123“ ist kein"),
        (flat(flat_row(code="")), "Zeile 2: Der Tabellencode fehlt."),
        (
            flat(flat_row(("DINSG", "Deutschland", "DG", "Deutschland"))),
            "Zeile 1: Die Datei hat kein",
        ),
        (b"statistics_code;time\n1;2\n", "Zeile 1: Die Kopfzeile der GENESIS-Datei ist"),
        (flat(flat_row()) + b"\n" + b";".join([b"x"] * 3), "Zeile 3: Die Zeile hat 3 Spalten"),
        (flat(flat_row(), flat_row()), "Zeile 3: Dieselbe Zahl"),
    ],
)
def test_a_wrong_file_is_refused_with_a_german_message(data, message):
    fehler = errors_of(data)

    assert any(f.startswith(message) for f in fehler), fehler


def test_an_unknown_basis_argument_is_refused():
    assert errors_of(CURRENT.read_bytes(), basis="prognose") == [
        "Als Basis sind nur Zensus 2011, Zensus 2022 oder Registerdaten möglich."
    ]


def test_many_problems_are_cut_after_twenty():
    fehler = errors_of(table(*({"wert": f"{n}a", "merkmal": str(n)} for n in range(25))))

    assert len(fehler) == 21
    assert fehler[0] == "Zeile 2: „0a“ ist keine Zahl."
    assert fehler[-1] == "… und 5 weitere"


def test_a_format_error_is_a_value_error_with_all_messages():
    error = FormatError(["Zeile 2: a", "Zeile 3: b"])

    assert isinstance(error, ValueError)
    assert str(error) == "Zeile 2: a\nZeile 3: b"


# Whatever comes in: a Datei or a FormatError, nothing else -----------------------------------

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
CELLS = st.one_of(
    st.sampled_from(
        [
            *parsers.MISSING_MARKERS,
            "",
            "13076",
            "13",
            "DG",
            "2024-12-31",
            "31.12.2019",
            "31.02.2020",
            "2023",
            "0000",
            "47,5",
            "1.234,56",
            "215.794",
            "−0,5",
            "9" * 400,
            "Zensus 2011",
            "Prognose (Basis 31.12.2017, mittlere Variante)",
            "Prognose",
            "amtlich",
            "Presse",
            "ALT000B03",
            "Insgesamt",
            "Jahre",
            "Prozent",
            "12411-01-01-4",
            "1000A",
            '"',
            '"a;b"',
        ]
    ),
    st.text(max_size=12),
)
HEADERS = [
    HEADER,
    flat().decode(),
    flat(variables=2).decode(),
    "Statistik_Code;Statistik_Label;Zeit_Code;Zeit_Label;Zeit;1_Merkmal_Code;1_Merkmal_Label;"
    "1_Auspraegung_Code;1_Auspraegung_Label;A__B__C;D__Zuzuege__Anzahl",
]


def read_or_refuse(data: bytes) -> None:
    try:
        datei = read_file(data)
    except FormatError as error:
        assert error.fehler and all(isinstance(f, str) and f for f in error.fehler)
        return
    assert isinstance(datei, parsers.Datei) and datei.zeilen


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_give_a_datei_or_a_format_error(data):
    read_or_refuse(data)


@FUZZ
@given(st.binary(max_size=2000).map(lambda tail: b"PK\x03\x04" + tail))
def test_random_zip_like_bytes_give_a_format_error(data):
    read_or_refuse(data)


@FUZZ
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_random_text_gives_a_datei_or_a_format_error(text, encoding):
    read_or_refuse(text.encode(encoding))


@FUZZ
@given(
    st.sampled_from(HEADERS),
    st.sampled_from(["\t", ";", ","]),
    st.lists(st.lists(CELLS, min_size=0, max_size=20), max_size=6),
)
def test_random_rows_under_a_real_header_give_a_datei_or_a_format_error(header, sep, rows):
    header = header.split("\n")[0]
    for old in "\t;":
        header = header.replace(old, sep)
    lines = [header, *(sep.join(row) for row in rows)]
    read_or_refuse("\n".join(lines).encode())


def test_odd_excel_cells_give_a_datei_or_a_format_error(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split("\t"))
    noon = datetime(2020, 1, 1, 12, 30)  # noqa: DTZ001 - Excel cells know no time zone
    sheet.append([True, None, float("nan"), 10**30, noon, -0.0, 1e-7])
    sheet.append([13076, "r", "i", "m", 2020, float("inf"), "u", "Zensus 2011", "h", "", "q", "x"])
    workbook.create_sheet("zweites Blatt")
    path = tmp_path / "seltsam.xlsx"
    workbook.save(path)

    read_or_refuse(path.read_bytes())
    sheet.delete_rows(2, 2)
    workbook.save(path)
    read_or_refuse(path.read_bytes())


def test_real_downloads_name_the_statistic_and_the_table_comes_from_the_file_name():
    """A real flat file says "12411" (the statistic); its name says "12411-07-01-4"."""
    data = flat(flat_row(code="12411"))
    assert parsers.table_code("12411-07-01-4_flat.csv") == "12411-07-01-4"
    assert parsers.table_code("1000A-1018_de_flat.zip") == "1000A-1018"
    assert parsers.table_code("statistik.csv") == ""
    guessed = read_file(data).zeilen[0]
    named = read_file(data, tabelle="12411-07-01-4").zeilen[0]
    assert guessed.tabelle == "12411" and guessed.indikator != "Durchschnittsalter"
    assert (named.tabelle, named.indikator) == ("12411-07-01-4", "Durchschnittsalter")
    assert named.herausgeber == "Statistische Ämter des Bundes und der Länder (Regionaldatenbank)"
    assert named.quelle.endswith("code=12411-07-01-4")


def test_the_portals_own_csv_columns_are_accepted_and_its_licence_kept():
    head = "\t".join([*parsers.COLUMNS, "abgerufen_am", "lizenz"])
    row = "13076\tLK\tDurchschnittsalter\tinsgesamt\t2020\t47,5\tJahre\tZensus 2011\tAmt\t\thttps://x.example\tamtlich\t30.11.2026\tCC BY 4.0"
    [zeile] = read_file(f"{head}\n{row}\n".encode()).zeilen
    assert (zeile.lizenz, zeile.wert) == ("CC BY 4.0", Decimal("47.5"))
