"""Kleinprojektefonds: calls, applications, jury votes, notices and final reports."""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kommunen.models import Kommune
from zwk_portal.tenancy import kommune_scoped

MONEY = {"max_digits": 10, "decimal_places": 2}

# Version of the privacy notice the applicant agreed to; stored with the consent.
DATENSCHUTZ_VERSION = "2026-11"


def private_storage() -> Storage:
    """Files outside the web root (settings.STORAGES["private"]: a folder or a private S3
    bucket); only views that check permissions serve them."""
    return storages["private"]


class AntragstellerArt(models.TextChoices):
    STADT = "stadt", _("Stadt")
    GEMEINDE = "gemeinde", _("Gemeinde")
    INITIATIVE = "initiative", _("Initiative")
    VERBAND = "verband", _("Verband")
    VEREIN = "verein", _("Verein")


class Generation(models.TextChoices):
    KINDER = "kinder", _("Kinder")
    JUGENDLICHE = "jugendliche", _("Jugendliche")
    ERWACHSENE = "erwachsene", _("Erwachsene")
    SENIOREN = "senioren", _("Seniorinnen und Senioren")


class Foerderaufruf(models.Model):
    """A call for applications with its own budget, maximum grant and deadline."""

    kommune_path = "kommune"

    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="foerderaufrufe", verbose_name=_("Kommune")
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    regeln = models.TextField(_("Fördergrundsätze und Regeln"), blank=True)
    budget = models.DecimalField(_("Gesamtbudget"), **MONEY)
    hoechstbetrag = models.DecimalField(_("Höchstbetrag je Antrag"), **MONEY)
    mindestbetrag = models.DecimalField(
        _("Mindestbetrag je Antrag"), null=True, blank=True, **MONEY
    )
    eigenanteil_prozent = models.DecimalField(
        _("Mindest-Eigenanteil in % der Gesamtkosten"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    einreichung_ab = models.DateTimeField(_("Einreichung ab"))
    einreichung_bis = models.DateTimeField(_("Einreichungsfrist"))
    umsetzung_von = models.DateField(_("Umsetzung von"))
    umsetzung_bis = models.DateField(_("Umsetzung bis"))
    nachweis_bis = models.DateField(
        _("Verwendungsnachweis fällig am"),
        null=True,
        blank=True,
        help_text=_("Leer: acht Wochen nach Ende des Umsetzungszeitraums."),
    )
    antragsteller_arten = ArrayField(
        models.CharField(max_length=20, choices=AntragstellerArt.choices),
        verbose_name=_("Antragsberechtigt"),
        default=list,
        blank=True,
    )
    fachdienst = models.CharField(_("Zuständige Stelle"), max_length=200, blank=True)
    kontakt_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    kontakt_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    kontakt_telefon = models.CharField(_("Telefon der Ansprechperson"), max_length=50, blank=True)
    hinweis = models.CharField(
        _("Hinweis"), max_length=300, blank=True, help_text=_("z. B. „Demo-Annahme“")
    )
    published = models.BooleanField(_("veröffentlicht"), default=True)
    jury = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="JuryMitgliedschaft",
        related_name="jury_aufrufe",
        verbose_name=_("Jury"),
        blank=True,
    )

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Förderaufruf")
        verbose_name_plural = _("Förderaufrufe")
        ordering = ["-einreichung_bis"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hoechstbetrag__gt=0) & Q(hoechstbetrag__lte=F("budget")),
                name="aufruf_hoechstbetrag_im_budget",
            ),
            models.CheckConstraint(
                condition=Q(mindestbetrag__isnull=True) | Q(mindestbetrag__lte=F("hoechstbetrag")),
                name="aufruf_mindest_unter_hoechst",
            ),
            models.CheckConstraint(
                condition=Q(einreichung_ab__lt=F("einreichung_bis")),
                name="aufruf_einreichung_geordnet",
            ),
            models.CheckConstraint(
                condition=Q(umsetzung_von__lte=F("umsetzung_bis")),
                name="aufruf_umsetzung_geordnet",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("foerderung:aufruf", kwargs={"kommune": self.kommune.slug, "pk": self.pk})

    def ist_offen(self, now=None) -> bool:
        now = now or timezone.now()
        return self.published and self.einreichung_ab <= now <= self.einreichung_bis

    @property
    def nachweis_faellig(self):
        return self.nachweis_bis or (self.umsetzung_bis + timedelta(weeks=8))

    def get_antragsteller_arten_display(self) -> str:
        labels = dict(AntragstellerArt.choices)
        return ", ".join(str(labels.get(a, a)) for a in self.antragsteller_arten)


class Kriterium(models.Model):
    """A jury criterion with its weight."""

    kommune_path = "aufruf__kommune"

    aufruf = models.ForeignKey(
        Foerderaufruf, on_delete=models.CASCADE, related_name="kriterien", verbose_name=_("Aufruf")
    )
    name = models.CharField(_("Kriterium"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    gewicht = models.PositiveSmallIntegerField(_("Gewicht"), default=1)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Jurykriterium")
        verbose_name_plural = _("Jurykriterien")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(gewicht__gt=0), name="kriterium_gewicht_positiv"),
            models.UniqueConstraint(fields=["aufruf", "name"], name="kriterium_einmal_je_aufruf"),
        ]

    def __str__(self):
        return f"{self.name} (×{self.gewicht})"


class JuryMitgliedschaft(models.Model):
    """A seat on a call's jury. Like zwk_portal.Membership it decides what a person may see,
    so it is read before any scope is open and has no scoped manager; its admin filters
    it by `kommune_path` (zwk_portal.admin_site.TenantAdmin)."""

    kommune_path = "aufruf__kommune"

    aufruf = models.ForeignKey(
        Foerderaufruf, on_delete=models.CASCADE, related_name="mitgliedschaften"
    )
    mitglied = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="jury_mitgliedschaften",
        verbose_name=_("Mitglied"),
    )
    vorsitz = models.BooleanField(_("Vorsitz"), default=False)

    class Meta:
        verbose_name = _("Jurymitglied")
        verbose_name_plural = _("Jurymitglieder")
        constraints = [
            models.UniqueConstraint(fields=["aufruf", "mitglied"], name="jury_einmal_je_aufruf"),
        ]

    def __str__(self):
        return str(self.mitglied)


