"""The Werkstattplan: Handlungsfelder → Werkzeuge → Einzelmaßnahmen.

Only the Handlungsfeld's name and the Werkzeug's description are required:
the plans of the 40 ZWK communes have different columns, and a plan imported
from another commune must not fail on a column it never had.
"""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _

from kommunen.models import Kommune
from zwk_portal.templatetags.zwk import euro
from zwk_portal.tenancy import kommune_scoped

models.TextField.register_lookup(Length)

MONATE = [
    (1, _("Januar")),
    (2, _("Februar")),
    (3, _("März")),
    (4, _("April")),
    (5, _("Mai")),
    (6, _("Juni")),
    (7, _("Juli")),
    (8, _("August")),
    (9, _("September")),
    (10, _("Oktober")),
    (11, _("November")),
    (12, _("Dezember")),
]


def unique_slug(text: str, taken: set[str], *, max_length: int = 60) -> str:
    """A readable slug for `text` that is not in `taken`."""
    base = slugify(Truncator(text).words(8, truncate="")).strip("-")[:max_length].strip("-")
    base = base or "eintrag"
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    return slug


def slug_among(obj, text: str, siblings: models.QuerySet) -> str:
    """A readable slug for `obj` from `text`, unique among `siblings` (obj itself aside)."""
    taken = set(siblings.exclude(pk=obj.pk).values_list("slug", flat=True))
    return unique_slug(text, taken)


