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
from zwk_portal.search import search_index, stored_search_vector
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

    def save(self, *args, **kwargs):
        new = self._state.adding
        super().save(*args, **kwargs)
        if new:
            Planstatus.objects.bulk_create(
                Planstatus(plan=self, position=position, name=name, slug=slug)
                for position, (slug, name) in enumerate(Planstatus.DEFAULTS, start=1)
            )

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

    @property
    def key(self) -> str:
        """The plan's key in its spreadsheets ("P-3"): a file names the plan it came from."""
        return f"P-{self.pk}"


class Planstatus(models.Model):
    """A status a Werkzeug or an Einzelmaßnahme of the plan can have.

    Each plan has its own list: plans word their stages differently. A new plan
    starts with DEFAULTS. The name is always shown as text, never as a colour only.
    """

    kommune_path = "plan__kommune"
    DEFAULTS = [
        ("geplant", "geplant"),
        ("laufend", "laufend"),
        ("abgeschlossen", "abgeschlossen"),
        ("verworfen", "verworfen"),
        ("abgebrochen", "abgebrochen"),
    ]

    plan = models.ForeignKey(
        Werkstattplan,
        on_delete=models.CASCADE,
        related_name="status_liste",
        verbose_name=_("Werkstattplan"),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    name = models.CharField(_("Name"), max_length=60)
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=60, blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Status")
        verbose_name_plural = _("Status")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="planstatus_slug_per_plan"),
            models.CheckConstraint(condition=~models.Q(name=""), name="planstatus_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slug_among(self, self.name, Planstatus.objects.filter(plan_id=self.plan_id))
        super().save(*args, **kwargs)

    def clean(self):
        if not (self.name or "").strip():
            raise ValidationError({"name": _("Bitte geben Sie den Namen des Status ein.")})
        same = Planstatus.objects.filter(plan_id=self.plan_id, name__iexact=self.name.strip())
        if self.plan_id and same.exclude(pk=self.pk).exists():
            raise ValidationError({"name": _("Diesen Status hat der Plan schon.")})


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
    search_vector = stored_search_vector(a=("name",), b=("description", "leitziel"))

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
        indexes = [search_index("handlungsfeld_search")]

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
        errors = {}
        if not (self.name or "").strip():
            errors["name"] = _("Bitte geben Sie einen Namen für das Handlungsfeld ein.")
        if stays_in_plan_error := _moved_to_other_plan(self, Handlungsfeld, "plan_id"):
            errors["plan"] = stays_in_plan_error
        if errors:
            raise ValidationError(errors)


class Kennzahl(models.Model):
    """An indicator that tells whether the Handlungsfeld's Leitziel comes closer,
    e.g. "Auf 100 Menschen, die in Rente gehen, kommen etwa 65 junge Menschen in Arbeit."."""

    kommune_path = "handlungsfeld__plan__kommune"
    handlungsfeld = models.ForeignKey(
        Handlungsfeld,
        on_delete=models.CASCADE,
        related_name="kennzahlen",
        verbose_name=_("Handlungsfeld"),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    text = models.TextField(_("Kennzahl"))
    quelle = models.CharField(_("Quelle"), max_length=300, blank=True)
    stand = models.DateField(_("Stand"), null=True, blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["handlungsfeld", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(text__length__gt=0), name="kennzahl_text_not_empty"
            ),
        ]

    def __str__(self):
        return Truncator(self.text).words(12)

    def clean(self):
        if not (self.text or "").strip():
            raise ValidationError({"text": _("Bitte geben Sie die Kennzahl an.")})


def _moved_to_other_plan(obj, model, plan_lookup: str):
    """A part of a plan stays in its plan: moving it would leave its Einzelmaßnahmen behind."""
    if obj._state.adding or not obj.pk:
        return None
    before = model.objects.filter(pk=obj.pk).values_list(plan_lookup, flat=True).first()
    now = (
        obj.plan_id
        if model is Handlungsfeld
        else (
            Handlungsfeld.objects.filter(pk=obj.handlungsfeld_id)
            .values_list("plan_id", flat=True)
            .first()
        )
    )
    if before is not None and now is not None and before != now:
        return _(
            "Ein Eintrag bleibt in seinem Werkstattplan; legen Sie ihn im anderen Plan neu an."
        )
    return None


class Werkzeug(models.Model):
    kommune_path = "handlungsfeld__plan__kommune"

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
    status = models.ForeignKey(
        Planstatus,
        # A status in use stays, unless the whole plan goes (RESTRICT, not PROTECT).
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Status"),
    )
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
    # Taken over from another commune's plan (services.uebernehmen); the text keeps the
    # origin's name when the origin is later removed.
    uebernommen_aus = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="uebernahmen",
        verbose_name=_("Vorlage"),
    )
    herkunft = models.CharField(
        _("übernommen aus"),
        max_length=300,
        blank=True,
        editable=False,
    )
    search_vector = stored_search_vector(
        a=("title", "description"),
        b=("steckbrief_beschreibung", "zielgruppe", "umsetzungsort", "besonderheiten"),
    )

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
        indexes = [search_index("werkzeug_search")]

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
        if plan and self.status_id and self.status.plan_id != plan.pk:
            errors["status"] = _("Bitte wählen Sie einen Status dieses Plans.")
        if stays_in_plan_error := _moved_to_other_plan(self, Werkzeug, "handlungsfeld__plan_id"):
            errors["handlungsfeld"] = stays_in_plan_error
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
    """An Einzelmaßnahme: one step of a Werkzeug, planned by month or over a period.

    It belongs to a Werkzeug, or directly to a Handlungsfeld, or (neither) to the
    whole plan as a cross-cutting measure ("Querschnittsmaßnahme", e.g. a working
    group serving all Handlungsfelder). It is shown under its Werkzeug and
    referenced from the Werkzeuge in `auch_bei`.
    """

    kommune_path = "plan__kommune"

    plan = models.ForeignKey(
        Werkstattplan,
        on_delete=models.CASCADE,
        related_name="massnahmen",
        verbose_name=_("Werkstattplan"),
    )
    handlungsfeld = models.ForeignKey(
        Handlungsfeld,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="massnahmen",
        verbose_name=_("Handlungsfeld"),
        help_text=_(
            "Nur für Maßnahmen ohne Werkzeug; leer mit leerem Werkzeug: für den ganzen Plan."
        ),
    )
    werkzeug = models.ForeignKey(
        Werkzeug,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="massnahmen",
        verbose_name=_("Werkzeug"),
    )
    auch_bei = models.ManyToManyField(
        Werkzeug,
        blank=True,
        related_name="weitere_massnahmen",
        verbose_name=_("auch bei den Werkzeugen"),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    title = models.TextField(_("Einzelmaßnahme"))
    ziel = models.TextField(_("Ziel"), blank=True)
    status = models.ForeignKey(
        Planstatus,
        # A status in use stays, unless the whole plan goes (RESTRICT, not PROTECT).
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Status"),
    )
    jahr = models.PositiveSmallIntegerField(_("Jahr"), null=True, blank=True)
    jahr_bis = models.PositiveSmallIntegerField(
        _("bis Jahr"),
        null=True,
        blank=True,
        help_text=_("Nur für einen Zeitraum über mehrere Jahre."),
    )
    monate = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("Monate"),
        default=list,
        blank=True,
        validators=[validate_months],
    )
    beginn = models.DateField(_("Beginn"), null=True, blank=True)
    ende = models.DateField(_("Ende"), null=True, blank=True)
    search_vector = stored_search_vector(a=("title",), b=("ziel",))

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Einzelmaßnahme")
        verbose_name_plural = _("Einzelmaßnahmen")
        ordering = ["plan", "werkzeug", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(title__length__gt=0), name="massnahme_title_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(monate__contained_by=list(range(1, 13))),
                name="massnahme_monate_1_to_12",
            ),
            models.CheckConstraint(
                condition=models.Q(werkzeug__isnull=True) | models.Q(handlungsfeld__isnull=True),
                name="massnahme_one_place",
            ),
            models.CheckConstraint(
                condition=models.Q(jahr_bis__isnull=True)
                | models.Q(jahr__isnull=False, jahr_bis__gt=models.F("jahr")),
                name="massnahme_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(beginn__isnull=True)
                | models.Q(ende__isnull=True)
                | models.Q(ende__gte=models.F("beginn")),
                name="massnahme_dates_ordered",
            ),
        ]
        indexes = [search_index("massnahme_search")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.monate = sorted(set(self.monate or []))
        if self.werkzeug_id:
            self.plan_id = (
                Handlungsfeld.objects.filter(werkzeuge=self.werkzeug_id)
                .values_list("plan_id", flat=True)
                .get()
            )
        elif self.handlungsfeld_id:
            self.plan_id = self.handlungsfeld.plan_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Its row in the table of the page that shows it: its Werkzeug's, or the plan's."""
        page = self.werkzeug or self.plan
        return page.get_absolute_url() + f"#massnahme-{self.pk}"

    @property
    def querschnitt(self) -> bool:
        """Belongs to the whole plan, not to one Handlungsfeld."""
        return not self.werkzeug_id and not self.handlungsfeld_id

    @property
    def zeitraum(self) -> str:
        """The period as the plan shows it: "2022–2024", "01.03.2023–30.06.2023", "" if unknown."""
        if self.beginn or self.ende:
            start = self.beginn.strftime("%d.%m.%Y") if self.beginn else "…"
            end = self.ende.strftime("%d.%m.%Y") if self.ende else "…"
            return start if self.beginn == self.ende else f"{start}–{end}"
        if self.jahr and self.jahr_bis:
            return f"{self.jahr}–{self.jahr_bis}"
        return str(self.jahr or "")

    def _plan_for_checks(self):
        if self.werkzeug_id:
            return self.werkzeug.handlungsfeld.plan
        if self.handlungsfeld_id:
            return self.handlungsfeld.plan
        return self.plan if self.plan_id else None

    def clean(self):
        errors = {}
        if not (self.title or "").strip():
            errors["title"] = _("Bitte geben Sie die Einzelmaßnahme an.")
        if self.werkzeug_id and self.handlungsfeld_id:
            errors["handlungsfeld"] = _(
                "Eine Einzelmaßnahme mit Werkzeug gehört zu dessen Handlungsfeld; "
                "bitte lassen Sie das Handlungsfeld leer."
            )
        if self.monate and self.jahr is None:
            errors["jahr"] = _("Bitte geben Sie das Jahr an, zu dem die Monate gehören.")
        if self.jahr_bis is not None:
            if self.jahr is None or self.jahr_bis <= self.jahr:
                errors["jahr_bis"] = _("Das Ende des Zeitraums muss nach dem ersten Jahr liegen.")
            elif self.monate:
                errors["monate"] = _(
                    "Monate gehören zu einem Jahr; für einen Zeitraum über mehrere Jahre "
                    "geben Sie bitte Beginn und Ende als Datum an."
                )
        if self.beginn and self.ende and self.ende < self.beginn:
            errors["ende"] = _("Das Ende darf nicht vor dem Beginn liegen.")
        plan = self._plan_for_checks()
        if plan is not None:
            for name, year in (("jahr", self.jahr), ("jahr_bis", self.jahr_bis)):
                if year is not None and not plan.first_year <= year <= plan.last_year:
                    errors.setdefault(
                        name,
                        _(
                            "Das Jahr %(year)s liegt nicht in der Laufzeit des Plans (%(first)s–%(last)s)."
                        )
                        % {"year": year, "first": plan.first_year, "last": plan.last_year},
                    )
            if self.status_id and self.status.plan_id != plan.pk:
                errors["status"] = _("Bitte wählen Sie einen Status dieses Plans.")
        if errors:
            raise ValidationError(errors)
