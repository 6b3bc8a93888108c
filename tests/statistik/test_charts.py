"""The charts of "… in Zahlen": self-contained, accessible, German, the same bytes each
time, and drawn by WeasyPrint with their text. No database needed."""

import base64
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from decimal import Decimal

import weasyprint

from statistik import charts
from statistik.charts import Reihe

SVG = "{http://www.w3.org/2000/svg}"
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
AGES = [
    ("unter 3", 5249),
    ("3 bis unter 6", 5695),
    ("6 bis unter 10", 7508),
    ("10 bis unter 15", 9109),
    ("15 bis unter 18", 5460),
    ("18 bis unter 20", 3265),
    ("20 bis unter 25", 6591),
    ("25 bis unter 30", 7461),
    ("30 bis unter 35", 12957),
    ("35 bis unter 40", 13407),
    ("40 bis unter 45", 12361),
    ("45 bis unter 50", 13036),
    ("50 bis unter 55", 17605),
    ("55 bis unter 60", 21359),
    ("60 bis unter 65", 19046),
    ("65 bis unter 75", 25929),
    ("75 und mehr", 215794),  # not an age group's figure: the total, to read back a big number
]
FORECASTS = [
    ("Land Mecklenburg-Vorpommern, 5. Landesprognose (Basis 2017, bis 2040)", "-6.4"),
    ("Bertelsmann Stiftung, Wegweiser Kommune (Basis 2020, bis 2040)", "-9.9"),
    ("BBSR, Raumordnungsprognose 2035 (Basis 2014, bis 2035)", None),
    ("Eigene Schätzung (Basis 2022, bis 2040)", "1.2"),
]


def altersgruppen(title="Altersstruktur", description="Personen je Altersgruppe") -> str:
    return charts.balken(
        title=title,
        description=description,
        labels=[label for label, _ in AGES],
        werte=[Decimal(value) for _, value in AGES],
        einheit="Personen",
        horizontal=True,
    )


def prognosen(horizontal=True) -> str:
    return charts.balken(
        title="Vorausberechnete Veränderung der Bevölkerung",
        description="Vier Prognosen",
        labels=[label for label, _ in FORECASTS],
        werte=[value and Decimal(value) for _, value in FORECASTS],
        einheit="%",
        horizontal=horizontal,
    )


def bevoelkerung(reihen=None, title="Bevölkerung", description="Je Zensus-Basis eine Linie") -> str:
    return charts.linien(
        title=title,
        description=description,
        x_labels=["31.12.2019", "31.12.2020", "31.12.2022", "31.12.2024"],
        reihen=reihen
        or [
            Reihe("Basis Zensus 2011", [Decimal(211779), Decimal(211600), None, None]),
            Reihe("Basis Zensus 2022", [None, None, Decimal(207000), Decimal(208092)]),
        ],
        einheit="Personen",
    )


def every_chart() -> list[str]:
    return [altersgruppen(), prognosen(), prognosen(horizontal=False), bevoelkerung()]


def css(svg: str) -> str:
    return ET.fromstring(svg).find(f"{SVG}defs/{SVG}style").text


