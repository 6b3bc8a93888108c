"""What "… in Zahlen" shows, read once and shared by the page, its charts, the CSV and the PDF.

`zahlen(kommune)` loads every figure of the Kommune in one query and arranges it in
sections; the page, each chart's SVG and the data sheet read the same sections, so
they cannot disagree. Nothing is interpolated or guessed: a missing figure is said
to be missing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from . import charts
from .models import Indikator, Planzahl, Wert

Kind = Indikator.Kind
CENSUS_BASES = {Wert.Basis.ZENSUS_2011, Wert.Basis.ZENSUS_2022}


def knapp(value: Decimal) -> Decimal:
    """47.5000 → 47.5, 215794.0000 → 215794: the value as its source printed it."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def zahl(value: Decimal | None, einheit: str = "") -> str:
    """ "215.794", "47,5 Jahre", "−6,4 %"; a missing value reads "kein Wert"."""
    if value is None:
        return _("kein Wert")
    text = charts.zahl(knapp(value))
    if einheit and einheit != "Personen":
        text += f"\u00a0{einheit}"
    return text


def anteil(part: Decimal, total: Decimal | None) -> str:
    if not total:
        return ""
    share = (part * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return charts.zahl(share, decimals=1) + "\u00a0%"


def age_order(merkmal: str) -> tuple[int, str]:
    """ "unter 3" before "3 bis unter 6" before "75 und mehr"."""
    if merkmal.startswith("unter"):
        return (0, merkmal)
    number = re.search(r"\d+", merkmal)
    return (int(number.group()) if number else 999, merkmal)


@dataclass
class Abschnitt:
    """One section of the page: a chart (if any), its table, its sources."""

    key: str
    title: str
    text: str = ""
    chart: str = ""  # "linien" or "balken"; empty: table only
    chart_args: dict = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    hinweise: list[str] = field(default_factory=list)
    werte: list[Wert] = field(default_factory=list)
    empty_text: str = ""

    @property
    def chart_title(self) -> str:
        return self.chart_args.get("title", "")

    @property
    def chart_description(self) -> str:
        return self.chart_args.get("description", "")

    @property
    def svg(self) -> str:
        render = {"linien": charts.linien, "balken": charts.balken}[self.chart]
        return render(**self.chart_args)

    @property
    def quellen(self) -> list[Wert]:
        """One figure per distinct source, to cite each once."""
        seen, result = set(), []
        for wert in self.werte:
            key = (wert.herausgeber, wert.tabelle, wert.quelle, wert.art, wert.lizenz)
            if key not in seen:
                seen.add(key)
                result.append(wert)
        return result

    @property
    def indikatoren(self) -> list[Indikator]:
        seen = {}
        for wert in self.werte:
            seen.setdefault(wert.indikator_id, wert.indikator)
        return list(seen.values())

    @property
    def second_hand(self) -> bool:
        return any(not wert.is_official for wert in self.werte)


@dataclass
class Zahlen:
    kommune: object
    abschnitte: list[Abschnitt]
    stand: date | None

    def abschnitt(self, key: str) -> Abschnitt | None:
        return next((a for a in self.abschnitte if a.key == key), None)

    @property
    def has_figures(self) -> bool:
        return any(a.werte for a in self.abschnitte)


def quelle_kurz(wert: Wert) -> str:
    tabelle = wert.tabelle and _("Tabelle %(tabelle)s") % {"tabelle": wert.tabelle}
    return ", ".join(filter(None, [wert.herausgeber, tabelle]))


def all_werte(kommune) -> list[Wert]:
    return list(
        Wert.objects.filter(indikator__kommune=kommune)
        .select_related("indikator")
        .order_by("indikator__position", "indikator__name", "stichtag", "pk")
    )


def zahlen(kommune) -> Zahlen:
    """Every section of the Kommune's "… in Zahlen", in two queries."""
    werte = all_werte(kommune)
    own = [w for w in werte if w.ags == kommune.ags]
    by_kind = defaultdict(list)
    for wert in own:
        by_kind[wert.indikator.kind].append(wert)
    abschnitte = [
        _bevoelkerung(kommune, by_kind),
        _altersgruppen(kommune, by_kind),
        _durchschnittsalter(kommune, werte),
        _dichte(kommune, by_kind),
        _prognosen(kommune, by_kind),
        _wanderungen(kommune, by_kind),
        *_eigene(kommune, werte),
    ]
    stand = max((w.abgerufen_am for w in werte), default=None)
    return Zahlen(kommune=kommune, abschnitte=abschnitte, stand=stand)


def _not_available(kommune, what: str) -> str:
    return _("%(was)s liegen im Portal für %(kommune)s nicht vor.") % {
        "was": what,
        "kommune": kommune.mit_artikel_akkusativ,
    }


def _bevoelkerung(kommune, by_kind) -> Abschnitt:
    section = Abschnitt(key="bevoelkerung", title=_("Bevölkerung"))
    # Stock figures first: the total of an age table counts the same people and only
    # fills a date the population table lacks.
    points: dict[tuple, dict[str, Wert]] = {}
    for kind in (Kind.BEVOELKERUNG, Kind.ALTERSGRUPPEN):
        for wert in by_kind[kind]:
            if kind == Kind.ALTERSGRUPPEN and wert.merkmal != "insgesamt":
                continue
            if wert.merkmal not in ("insgesamt", "männlich", "weiblich"):
                continue
            key = (wert.stichtag, wert.basis)
            points.setdefault(key, {}).setdefault(wert.merkmal, wert)
    keys = sorted(k for k, v in points.items() if "insgesamt" in v)
    if not keys:
        section.empty_text = _not_available(kommune, _("Zahlen zur Bevölkerung"))
        return section
    with_sex = any("männlich" in points[k] for k in keys)
    section.columns = [_("Stichtag"), _("Einwohnerinnen und Einwohner")]
    if with_sex:
        section.columns += [_("männlich"), _("weiblich")]
    section.columns += [_("Basis"), _("Quelle")]
    for key in keys:
        point = points[key]
        total = point["insgesamt"]
        row = [total.stichtag_text, zahl(total.wert)]
        if with_sex:
            row += [zahl(point[m].wert) if m in point else "–" for m in ("männlich", "weiblich")]
        row += [total.basis_label, quelle_kurz(total)]
        section.rows.append(row)
        section.werte += point.values()
    bases = [b for b in Wert.Basis if any(k[1] == b for k in keys)]
    if len(set(bases) & CENSUS_BASES) > 1:
        section.hinweise.append(
            _(
                "Zensusbruch: Die Zahlen bis 2021 beruhen auf dem Zensus 2011, die ab 2022 auf "
                "dem Zensus 2022. Beide Reihen sind nicht vergleichbar – ein Sprung zwischen "
                "ihnen kann allein aus der neuen Zählung kommen. Die Linie ist deshalb "
                "unterbrochen."
            )
        )
    section.chart = "linien"
    section.chart_args = {
        "title": _("Bevölkerung %(kommune)s") % {"kommune": kommune.name},
        "description": _("Einwohnerinnen und Einwohner am Stichtag, je Zensus-Basis eine Linie: ")
        + "; ".join(
            f"{points[k]['insgesamt'].stichtag_text}: {zahl(points[k]['insgesamt'].wert)} "
            f"({points[k]['insgesamt'].basis_label})"
            for k in keys
        ),
        "x_labels": [points[k]["insgesamt"].stichtag_text for k in keys],
        "reihen": [
            charts.Reihe(
                name=_("Basis %(basis)s") % {"basis": Wert.Basis(basis).label},
                werte=[
                    knapp(points[k]["insgesamt"].wert)
                    if k[1] == basis and points[k]["insgesamt"].wert is not None
                    else None
                    for k in keys
                ],
            )
            for basis in bases
        ],
        "einheit": "Personen",
    }
    return section


def _altersgruppen(kommune, by_kind) -> Abschnitt:
    section = Abschnitt(key="altersgruppen", title=_("Altersstruktur"))
    groups: dict[tuple, list[Wert]] = defaultdict(list)
    for wert in by_kind[Kind.ALTERSGRUPPEN]:
        groups[(wert.stichtag, wert.basis)].append(wert)
    if not groups:
        section.empty_text = _not_available(kommune, _("Zahlen zu den Altersgruppen"))
        return section
    latest = max(groups)
    group = groups[latest]
    total = next((w for w in group if w.merkmal == "insgesamt"), None)
    parts = sorted(
        (w for w in group if w.merkmal != "insgesamt"), key=lambda w: age_order(w.merkmal)
    )
    stichtag = group[0].stichtag_text
    basis = Wert.Basis(latest[1]).label
    newest_population_basis = max(
        ((w.stichtag, w.basis) for w in by_kind[Kind.BEVOELKERUNG]), default=(None, None)
    )[1]
    if newest_population_basis and newest_population_basis != latest[1]:
        section.hinweise.append(
            _(
                "Altersgruppen auf Basis des %(neu)s liegen im Portal nicht vor. Gezeigt wird "
                "der Stand vom %(stichtag)s auf Basis des %(alt)s; er ist mit den neueren "
                "Bevölkerungszahlen nicht vergleichbar."
            )
            % {
                "neu": Wert.Basis(newest_population_basis).label,
                "stichtag": stichtag,
                "alt": basis,
            }
        )
    section.text = _("Stand: %(stichtag)s, Basis %(basis)s.") % {
        "stichtag": stichtag,
        "basis": basis,
    }
    section.columns = [_("Altersgruppe (Jahre)"), _("Personen"), _("Anteil")]
    total_value = total.wert if total else None
    for wert in parts:
        section.rows.append(
            [wert.merkmal, zahl(wert.wert), anteil(wert.wert, total_value) if wert.wert else ""]
        )
    if total:
        section.rows.append([_("insgesamt"), zahl(total.wert), "100,0\u00a0%"])
    section.werte = group
    section.chart = "balken"
    section.chart_args = {
        "title": _("Altersstruktur %(kommune)s, %(stichtag)s")
        % {"kommune": kommune.name, "stichtag": stichtag},
        "description": _("Personen je Altersgruppe in Jahren (Basis %(basis)s): ")
        % {"basis": basis}
        + "; ".join(f"{w.merkmal}: {zahl(w.wert)}" for w in parts),
        "labels": [w.merkmal for w in parts],
        "werte": [knapp(w.wert) if w.wert is not None else None for w in parts],
        "einheit": "Personen",
        "horizontal": True,
    }
    return section


def _durchschnittsalter(kommune, werte) -> Abschnitt:
    section = Abschnitt(key="durchschnittsalter", title=_("Durchschnittsalter"))
    ages = [
        w for w in werte if w.indikator.kind == Kind.DURCHSCHNITTSALTER and w.merkmal == "insgesamt"
    ]
    own = [w for w in ages if w.ags == kommune.ags]
    if not own:
        section.empty_text = _not_available(kommune, _("Zahlen zum Durchschnittsalter"))
        return section
    latest = max(own, key=lambda w: w.stichtag)
    shown = [latest] + [
        w
        for w in ages
        if w.ags != kommune.ags and w.stichtag == latest.stichtag and kommune.ags.startswith(w.ags)
    ]
    section.columns = [_("Region"), _("Stichtag"), _("Durchschnittsalter"), _("Basis"), _("Quelle")]
    for wert in shown:
        section.rows.append(
            [
                wert.region,
                wert.stichtag_text,
                zahl(wert.wert, wert.einheit),
                wert.basis_label,
                quelle_kurz(wert),
            ]
        )
    section.werte = shown
    if len(shown) > 1:
        section.text = _("Das Durchschnittsalter im Vergleich mit dem Land.")
    section.chart = "balken"
    section.chart_args = {
        "title": _("Durchschnittsalter am %(stichtag)s") % {"stichtag": latest.stichtag_text},
        "description": "; ".join(f"{w.region}: {zahl(w.wert, w.einheit)}" for w in shown),
        "labels": [w.region for w in shown],
        "werte": [knapp(w.wert) if w.wert is not None else None for w in shown],
        "einheit": latest.einheit,
    }
    return section


def _dichte(kommune, by_kind) -> Abschnitt:
    section = Abschnitt(key="dichte", title=_("Bevölkerungsdichte"))
    found = sorted(by_kind[Kind.DICHTE], key=lambda w: w.stichtag)
    if not found:
        section.empty_text = _not_available(kommune, _("Zahlen zur Bevölkerungsdichte"))
        return section
    section.columns = [_("Stichtag"), _("Bevölkerungsdichte"), _("Basis"), _("Quelle")]
    for wert in found:
        section.rows.append(
            [wert.stichtag_text, zahl(wert.wert, wert.einheit), wert.basis_label, quelle_kurz(wert)]
        )
    section.werte = found
    return section


def _prognosen(kommune, by_kind) -> Abschnitt:
    section = Abschnitt(key="vorausberechnungen", title=_("Bevölkerungsvorausberechnungen"))
    found = sorted(by_kind[Kind.PROGNOSE], key=lambda w: (w.basisjahr or 0, w.stichtag))
    if not found:
        section.empty_text = _not_available(kommune, _("Vorausberechnungen"))
        return section
    section.text = _(
        "Vorausberechnungen verschiedener Herausgeber weichen stark voneinander ab, weil "
        "Basisjahr, Zeitraum und Methode verschieden sind. Sie beschreiben Annahmen, keine "
        "sicheren Vorhersagen."
    )
    section.columns = [
        _("Herausgeber"),
        _("Merkmal"),
        _("Basisjahr"),
        _("Zieljahr"),
        _("Variante"),
        _("Wert"),
    ]
    labels = []
    for wert in found:
        section.rows.append(
            [
                wert.herausgeber,
                wert.merkmal,
                str(wert.basisjahr),
                str(wert.stichtag.year),
                wert.variante or "–",
                zahl(wert.wert, wert.einheit),
            ]
        )
        labels.append(
            _("%(herausgeber)s (Basis %(basis)s, bis %(ziel)s)")
            % {"herausgeber": wert.herausgeber, "basis": wert.basisjahr, "ziel": wert.stichtag.year}
        )
    section.werte = found
    section.chart = "balken"
    section.chart_args = {
        "title": _("Vorausberechnete Veränderung der Bevölkerung"),
        "description": "; ".join(
            f"{label}: {zahl(w.wert, w.einheit)}" for label, w in zip(labels, found, strict=True)
        ),
        "labels": labels,
        "werte": [knapp(w.wert) if w.wert is not None else None for w in found],
        "einheit": found[0].einheit,
        "horizontal": True,
    }
    return section


def _wanderungen(kommune, by_kind) -> Abschnitt:
    section = Abschnitt(key="wanderungen", title=_("Zu- und Fortzüge"))
    found = sorted(by_kind[Kind.WANDERUNGEN], key=lambda w: (w.indikator.name, w.stichtag))
    if not found:
        section.empty_text = (
            _not_available(kommune, _("Zahlen zu Zu- und Fortzügen"))
            + " "
            + _(
                "Die amtliche Statistik weist Zuzüge aus dem Ausland auf Kreisebene nur nach "
                "Ländergruppen aus, nicht nach einzelnen Herkunftsländern."
            )
        )
        return section
    section.columns = [_("Indikator"), _("Merkmal"), _("Zeitraum"), _("Wert"), _("Quelle")]
    for wert in found:
        section.rows.append(
            [
                wert.indikator.name,
                wert.merkmal,
                wert.stichtag_text,
                zahl(wert.wert, wert.einheit),
                quelle_kurz(wert),
            ]
        )
    section.werte = found
    return section


def _eigene(kommune, werte) -> list[Abschnitt]:
    by_indikator = defaultdict(list)
    for wert in werte:
        if wert.indikator.kind == Kind.EIGENE:
            by_indikator[wert.indikator].append(wert)
    sections = []
    for indikator, found in by_indikator.items():
        section = Abschnitt(
            key=f"indikator-{indikator.slug}", title=indikator.name, text=indikator.description
        )
        section.columns = [
            _("Region"),
            _("Merkmal"),
            _("Stichtag"),
            _("Wert"),
            _("Basis"),
            _("Quelle"),
        ]
        for wert in found:
            section.rows.append(
                [
                    wert.region,
                    wert.merkmal,
                    wert.stichtag_text,
                    zahl(wert.wert, wert.einheit),
                    wert.basis_label,
                    quelle_kurz(wert),
                ]
            )
        section.werte = found
        sections.append(section)
    return sections


# ------------------------------------------------------------------ figures next to the plan


@dataclass
class Planwert:
    """A Planzahl as the plan shows it: "Menschen ab 75 Jahren: 25.741 (12,2 %)"."""

    label: str
    text: str
    anteil: str
    wert: Wert | None  # the figure whose date and source are cited


def _planwert(planzahl: Planzahl, werte: list[Wert]) -> Planwert:
    wanted = planzahl.merkmal_list
    groups: dict[tuple, dict[str, Wert]] = defaultdict(dict)
    for wert in werte:
        key = (wert.stichtag, wert.basis, wert.basisjahr, wert.variante, wert.herausgeber)
        groups[key][wert.merkmal] = wert
    complete = [
        key
        for key, found in groups.items()
        if all(m in found and found[m].wert is not None for m in wanted)
    ]
    if not complete:
        return Planwert(planzahl.label, _("liegt nicht vor"), "", None)
    found = groups[max(complete)]
    total = sum((found[m].wert for m in wanted), Decimal(0))
    first = found[wanted[0]]
    share = ""
    if planzahl.anteil and "insgesamt" in found:
        share = anteil(total, found["insgesamt"].wert)
    return Planwert(planzahl.label, zahl(total, first.einheit), share, first)


def planwerte(
    kommune, *, handlungsfelder=(), werkzeuge=()
) -> dict[tuple[str, int], list[Planwert]]:
    """The figures linked to these Handlungsfelder and Werkzeuge of `kommune`'s plan, in two
    queries, keyed ("hf", id) and ("wz", id)."""
    hf_ids = [hf.pk for hf in handlungsfelder]
    wz_ids = [wz.pk for wz in werkzeuge]
    if not hf_ids and not wz_ids:
        return {}
    planzahlen = list(
        Planzahl.objects.filter(Q(handlungsfeld_id__in=hf_ids) | Q(werkzeug_id__in=wz_ids))
    )
    if not planzahlen:
        return {}
    werte_by_indikator = defaultdict(list)
    for wert in Wert.objects.filter(
        indikator_id__in={p.indikator_id for p in planzahlen},
        ags=kommune.ags,
    ).select_related("indikator"):
        werte_by_indikator[wert.indikator_id].append(wert)
    result = defaultdict(list)
    for planzahl in sorted(planzahlen, key=lambda p: (p.position, p.pk)):
        key = (
            ("hf", planzahl.handlungsfeld_id)
            if planzahl.handlungsfeld_id
            else (
                "wz",
                planzahl.werkzeug_id,
            )
        )
        result[key].append(_planwert(planzahl, werte_by_indikator[planzahl.indikator_id]))
    return dict(result)
