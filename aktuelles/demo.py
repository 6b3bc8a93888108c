"""Aktuelles of the Landkreis Ludwigslust-Parchim: the articles of seed 001, verbatim.

Titles and texts are the seed's, typos included ("würden", "Ludwiglsut-Parchim",
"entwicklen"), and its one no-break space inside a sentence; a trailing space is dropped. Each article's first paragraph is its teaser and the rest its text, so
that the page shows the seed's text whole and in order. The Kleinprojektefonds text has
no title in the seed; "Kleinprojektefonds 2022" is the name the demo's call has
(foerderung/demo.py).

Demo assumptions (the seed gives no dates of publication):
- "Kleinprojektefonds 2022": 2 May 2022, the day after the call opened in the demo;
- "… erprobt Strategien in zwei Leuchtturmregionen": 20 September 2022, after the
  kick-off in Dömitz-Malliß in July, before the kick-off in Plau it announces;
- "Videoreihe …": 1 November 2022, when the weekly videos began ("ab November 2022");
- "Zukunftswerkstatt in der Stadt Plau …": 15 November 2022, after the evening in Plau
  (10 November 2022 in events/demo.py) and before the follow-up on 24.11.2022.
The video series' title graphic is drawn here (text on a plain ground, no photo); the
seed has no image and no address of the videos, so the article has no video link.

Running it twice changes nothing; an article a coordinator has edited stays as edited
(articles are found by their slug, which a title edit keeps).
"""

from datetime import datetime
from io import BytesIO

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from events.demo import NETWORK_WERKZEUG, PLAU_SLUG
from events.models import Veranstaltung
from foerderung.models import Foerderaufruf
from kommunen.demo import LUDWIGSLUST_PARCHIM
from kommunen.models import Kommune
from werkstattplan.models import Werkzeug

from .models import Artikel, Bild

KLEINPROJEKTE_WERKZEUG = "Aufruf für gemeinschaftsstärkende Kleinstprojekte"
KLEINPROJEKTE_AUFRUF = "Kleinprojektefonds 2022"

