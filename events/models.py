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
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kommunen.models import Kommune, Kontakt
from werkstattplan.models import Massnahme, Werkzeug
from zwk_portal.models import Abbildung
from zwk_portal.search import search_index, stored_search_vector
from zwk_portal.tenancy import kommune_scoped
from zwk_portal.uploads import delete_file_later, private_storage

# How long a confirmation link is valid and an unconfirmed Anmeldung holds its seat.
CONFIRMATION_WINDOW = timedelta(hours=48)
# Version of templates/events/datenschutz.html; stored with every consent.
PRIVACY_NOTICE_VERSION = "2026-11-30"
# Slugs that would collide with the fixed paths under /<kommune>/veranstaltungen/.
RESERVED_SLUGS = {"anmeldung", "kalender", "kalender-ics", "datenschutz", "rueckblicke"}


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

    # A cancelled event stays on its page, marked as such.
    PUBLIC_STATUSES = (Status.VEROEFFENTLICHT, Status.ABGESAGT)

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
    search_vector = stored_search_vector(
        a=("title", "untertitel"), b=("teaser", "description", "zielgruppe")
    )

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
        indexes = [search_index("veranstaltung_search")]

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

    @property
    def kontakt(self) -> Kontakt:
        """The event's own contact where it has one, else the commune's coordination."""
        if not (self.kontakt_name or self.kontakt_email or self.kontakt_telefon):
            return self.kommune.kontakt
        return Kontakt(
            stelle=self.kommune.name,
            name=self.kontakt_name,
            email=self.kontakt_email,
            telefon=self.kontakt_telefon,
        )

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
    """A registration. Most come in through the public form (`Kanal.ONLINE`, double opt-in
    by e-mail); the coordination enters those of people who call or send a form on paper
    (`Kanal.TELEFON`, `Kanal.PAPIER`) through the same `services.register`.

    Consent to store the data (Art. 6 (1) a DSGVO) is recorded for every channel as the
    version of the privacy notice agreed to (`datenschutz_version`); a staff entry says
    besides who took it (`erfasst_von`) and how (`kanal`: on the phone, the notice read out).
    Without an e-mail address there is no mail at all: the confirmation goes by letter.
    """

    kommune_path = "veranstaltung__kommune"

    class Status(models.TextChoices):
        PLATZ = "platz", _("Platz")
        WARTELISTE = "warteliste", _("Warteliste")
        STORNIERT = "storniert", _("storniert")

    class Kanal(models.TextChoices):
        ONLINE = "online", _("online")
        TELEFON = "telefon", _("per Telefon")
        PAPIER = "papier", _("auf Papier")

    class Bestaetigung(models.TextChoices):
        EMAIL = "email", _("per E-Mail")
        BRIEF = "brief", _("per Brief")

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
    # Consent (Art. 6 (1) a DSGVO) to show the Frage oder Idee without a name in the
    # Rückblick; withdrawn on the registration's page, which removes it from there.
    idee_oeffentlich = models.BooleanField(
        _("Idee darf ohne Namen veröffentlicht werden"), default=False
    )
    datenschutz_version = models.CharField(_("Fassung der Datenschutzhinweise"), max_length=40)
    kanal = models.CharField(
        _("Anmeldeweg"), max_length=20, choices=Kanal.choices, default=Kanal.ONLINE
    )
    # A staff entry: who took the call (and with it the consent); None for the public form.
    erfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    bestaetigung = models.CharField(
        _("Bestätigung"), max_length=20, choices=Bestaetigung.choices, default=Bestaetigung.EMAIL
    )
    anschrift = models.TextField(
        _("Postanschrift"), blank=True, help_text=_("Für die Bestätigung per Brief.")
    )
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
            # Whoever is confirmed has a way to be told: an e-mail address or a postal one.
            # Anonymised registrations keep neither.
            models.CheckConstraint(
                condition=~Q(bestaetigung="email") | ~Q(email="") | Q(anonymised_at__isnull=False),
                name="anmeldung_bestaetigung_per_email_hat_email",
            ),
            models.CheckConstraint(
                condition=~Q(bestaetigung="brief")
                | ~Q(anschrift="")
                | Q(anonymised_at__isnull=False),
                name="anmeldung_bestaetigung_per_brief_hat_anschrift",
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

    def clean(self):
        if self.anonymised_at is not None:
            return
        if self.bestaetigung == self.Bestaetigung.EMAIL and not self.email:
            raise ValidationError(
                {"email": _("Für eine Bestätigung per E-Mail brauchen wir die E-Mail-Adresse.")}
            )
        if self.bestaetigung == self.Bestaetigung.BRIEF and not self.anschrift.strip():
            raise ValidationError(
                {"anschrift": _("Für eine Bestätigung per Brief brauchen wir die Postanschrift.")}
            )

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.PLATZ, self.Status.WARTELISTE}

    @property
    def is_staff_entry(self) -> bool:
        """Entered by the coordination (phone, paper), not through the public form."""
        return self.kanal != self.Kanal.ONLINE

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


