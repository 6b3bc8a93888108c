"""Server time of the Werkstattplan page and its PDF, at seed size and 20 times larger.

Runs in a throwaway test database (created and dropped here), never in the
demo data. Targets from the issue: page < 30 ms at seed size, < 150 ms at 20×;
the whole plan's PDF < 3 s.
"""

import statistics
import time
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment

from kommunen.models import Kommune
from werkstattplan import tabelle
from werkstattplan.admin_tabelle import plan_file
from werkstattplan.models import Handlungsfeld, Kennzahl, Massnahme, Werkstattplan, Werkzeug

TEXT = (
    "Aufruf für gemeinschaftsstärkende Kleinstprojekte um u.a. das Gemeinschaftsleben "
    "in ländlichen Regionen zu beleben (Fördermittel bis zu 10.000 €) Nummer {n}"
)


def build_plan(slug: str, *, handlungsfelder: int, werkzeuge: int, steckbriefe: int):
    """A plan with `werkzeuge` Werkzeuge spread over `handlungsfelder`, `steckbriefe` of
    them with a detail sheet of six Einzelmaßnahmen."""
    kommune = Kommune.objects.create(name=f"Landkreis Messung {slug}", slug=f"messung-{slug}")
    plan = Werkstattplan.objects.create(
        kommune=kommune,
        title="Werkstattplan 2020–2023",
        slug="2020-2023",
        first_year=2020,
        last_year=2023,
        stand=date(2020, 9, 30),
        published=True,
    )
    fields = Handlungsfeld.objects.bulk_create(
        Handlungsfeld(
            plan=plan,
            position=number,
            name=f"Handlungsfeld {number}",
            slug=f"handlungsfeld-{number}",
            description="Bleibefaktoren und eine ansprechende Willkommenskultur sollen etabliert werden.",
        )
        for number in range(handlungsfelder)
    )
    tools = Werkzeug.objects.bulk_create(
        Werkzeug(
            handlungsfeld=fields[number % handlungsfelder],
            position=number,
            description=TEXT.format(n=number),
            slug=f"werkzeug-{number}",
            ansprechperson=f"Person {number % 9} Projektbetreuerin DWK im Landkreis",
            umsetzungsort=["Ganzer Landkreis", "Ludwigslust", "Hagenow"][number % 3],
            beteiligte="Einwohner*innen des Landkreises (Städte, Dörfer, Gemeinden, Vereine)",
            jahre=[2020, 2021, 2023][: 1 + number % 3],
            zielgruppe="Gemeinden, Städte, Vereine" if number < steckbriefe else "",
        )
        for number in range(werkzeuge)
    )
    Massnahme.objects.bulk_create(
        Massnahme(
            plan=plan,
            werkzeug=tool,
            position=step,
            title=f"Einzelmaßnahme {step} des Werkzeugs",
            jahr=2020,
            monate=[step + 1, step + 2],
        )
        for tool in tools[:steckbriefe]
        for step in range(6)
    )
    # What real plans add: a Kennzahl and a measure without Werkzeug per Handlungsfeld,
    # statuses, and a measure for the whole plan.
    laufend = plan.status_liste.get(slug="laufend")
    Werkzeug.objects.filter(pk__in=[tool.pk for tool in tools[::3]]).update(status=laufend)
    Kennzahl.objects.bulk_create(
        Kennzahl(handlungsfeld=field, text="Auf 100 Menschen, die in Rente gehen, kommen 65 junge.")
        for field in fields
    )
    Massnahme.objects.bulk_create(
        Massnahme(plan=plan, handlungsfeld=field, title="Runder Tisch", jahr=2021, jahr_bis=2023)
        for field in fields
    )
    Massnahme.objects.create(plan=plan, title="Arbeitsgruppe Demografie", status=laufend)
    return plan


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"   {label:<34} median {statistics.median(times) * 1000:8.1f} ms"
        f"   p95 {p95 * 1000:8.1f} ms   ({len(times)} runs)",
        flush=True,
    )


def measure(plan, *, page_runs: int, pdf_runs: int, label: str) -> None:
    client = Client()
    url = plan.get_absolute_url()

    def page():
        cache.clear()  # the render itself, not the visitors' cached page
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def page_cached():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def filtered():
        cache.clear()
        response = client.get(url, {"jahr": "2021", "suche": "Kleinstprojekte"})
        assert response.status_code == 200, response.status_code

    def pdf():
        response = client.get(url + "werkstattplan.pdf")
        assert response.status_code == 200, response.status_code

    timed(page, 3)  # warm up templates and connections
    report(f"{label}: plan page", timed(page, page_runs))
    report(f"{label}: plan page, from the cache", timed(page_cached, page_runs))
    report(f"{label}: plan page, filtered", timed(filtered, page_runs))
    data = plan_file(plan, "xlsx")

    def tabelle_vorschau():
        result = tabelle.einlesen(plan, data)
        assert not result.hat_fehler, result.alle_fehler[:3]

    tabelle_vorschau()  # the first import numbers the positions 1…n; the file keeps them
    tabelle.einlesen(plan, data, bestaetigt=tabelle.einlesen(plan, data).fingerprint)
    report(f"{label}: table import preview", timed(tabelle_vorschau, pdf_runs + 1))
    try:
        report(f"{label}: whole plan as PDF", timed(pdf, pdf_runs))
    except Exception as error:  # a broken PDF helper must not hide the page figures
        print(f"   {label}: PDF failed: {type(error).__name__}: {error}", flush=True)


def main() -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        seed = build_plan("seed", handlungsfelder=6, werkzeuge=27, steckbriefe=2)
        large = build_plan("gross", handlungsfelder=120, werkzeuge=540, steckbriefe=40)
        print("   seed size: 6 Handlungsfelder, 27 Werkzeuge, 12 Einzelmaßnahmen")
        print("   20×:       120 Handlungsfelder, 540 Werkzeuge, 240 Einzelmaßnahmen")
        measure(seed, page_runs=40, pdf_runs=3, label="seed")
        measure(large, page_runs=15, pdf_runs=2, label="20×")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
