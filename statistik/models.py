"""Official figures about a Kommune's population ("… in Zahlen").

A `Wert` is one figure as a statistical office (or a press report quoting one)
published it: for a region (the Kommune itself, or its state as a comparison),
a reference date and a census base, never without its source. Figures on the
2011 and the 2022 census base are not comparable (../shared/data/STATISTIK.md):
the base is stored with every value, so pages can mark the break.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kommunen.models import Kommune
from werkstattplan.models import Handlungsfeld, Werkzeug, slug_among
from zwk_portal.tenancy import kommune_scoped

from . import parsers

LIZENZ_URL = "https://www.govdata.de/dl-de/by-2-0"

ags_validator = RegexValidator(
    r"^\d{1,12}$", _("Der Gemeindeschlüssel besteht aus 1 bis 12 Ziffern, z. B. 13076.")
)


class Indikator(models.Model):
    """What is counted: population, age groups, average age … or one the coordinator names."""

    kommune_path = "kommune"

    class Kind(models.TextChoices):
        BEVOELKERUNG = "bevoelkerung", _("Bevölkerungsstand")
        ALTERSGRUPPEN = "altersgruppen", _("Bevölkerung nach Altersgruppen")
        DURCHSCHNITTSALTER = "durchschnittsalter", _("Durchschnittsalter")
        DICHTE = "dichte", _("Bevölkerungsdichte")
        WANDERUNGEN = "wanderungen", _("Wanderungen")
        PROGNOSE = "prognose", _("Bevölkerungsvorausberechnung")
        EIGENE = "eigene", _("weiterer Indikator")

    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="indikatoren", verbose_name=_("Kommune")
    )
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=80, blank=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.EIGENE)
    description = models.TextField(
        _("Was die Zahl sagt"),
        blank=True,
        help_text=_("Erscheint auf der Seite „… in Zahlen“ über der Tabelle."),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["kommune", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "name"], name="indikator_name_per_kommune"),
            models.UniqueConstraint(fields=["kommune", "slug"], name="indikator_slug_per_kommune"),
            models.CheckConstraint(condition=~models.Q(name=""), name="indikator_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            siblings = Indikator.objects.filter(kommune_id=self.kommune_id)
            self.slug = slug_among(self, self.name, siblings)
        super().save(*args, **kwargs)

    @classmethod
    def kind_of(cls, name: str) -> str:
        """The kind a known name stands for (import of official tables), else EIGENE."""
        with translation.override("de"):  # the names in files are German, whoever imports
            for kind in cls.Kind:
                if str(kind.label) == name:
                    return kind.value
        if name.startswith("Wanderungen"):
            return cls.Kind.WANDERUNGEN
        return cls.Kind.EIGENE


class Wert(models.Model):
    """One published figure, with everything needed to cite it."""

    kommune_path = "indikator__kommune"

    class Basis(models.TextChoices):
        ZENSUS_2011 = parsers.BASIS_ZENSUS_2011, _("Zensus 2011")
        ZENSUS_2022 = parsers.BASIS_ZENSUS_2022, _("Zensus 2022")
        REGISTER = parsers.BASIS_REGISTER, _("Registerdaten")
        PROGNOSE = parsers.BASIS_PROGNOSE, _("Prognose")

    class Art(models.TextChoices):
        AMTLICH = parsers.ART_AMTLICH, _("amtlich")
        PRESSE = parsers.ART_PRESSE, _("aus zweiter Hand (Pressebericht)")

    indikator = models.ForeignKey(
        Indikator, on_delete=models.PROTECT, related_name="werte", verbose_name=_("Indikator")
    )
    ags = models.CharField(
        _("Gemeindeschlüssel der Region"), max_length=12, validators=[ags_validator]
    )
    region = models.CharField(_("Region"), max_length=200)
    merkmal = models.CharField(_("Merkmal"), max_length=200, default="insgesamt")
    stichtag = models.DateField(_("Stichtag"))
    nur_jahr = models.BooleanField(
        _("nur das Jahr"), default=False, help_text=_("Die Quelle nennt ein Jahr, keinen Tag.")
    )
    wert = models.DecimalField(_("Wert"), max_digits=18, decimal_places=4, null=True, blank=True)
    fehlt = models.CharField(
        _("Zeichen für „kein Wert“"),
        max_length=3,
        blank=True,
        help_text=_("Wie die Quelle einen fehlenden oder geheimen Wert kennzeichnet, z. B. „-“."),
    )
    einheit = models.CharField(_("Einheit"), max_length=50)
    basis = models.CharField(_("Basis"), max_length=20, choices=Basis.choices)
    basisjahr = models.PositiveSmallIntegerField(_("Basisjahr der Prognose"), null=True, blank=True)
    variante = models.CharField(_("Variante der Prognose"), max_length=100, blank=True)
    herausgeber = models.CharField(_("Herausgeber"), max_length=300)
    tabelle = models.CharField(_("Tabelle"), max_length=50, blank=True)
    quelle = models.CharField(_("Quelle (Adresse)"), max_length=500)
    abgerufen_am = models.DateField(_("abgerufen am"))
    lizenz = models.CharField(_("Lizenz"), max_length=200, blank=True)
    art = models.CharField(_("Art der Quelle"), max_length=10, choices=Art.choices)
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Zahl")
        verbose_name_plural = _("Zahlen")
        ordering = ["indikator", "ags", "stichtag", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "indikator",
                    "ags",
                    "merkmal",
                    "stichtag",
                    "basis",
                    "basisjahr",
                    "variante",
                    "herausgeber",
                ],
                nulls_distinct=False,
                name="wert_once_per_source",
            ),
            # Nothing is stored without its source.
            models.CheckConstraint(
                condition=~models.Q(herausgeber="") & ~models.Q(quelle=""),
                name="wert_has_source",
            ),
            models.CheckConstraint(
                condition=models.Q(basis=parsers.BASIS_PROGNOSE, basisjahr__isnull=False)
                | (~models.Q(basis=parsers.BASIS_PROGNOSE) & models.Q(basisjahr__isnull=True)),
                name="wert_prognose_has_basisjahr",
            ),
            # A figure without a value says how its source marked it.
            models.CheckConstraint(
                condition=models.Q(wert__isnull=False) | ~models.Q(fehlt=""),
                name="wert_or_marker",
            ),
        ]

    def __str__(self):
        return f"{self.indikator}, {self.merkmal}, {self.region}, {self.stichtag:%d.%m.%Y}"

    def clean(self):
        if self.basis == self.Basis.PROGNOSE and self.basisjahr is None:
            raise ValidationError(
                {"basisjahr": _("Eine Prognose braucht ihr Basisjahr, z. B. 2017.")}
            )
        if self.basis != self.Basis.PROGNOSE and self.basisjahr is not None:
            raise ValidationError({"basisjahr": _("Ein Basisjahr hat nur eine Prognose.")})
        if self.wert is None and not self.fehlt:
            raise ValidationError(
                {"fehlt": _("Ohne Wert geben Sie bitte an, wie die Quelle ihn kennzeichnet.")}
            )

    @property
    def basis_label(self) -> str:
        """ "Zensus 2011", "Prognose (Basis 2017, mittlere Variante)" – as the plain table reads it."""
        if self.basis != self.Basis.PROGNOSE:
            return str(self.Basis(self.basis).label)
        inner = ", ".join(filter(None, [f"Basis {self.basisjahr}", self.variante]))
        return f"{self.Basis.PROGNOSE.label} ({inner})"

    @property
    def stichtag_text(self) -> str:
        return str(self.stichtag.year) if self.nur_jahr else f"{self.stichtag:%d.%m.%Y}"

    @property
    def is_official(self) -> bool:
        return self.art == self.Art.AMTLICH

    @property
    def quelle_url(self) -> str:
        """The address at the start of `quelle` (the rest says where inside it)."""
        first = self.quelle.split()[0] if self.quelle.split() else ""
        return first if first.startswith(("https://", "http://")) else ""

    @property
    def quelle_rest(self) -> str:
        url = self.quelle_url
        return self.quelle[len(url) :].strip() if url else self.quelle

    @property
    def credit(self) -> str:
        """The credit line the Datenlizenz Deutschland asks for: the provider and the year."""
        jahr = self.abgerufen_am.year
        if self.herausgeber.startswith("Statistische Ämter des Bundes und der Länder"):
            return _("© Statistische Ämter des Bundes und der Länder, Deutschland, %(jahr)s") % {
                "jahr": jahr
            }
        if self.herausgeber.startswith("Statistisches Bundesamt"):
            return _("© Statistisches Bundesamt (Destatis), %(jahr)s") % {"jahr": jahr}
        return f"© {self.herausgeber}, {jahr}"

    @property
    def lizenz_url(self) -> str:
        return LIZENZ_URL if self.lizenz == parsers.LIZENZ_AMTLICH else ""


class Planzahl(models.Model):
    """A figure next to a Handlungsfeld or Werkzeug: why this part of the plan matters."""

    kommune_path = "indikator__kommune"

    indikator = models.ForeignKey(
        Indikator,
        on_delete=models.CASCADE,
        related_name="planzahlen",
        verbose_name=_("Indikator"),
    )
    merkmale = models.CharField(
        _("Merkmale"),
        max_length=500,
        default="insgesamt",
        help_text=_(
            "Ein Merkmal des Indikators, oder mehrere mit „+“ verbunden, die zusammengezählt "
            "werden, z. B. „65 bis unter 75 + 75 und mehr“."
        ),
    )
    label = models.CharField(
        _("Bezeichnung"), max_length=200, help_text=_("z. B. „Menschen ab 65 Jahren“")
    )
    anteil = models.BooleanField(
        _("als Anteil zeigen"),
        default=False,
        help_text=_("Zeigt zusätzlich den Anteil an „insgesamt“ desselben Stichtags."),
    )
    handlungsfeld = models.ForeignKey(
        Handlungsfeld,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="planzahlen",
        verbose_name=_("Handlungsfeld"),
    )
    werkzeug = models.ForeignKey(
        Werkzeug,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="planzahlen",
        verbose_name=_("Werkzeug"),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Zahl am Werkstattplan")
        verbose_name_plural = _("Zahlen am Werkstattplan")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handlungsfeld__isnull=True, werkzeug__isnull=False)
                | models.Q(handlungsfeld__isnull=False, werkzeug__isnull=True),
                name="planzahl_one_place",
                violation_error_message=_(
                    "Bitte wählen Sie entweder ein Handlungsfeld oder ein Werkzeug."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(label="") & ~models.Q(merkmale=""),
                name="planzahl_label_not_empty",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def merkmal_list(self) -> list[str]:
        return [part.strip() for part in self.merkmale.split("+") if part.strip()]

    def clean(self):
        # Neither or both places: the constraint "planzahl_one_place" says so, once.
        if bool(self.handlungsfeld_id) == bool(self.werkzeug_id) or not self.indikator_id:
            return
        place = self.werkzeug.handlungsfeld if self.werkzeug_id else self.handlungsfeld
        if place.plan.kommune_id != self.indikator.kommune_id:
            raise ValidationError(
                _("Indikator und Werkstattplan gehören zu verschiedenen Kommunen.")
            )
        # The features in the order the figures were imported ("unter 3" … "75 und mehr").
        known = list(
            dict.fromkeys(self.indikator.werte.order_by("pk").values_list("merkmal", flat=True))
        )
        unknown = [m for m in self.merkmal_list if m not in known]
        if unknown:
            raise ValidationError(
                {
                    "merkmale": _(
                        "„%(merkmal)s“ gibt es beim Indikator nicht. Vorhanden: %(known)s."
                    )
                    % {"merkmal": unknown[0], "known": ", ".join(known) or "–"}
                }
            )
