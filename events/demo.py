"""The ÖPNV evening of Landkreis Rostock (seed 000), as a demo event to register for.

The seed's date (27 May 2024) has passed, so the demo moves it to the next
27 May, 18:00–20:00 Europe/Berlin. Capacities are demo settings: 40 seats in
Güstrow, 30 in Bad Doberan, 100 online. The seed names no street address and
no video platform, so none is invented. Running it twice changes nothing.
"""

from datetime import date, datetime, time

from django.utils import timezone

from kommunen.demo import ROSTOCK
from kommunen.models import Kommune

from .models import Programmpunkt, Teilnahmeoption, Veranstaltung

SLUG = "von-a-nach-b"
CAPACITY_GUESTROW = 40
CAPACITY_BAD_DOBERAN = 30
CAPACITY_ONLINE = 100

PROGRAMME = [
    (
        "Ein Impuls",
        "Prof. Udo Onnen-Weber (Leiter des Kompetenzzentrums ländliche Mobilität KOMOB)",
    ),
    (
        "Ein offenes Gespräch über die Nutzung des ÖPNV durch verschiedene Bevölkerungsgruppen",
        "Anja Kerl (2. Stellvertr. des Landrates | Leiterin Dezernat I)\n"
        "Romuald Bittl (Leiter Dezernat III)",
    ),
    ("Einblicke in den Mobilität-Alltag unserer Einwohnenden mit dem „Perspektiv-Karussell“", ""),
    ("Praktische Lösungen für den ÖPNV und die Mobilitäts-Selbstorganisation in der Kommune", ""),
]


def next_27_may(now=None) -> tuple[datetime, datetime]:
    """18:00 and 20:00 Berlin time on the next 27 May that is still ahead."""
    berlin = timezone.get_default_timezone()
    now = now or timezone.now()
    year = timezone.localtime(now, berlin).year
    while True:
        start = datetime.combine(date(year, 5, 27), time(18, 0), tzinfo=berlin)
        if start > now:
            return start, datetime.combine(date(year, 5, 27), time(20, 0), tzinfo=berlin)
        year += 1


def invitation(year: int) -> str:
    return (
        "Im Rahmen des Bundesprojektes „Zukunftswerkstatt Kommunen – Attraktiv im Wandel“ "
        "möchten wir die Bürgermeisterinnen und Bürgermeister, politische Vertreterinnen und "
        "Vertreter sowie alle interessierten Einwohnende des Landkreises Rostock zu der hybriden "
        f"Veranstaltung am 27. Mai {year} in der Zeit von 18:00 - 20:00 Uhr einladen. Eine "
        "Teilnahme ist online oder an den Standorten der Kreisverwaltung in Güstrow und Bad "
        "Doberan möglich.\n\n"
        "Lassen Sie uns gemeinsam diskutieren und praktische Lösungen finden, die Ihnen direkt "
        "zu Gute kommen. Halten Sie sich den Termin frei – wir zählen auf Ihre Erfahrungen und "
        "Ideen!"
    )


def load(now=None) -> list:
    kommune = Kommune.objects.get(slug=ROSTOCK)
    start, end = next_27_may(now)
    event, _ = Veranstaltung.objects.update_or_create(
        kommune=kommune,
        slug=SLUG,
        defaults={
            "title": "Von A nach B im Landkreis Rostock – Wie wir Freizeitmobilität gemeinsam "
            "besser machen",
            "untertitel": "Wir widmen uns der Zukunft unseres ÖPNV – was gibt's, was kommt und "
            "wie wir das Ganze besser für Sie gestalten können.",
            "teaser": "Hybride Veranstaltung: online oder an den Standorten der Kreisverwaltung "
            "in Güstrow und Bad Doberan.",
            "description": invitation(start.year),
            "beginn": start,
            "ende": end,
            "format": Veranstaltung.Format.HYBRID,
            "zielgruppe": "Bürgermeisterinnen und Bürgermeister, politische Vertreterinnen und "
            "Vertreter sowie alle interessierten Einwohnende des Landkreises Rostock",
            "status": Veranstaltung.Status.VEROEFFENTLICHT,
        },
    )
    event.programm.all().delete()
    Programmpunkt.objects.bulk_create(
        Programmpunkt(veranstaltung=event, title=title, personen=personen, position=i)
        for i, (title, personen) in enumerate(PROGRAMME, start=1)
    )
    for order, (name, defaults) in enumerate(
        [
            (
                "Kreisverwaltung Güstrow",
                {
                    "art": Teilnahmeoption.Art.VOR_ORT,
                    "anschrift": "Kreisverwaltung in Güstrow",
                    "kapazitaet": CAPACITY_GUESTROW,
                },
            ),
            (
                "Kreisverwaltung Bad Doberan",
                {
                    "art": Teilnahmeoption.Art.VOR_ORT,
                    "anschrift": "Kreisverwaltung in Bad Doberan",
                    "kapazitaet": CAPACITY_BAD_DOBERAN,
                },
            ),
            ("Online", {"art": Teilnahmeoption.Art.ONLINE, "kapazitaet": CAPACITY_ONLINE}),
        ],
        start=1,
    ):
        Teilnahmeoption.objects.update_or_create(
            veranstaltung=event, name=name, defaults={**defaults, "position": order}
        )
    return []