class Werkstattplan(models.Model):
    kommune_path = "kommune"
    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="werkstattplaene", verbose_name=_("Kommune")
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=80)
    first_year = models.PositiveSmallIntegerField(
        _("Laufzeit von (Jahr)"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    last_year = models.PositiveSmallIntegerField(
        _("Laufzeit bis (Jahr)"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    stand = models.DateField(_("Stand"), null=True, blank=True)
    published = models.BooleanField(
        _("veröffentlicht"),
        default=False,
        help_text=_("Nur veröffentlichte Pläne sind öffentlich sichtbar."),
    )
    notes = models.TextField(
        _("Hinweise zur Quelle"),
        blank=True,
        help_text=_("z. B. woher der Plan stammt und was beim Übertragen korrigiert wurde."),
    )
    updated_at = models.DateTimeField(_("zuletzt geändert"), auto_now=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Werkstattplan")
        verbose_name_plural = _("Werkstattpläne")
        ordering = ["kommune__name", "-first_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["kommune", "slug"], name="werkstattplan_slug_per_kommune"
            ),
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="werkstattplan_period_ordered",
                violation_error_message=_(
                    "Das erste Jahr darf nicht nach dem letzten Jahr liegen."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.kommune})"

    def get_absolute_url(self):
        return reverse(
            "werkstattplan:plan", kwargs={"kommune": self.kommune.slug, "plan": self.slug}
        )

    def clean(self):
        if self.first_year and self.last_year and self.first_year > self.last_year:
            raise ValidationError(
                {"last_year": _("Das letzte Jahr muss gleich oder nach dem ersten Jahr liegen.")}
            )

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class Handlungsfeld(models.Model):
    kommune_path = "plan__kommune"
    plan = models.ForeignKey(
        Werkstattplan,
        on_delete=models.CASCADE,
        related_name="handlungsfelder",
        verbose_name=_("Werkstattplan"),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=80, blank=True)
    description = models.TextField(_("Beschreibung des Handlungsfelds"), blank=True)
    leitziel = models.TextField(_("Leitziel"), blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="handlungsfeld_slug_per_plan"),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="handlungsfeld_name_not_empty"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            siblings = Handlungsfeld.objects.filter(plan_id=self.plan_id)
            self.slug = slug_among(self, self.name, siblings)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.plan.get_absolute_url() + f"#hf-{self.slug}"

    def clean(self):
        if not (self.name or "").strip():
            raise ValidationError(
                {"name": _("Bitte geben Sie einen Namen für das Handlungsfeld ein.")}
            )


class Werkzeug(models.Model):
    kommune_path = "handlungsfeld__plan__kommune"

    class Status(models.TextChoices):
        GEPLANT = "geplant", _("geplant")
        LAUFEND = "laufend", _("laufend")
        ABGESCHLOSSEN = "abgeschlossen", _("abgeschlossen")

    handlungsfeld = models.ForeignKey(
        Handlungsfeld,
        on_delete=models.CASCADE,
        related_name="werkzeuge",
        verbose_name=_("Handlungsfeld"),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    description = models.TextField(_("Werkzeug (Beschreibung)"))
    title = models.CharField(
        _("Kurztitel"),
        max_length=200,
        blank=True,
        help_text=_("Für Überschriften und Adressen. Leer: der Anfang der Beschreibung."),
    )
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=80, blank=True)
    ansprechperson = models.TextField(_("Ansprechperson"), blank=True)
    umsetzungsort = models.TextField(_("Umsetzungsort"), blank=True)
    beteiligte = models.TextField(_("Beteiligte"), blank=True)
    jahre = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("aktiv in den Jahren"),
        default=list,
        blank=True,
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, blank=True)
    fortschritt = models.PositiveSmallIntegerField(
        _("Fortschritt in Prozent"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    # The detail sheet ("Steckbrief") of a Werkzeug. Its wording may differ from
    # the overview table's; both are kept as the source has them.
    steckbrief_beschreibung = models.TextField(
        _("Beschreibung im Steckbrief"),
        blank=True,
        help_text=_("Nur wenn sie von der Übersicht abweicht."),
    )
    zielgruppe = models.TextField(_("Zielgruppe"), blank=True)
    ansprechperson_vor_ort = models.TextField(
        _("Umsetzungsort und Ansprechperson vor Ort"), blank=True
    )
    partner = models.TextField(
        _("Beteiligte: Partner, Netzwerke, Gruppen und Bevölkerung"), blank=True
    )
    budget = models.DecimalField(
        _("Budget in Euro"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0"), message=_("Das Budget darf nicht negativ sein."))
        ],
    )
    budget_vermerk = models.CharField(
        _("Vermerk zum Budget"),
        max_length=200,
        blank=True,
        help_text=_(
            "z. B. „Circa.“ (steht vor dem Betrag) oder „(Fördermittel bis zu 10.000,00 € pro Antrag)“ (steht dahinter)."
        ),
    )
    externe_beratung = models.BooleanField(_("Externe Beratung"), null=True, blank=True)
    besonderheiten = models.TextField(_("Besonderheiten, Kommentare"), blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Werkzeug")
        verbose_name_plural = _("Werkzeuge")
        ordering = [
            "handlungsfeld__plan",
            "handlungsfeld__position",
            "handlungsfeld",
            "position",
            "pk",
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(description__length__gt=0),
                name="werkzeug_description_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="werkzeug_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(fortschritt__isnull=True) | models.Q(fortschritt__lte=100),
                name="werkzeug_fortschritt_percent",
            ),
        ]

    def __str__(self):
        return self.display_title

    def save(self, *args, **kwargs):
        self.jahre = sorted(set(self.jahre or []))
        if not self.slug:
            plan_id = (
                Handlungsfeld.objects.filter(pk=self.handlungsfeld_id)
                .values_list("plan_id", flat=True)
                .first()
            )
            siblings = Werkzeug.objects.filter(handlungsfeld__plan_id=plan_id)
            self.slug = slug_among(self, self.title or self.description, siblings)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        plan = self.handlungsfeld.plan
        return reverse(
            "werkstattplan:werkzeug",
            kwargs={"kommune": plan.kommune.slug, "plan": plan.slug, "werkzeug": self.slug},
        )

    @property
    def display_title(self) -> str:
        return self.title or Truncator(self.description).words(12)

    @property
    def plan(self) -> Werkstattplan:
        return self.handlungsfeld.plan

    @property
    def budget_text(self) -> str:
        """The budget as the plan shows it, e.g. "Circa. 1.000,00 €"."""
        if self.budget is None:
            return self.budget_vermerk
        if not self.budget_vermerk:
            return euro(self.budget)
        if self.budget_vermerk.startswith("("):
            return f"{euro(self.budget)} {self.budget_vermerk}"
        return f"{self.budget_vermerk} {euro(self.budget)}"

    def clean(self):
        errors = {}
        if not (self.description or "").strip():
            errors["description"] = _("Bitte beschreiben Sie das Werkzeug.")
        plan = self.handlungsfeld.plan if self.handlungsfeld_id else None
        if plan and self.jahre:
            outside = sorted(
                year for year in self.jahre if not plan.first_year <= year <= plan.last_year
            )
            if outside:
                errors["jahre"] = _(
                    "Die Jahre %(years)s liegen nicht in der Laufzeit des Plans (%(first)s–%(last)s)."
                ) % {
                    "years": ", ".join(map(str, outside)),
                    "first": plan.first_year,
                    "last": plan.last_year,
                }
        if errors:
            raise ValidationError(errors)


def validate_months(months):
    wrong = [month for month in months or [] if not 1 <= month <= 12]
    if wrong:
        raise ValidationError(
            _("Monate sind die Zahlen 1 bis 12; %(wrong)s ist keiner."),
            params={"wrong": ", ".join(map(str, wrong))},
        )


class Massnahme(models.Model):
    """An Einzelmaßnahme: one step of a Werkzeug, planned by month."""

    kommune_path = "werkzeug__handlungsfeld__plan__kommune"

    werkzeug = models.ForeignKey(
        Werkzeug, on_delete=models.CASCADE, related_name="massnahmen", verbose_name=_("Werkzeug")
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    title = models.TextField(_("Einzelmaßnahme"))
    jahr = models.PositiveSmallIntegerField(_("Jahr"), null=True, blank=True)
    monate = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("Monate"),
        default=list,
        blank=True,
        validators=[validate_months],
    )

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Einzelmaßnahme")
        verbose_name_plural = _("Einzelmaßnahmen")
        ordering = ["werkzeug", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(title__length__gt=0), name="massnahme_title_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(monate__contained_by=list(range(1, 13))),
                name="massnahme_monate_1_to_12",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.monate = sorted(set(self.monate or []))
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if not (self.title or "").strip():
            errors["title"] = _("Bitte geben Sie die Einzelmaßnahme an.")
        if self.monate and self.jahr is None:
            errors["jahr"] = _("Bitte geben Sie das Jahr an, zu dem die Monate gehören.")
        plan = self.werkzeug.handlungsfeld.plan if self.werkzeug_id else None
        if plan and self.jahr is not None and not plan.first_year <= self.jahr <= plan.last_year:
            errors["jahr"] = _(
                "Das Jahr %(year)s liegt nicht in der Laufzeit des Plans (%(first)s–%(last)s)."
            ) % {
                "year": self.jahr,
                "first": plan.first_year,
                "last": plan.last_year,
            }
        if errors:
            raise ValidationError(errors)