class Verlauf(models.Model):
    """Append-only history of an event's status: each step of events.status taken, who took
    it, from which status to which, what the participants were told and how many."""

    kommune_path = "veranstaltung__kommune"

    veranstaltung = models.ForeignKey(
        Veranstaltung, on_delete=models.PROTECT, related_name="verlauf"
    )
    schritt = models.CharField(_("Schritt"), max_length=40)
    von = models.CharField(_("von"), max_length=20, choices=Veranstaltung.Status.choices)
    nach = models.CharField(_("nach"), max_length=20, choices=Veranstaltung.Status.choices)
    durch = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("durch"),
    )
    nachricht = models.TextField(_("Nachricht an die Angemeldeten"), blank=True)
    informiert = models.PositiveIntegerField(_("informiert"), default=0)
    created_at = models.DateTimeField(_("am"), default=timezone.now)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Statusänderung")
        verbose_name_plural = _("Verlauf")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_von_display()} → {self.get_nach_display()}"


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


class Benachrichtigung(models.Model):
    """Someone registered without an e-mail address has to be told something by phone or
    letter: the event changed or was called off, a message of the coordination, a seat
    from the waitlist. A mail reaches everyone else; this is the coordination's to-do for
    the rest, open until someone marks it done (`done_at`, `done_by`)."""

    kommune_path = "anmeldung__veranstaltung__kommune"

    class Anlass(models.TextChoices):
        GEAENDERT = "geaendert", _("Veranstaltung geändert")
        ABGESAGT = "abgesagt", _("Veranstaltung abgesagt")
        NACHRICHT = "nachricht", _("Nachricht der Koordination")
        NACHGERUECKT = "nachgerueckt", _("von der Warteliste nachgerückt")

    anmeldung = models.ForeignKey(
        Anmeldung, on_delete=models.CASCADE, related_name="benachrichtigungen"
    )
    anlass = models.CharField(_("Anlass"), max_length=20, choices=Anlass.choices)
    betreff = models.CharField(_("Betreff"), max_length=200, blank=True)
    text = models.TextField(_("Text"), blank=True)
    created_at = models.DateTimeField(_("seit"), default=timezone.now)
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erledigt von"),
    )

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Benachrichtigung ohne E-Mail")
        verbose_name_plural = _("Benachrichtigungen ohne E-Mail")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["anmeldung"], condition=Q(done_at=None), name="benachrichtigung_offen"
            )
        ]

    def __str__(self):
        return f"{self.get_anlass_display()}: {self.anmeldung}"


class Versuch(models.Model):
    """A registration attempt for rate limiting: only a keyed hash, purged after a day."""

    key = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Anmeldeversuch")
        verbose_name_plural = _("Anmeldeversuche")

    def __str__(self):
        return f"{self.key[:8]}… {self.created_at:%Y-%m-%d %H:%M}"


# ------------------------------------------------------------------ after the evening


