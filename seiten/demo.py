"""Demo texts of the legal pages, with the facts the seeds give (seed 001, 003).

Everything the seeds do not give is marked "Demo-Text" and must be replaced in
a real installation. Running load() twice changes nothing.
"""

from .defaults import TEXTE
from .models import Seite

KONTAKT = """Landkreis Ludwigslust-Parchim
Teresa Hildwein, Projektkoordinatorin
Garnisonsstraße 1
19288 Ludwigslust"""

DEMO = "[Demo-Text: in einer echten Installation bitte ergänzen]"

IMPRESSUM = f"""Hinweis: Dies ist eine Demo-Installation des ZWK-Portals. Angaben, die mit „Demo-Text“ markiert sind, stammen nicht vom Landkreis.

## Herausgeber
{KONTAKT}

Telefon: {DEMO}
E-Mail: {DEMO}

Der Landkreis ist eine Körperschaft des öffentlichen Rechts.

## Vertreten durch
{DEMO}

## Verantwortlich für den Inhalt
Teresa Hildwein, Projektkoordinatorin, Garnisonsstraße 1, 19288 Ludwigslust

## Förderung
Dieses Portal ist ein Angebot im Modellprogramm „Zukunftswerkstatt Kommunen – Attraktiv im Wandel“. Das Programm wird gefördert vom Bundesministerium für Familie, Senioren, Frauen und Jugend (BMFSFJ). Bis Ende 2024 nahm der Landkreis Ludwigslust-Parchim als eine von 40 Kommunen deutschlandweit am Programm teil.

## Links zu anderen Angeboten
Für die Inhalte von Seiten anderer Anbieter, auf die wir verlinken, sind deren Anbieter verantwortlich. Wenn uns ein rechtswidriger Inhalt bekannt wird, entfernen wir den Link.
"""


def _demo(text: str) -> str:
    """The default text with the seeds' facts in place of the operator's placeholders."""
    replacements = {
        "[Bitte ergänzen: Name der Behörde]": "Landkreis Ludwigslust-Parchim",
        "[Bitte ergänzen: Anschrift]": "Garnisonsstraße 1, 19288 Ludwigslust",
        "[Bitte ergänzen: Name, Telefon und E-Mail-Adresse der Koordination]": (
            "Teresa Hildwein, Projektkoordinatorin\nGarnisonsstraße 1\n19288 Ludwigslust\n"
            f"Telefon und E-Mail: {DEMO}"
        ),
    }
    for old, new in replacements.items():
        text = text.replace(old, new)
    # Whatever placeholder is left is marked as demo text.
    return text.replace("[Bitte ergänzen", "[Demo-Text, bitte ergänzen")


def load() -> list[tuple[str, str, str]]:
    for slug, (title, text) in TEXTE.items():
        demo_text = IMPRESSUM if slug == Seite.Slug.IMPRESSUM else _demo(text)
        seite, created = Seite.objects.get_or_create(
            slug=slug, defaults={"title": title, "text": demo_text}
        )
        if not created and seite.text != demo_text:
            seite.title = title
            seite.text = demo_text
            seite.save()
    return []
