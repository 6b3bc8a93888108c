"""Demo documents: the data sheet of Landkreis Ludwigslust-Parchim, made from its figures.

Seed 001 points to data sheets "unter „Dokumente“"; the county's own data sheets were not
found for the demo (../shared/data/STATISTIK.md), so none is imitated. The demo data sheet
is the portal's own: the figures of "… in Zahlen" (statistik.demo, the real figures of
statistik-demo.tsv with their sources, exactly as stored), rendered by the same template
and selector as the page's "Datenblatt als PDF", as a tagged PDF (PDF/UA-1). Its
description names the publishers as the stored figures name them.

Forms need no demo row: each published call's blank application form is listed under
"Formulare" by itself. Loading twice changes nothing: a document that exists is kept.
"""

import base64

from django.core.files.base import ContentFile

from kommunen.demo import LUDWIGSLUST_PARCHIM
from kommunen.models import Kommune
from statistik import selectors as statistik_selectors
from statistik.models import Wert
from zwk_portal.pdf import render_pdf

from . import pruefung
from .models import Dokument

TITLE = "Datenblatt: Landkreis Ludwigslust-Parchim in Zahlen"


def load() -> list:
    kommune = Kommune.objects.filter(slug=LUDWIGSLUST_PARCHIM).first()
    if kommune is None or Dokument.objects.filter(kommune=kommune, title=TITLE).exists():
        return []
    zahlen = statistik_selectors.zahlen(kommune)
    if all(section.empty_text for section in zahlen.abschnitte) or zahlen.stand is None:
        return []  # no figures loaded: no data sheet rather than an empty one
    # Demo assumption: the data sheet is dated the day its figures were retrieved (the
    # "Stand" statistik.demo records), not the day the demo is loaded.
    datum = zahlen.stand
    charts = {
        section.key: base64.b64encode(section.svg.encode()).decode()
        for section in zahlen.abschnitte
        if section.chart
    }
    content = render_pdf(
        "pdf/statistik_datenblatt.html",
        {"kommune": kommune, "zahlen": zahlen, "charts": charts, "today": datum},
        title=f"{kommune.name} in Zahlen",
    )
    herausgeber = sorted(
        set(Wert.objects.filter(indikator__kommune=kommune).values_list("herausgeber", flat=True))
    )
    result = pruefung.pruefe_pdf(content, "datenblatt.pdf")
    dokument = Dokument(
        kommune=kommune,
        title=TITLE,
        description=(
            f"Die Zahlen der Seite „{kommune.name} in Zahlen“ als Datenblatt, vom ZWK-Portal "
            "erstellt; jede Zahl mit ihrer Quelle. Quellen: " + "; ".join(herausgeber)
        ),
        gruppe=Dokument.Gruppe.DATENBLATT,
        datum=datum,
        sprache=Dokument.Sprache.DEUTSCH,
        groesse=len(content),
        mimetype="application/pdf",
        barrierefrei=result.barrierefrei,
        pruefhinweise="\n".join(result.maengel),
        published=True,
    )
    dokument.datei.save("datenblatt.pdf", ContentFile(content), save=True)
    return []