class Rueckblick(models.Model):
    """What came of an event: a report, photos, slides and minutes, the results with the
    Werkzeug that takes each up, and ideas of registrants who agreed to their publication.

    Public once published and the event is over (`is_public`); before, only the
    Kommune's staff see it (preview).
    """

    kommune_path = "veranstaltung__kommune"

    veranstaltung = models.OneToOneField(
        Veranstaltung,
        on_delete=models.CASCADE,
        related_name="rueckblick",
        verbose_name=_("Veranstaltung"),
    )
    text = models.TextField(
        _("Bericht"),
        help_text=_(
            "Was an dem Abend geschah. Absätze trennen Sie durch eine Leerzeile, "
            "Aufzählungen beginnen mit „- “."
        ),
    )
    published = models.BooleanField(
        _("veröffentlicht"),
        default=False,
        help_text=_("Öffentlich sichtbar erst nach dem Ende der Veranstaltung."),
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    search_vector = stored_search_vector(b=("text",))

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Rückblick")
        verbose_name_plural = _("Rückblicke")
        ordering = ["-veranstaltung__beginn"]
        indexes = [search_index("rueckblick_search")]

    def __str__(self):
        return str(_("Rückblick: %(title)s") % {"title": self.veranstaltung.title})

    def save(self, *args, **kwargs):
        if self.published and self.published_at is None:
            self.published_at = timezone.now()
        if not self.published:
            self.published_at = None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.veranstaltung.get_absolute_url() + "#rueckblick"

    def clean(self):
        if not (self.text or "").strip():
            raise ValidationError({"text": _("Bitte schreiben Sie den Bericht.")})
        if self.published and self.veranstaltung_id:
            event = self.veranstaltung
            if event.status != Veranstaltung.Status.VEROEFFENTLICHT:
                raise ValidationError(
                    {
                        "published": _(
                            "Nur der Rückblick einer veröffentlichten Veranstaltung "
                            "kann veröffentlicht werden."
                        )
                    }
                )
            if event.ende > timezone.now():
                raise ValidationError(
                    {
                        "published": _(
                            "Ein Rückblick kann erst nach dem Ende der Veranstaltung "
                            "veröffentlicht werden."
                        )
                    }
                )

    def is_public(self, now=None) -> bool:
        return (
            self.published
            and self.veranstaltung.status == Veranstaltung.Status.VEROEFFENTLICHT
            and self.veranstaltung.ende <= (now or timezone.now())
        )


def public_rueckblick_q(now, prefix: str = "") -> Q:
    """The one rule "this Rückblick is public" for queries (see `Rueckblick.is_public`)."""
    return Q(
        **{
            f"{prefix}published": True,
            f"{prefix}veranstaltung__status": Veranstaltung.Status.VEROEFFENTLICHT,
            f"{prefix}veranstaltung__ende__lte": now,
        }
    )


class Foto(Abbildung):
    kommune_path = "rueckblick__veranstaltung__kommune"

    rueckblick = models.ForeignKey(Rueckblick, on_delete=models.CASCADE, related_name="fotos")
    datei = models.FileField(
        _("Foto"),
        upload_to="events/rueckblick/%Y/",
        storage=private_storage,
        help_text=_(
            "JPEG oder PNG, höchstens 10 MB. Nur Fotos, mit deren Veröffentlichung die "
            "erkennbar abgebildeten Personen einverstanden sind. Ortsangaben und andere "
            "Metadaten werden beim Hochladen entfernt."
        ),
    )
    alt_text = models.CharField(
        _("Alternativtext"),
        max_length=300,
        help_text=_("Was auf dem Foto zu sehen ist, für Menschen, die es nicht sehen können."),
    )

    objects = kommune_scoped(kommune_path)

    class Meta(Abbildung.Meta):
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text="") & ~Q(bildnachweis=""),
                name="foto_alt_text_und_bildnachweis",
            ),
        ]


