"""Charts for "… in Zahlen": SVG drawn on the server with pygal.

Why pygal: maintained by Kozea, who also make WeasyPrint; it writes plain SVG without a
browser, and WeasyPrint draws that SVG with its text as text. The page embeds a chart as
`<img src="….svg" width="720" height="400" alt="…">`, the data sheet as a data: URI image;
so a chart is a document of its own: no script, nothing from elsewhere, a generic sans-serif
font (web fonts don't reach an <img>), title and description inside, the same bytes for the
same figures. `_finish` makes pygal's output so: its scripts, comments (one dated) and
tooltip data go, and its stylesheet is replaced by `CSS`.
"""

import re
import textwrap
from dataclasses import dataclass
from decimal import Decimal

import pygal
from pygal.style import Style

WIDTH, HEIGHT = 720, 400
COLOURS = ("#004b76", "#8a3b00", "#2d6a1f", "#5b2a86")  # each ≥ 6:1 against white
DASHES = ("none", "9 5", "2 4", "12 4 3 4")  # series differ by dash and marker, not only colour
MARKERS = (  # relative paths: circle, square, triangle, diamond
    "m-4 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0z",
    "m-3.6 -3.6h7.2v7.2h-7.2z",
    "m0 -5l4.8 8h-9.6z",
    "m0 -5l5 5l-5 5l-5 -5z",
)
FONT, SMALL = 13, 12  # px at 720 px width
_DECIMALS = re.compile(r"\d+\.\d{2,}")

CSS = f"""
text{{font-family:sans-serif;font-size:{FONT}px;fill:#333;stroke:none}}
.value{{font-size:{SMALL}px;fill:#1a1a1a}}.background{{fill:#fff}}
.axis path{{stroke:#e0e0e0;stroke-width:1}}.zero{{stroke:#4d4d4d;stroke-width:1.5}}
.axis.x text{{text-anchor:middle}}.axis.y text{{text-anchor:end}}
.line{{fill:none;stroke-width:2.5}}
""" + "".join(
    f".color-{i}{{fill:{colour};stroke:{colour}}}.serie-{i} .line{{stroke-dasharray:{dash}}}\n"
    for i, (colour, dash) in enumerate(zip(COLOURS, DASHES, strict=True))
)


@dataclass(frozen=True)
class Reihe:
    name: str  # legend text, e.g. "Basis Zensus 2011"
    werte: list[Decimal | None]  # aligned with the x labels; None = no figure (a gap)


def zahl(value: Decimal, *, decimals: int | None = None) -> str:
    """German number: 215794 → "215.794", 47.5 → "47,5", -6.4 → "−6,4"."""
    if decimals is None:
        decimals = max(0, -value.as_tuple().exponent)
    text = f"{abs(value):,.{decimals}f}".translate(str.maketrans(",.", ".,"))
    return ("\u2212" if value < 0 and text.strip("0.,") else "") + text