def texts(svg: str, cls: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text") if t.get("class") == cls]


def points(path) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
    return list(zip(numbers[::2], numbers[1::2], strict=True))


def lines_of(root, serie: int) -> list:
    plot = root.find(f"{SVG}g/{SVG}g[@class='plot']")
    group = plot.find(f"{SVG}g[@class='series serie-{serie} color-{serie}']")
    return [p for p in group.iter(f"{SVG}path") if "line" in p.get("class").split()]


def test_title_and_description_are_the_first_children_and_label_the_image():
    for svg in every_chart():
        root = ET.fromstring(svg)
        title, desc = root[0], root[1]
        assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert len(root.findall(f"{SVG}title")) == 1
    root = ET.fromstring(bevoelkerung())
    assert (root[0].text, root[1].text) == ("Bevölkerung", "Je Zensus-Basis eine Linie")


def test_hostile_text_stays_valid_xml():
    title, description = 'Kreis "A" <&> B', "</desc><script>alert(1)</script> ]]> &amp;"
    for svg in [
        altersgruppen(title=title, description=description),
        bevoelkerung(title=title, description=description),
    ]:
        root = ET.fromstring(svg)
        assert (root[0].text, root[1].text) == (title, description)
        assert not list(root.iter(f"{SVG}script"))
    reihe = Reihe("<b>&</b>", [Decimal(1), Decimal(2), None, Decimal(3)])
    ET.fromstring(bevoelkerung(reihen=[reihe, reihe]))
    ET.fromstring(
        charts.balken(title="t", description="d", labels=["<&>"], werte=[None], einheit="<")
    )


def test_no_script_and_nothing_from_outside():
    for svg in every_chart():
        root = ET.fromstring(svg)
        assert not list(root.iter(f"{SVG}script"))
        assert "<script" not in svg and "javascript" not in svg.lower()
        assert set(re.findall(r"https?://[^\s\"')<>]+", svg)) <= NAMESPACES
        assert "href" not in svg and "url(" not in svg and "@import" not in svg


def test_same_figures_give_the_same_bytes():
    assert altersgruppen() == altersgruppen()
    assert bevoelkerung() == bevoelkerung()
    for svg in every_chart():
        assert time.strftime("%Y-%m-%d") not in svg  # pygal dates its comment
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", svg)  # no uuid
        assert "<!--" not in svg


def test_every_chart_keeps_its_box():
    for svg in every_chart():
        root = ET.fromstring(svg)
        assert (root.get("width"), root.get("height")) == ("720", "400")
        assert root.get("viewBox") == "0 0 720 400"


def test_a_missing_figure_leaves_a_gap_in_the_line():
    svg = charts.linien(
        title="Bevölkerung",
        description="d",
        x_labels=["2019", "2020", "2021", "2022", "2023"],
        reihen=[Reihe("Bevölkerung", [Decimal(v) if v else None for v in [5, 4, None, 3, 2]])],
        einheit="Personen",
    )
    before, after = lines_of(ET.fromstring(svg), 0)
    assert len(points(before)) == len(points(after)) == 2
    assert max(x for x, _ in points(before)) < min(x for x, _ in points(after))


def test_census_bases_are_two_lines_never_joined():
    root = ET.fromstring(bevoelkerung())
    (old,), (new,) = lines_of(root, 0), lines_of(root, 1)
    assert len(points(old)) == 2 and len(points(new)) == 2
    assert max(x for x, _ in points(old)) < min(x for x, _ in points(new))
    legend = [t.text for t in root.iter(f"{SVG}text") if t.text and "Basis" in t.text]
    assert legend == ["Basis Zensus 2011", "Basis Zensus 2022"]
    assert texts(bevoelkerung(), "value") == ["211.779", "211.600", "207.000", "208.092"]


def test_series_differ_by_dash_and_marker_not_only_colour():
    root = ET.fromstring(bevoelkerung())
    overlay = root.find(f"{SVG}g/{SVG}g[@class='plot overlay']")
    shapes = [
        {re.sub(r"^M[\d.]+ [\d.]+", "", p.get("d")) for p in serie.iter(f"{SVG}path")}
        for serie in overlay
    ]
    assert len(shapes[0]) == len(shapes[1]) == 1 and shapes[0] != shapes[1]
    style = css(bevoelkerung())
    assert ".serie-0 .line{stroke-dasharray:none}" in style
    assert ".serie-1 .line{stroke-dasharray:9 5}" in style


def test_one_series_has_no_legend():
    one = bevoelkerung(reihen=[Reihe("Bevölkerung", [Decimal(1), Decimal(2), None, None])])
    assert 'class="legends"' not in one
    assert 'class="legends"' not in altersgruppen()
    assert 'class="legends"' in bevoelkerung()


def test_numbers_are_printed_the_german_way():
    values = texts(altersgruppen(), "value")
    assert "215.794" in values and "5.249" in values
    assert {"−6,4\u00a0%", "−9,9\u00a0%", "1,2\u00a0%"} <= set(texts(prognosen(), "value"))
    axis = ["".join(t.itertext()) for t in ET.fromstring(prognosen()).iter(f"{SVG}text")]
    assert "0\u00a0%" in axis and any(re.fullmatch(r"−\d+\u00a0%", text) for text in axis)
    assert "40.000" in [t.text for t in ET.fromstring(altersgruppen()).iter(f"{SVG}text")]
    assert charts.zahl(Decimal("215794")) == "215.794"
    assert charts.zahl(Decimal("47.50")) == "47,50"
    assert charts.zahl(Decimal("-6.4")) == "−6,4"
    assert charts.zahl(Decimal("1234.5"), decimals=2) == "1.234,50"
    assert charts.zahl(Decimal("-0.04"), decimals=1) == "0,0"


def test_a_missing_bar_says_kein_wert():
    svg = prognosen()
    assert "kein Wert" in texts(svg, "value")
    assert len(list(ET.fromstring(svg).iter(f"{SVG}rect"))) == 2 + 3  # backgrounds and 3 bars


def test_negative_bars_go_left_of_a_visible_zero_line():
    root = ET.fromstring(prognosen())
    plot = root.find(f"{SVG}g/{SVG}g[@class='plot']")
    zero = plot[-1]  # drawn last, over the bars
    assert zero.get("class") == "zero"
    x = float(re.match(r"M([\d.]+) ", zero.get("d"))[1])
    bars = [r for r in plot.iter(f"{SVG}rect") if r.get("class") != "background"]
    lefts = sorted(float(r.get("x")) for r in bars)
    rights = sorted(float(r.get("x")) + float(r.get("width")) for r in bars)
    assert lefts[0] < x - 100 and abs(rights[0] - x) < 0.2  # −9,9 % reaches far left of zero
    assert abs(lefts[-1] - x) < 0.2 and rights[-1] > x  # 1,2 % starts at zero
    assert "−9,9\u00a0%" in texts(prognosen(horizontal=False), "value")


def test_readable_fonts_and_colours_with_contrast():
    style = css(altersgruppen())
    assert "font-family:sans-serif" in style
    assert all(int(size) >= 12 for size in re.findall(r"font-size:(\d+)px", style))
    colours = re.findall(r"\.color-\d+\{fill:(#[0-9a-f]{6})", style)
    assert colours[0] == "#004b76"
    assert all(contrast(colour) >= 3 for colour in colours)


def contrast(colour: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_seventeen_bars_stay_small():
    assert len(altersgruppen().encode()) < 20_000


def test_weasyprint_draws_the_chart_with_its_text(tmp_path):
    def pdf_text(svg: str) -> str:
        b64 = base64.b64encode(svg.encode()).decode()
        pdf = tmp_path / "chart.pdf"
        weasyprint.HTML(string=f'<img src="data:image/svg+xml;base64,{b64}">').write_pdf(pdf)
        command = ["pdftotext", str(pdf), "-"]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    text = pdf_text(altersgruppen())
    assert "215.794" in text and "75 und mehr" in text
    text = pdf_text(prognosen())
    assert "kein Wert" in text and "9,9" in text and "Wegweiser Kommune" in text