class Status(models.TextChoices):
    ENTWURF = "entwurf", _("Entwurf")
    EINGEREICHT = "eingereicht", _("Eingereicht")
    NACHFORDERUNG = "nachforderung", _("Nachforderung")
    FORMAL_GEPRUEFT = "formal_geprueft", _("Formal geprüft")
    JURY = "jury", _("Bei der Jury")
    BEWILLIGT = "bewilligt", _("Bewilligt")
    ABGELEHNT = "abgelehnt", _("Abgelehnt")
    BESCHEID_ERTEILT = "bescheid_erteilt", _("Bescheid erteilt")
    AUSGEZAHLT = "ausgezahlt", _("Ausgezahlt")
    NACHWEIS_EINGEREICHT = "nachweis_eingereicht", _("Verwendungsnachweis eingereicht")
    ABGESCHLOSSEN = "abgeschlossen", _("Abgeschlossen")
    RUECKFORDERUNG = "rueckforderung", _("Rückforderung")
    ZURUECKGEZOGEN = "zurueckgezogen", _("Zurückgezogen")


class Antrag(models.Model):
    """A funding application of one organisation to one call."""

    kommune_path = "aufruf__kommune"

    aufruf = models.ForeignKey(
        Foerderaufruf, on_delete=models.PROTECT, related_name="antraege", verbose_name=_("Aufruf")
    )
    antragsteller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="foerderantraege",
        verbose_name=_("Konto"),
    )
    status = models.CharField(
        _("Status"), max_length=30, choices=Status.choices, default=Status.ENTWURF
    )
    eingangsnummer = models.CharField(
        _("Eingangsnummer"), max_length=40, unique=True, null=True, blank=True
    )
    ist_beispiel = models.BooleanField(_("Beispiel (Demodaten)"), default=False)
    # Organisation
    organisation = models.CharField(_("Name der Organisation"), max_length=200, blank=True)
    art = models.CharField(
        _("Art der Organisation"), max_length=20, choices=AntragstellerArt.choices, blank=True
    )
    rechtsform = models.CharField(_("Rechtsform"), max_length=100, blank=True)
    strasse = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    plz = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    ort = models.CharField(_("Ort"), max_length=100, blank=True)
    gemeinde = models.CharField(_("Gemeinde im Landkreis"), max_length=100, blank=True)
    # Contact
    kontakt_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    telefon = models.CharField(_("Telefon"), max_length=50, blank=True)
    # Bank account: visible only to the applicant and the responsible unit
    kontoinhaber = models.CharField(_("Kontoinhaber"), max_length=200, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    # Project
    title = models.CharField(_("Projekttitel"), max_length=200, blank=True)
    kurzbeschreibung = models.CharField(_("Kurzbeschreibung"), max_length=500, blank=True)
    description = models.TextField(_("Projektbeschreibung"), blank=True)
    mehrwert = models.TextField(_("Demografischer Mehrwert"), blank=True)
    zielgruppen = models.TextField(_("Zielgruppen"), blank=True)
    generationen = ArrayField(
        models.CharField(max_length=20, choices=Generation.choices),
        verbose_name=_("Erreichte Generationen"),
        default=list,
        blank=True,
    )
    partner = models.TextField(_("Partner"), blank=True)
    projektort = models.CharField(_("Ort der Umsetzung"), max_length=200, blank=True)
    beginn = models.DateField(_("Projektbeginn"), null=True, blank=True)
    ende = models.DateField(_("Projektende"), null=True, blank=True)
    # Financing plan
    gesamtkosten = models.DecimalField(_("Gesamtkosten"), default=0, **MONEY)
    eigenmittel = models.DecimalField(_("Eigenmittel"), default=0, **MONEY)
    drittmittel = models.DecimalField(_("Drittmittel"), default=0, **MONEY)
    beantragt = models.DecimalField(_("Beantragte Förderung"), default=0, **MONEY)
    # Declarations
    erklaerung_nicht_begonnen = models.BooleanField(
        _("Das Projekt hat vor der Bewilligung nicht begonnen."), default=False
    )
    erklaerung_richtig = models.BooleanField(
        _("Die Angaben sind vollständig und wahr."), default=False
    )
    datenschutz_version = models.CharField(
        _("Version des Datenschutzhinweises"), max_length=20, blank=True
    )
    consented_at = models.DateTimeField(_("Datenschutz zugestimmt am"), null=True, blank=True)
    # Decision
    bewilligt = models.DecimalField(_("Bewilligter Betrag"), null=True, blank=True, **MONEY)
    ablehnungsgrund = models.TextField(_("Ablehnungsgrund"), blank=True)
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Antrag")
        verbose_name_plural = _("Anträge")
        ordering = ["-created_at"]
        permissions = [
            ("bearbeiten_antrag", _("Anträge prüfen, entscheiden und bescheiden (Fachdienst)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(eigenmittel__gte=0) & Q(drittmittel__gte=0) & Q(beantragt__gte=0),
                name="antrag_betraege_nicht_negativ",
            ),
            models.CheckConstraint(
                condition=Q(bewilligt__isnull=True)
                | (Q(bewilligt__gt=0) & Q(bewilligt__lte=F("beantragt"))),
                name="antrag_bewilligt_hoechstens_beantragt",
            ),
            models.CheckConstraint(
                condition=Q(beginn__isnull=True) | Q(ende__isnull=True) | Q(beginn__lte=F("ende")),
                name="antrag_zeitraum_geordnet",
            ),
        ]
        indexes = [models.Index(fields=["aufruf", "status"])]

    def __str__(self):
        label = self.title or _("Antrag ohne Titel")
        return f"{self.eingangsnummer or _('Entwurf')} – {label}"

    def get_absolute_url(self):
        return reverse("foerderung:antrag", kwargs={"pk": self.pk})

    @property
    def rueckforderung_betrag(self):
        nachweis = getattr(self, "verwendungsnachweis", None)
        return nachweis.rueckforderung if nachweis else None


class Kostenposition(models.Model):
    """A line of the cost plan; `ist` is filled in with the Verwendungsnachweis."""

    kommune_path = "antrag__aufruf__kommune"

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="kosten")
    bezeichnung = models.CharField(_("Kostenart"), max_length=200)
    betrag = models.DecimalField(_("geplant"), **MONEY)
    ist = models.DecimalField(_("tatsächlich"), null=True, blank=True, **MONEY)
    position = models.PositiveSmallIntegerField(default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Kostenposition")
        verbose_name_plural = _("Kostenplan")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="kosten_betrag_positiv"),
            models.CheckConstraint(
                condition=Q(ist__isnull=True) | Q(ist__gte=0), name="kosten_ist_nicht_negativ"
            ),
        ]

    def __str__(self):
        return self.bezeichnung