def linien(
    *, title: str, description: str, x_labels: list[str], reihen: list[Reihe], einheit: str
) -> str:
    """Line chart (population over time). Each series its own line; None values leave a gap;
    series differ by dash pattern AND marker shape, not only by colour."""
    needed = max((len(label) for label in x_labels), default=1) * FONT * 0.6 + 16
    every = max(1, -(-int(needed * len(x_labels)) // (WIDTH - 120)))  # every n-th label fits
    values = [float(v) for reihe in reihen for v in reihe.werte if v is not None]
    low, high = min(values, default=0), max(values, default=1)
    pad = (high - low or abs(high) or 1) * 0.1  # no marker on the plot's edge
    chart = _chart(
        pygal.Line,
        x_labels=x_labels,
        x_labels_major_every=every,
        margin_right=max(16, needed / 2),  # room for the last label, centred on the edge
        show_minor_x_labels=every == 1,
        allow_interruptions=True,  # a None ends the line; the next figure starts a new one
        show_legend=len(reihen) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=len(reihen),
        truncate_legend=-1,
        range=(low - pad, high + pad),
        print_values=len(x_labels) <= 8,  # few points: each with its figure
        formatter=lambda _, serie, index: _value_label(reihen[serie.index].werte[index], einheit),
        value_formatter=_axis_label(einheit),
    )
    for reihe in reihen:
        chart.add(reihe.name, [None if v is None else float(v) for v in reihe.werte])
    chart.add_xml_filter(lambda root: _finish(root, title, description))
    chart.add_xml_filter(_markers)
    return chart.render(is_unicode=True)


def balken(
    *,
    title: str,
    description: str,
    labels: list[str],
    werte: list[Decimal | None],
    einheit: str,
    horizontal: bool = False,
    counts: bool = False,
) -> str:
    """Bar chart (age groups; average age of county vs state; forecasts of several publishers,
    which can be negative). Each bar carries its value as a printed label. None → no bar,
    and the label says „kein Wert“. `counts`: whole numbers, so the axis has whole steps."""
    if horizontal:  # pygal puts the first bar at the bottom; the data sheet reads downwards
        labels, werte = labels[::-1], werte[::-1]
    numbers = [float(v or 0) for v in werte]  # None: a bar of length 0, removed in _bars
    low, high = min([0, *numbers]), max([0, *numbers])
    room = (high - low or 1) * (0.16 if horizontal else 0.02)  # for the printed values
    lines = max((len(_wrap(label)) for label in labels), default=1)
    chart = _chart(
        pygal.HorizontalBar if horizontal else pygal.Bar,
        x_labels=[_wrap(label)[0] for label in labels],
        show_legend=False,
        print_values=True,
        print_values_position="top",
        range=(low - room if low < 0 else 0, high + room),
        margin_bottom=16 + (0 if horizontal else (lines - 1) * FONT * 1.2),
        formatter=lambda _, index: _value_label(werte[index], einheit),
        value_formatter=_axis_label(einheit),
        **({"y_labels": _whole_steps(high)} if counts else {}),
    )
    chart.add(title, numbers)
    chart.add_xml_filter(lambda root: _finish(root, title, description))
    chart.add_xml_filter(lambda root: _bars(root, labels, werte, horizontal))
    return chart.render(is_unicode=True)


def _whole_steps(high: float) -> list[int]:
    step = max(1, int(high) // 5)
    return list(range(0, int(high) + step, step))


def _chart(kind, **config):
    sizes = {"label_font_size": FONT, "major_label_font_size": FONT, "legend_font_size": FONT}
    return kind(
        width=WIDTH,
        height=HEIGHT,
        explicit_size=True,
        disable_xml_declaration=True,
        js=[],  # no tooltip script from a CDN; _finish removes the rest, CSS and random id too
        style=Style(**sizes, value_font_size=SMALL),
        margin=16,
        min_scale=3,
        max_scale=7,
        truncate_label=-1,
        no_data_text="kein Wert",
        **config,
    )


def _axis_label(einheit: str):
    """pygal hands axis numbers over as floats: 208000.0 → "208.000", -2.5 → "−2,5 %"."""
    unit = "\u00a0%" if einheit == "%" else ""
    return lambda value: zahl(Decimal(f"{value:.10g}").normalize()) + unit


def _value_label(value: Decimal | None, einheit: str) -> str:
    unit = "" if einheit in ("", "Personen") else f"\u00a0{einheit}"
    return "kein Wert" if value is None else zahl(value) + unit


def _wrap(label: str) -> list[str]:
    """Long category labels (forecasts name their publisher) on up to three lines."""
    lines = textwrap.wrap(label, 30) or [""]
    return [*lines[:2], " ".join(lines[2:])] if len(lines) > 3 else lines


def _finish(root, title: str, description: str):
    """pygal's tree as a self-contained, accessible, deterministic document."""
    parents = {child: parent for parent in root.iter() for child in parent}
    for element in list(root.iter()):
        drop = not isinstance(element.tag, str) or element.tag in ("script", "desc", "title")
        if drop or element.get("class") == "plot tooltip-overlay":
            parents[element].remove(element)  # comments, scripts, tooltips and their data
        for name in ("x", "y", "cx", "cy", "width", "height", "d"):
            if name in element.attrib:  # 0.1 px is plenty and keeps the file small
                element.set(name, _DECIMALS.sub(lambda m: f"{float(m[0]):.1f}", element.get(name)))
        element.attrib.pop("id", None)
    for guides in root.iterfind(".//g[@class='guides']"):
        axis = parents[guides]
        for path in guides.findall("path"):
            if guides.findtext("text") in ("0", "0\u00a0%"):  # the zero line, drawn over the bars
                guides.remove(path)
                parents[axis].append(path)
                path.set("class", "zero")
            elif "always_show" not in axis.get("class"):  # grid lines only for the values
                guides.remove(path)
    root.find("defs/style").text = CSS
    for i, (tag, text) in enumerate([("title", title), ("desc", description)]):
        root.insert(i, root.makeelement(tag, {"id": tag}))
        root[i].text = text
    root.attrib.update({"role": "img", "aria-labelledby": "title desc"})
    return root


def _markers(root):
    """Figures by the markers, a marker shape per series, line and marker samples in the legend."""
    xs = [float(text.get("x")) - SMALL for text in root.iterfind(".//text[@class='value']")]
    for series in root.iterfind(".//g[@class='plot text-overlay']/g"):
        texts = series.findall("text")
        ys = [float(text.get("y")) - SMALL - 4 for text in texts]  # pygal: below right of a dot
        for i, text in enumerate(texts):  # above the dot, away from the lines next to it
            x, near = float(text.get("x")) - SMALL, [j for j in (i - 1, i + 1) if 0 <= j < len(ys)]
            higher = [j for j in near if ys[j] < ys[i]]  # neighbours drawn above this dot
            slope = len(near) == 2 and len(higher) == 1
            left = x == min(xs) or (slope and higher == [i - 1])
            anchor = "start" if left else "end" if x == max(xs) or slope else "middle"
            below = bool(near) and higher == near
            text.set("text-anchor", anchor)
            text.set("x", f"{x:.1f}")
            text.set("y", f"{ys[i] + (18 if below else -9):.1f}")
    for index, series in enumerate(root.iterfind(".//g[@class='plot overlay']/g")):
        for dots in series.iterfind("g[@class='dots']"):
            for dot in dots.findall("circle"):
                dots.remove(dot)
                dots.append(_marker(root, index, float(dot.get("cx")), float(dot.get("cy"))))
    x = 0.0  # legend entries side by side, each as wide as its text
    for index, legend in enumerate(root.iterfind(".//g[@class='legends']/g")):
        box, text = legend.find("rect"), legend.find("text")
        y = float(box.get("y")) + float(box.get("height")) / 2
        sample = root.makeelement("g", {"class": f"serie-{index} color-{index}"})
        sample.append(root.makeelement("path", {"class": "line", "d": f"M{x:.1f} {y:.1f}h27"}))
        sample.append(_marker(root, index, x + 13.5, y))
        legend.remove(box)
        legend.insert(0, sample)
        text.set("x", f"{x + 34:.1f}")
        x += 34 + len(text.text) * FONT * 0.6 + 28
    return root


def _marker(root, index: int, x: float, y: float):
    return root.makeelement("path", {"d": f"M{x:.1f} {y:.1f}{MARKERS[index % len(MARKERS)]}"})


def _bars(root, labels: list[str], werte: list[Decimal | None], horizontal: bool):
    """No bar for a missing figure; printed values beyond the bar end; long labels wrapped."""
    bars, values = root.findall(".//g[@class='bar']"), root.findall(".//text[@class='value']")
    for bar, text, wert in zip(bars, values, werte, strict=True):
        if wert is None:
            bar.remove(bar.find("rect"))
        negative = wert is not None and wert < 0
        if horizontal:
            text.set("text-anchor", "end" if negative else "start")
        else:  # a little air between bar and value
            text.set("y", f"{float(text.get('y')) + (SMALL * 0.5 if negative else -3):.1f}")
    wrapped = {_wrap(label)[0]: _wrap(label) for label in labels}
    for text in root.iterfind(".//g[@class='guides']/text"):
        lines = wrapped.get(text.text, [])
        if len(lines) > 1:
            text.text = None
            up = f"{-0.6 * (len(lines) - 1):.1f}em" if horizontal else "0"  # centre by the bar
            for i, line in enumerate(lines):
                dy = up if i == 0 else "1.2em"
                span = root.makeelement("tspan", {"x": text.get("x"), "dy": dy})
                span.text = line
                text.append(span)
    return root
