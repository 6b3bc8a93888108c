"""Veranstaltungen with their Teilnahmeoptionen (sites and online) and Anmeldungen.

Rules that must never break live in the database: an end after the start, one
active Anmeldung per e-mail and Veranstaltung, a capacity for every site.
The capacity itself is kept by `services.register`, which counts under a row
lock on the option.

The rules every count and every step shares have one owner each, here:
`holds_seat_q` (a seat taken: confirmed, or inside its 48 hours), `lapsed_q` (48
hours passed unconfirmed: it holds nothing and cannot be confirmed, only renewed),
`waiting_q` (confirmed on the waitlist: owed the next free seat, first come first
served), `Teilnahmeoption.seats_free` (what a newcomer can take) and
`Veranstaltung.reminder_due` (from the day before on, mails carry the join link).
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kommunen.models import Kommune
from zwk_portal.tenancy import kommune_scoped

# How long a confirmation link is valid and an unconfirmed Anmeldung holds its seat.
CONFIRMATION_WINDOW = timedelta(hours=48)
# Version of templates/events/datenschutz.html; stored with every consent.
PRIVACY_NOTICE_VERSION = "2026-11-21"
# Slugs that would collide with the fixed paths under /<kommune>/veranstaltungen/.
RESERVED_SLUGS = {"anmeldung", "kalender", "kalender-ics", "datenschutz"}


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Veranstaltung(models.Model):
    kommune_path = "kommune"

    class Format(models.TextChoices):
        PRAESENZ = "praesenz", _("vor Ort")
        ONLINE = "online", _("online")
        HYBRID = "hybrid", _("hybrid (vor Ort und online)")

    class Status(models.TextChoices):
        ENTWURF = "entwurf", _("Entwurf")
        VEROEFFENTLICHT = "veroeffentlicht", _("veröffentlicht")
        ABGESAGT = "abgesagt", _("abgesagt")

    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="veranstaltungen", verbose_name=_("Kommune")
    )
    title = models.CharField(_("Titel"), max_length=300)
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=120)
    untertitel = models.CharField(_("Untertitel"), max_length=300, blank=True)
    teaser = models.TextField(_("Kurzbeschreibung"), blank=True)
    description = models.TextField(_("Einladungstext"), blank=True)
    beginn = models.DateTimeField(_("Beginn"))
    ende = models.DateTimeField(_("Ende"))
    format = models.CharField(
        pgettext_lazy("Veranstaltung", "Format"), max_length=20, choices=Format.choices
    )
    zielgruppe = models.TextField(_("Zielgruppe"), blank=True)
    anmeldung_ab = models.DateTimeField(_("Anmeldung ab"), null=True, blank=True)
    anmeldung_bis = models.DateTimeField(
        _("Anmeldung bis"),
        null=True,
        blank=True,
        help_text=_("Leer: bis zum Beginn der Veranstaltung."),
    )
    kontakt_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    kontakt_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    kontakt_telefon = models.CharField(_("Telefon der Ansprechperson"), max_length=50, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.ENTWURF
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["beginn"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "slug"], name="veranstaltung_slug_unique"),
            models.CheckConstraint(
                condition=Q(ende__gt=models.F("beginn")), name="veranstaltung_ende_nach_beginn"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"kommune": self.kommune.slug, "slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("Dieser Kurzname ist für feste Adressen reserviert.")})
        if self.beginn and self.ende and self.ende <= self.beginn:
            raise ValidationError({"ende": _("Das Ende muss nach dem Beginn liegen.")})

    def absolute_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.VEROEFFENTLICHT

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.beginn

    def registration_state(self, now=None) -> str:
        """ "open", "not_yet", "closed", "started", "cancelled" or "draft"."""
        now = now or timezone.now()
        if self.status == self.Status.ABGESAGT:
            return "cancelled"
        if self.status != self.Status.VEROEFFENTLICHT:
            return "draft"
        if now >= self.beginn:
            return "started"
        if self.anmeldung_bis and now >= self.anmeldung_bis:
            return "closed"
        if self.anmeldung_ab and now < self.anmeldung_ab:
            return "not_yet"
        return "open"

    def registration_open(self, now=None) -> bool:
        return self.registration_state(now) == "open"

    def reminder_date(self) -> date:
        """The day the reminder (with the online join link) goes out: the day before (Berlin)."""
        return timezone.localtime(self.beginn).date() - timedelta(days=1)

    def reminder_due(self, now=None) -> bool:
        """From the reminder's day until the end, the daily reminder has run or will not run
        again for anyone newly in: every mail to a seat holder then carries what it would."""
        now = now or timezone.now()
        return timezone.localtime(now).date() >= self.reminder_date() and now < self.ende


class Programmpunkt(models.Model):
    kommune_path = "veranstaltung__kommune"
    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="programm"
    )
    zeit = models.TimeField(_("Uhrzeit"), null=True, blank=True)
    title = models.CharField(_("Titel"), max_length=300)
    personen = models.TextField(
        _("Mitwirkende"), blank=True, help_text=_("Eine Person je Zeile, mit Funktion.")
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Programmpunkt")
        verbose_name_plural = _("Programm")
        ordering = ["position", "zeit", "pk"]

    def __str__(self):
        return self.title

    def personen_list(self) -> list[str]:
        return [line.strip() for line in self.personen.splitlines() if line.strip()]


class Teilnahmeoption(models.Model):
    """One way to take part: a site with its own seats, or online."""

    kommune_path = "veranstaltung__kommune"

    class Art(models.TextChoices):
        VOR_ORT = "vor_ort", _("vor Ort")
        ONLINE = "online", _("online")

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="optionen"
    )
    art = models.CharField(_("Art"), max_length=20, choices=Art.choices, default=Art.VOR_ORT)
    name = models.CharField(
        _("Bezeichnung"), max_length=200, help_text=_("z. B. „Kreisverwaltung Güstrow“")
    )
    anschrift = models.TextField(_("Anschrift"), blank=True)
    raum = models.CharField(_("Raum"), max_length=200, blank=True)
    anfahrt = models.TextField(_("Anfahrt"), blank=True, help_text=_("Wegbeschreibung, ÖPNV."))
    stufenlos = models.BooleanField(_("stufenlos erreichbar"), default=False)
    barrierefreies_wc = models.BooleanField(_("barrierefreies WC"), default=False)
    hoeranlage = models.BooleanField(_("induktive Höranlage"), default=False)
    parken = models.CharField(_("Parken"), max_length=300, blank=True)
    barrierefreiheit = models.TextField(_("weitere Hinweise zur Barrierefreiheit"), blank=True)
    kapazitaet = models.PositiveIntegerField(
        _("Plätze"), null=True, blank=True, help_text=_("Leer nur online: unbegrenzt.")
    )
    plattform = models.CharField(_("Plattform"), max_length=200, blank=True)
    zugangslink = models.URLField(
        _("Zugangslink (geheim)"),
        max_length=500,
        blank=True,
        help_text=_(
            "Geht nur per E-Mail an bestätigte Online-Teilnehmende: mit der Erinnerung am Tag "
            "vor der Veranstaltung, danach mit jeder Bestätigung."
        ),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Teilnahmeoption")
        verbose_name_plural = _("Teilnahmeoptionen")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(art="online") | Q(kapazitaet__isnull=False),
                name="teilnahmeoption_vor_ort_hat_plaetze",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_online(self) -> bool:
        return self.art == self.Art.ONLINE

    def seats_free(self, *, held: int, waiting: int) -> int | None:
        """Seats a newcomer can take: neither held nor owed to someone confirmed on the
        waitlist. None: unlimited. Counts from `holds_seat_q` and `waiting_q`."""
        if self.kapazitaet is None:
            return None
        return max(self.kapazitaet - held - waiting, 0)

    def access_features(self) -> list[str]:
        features = []
        if self.stufenlos:
            features.append(_("stufenlos erreichbar"))
        if self.barrierefreies_wc:
            features.append(_("barrierefreies WC"))
        if self.hoeranlage:
            features.append(_("induktive Höranlage"))
        return features


def holds_seat_q(now, prefix: str = "") -> Q:
    """The one rule "this registration holds a seat": it has one (status "platz") and is
    confirmed or still inside its 48 hours. At the 48th hour the seat is free again.

    `prefix` counts through a relation, e.g. "anmeldungen__" from a Teilnahmeoption.
    """
    cutoff = now - CONFIRMATION_WINDOW
    return Q(**{f"{prefix}status": Anmeldung.Status.PLATZ}) & (
        Q(**{f"{prefix}confirmed_at__isnull": False}) | Q(**{f"{prefix}created_at__gt": cutoff})
    )


def lapsed_q(now, prefix: str = "") -> Q:
    """Unconfirmed after its 48 hours (the same boundary as `holds_seat_q`): it holds nothing,
    its link confirms nothing; it can be renewed until the nightly job deletes it."""
    cutoff = now - CONFIRMATION_WINDOW
    return Q(**{f"{prefix}confirmed_at__isnull": True, f"{prefix}created_at__lte": cutoff})


def waiting_q(prefix: str = "") -> Q:
    """Confirmed on the waitlist: owed the next free seat, in the order they registered."""
    return Q(
        **{f"{prefix}status": Anmeldung.Status.WARTELISTE, f"{prefix}confirmed_at__isnull": False}
    )


class AnmeldungQuerySet(models.QuerySet):
    def holding_seat(self, now=None):
        """Seats taken, see `holds_seat_q`."""
        return self.filter(holds_seat_q(now or timezone.now()))

    def lapsed(self, now=None):
        return self.filter(lapsed_q(now or timezone.now()))

    def waiting(self):
        """The waitlist in the order it moves up."""
        return self.filter(waiting_q()).order_by("created_at", "pk")

    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def active(self):
        return self.filter(status__in=[Anmeldung.Status.PLATZ, Anmeldung.Status.WARTELISTE])


class Anmeldung(models.Model):
    kommune_path = "veranstaltung__kommune"

    class Status(models.TextChoices):
        PLATZ = "platz", _("Platz")
        WARTELISTE = "warteliste", _("Warteliste")
        STORNIERT = "storniert", _("storniert")

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.PROTECT, related_name="anmeldungen"
    )
    option = models.ForeignKey(
        Teilnahmeoption,
        on_delete=models.PROTECT,
        related_name="anmeldungen",
        verbose_name=_("Teilnahmeoption"),
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    organisation = models.CharField(_("Gemeinde / Organisation"), max_length=200, blank=True)
    telefon = models.CharField(_("Telefon"), max_length=50, blank=True)
    barrierefreiheit = models.TextField(_("Bedarf an Barrierefreiheit"), blank=True)
    frage = models.TextField(_("Frage oder Idee"), blank=True)
    datenschutz_version = models.CharField(_("Fassung der Datenschutzhinweise"), max_length=40)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
    # When registered, or when the confirmation link was renewed: the 48 hours count from here.
    created_at = models.DateTimeField(_("angemeldet"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("bestätigt"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("nachgerückt"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("anwesend seit"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert"), null=True, blank=True)

    objects = kommune_scoped(kommune_path, models.Manager.from_queryset(AnmeldungQuerySet))

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["veranstaltung", "email"],
                condition=Q(status__in=["platz", "warteliste"]) & ~Q(email=""),
                name="anmeldung_eine_aktive_je_email",
            ),
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="anmeldung_formular_einmal",
            ),
        ]
        indexes = [models.Index(fields=["option", "status"], name="anmeldung_option_status")]

    def __str__(self):
        return self.name or _("(anonymisiert)")

    def get_absolute_url(self):
        return reverse(
            "events:manage",
            kwargs={"kommune": self.veranstaltung.kommune.slug, "token": self.token},
        )

    def manage_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.PLATZ, self.Status.WARTELISTE}

    def confirmation_expires_at(self):
        return self.created_at + CONFIRMATION_WINDOW

    def confirm_by(self):
        """What a person is told: confirm before the 48 hours end, or the event begins."""
        return min(self.confirmation_expires_at(), self.veranstaltung.beginn)

    def is_lapsed(self, now=None) -> bool:
        """See `lapsed_q`: unconfirmed, and its 48 hours are over."""
        return not self.is_confirmed and (now or timezone.now()) >= self.confirmation_expires_at()

    def can_renew(self, now=None) -> bool:
        """A new confirmation link can be had (services.renew_confirmation)."""
        return self.is_active and self.is_lapsed(now) and self.veranstaltung.registration_open(now)

    def join_link_due(self, now=None) -> bool:
        """Every mail to this person carries the online join link from now on."""
        return (
            self.option.is_online
            and self.is_confirmed
            and self.status == self.Status.PLATZ
            and self.veranstaltung.reminder_due(now)
        )

    def state_label(self) -> str:
        if self.status == self.Status.STORNIERT:
            return _("storniert")
        if not self.is_confirmed:
            return _("noch nicht bestätigt")
        if self.status == self.Status.WARTELISTE:
            return _("auf der Warteliste")
        return _("bestätigt")


class Nachricht(models.Model):
    """A message the coordination sent to the participants of an event or one option."""

    kommune_path = "veranstaltung__kommune"

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.CASCADE, related_name="nachrichten"
    )
    option = models.ForeignKey(
        Teilnahmeoption, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    betreff = models.CharField(_("Betreff"), max_length=200)
    text = models.TextField(_("Text"))
    empfaenger = models.PositiveIntegerField(_("Empfänger"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("gesendet"), default=timezone.now)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["-sent_at"]

    def __str__(self):
        return self.betreff


class Versuch(models.Model):
    """A registration attempt for rate limiting: only a keyed hash, purged after a day."""

    key = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Anmeldeversuch")
        verbose_name_plural = _("Anmeldeversuche")

    def __str__(self):
        return f"{self.key[:8]}… {self.created_at:%Y-%m-%d %H:%M}"