class Anhang(models.Model):
    """An uploaded file (PDF, JPEG, PNG), kept outside the web root."""

    kommune_path = "antrag__aufruf__kommune"

    class Art(models.TextChoices):
        ANTRAG = "antrag", _("Anlage zum Antrag")
        BELEG = "beleg", _("Beleg zum Verwendungsnachweis")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="anhaenge")
    art = models.CharField(_("Art"), max_length=10, choices=Art.choices, default=Art.ANTRAG)
    datei = models.FileField(
        _("Datei"), upload_to="foerderung/anhaenge/%Y/", storage=private_storage
    )
    name = models.CharField(_("Dateiname"), max_length=200)
    mimetype = models.CharField(_("Dateityp"), max_length=50)
    groesse = models.PositiveIntegerField(_("Größe in Bytes"))
    sha256 = models.CharField(max_length=64)
    hochgeladen_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name


class Verlauf(models.Model):
    """Append-only history of an application's status: who, when, from, to, note."""

    kommune_path = "antrag__aufruf__kommune"

    antrag = models.ForeignKey(Antrag, on_delete=models.PROTECT, related_name="verlauf")
    von = models.CharField(_("von"), max_length=30, choices=Status.choices, blank=True)
    nach = models.CharField(_("nach"), max_length=30, choices=Status.choices)
    durch = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("durch"),
    )
    rolle = models.CharField(_("Rolle"), max_length=20, blank=True)
    notiz = models.TextField(_("Notiz"), blank=True)
    created_at = models.DateTimeField(_("am"), default=timezone.now)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Verlaufseintrag")
        verbose_name_plural = _("Verlauf")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_von_display()} → {self.get_nach_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Der Verlauf wird nur ergänzt, nie geändert.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Der Verlauf wird nur ergänzt, nie gelöscht.")


class Befangenheit(models.Model):
    """A jury member's declaration per application: biased or not."""

    kommune_path = "antrag__aufruf__kommune"

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="befangenheiten")
    mitglied = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    befangen = models.BooleanField(_("befangen"))
    declared_at = models.DateTimeField(auto_now_add=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Erklärung zur Befangenheit")
        verbose_name_plural = _("Erklärungen zur Befangenheit")
        constraints = [
            models.UniqueConstraint(fields=["antrag", "mitglied"], name="befangenheit_einmal"),
        ]

    def __str__(self):
        return f"{self.mitglied} – {self.antrag_id}: {'befangen' if self.befangen else 'nicht befangen'}"


class Bewertung(models.Model):
    """Points (0–10) of one jury member for one criterion of one application."""

    kommune_path = "antrag__aufruf__kommune"

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="bewertungen")
    mitglied = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kriterium = models.ForeignKey(Kriterium, on_delete=models.PROTECT, related_name="bewertungen")
    punkte = models.PositiveSmallIntegerField(_("Punkte"))
    kommentar = models.TextField(_("Kommentar"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        constraints = [
            models.UniqueConstraint(
                fields=["antrag", "mitglied", "kriterium"], name="bewertung_einmal"
            ),
            models.CheckConstraint(condition=Q(punkte__lte=10), name="bewertung_punkte_0_bis_10"),
        ]

    def __str__(self):
        return f"{self.mitglied} – {self.kriterium}: {self.punkte}"


class Dokument(models.Model):
    """A PDF the portal issued: rendered once, stored privately, hash recorded."""

    kommune_path = "antrag__aufruf__kommune"

    class Art(models.TextChoices):
        ANTRAG = "antrag", _("Antrag wie eingereicht")
        EINGANG = "eingang", _("Eingangsbestätigung")
        BESCHEID = "bescheid", _("Zuwendungsbescheid")
        ABLEHNUNG = "ablehnung", _("Ablehnungsbescheid")

    antrag = models.ForeignKey(Antrag, on_delete=models.PROTECT, related_name="dokumente")
    art = models.CharField(_("Art"), max_length=10, choices=Art.choices)
    datei = models.FileField(upload_to="foerderung/dokumente/%Y/", storage=private_storage)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("erstellt"), auto_now_add=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["antrag", "art"],
                condition=Q(art__in=["bescheid", "ablehnung"]),
                name="bescheid_nur_einmal",
            ),
        ]

    def __str__(self):
        return f"{self.get_art_display()} {self.antrag.eingangsnummer or ''}".strip()

    @cached_property
    def dateiname(self) -> str:
        nummer = (self.antrag.eingangsnummer or str(self.antrag_id)).replace("/", "-")
        return f"{self.art}-{nummer}.pdf"


class Verwendungsnachweis(models.Model):
    """The final report: what was done and what the money was spent on."""

    kommune_path = "antrag__aufruf__kommune"

    antrag = models.OneToOneField(
        Antrag, on_delete=models.PROTECT, related_name="verwendungsnachweis"
    )
    sachbericht = models.TextField(_("Sachbericht"))
    ist_gesamt = models.DecimalField(_("Tatsächliche Gesamtkosten"), **MONEY)
    rueckforderung = models.DecimalField(_("Rückforderungsbetrag"), default=0, **MONEY)
    submitted_at = models.DateTimeField(auto_now_add=True)
    pruefvermerk = models.TextField(_("Prüfvermerk"), blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Verwendungsnachweis")
        verbose_name_plural = _("Verwendungsnachweise")
        constraints = [
            models.CheckConstraint(
                condition=Q(rueckforderung__gte=0), name="nachweis_rueckforderung_nicht_negativ"
            ),
        ]

    def __str__(self):
        return f"Verwendungsnachweis {self.antrag}"