class Unterlage(models.Model):
    """A document of the evening: the slides or the minutes, as PDF."""

    kommune_path = "rueckblick__veranstaltung__kommune"

    class Art(models.TextChoices):
        FOLIEN = "folien", _("Präsentation")
        PROTOKOLL = "protokoll", _("Protokoll")
        SONSTIGES = "sonstiges", _("weitere Unterlage")

    rueckblick = models.ForeignKey(Rueckblick, on_delete=models.CASCADE, related_name="unterlagen")
    art = models.CharField(_("Art"), max_length=20, choices=Art.choices, default=Art.FOLIEN)
    title = models.CharField(_("Titel"), max_length=300)
    datei = models.FileField(
        _("Datei (PDF)"),
        upload_to="events/unterlagen/%Y/",
        storage=private_storage,
        help_text=_("PDF, höchstens 10 MB; möglichst barrierefrei (mit Textebene)."),
    )
    groesse = models.PositiveIntegerField(_("Größe in Bytes"), default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Unterlage")
        verbose_name_plural = _("Unterlagen")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class Ergebnis(models.Model):
    """A result of the evening, linked to the Werkzeug (or one of its Einzelmaßnahmen) of the
    Kommune's Werkstattplan that takes it up: "Was daraus wurde" on the event's page,
    "Entstanden aus" on the Werkzeug's. A plan imported anew keeps the link only where the
    Werkzeug survives; otherwise the result stays, unlinked."""

    kommune_path = "rueckblick__veranstaltung__kommune"

    rueckblick = models.ForeignKey(Rueckblick, on_delete=models.CASCADE, related_name="ergebnisse")
    title = models.CharField(_("Ergebnis"), max_length=300)
    description = models.TextField(_("Erläuterung"), blank=True)
    werkzeug = models.ForeignKey(
        Werkzeug,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ergebnisse",
        verbose_name=_("aufgegriffen im Werkzeug"),
    )
    massnahme = models.ForeignKey(
        Massnahme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ergebnisse",
        verbose_name=_("aufgegriffen in der Einzelmaßnahme"),
        help_text=_("Leer lassen, wenn das Werkzeug als Ganzes das Ergebnis aufgreift."),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Ergebnis")
        verbose_name_plural = _("Ergebnisse")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.massnahme_id and not self.werkzeug_id:
            self.werkzeug_id = (
                Massnahme.objects.filter(pk=self.massnahme_id)
                .values_list("werkzeug_id", flat=True)
                .first()
            )
        super().save(*args, **kwargs)

    def clean(self):
        if self.massnahme_id and not self.werkzeug_id:
            self.werkzeug_id = self.massnahme.werkzeug_id
        if self.massnahme_id and self.massnahme.werkzeug_id != self.werkzeug_id:
            raise ValidationError(
                {"massnahme": _("Diese Einzelmaßnahme gehört zu einem anderen Werkzeug.")}
            )
        if not self.rueckblick_id:
            return
        kommune_id = self.rueckblick.veranstaltung.kommune_id
        if self.werkzeug_id and self.werkzeug.handlungsfeld.plan.kommune_id != kommune_id:
            raise ValidationError(
                {
                    "werkzeug": _(
                        "Bitte wählen Sie ein Werkzeug aus dem Werkstattplan Ihrer Kommune."
                    )
                }
            )
        if self.massnahme_id and self.massnahme.plan.kommune_id != kommune_id:
            raise ValidationError(
                {
                    "massnahme": _(
                        "Bitte wählen Sie eine Einzelmaßnahme aus dem Werkstattplan Ihrer Kommune."
                    )
                }
            )


class Idee(models.Model):
    """An idea from a registration, published without a name. Only from a registrant who
    agreed at registration (`Anmeldung.idee_oeffentlich`); withdrawing removes it."""

    kommune_path = "rueckblick__veranstaltung__kommune"

    rueckblick = models.ForeignKey(Rueckblick, on_delete=models.CASCADE, related_name="ideen")
    anmeldung = models.ForeignKey(
        Anmeldung,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aus der Anmeldung"),
    )
    text = models.TextField(
        _("Text, wie er erscheint"),
        blank=True,
        help_text=_(
            "Leer: der Text aus der Anmeldung. Kürzen Sie ihn, wenn er Namen oder andere "
            "Hinweise auf Personen enthält."
        ),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Idee aus den Anmeldungen")
        verbose_name_plural = _("Ideen aus den Anmeldungen")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rueckblick", "anmeldung"], name="idee_einmal_je_anmeldung"
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def clean(self):
        anmeldung = self.anmeldung if self.anmeldung_id else None
        if anmeldung is None:
            if not self.pk:
                raise ValidationError(
                    {"anmeldung": _("Bitte wählen Sie die Anmeldung, aus der die Idee stammt.")}
                )
            return
        if not anmeldung.idee_oeffentlich:
            raise ValidationError(
                {"anmeldung": _("Diese Person hat einer Veröffentlichung nicht zugestimmt.")}
            )
        if self.rueckblick_id and anmeldung.veranstaltung_id != self.rueckblick.veranstaltung_id:
            raise ValidationError(
                {"anmeldung": _("Diese Anmeldung gehört zu einer anderen Veranstaltung.")}
            )
        if not (self.text or "").strip():
            self.text = anmeldung.frage.strip()
        if not self.text:
            raise ValidationError({"text": _("Diese Anmeldung enthält keine Idee.")})


@receiver(post_delete, sender=Foto)
@receiver(post_delete, sender=Unterlage)
def _delete_stored_file(sender, instance, **kwargs):
    delete_file_later(instance.datei)
