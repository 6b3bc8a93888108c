"""The ÖPNV evening of Landkreis Rostock (seed 000), as a demo event to register for, and
the Zukunftswerkstatt in Plau am See (seed 001) as a past event with its Rückblick.

The seed's date (27 May 2024) has passed, so the demo moves it to the next
27 May, 18:00–20:00 Europe/Berlin. Capacities are demo settings: 40 seats in
Güstrow, 30 in Bad Doberan, 100 online. The seed names no street address and
no video platform, so none is invented. Running it twice changes nothing.

Seed 001 reports the Plau evening without its day: it came after the kick-off in
Dömitz-Malliß in July 2022 and before the follow-up on 24.11.2022. The demo dates it
10 November 2022, 17:00–19:00, on site in Plau am See (50 places, as many guests as the
Dömitz-Malliß kick-off had). Its report is the seed's text; of the two themes chosen
for the follow-up, "Vernetzung und Kooperation" is linked to the Werkzeug of the
Ludwigslust-Parchim plan that names "Etablierung und Verstetigung von Netzwerken".
"""

from datetime import date, datetime, time

from django.utils import timezone

from kommunen.demo import LUDWIGSLUST_PARCHIM, ROSTOCK
from kommunen.models import Kommune
from werkstattplan.models import Werkzeug

from .models import Ergebnis, Programmpunkt, Rueckblick, Teilnahmeoption, Veranstaltung

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


PLAU_SLUG = "zukunftswerkstatt-plau-ehrenamt"
PLAU_REPORT = (
    "Nach der erfolgreichen ersten Zukunftswerkstatt im Amt Dömitz-Malliß folgte nun die "
    "Auftaktveranstaltung der zweiten Leuchtturmregion, die Stadt Plau am See.\n\n"
    "Auch hier würden Ehrenamtliche aus verschiedenen Vereinen dazu eingeladen, über ihre "
    "Sorgen und Ideen zum Vereinswesen zu sprechen. In Form eines Speeddating-Formates, "
    "welches von Professor Henning Bombeck von der Schule der Landentwicklung geleitet wurde, "
    "hatten die Anwesenden die Möglichkeit, mit mindestens 8 verschiedenen Personen über "
    "verschiedenen Themen zu sprechen. Beispielsweise wurden Fragen besprochen, wie: „Gibt es "
    "gemeinsame Veranstaltungen?“, „Wie wird innerhalb der Vereine miteinander kommuniziert? "
    "oder „Seid ihr „sexy“? (bezogen auf den Vereinszweck)“\n\n"
    "Nach regen Gesprächen, bei denen Zeit wie im Flug verging, konnten nicht nur neue "
    "Bekanntschaften zwischen den verschiedenen Vereinen geschlossen werden, sondern auch die "
    "Schwerpunkte für die Folgeveranstaltung am 24.11.2022 herauskristallisiert werden. Mit "
    "einer großen Mehrheit wurden die Themen Vernetzung und Kooperation mit anderen Vereinen "
    "und Zusammenarbeit mit Politik und Verwaltung ausgewählt, welche beim nächsten Treffen "
    "intensiv bearbeitet werden."
)
CHOSEN = "Mit großer Mehrheit als Thema der Folgeveranstaltung am 24.11.2022 ausgewählt."
NETWORK_WERKZEUG = "Unterstützung der Ehrenamtlichen durch 2 Hauptamtliche Koordinatoren"


def load_plau() -> Veranstaltung:
    berlin = timezone.get_default_timezone()
    kommune = Kommune.objects.get(slug=LUDWIGSLUST_PARCHIM)
    event, _ = Veranstaltung.objects.update_or_create(
        kommune=kommune,
        slug=PLAU_SLUG,
        defaults={
            "title": "Zukunftswerkstatt in der Stadt Plau zum Thema Ehrenamt",
            "teaser": "Auftaktveranstaltung der zweiten Leuchtturmregion, die Stadt Plau am See.",
            "description": "Ehrenamtliche aus verschiedenen Vereinen sind eingeladen, über ihre "
            "Sorgen und Ideen zum Vereinswesen zu sprechen.",
            "beginn": datetime(2022, 11, 10, 17, 0, tzinfo=berlin),
            "ende": datetime(2022, 11, 10, 19, 0, tzinfo=berlin),
            "format": Veranstaltung.Format.PRAESENZ,
            "zielgruppe": "Ehrenamtliche aus verschiedenen Vereinen",
            "status": Veranstaltung.Status.VEROEFFENTLICHT,
        },
    )
    Teilnahmeoption.objects.update_or_create(
        veranstaltung=event,
        name="Stadt Plau am See",
        defaults={"art": Teilnahmeoption.Art.VOR_ORT, "kapazitaet": 50, "position": 1},
    )
    rueckblick, created = Rueckblick.objects.get_or_create(
        veranstaltung=event, defaults={"text": PLAU_REPORT, "published": True}
    )
    if created:  # a coordinator's later edits stay
        werkzeug = Werkzeug.objects.filter(
            handlungsfeld__plan__kommune=kommune, description__startswith=NETWORK_WERKZEUG
        ).first()
        Ergebnis.objects.bulk_create(
            [
                Ergebnis(
                    rueckblick=rueckblick,
                    title="Vernetzung und Kooperation mit anderen Vereinen",
                    description=CHOSEN,
                    werkzeug=werkzeug,
                    position=1,
                ),
                Ergebnis(
                    rueckblick=rueckblick,
                    title="Zusammenarbeit mit Politik und Verwaltung",
                    description=CHOSEN,
                    position=2,
                ),
            ]
        )
    return event


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
    load_plau()
    return []
