import datetime

import factory
from django.utils import timezone

from tests.factories import KommuneFactory


class ArtikelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "aktuelles.Artikel"

    kommune = factory.SubFactory(KommuneFactory)
    title = factory.Sequence(lambda n: f"Neues aus der Zukunftswerkstatt {n}")
    teaser = "Ehrenamtliche aus vielen Vereinen haben gemeinsam Ideen gesammelt."
    text = "## Was geschah\n\nEin voller Saal.\n\n- Vernetzung\n- Zusammenarbeit"
    published = True
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


def aktuelles_of(tag: str, kommune) -> None:
    """An article of `kommune` with an image and links to the Kommune's first event,
    Werkzeug and call, its texts marked NUR-<tag>-… (tests/security/test_admin_tenancy.py)."""
    from aktuelles.models import Artikel, Bild  # noqa: PLC0415 - after Django's setup
    from events.models import Veranstaltung  # noqa: PLC0415
    from foerderung.models import Foerderaufruf  # noqa: PLC0415
    from werkstattplan.models import Werkzeug  # noqa: PLC0415

    artikel = Artikel.objects.create(
        kommune=kommune,
        title=f"NUR-{tag}-artikel",
        teaser=f"NUR-{tag}-teaser",
        text=f"NUR-{tag}-text",
        published=True,
    )
    artikel.veranstaltungen.set(Veranstaltung.objects.filter(kommune=kommune)[:1])
    artikel.werkzeuge.set(Werkzeug.objects.filter(handlungsfeld__plan__kommune=kommune)[:1])
    artikel.foerderaufrufe.set(Foerderaufruf.objects.filter(kommune=kommune)[:1])
    Bild.objects.create(
        artikel=artikel,
        datei=f"aktuelles/bilder/NUR-{tag}-bild.jpg",
        alt_text=f"NUR-{tag}-bild",
        bildnachweis=f"NUR-{tag}-bildnachweis",
    )
