"""The table's format: its levels ("Ebenen"), columns and IDs (see the package's docstring)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Handlungsfeld, Kennzahl, Massnahme, Werkzeug

HANDLUNGSFELD = "Handlungsfeld"
KENNZAHL = "Kennzahl"
WERKZEUG = "Werkzeug"
MASSNAHME = "Einzelmaßnahme"
QUERSCHNITT = "Querschnittsmaßnahme"

EBENEN = {
    "handlungsfeld": HANDLUNGSFELD,
    "hf": HANDLUNGSFELD,
    "kennzahl": KENNZAHL,
    "werkzeug": WERKZEUG,
    "einzelmaßnahme": MASSNAHME,
    "einzelmassnahme": MASSNAHME,
    "maßnahme": MASSNAHME,
    "massnahme": MASSNAHME,
    "querschnittsmaßnahme": QUERSCHNITT,
    "querschnittsmassnahme": QUERSCHNITT,
    "querschnitt": QUERSCHNITT,
}
PREFIX = {HANDLUNGSFELD: "HF", KENNZAHL: "KZ", WERKZEUG: "WZ", MASSNAHME: "EM", QUERSCHNITT: "EM"}
MODEL = {
    HANDLUNGSFELD: Handlungsfeld,
    KENNZAHL: Kennzahl,
    WERKZEUG: Werkzeug,
    MASSNAHME: Massnahme,
    QUERSCHNITT: Massnahme,
}
ID_RE = re.compile(r"^\s*(HF|KZ|WZ|EM)\s*-\s*(\d{1,12})\s*$", re.IGNORECASE)
# Line breaks and tabs are text in a spreadsheet cell; other control characters are not.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_ROWS = 5000


@dataclass(frozen=True)
class Spalte:
    header: str
    attrs: dict[str, str]  # Ebene → model attribute
    kind: str = "text"


EM = {MASSNAHME, QUERSCHNITT}
COLUMNS = [
    Spalte(
        "Titel",
        {
            HANDLUNGSFELD: "name",
            KENNZAHL: "text",
            WERKZEUG: "title",
            MASSNAHME: "title",
            QUERSCHNITT: "title",
        },
    ),
    Spalte("Beschreibung", {HANDLUNGSFELD: "description", WERKZEUG: "description"}),
    Spalte("Leitziel", {HANDLUNGSFELD: "leitziel"}),
    Spalte("Ziel", dict.fromkeys(EM, "ziel")),
    Spalte("Quelle", {KENNZAHL: "quelle"}),
    Spalte("Stand", {KENNZAHL: "stand"}, "date"),
    Spalte("Status", {WERKZEUG: "status", **dict.fromkeys(EM, "status")}, "status"),
    Spalte("Jahre", {WERKZEUG: "jahre", **dict.fromkeys(EM, "zeitraum")}, "jahre"),
    Spalte("Monate", dict.fromkeys(EM, "monate"), "monate"),
    Spalte("Beginn", dict.fromkeys(EM, "beginn"), "date"),
    Spalte("Ende", dict.fromkeys(EM, "ende"), "date"),
    Spalte("Auch bei Werkzeugen", {MASSNAHME: "auch_bei"}, "auch_bei"),
    Spalte("Ansprechperson", {WERKZEUG: "ansprechperson"}),
    Spalte("Umsetzungsort", {WERKZEUG: "umsetzungsort"}),
    Spalte("Beteiligte", {WERKZEUG: "beteiligte"}),
    Spalte("Fortschritt (%)", {WERKZEUG: "fortschritt"}, "int"),
    Spalte("Beschreibung im Steckbrief", {WERKZEUG: "steckbrief_beschreibung"}),
    Spalte("Zielgruppe", {WERKZEUG: "zielgruppe"}),
    Spalte("Umsetzungsort und Ansprechperson vor Ort", {WERKZEUG: "ansprechperson_vor_ort"}),
    Spalte("Partner, Netzwerke, Gruppen und Bevölkerung", {WERKZEUG: "partner"}),
    Spalte("Budget (€)", {WERKZEUG: "budget"}, "euro"),
    Spalte("Vermerk zum Budget", {WERKZEUG: "budget_vermerk"}),
    Spalte("Externe Beratung", {WERKZEUG: "externe_beratung"}, "janein"),
    Spalte("Besonderheiten, Kommentare", {WERKZEUG: "besonderheiten"}),
]
HEADERS = ["Plan", "Ebene", "ID", *(spalte.header for spalte in COLUMNS)]


def normal(header: str) -> str:
    return " ".join(str(header).split()).casefold()


def key_of(obj) -> str:
    prefix = {Handlungsfeld: "HF", Kennzahl: "KZ", Werkzeug: "WZ", Massnahme: "EM"}[type(obj)]
    return f"{prefix}-{obj.pk}"