PLAU_TITLE = "Zukunftswerkstatt in der Stadt Plau zum Thema Ehrenamt"
PLAU_TEASER = (
    "Nach der erfolgreichen ersten Zukunftswerkstatt im Amt Dömitz-Malliß folgte nun die "
    "Auftaktveranstaltung der zweiten Leuchtturmregion, die Stadt Plau am See."
)
PLAU_TEXT = (
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

LEUCHTTURM_TITLE = "Der Landkreis Ludwigslust-Parchim erprobt Strategien in zwei Leuchtturmregionen"
LEUCHTTURM_TEASER = (
    "Im Landkreis Ludwiglsut-Parchim liegt im Jahr 2022 der Schwerpunkt des ZWK-Projektes bei "
    "dem Thema Unterstützung des Ehrenamts und des regionalen Vereinswesens. In diesem Jahr "
    "wird durch die Auswahl von zwei Beispielregionen versucht, Strategien zur Stärkung des "
    "Ehrenamts zu entwicklen, angepasst an die jeweiligen regionalen Bedürfnisse. Dafür wurden "
    "der Amtsbereich Dömitz-Malliß im Westen des Landkreises sowie die Stadt Plau, verortet am "
    "östlichsten Punkt des Kreises, ausgewählt."
)
LEUCHTTURM_TEXT = (
    "In beiden Regionen werden die jeweiligen Aktiven zu einem Kick-Off eingeladen, um "
    "gemeinsam über die Stärken und Schwächen der Vereinslandschaft zu sprechen und ein "
    "allgemeines Stimmungsbild einzufangen. In einem zweiten Schritt wird es dann konkreter "
    "und die Ergebnisse des Kick-Offs bilden die Grundlage für die weitere "
    "Strategieentwicklung. Methodisch begleitet werden Dömitz-Malliß und Plau dabei durch die "
    "Schule der Landentwicklung.\n\n"
    "Bei der großen Ausdehnung des Kreises ist es oft schwierig, flächendeckende Lösungen zu "
    "finden und Maßnahmen einzuleiten. Strukturen und Bedarfe variieren regional stark, sodass "
    "es oftmals keine einheitliche Lösung für alle gibt. Durch diese Herangehensweise sollen "
    "Ergebnisse gesammelt und Methoden entwickelt werden, die dem gesamten Landkreis zur "
    "Verfügung gestellt werden können.\n\n"
    "Der Kick-Off in Dömitz-Malliß im Juli bildete mit einer großen Resonanz von 50 Gästen "
    "den Startschuss. Nun sind die Ergebnisse ausgewertet worden und es geht in der "
    "Folgeveranstaltung gezielt um die Themen Mitgliederentwicklung und den Austausch zwischen "
    "Ehrenamt und der Kommunalverwaltung."
)

VIDEOREIHE_TITLE = "Videoreihe zu Projekten im Landkreis Ludwigslust-Parchim"
VIDEOREIHE_TEASER = (
    "Im Landkreis gibt es zahlreiche positive Beispiele für ehrenamtliche Projekte, die in "
    "unterschiedlichster Weise die Gemeinschaft zwischen den Menschen fördern. Damit diese "
    "tollen Impulse in allen Winkeln Ludwigslust-Parchims gesehen werden, wird ab November "
    "2022 bis vorerst Januar 2023 jede Woche ein Video zu einem ehrenamtlichen Projekt über "
    "die Social-Media-Kanäle\u00a0des Landkreises geteilt. Bleiben Sie gespannt!"  # the seed's no-break space
)
EPISODES = [
    "Wir tun GUTes - Trailer",
    "Wir tun GUTes - Folge 1: Plate",
    "Wir tun GUTes - Folge 2: Püttelkow",
    "Wir tun GUTes - Folge 3: Matzlow",
    "Wir tun GUTes - Folge 4: Parchim",
    "Wir tun GUTes - Folge 5: Lassahn",
    "Wir tun GUTes - Folge 6: Boizenburg",
    "Wir tun GUTes - Folge 7: Pinnow",
    "Wir tun GUTes - Folge 8: Neustadt-Glewe",
    "Wir tun GUTes - Folge 9: Plau am See",
    "Wir tun GUTes - Folge 10: Dobbertin",
]
VIDEOREIHE_TEXT = "\n".join(f"- {episode}" for episode in EPISODES)

KLEINPROJEKTE_TEASER = (
    "In diesem Jahr fördert der Landkreis Ludwigslust-Parchim erneut Aktivitäten aus der "
    "Bevölkerung mit demografischen Mehrwert. Städte, Gemeinden, Initiativen, Verbände oder "
    "Vereine mit ihren Akteur*innen, die im Landkreis engagiert sind, haben die Möglichkeit, "
    "Projekte für einen lebenswerten ländlichen Raum zu entwickeln. Ziel ist es, insbesondere "
    "Impulse für eine zukunftsorientierte, generationsübergreifende Entwicklung im Landkreis zu "
    "geben. Mit einem Kleinprojektefonds sollen entsprechende Initiativen nun finanziell "
    "unterstützt werden. Der Umsetzungszeitraum startet am 21. Juni 2022 und endet am "
    "31. Oktober 2022."
)
KLEINPROJEKTE_TEXT = (
    "Es geht darum, Moderationsprozesse oder Kleinstprojekte, möglichst zeitnah und durch "
    "konkrete Folgemaßnahmen zu realisieren. Dabei sollen eine effektive Kommunikation und "
    "lebendige Gemeinschaft gefördert werden. Im letzten und auch diesem Jahr konnten durch die "
    "Förderung bereits Outdoortreffpunkte für Jung und Alt geschaffen, gemeinsame "
    "Veranstaltungen initiiert sowie Projekte für die digitale Kompetenzausbildung von "
    "Senior*innen unterstützt werden.\n"
    "Die Zuwendung des Landkreises soll dabei Unterstützung für lokale Initiativen bzw. "
    "Maßnahmen bieten. Die eingereichten Projektideen können eine Fördersumme von maximal "
    "5.000 € erhalten. Bis zum 10. Juni 2022 können Projektideen eingereicht werden. Das "
    "Antragsformular für Ihre gemeinschaftsstärkende Maßnahme finden Sie unter Formulare. "
    "Dieses können Sie ausgefüllt an den Fachdienst Gleichstellung, Generationen und Vielfalt "
    "weiterleiten."
)

BERLIN = timezone.get_default_timezone()

# slug: (title, teaser, text, published at, links by kind)
ARTIKEL = {
    "kleinprojektefonds-2022": (
        KLEINPROJEKTE_AUFRUF,
        KLEINPROJEKTE_TEASER,
        KLEINPROJEKTE_TEXT,
        datetime(2022, 5, 2, 10, 0, tzinfo=BERLIN),
        {"foerderaufrufe": [KLEINPROJEKTE_AUFRUF], "werkzeuge": [KLEINPROJEKTE_WERKZEUG]},
    ),
    "leuchtturmregionen": (
        LEUCHTTURM_TITLE,
        LEUCHTTURM_TEASER,
        LEUCHTTURM_TEXT,
        datetime(2022, 9, 20, 10, 0, tzinfo=BERLIN),
        {"veranstaltungen": [PLAU_SLUG], "werkzeuge": [NETWORK_WERKZEUG]},
    ),
    "videoreihe-wir-tun-gutes": (
        VIDEOREIHE_TITLE,
        VIDEOREIHE_TEASER,
        VIDEOREIHE_TEXT,
        datetime(2022, 11, 1, 10, 0, tzinfo=BERLIN),
        {},
    ),
    "zukunftswerkstatt-plau-ehrenamt": (
        PLAU_TITLE,
        PLAU_TEASER,
        PLAU_TEXT,
        datetime(2022, 11, 15, 10, 0, tzinfo=BERLIN),
        {"veranstaltungen": [PLAU_SLUG], "werkzeuge": [NETWORK_WERKZEUG]},
    ),
}


def _links(kommune, links: dict) -> dict:
    """The demo's objects the article links to, where the other demos made them."""
    found = {
        "veranstaltungen": lambda slug: Veranstaltung.objects.filter(kommune=kommune, slug=slug),
        "werkzeuge": lambda start: Werkzeug.objects.filter(
            handlungsfeld__plan__kommune=kommune, description__startswith=start
        ),
        "foerderaufrufe": lambda title: Foerderaufruf.objects.filter(kommune=kommune, title=title),
    }
    return {
        name: [obj for key in keys for obj in found[name](key)[:1]] for name, keys in links.items()
    }


def title_graphic() -> tuple[bytes, int, int]:
    """The video series' title graphic: its name on a plain ground, as a PNG."""
    width, height = 1200, 630
    image = Image.new("RGB", (width, height), (22, 55, 94))
    draw = ImageDraw.Draw(image)
    draw.text((80, 220), "Wir tun GUTes", fill="white", font=ImageFont.load_default(size=110))
    draw.text(
        (80, 380),
        "Videoreihe zu Projekten im Landkreis Ludwigslust-Parchim",
        fill="white",
        font=ImageFont.load_default(size=38),
    )
    out = BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue(), width, height


def _title_graphic(artikel) -> None:
    content, width, height = title_graphic()
    bild = Bild(
        artikel=artikel,
        alt_text="Schriftzug „Wir tun GUTes – Videoreihe zu Projekten im Landkreis "
        "Ludwigslust-Parchim“ in Weiß auf dunkelblauem Grund",
        caption="Titelgrafik der Videoreihe",
        bildnachweis="Grafik: Demo-Annahme des ZWK-Portals",
        width=width,
        height=height,
    )
    bild.datei.save("wir-tun-gutes.png", ContentFile(content), save=True)


def load() -> list:
    kommune = Kommune.objects.get(slug=LUDWIGSLUST_PARCHIM)
    for slug, (title, teaser, text, published_at, links) in ARTIKEL.items():
        if Artikel.objects.filter(kommune=kommune, slug=slug).exists():
            continue  # loaded before, perhaps edited since: it stays
        artikel = Artikel.objects.create(
            kommune=kommune,
            slug=slug,
            title=title,
            teaser=teaser,
            text=text,
            published=True,
            published_at=published_at,
        )
        for name, objects in _links(kommune, links).items():
            getattr(artikel, name).set(objects)
        if slug == "videoreihe-wir-tun-gutes":
            _title_graphic(artikel)
    return []
