"""The demo figures: both demo counties from `fixtures/statistik-demo.tsv`.

The file is a copy of ../shared/data/statistik-demo.tsv (real figures with their sources;
a test checks that the two agree), read by the same importer a coordinator uses. The
Ludwigslust-Parchim plan gets figures next to three Handlungsfelder and the Werkzeug
"Pflegesozialplanung". Loading twice changes nothing.
"""

from datetime import date
from pathlib import Path

from django.conf import settings

from kommunen.demo import LUDWIGSLUST_PARCHIM, ROSTOCK
from kommunen.models import Kommune
from werkstattplan.models import Handlungsfeld, Werkzeug

from . import parsers, services
from .models import Indikator, Planzahl

TSV = Path(settings.BASE_DIR) / "fixtures" / "statistik-demo.tsv"
# The file names no retrieval date: this is the day its figures were taken into the demo.
ABGERUFEN_AM = date(2026, 11, 30)

# (Handlungsfeld name or None, Werkzeug text start or None, indicator, features, label, share)
PLANZAHLEN = [
    (
        "Daseinsvorsorge und Willkommenskultur",
        None,
        "Bevölkerung nach Altersgruppen",
        "75 und mehr",
        "Menschen ab 75 Jahren",
        True,
    ),
    (
        None,
        "Regelmäßige Fortschreibung einer Pflegesozialplanung",
        "Bevölkerung nach Altersgruppen",
        "65 bis unter 75 + 75 und mehr",
        "Menschen ab 65 Jahren",
        True,
    ),
    ("Mobilität", None, "Bevölkerungsdichte", "insgesamt", "Bevölkerungsdichte", False),
    ("Teilhabe", None, "Durchschnittsalter", "insgesamt", "Durchschnittsalter", False),
]


def load() -> list:
    datei = parsers.read_file(TSV.read_bytes())
    for kommune in Kommune.objects.filter(slug__in=[LUDWIGSLUST_PARCHIM, ROSTOCK]).exclude(ags=""):
        services.import_datei(kommune=kommune, datei=datei, abgerufen_am=ABGERUFEN_AM)
    kommune = Kommune.objects.filter(slug=LUDWIGSLUST_PARCHIM).first()
    if kommune is not None:
        _link_plan(kommune)
    return []


def _link_plan(kommune) -> None:
    plan = kommune.werkstattplaene.order_by("-first_year", "-pk").first()
    if plan is None:
        return
    for position, (hf_name, wz_start, indikator_name, merkmale, label, share) in enumerate(
        PLANZAHLEN
    ):
        indikator = Indikator.objects.filter(kommune=kommune, name=indikator_name).first()
        handlungsfeld = werkzeug = None
        if hf_name:
            handlungsfeld = Handlungsfeld.objects.filter(plan=plan, name=hf_name).first()
        else:
            werkzeug = Werkzeug.objects.filter(
                handlungsfeld__plan=plan, description__startswith=wz_start
            ).first()
        if indikator is None or (handlungsfeld or werkzeug) is None:
            continue
        Planzahl.objects.get_or_create(
            indikator=indikator,
            label=label,
            handlungsfeld=handlungsfeld,
            werkzeug=werkzeug,
            defaults={"merkmale": merkmale, "anteil": share, "position": position},
        )
