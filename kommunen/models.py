from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.urls import get_resolver, reverse
from django.utils.translation import gettext_lazy as _

from zwk_portal.text import tel_href

models.CharField.register_lookup(Length)


def reserved_slugs() -> set[str]:
    """First path segments the portal itself uses ("admin", "konto", "impressum", …).

    A Kommune with such a slug would be hidden behind that page.
    """

    def first_segments(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                yield from first_segments(pattern.url_patterns, route)
            elif route:
                segment = route.split("/")[0]
                if segment and "<" not in segment and not segment.startswith("^"):
                    yield segment

    reserved = set(first_segments(get_resolver().url_patterns))
    reserved |= {settings.STATIC_URL.strip("/"), settings.MEDIA_URL.strip("/") or "media"}
    return reserved


# The Länder by the first two digits of the Amtlicher Gemeindeschlüssel.
LAENDER = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}


@dataclass(frozen=True)
class Kontakt:
    """Whom a resident asks, shown as an address block (templates/kommunen/_kontakt.html):
    the commune's Projektkoordination, or an event's or call's own contact."""

    stelle: str  # the office: "Landkreis Ludwigslust-Parchim", "Fachdienst Gleichstellung"
    name: str = ""
    funktion: str = ""
    anschrift: str = ""
    email: str = ""
    telefon: str = ""

    def __bool__(self) -> bool:
        return any((self.name, self.anschrift, self.email, self.telefon))

    @property
    def telefon_href(self) -> str:
        return tel_href(self.telefon)


class KommuneManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Kommune(models.Model):
    """A commune taking part in ZWK. It owns every plan, event and funding call."""

    kommune_path = "pk"  # see kommunen/tenancy.py

    class Art(models.TextChoices):
        LANDKREIS = "landkreis", _("Landkreis")
        STADT = "stadt", _("Stadt")
        GEMEINDE = "gemeinde", _("Gemeinde")
        AMT = "amt", _("Amt")
        REGION = "region", _("Region")

    name = models.CharField(
        _("Name"), max_length=200, help_text=_("z. B. „Landkreis Ludwigslust-Parchim“")
    )
    slug = models.SlugField(
        _("Kurzname in Adressen"),
        max_length=80,
        unique=True,
        help_text=_("z. B. ludwigslust-parchim"),
    )
    art = models.CharField(_("Art"), max_length=20, choices=Art.choices, default=Art.LANDKREIS)
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel (AGS)"),
        max_length=12,
        blank=True,
        validators=[
            RegexValidator(
                r"^\d{2,12}$",
                _("Der Gemeindeschlüssel besteht aus 2 bis 12 Ziffern, z. B. 13076."),
            )
        ],
        help_text=_(
            "Für „… in Zahlen“: 5 Ziffern für einen Landkreis (13076), 8 für eine Gemeinde. "
            "Zahlen aus der amtlichen Statistik werden über ihn zugeordnet."
        ),
    )
    anschrift = models.TextField(_("Anschrift"), blank=True)
    kontakt_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    kontakt_funktion = models.CharField(_("Funktion"), max_length=200, blank=True)
    kontakt_email = models.EmailField(_("E-Mail"), blank=True)
    kontakt_telefon = models.CharField(_("Telefon"), max_length=50, blank=True)
    einleitung = models.TextField(
        _("Einleitung"), blank=True, help_text=_("Kurzer Text über die Teilnahme am Programm.")
    )

    objects = KommuneManager()

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(name__length__gt=0), name="kommune_name_not_empty"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("kommune", kwargs={"kommune": self.slug})

    def clean(self):
        if self.slug in reserved_slugs():
            raise ValidationError(
                {
                    "slug": _(
                        "„%(slug)s“ ist eine Seite des Portals; bitte wählen Sie einen anderen Kurznamen."
                    )
                    % {"slug": self.slug}
                }
            )

    def natural_key(self):
        # Fixtures name the Kommune by its slug, whatever its id in a database.
        return (self.slug,)

    @property
    def kontakt(self) -> Kontakt:
        """The Projektkoordination, as the commune publishes it."""
        return Kontakt(
            stelle=self.name,
            name=self.kontakt_name,
            funktion=self.kontakt_funktion,
            anschrift=self.anschrift,
            email=self.kontakt_email,
            telefon=self.kontakt_telefon,
        )

    @property
    def land(self) -> str:
        """The Land, read from the AGS (13… = Mecklenburg-Vorpommern); "" without AGS."""
        return LAENDER.get(self.ags[:2], "")

    @property
    def mit_artikel(self) -> str:
        """The name in a sentence, nominative: "der Landkreis Ludwigslust-Parchim",
        "die Hansestadt Rostock", "das Amt Dömitz-Malliß" (a notice says "Der Landkreis …
        bewilligt Ihnen", never "bewilligt Ihnen Landkreis …")."""
        return self._mit_artikel(dativ=False)

    @property
    def mit_artikel_dativ(self) -> str:
        """The name after "bei", "von", "mit": "dem Landkreis …", "der Stadt …"."""
        return self._mit_artikel(dativ=True)

    @property
    def mit_artikel_akkusativ(self) -> str:
        """The name after "für", "über": "den Landkreis …", "die Stadt …", "das Amt …"."""
        text = self.mit_artikel
        if self.art == self.Art.LANDKREIS and text.startswith("der "):
            return "den " + text[4:]
        return text

    @property
    def mit_artikel_genitiv(self) -> str:
        """The name after "aus dem Werkstattplan": "des Landkreises …", "des Kreises …",
        "des Amtes …"; feminine kinds as in the dative ("der Stadt …")."""
        text = self.mit_artikel_dativ
        if self.art not in (self.Art.LANDKREIS, self.Art.AMT):
            return text
        first, _space, rest = text.removeprefix("dem ").partition(" ")
        if first.lower().endswith("kreis") or first == "Amt":
            return f"des {first}es {rest}"
        return f"des {self.Art(self.art).label}es {first} {rest}".rstrip()

    def _mit_artikel(self, *, dativ: bool) -> str:
        """A name led by a word of its kind keeps it ("Landkreis Rostock", "Hansestadt Rostock",
        "Hanse- und Universitätsstadt Rostock", "Große Kreisstadt Radebeul" → dative "der
        Großen Kreisstadt Radebeul"); any other gets the kind in front ("Neustadt-Glewe" →
        "die Stadt Neustadt-Glewe", "Neustadt in Holstein" → "die Stadt Neustadt in Holstein")."""
        art = self.Art(self.art)
        nominativ_dativ = {
            self.Art.LANDKREIS: ("der", "dem"),
            self.Art.STADT: ("die", "der"),
            self.Art.GEMEINDE: ("die", "der"),
            self.Art.AMT: ("das", "dem"),
            self.Art.REGION: ("die", "der"),
        }
        artikel = nominativ_dativ[art][1 if dativ else 0]
        stem = "kreis" if art == self.Art.LANDKREIS else art.value
        words = self.name.split()
        for i, (word, following) in enumerate(zip(words, words[1:], strict=False)):
            if word.lower().endswith(stem) and following[:1].isupper():
                if dativ:  # "der Großen Kreisstadt", "der Freien und Hansestadt"
                    words[:i] = [w + "n" if w.endswith("e") else w for w in words[:i]]
                return f"{artikel} {' '.join(words)}"
            # Words that may stand before the kind: "Hanse- und", "Freie und", "Große".
            if not (word.endswith("-") or word == "und" or word.endswith("e")):
                break
        return f"{artikel} {art.label} {self.name}"
