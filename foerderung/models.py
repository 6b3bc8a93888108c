"""Kleinprojektefonds: calls, applications, jury votes, notices and final reports."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kommunen.models import Kommune, Kontakt
from zwk_portal.search import search_index, stored_search_vector
from zwk_portal.tenancy import kommune_scoped
from zwk_portal.uploads import private_storage  # migrations name it foerderung.models.…

MONEY = {"max_digits": 10, "decimal_places": 2}

# Version of the privacy notice the applicant agreed to; stored with the consent.
DATENSCHUTZ_VERSION = "2026-11"


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


class Finanzierungsart(models.TextChoices):
    """How the grant relates to the costs (VV zu § 44 LHO): printed in the notice, and it
    decides what is paid back when less is spent."""

    FESTBETRAG = "festbetrag", _("Festbetragsfinanzierung")
    FEHLBEDARF = "fehlbedarf", _("Fehlbedarfsfinanzierung")
    ANTEIL = "anteil", _("Anteilfinanzierung")


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
    aktenzeichen = models.CharField(
        _("Aktenzeichen"),
        max_length=60,
        blank=True,
        help_text=_("Aktenzeichen des Verfahrens, z. B. „20.1-KPF-2026“; steht in jedem Bescheid."),
    )
    finanzierungsart = models.CharField(
        _("Finanzierungsart"),
        max_length=20,
        choices=Finanzierungsart.choices,
        default=Finanzierungsart.FESTBETRAG,
    )
    anteil_prozent = models.DecimalField(
        _("Anteil der Zuwendung in % der zuwendungsfähigen Ausgaben"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Nur bei Anteilfinanzierung."),
    )
    widerspruch_stelle = models.TextField(
        _("Stelle für Widersprüche"),
        blank=True,
        help_text=_(
            "Name und Anschrift der Behörde, bei der Widerspruch einzulegen ist. "
            "Leer: die Kommune mit ihrer Anschrift."
        ),
    )
    kasse_kontoinhaber = models.CharField(
        _("Kasse: Kontoinhaber"),
        max_length=200,
        blank=True,
        help_text=_("Konto für Rückzahlungen; steht in jedem Rückforderungsbescheid."),
    )
    kasse_iban = models.CharField(_("Kasse: IBAN"), max_length=34, blank=True)
    kasse_bic = models.CharField(_("Kasse: BIC"), max_length=11, blank=True)
    kasse_bank = models.CharField(_("Kasse: Kreditinstitut"), max_length=200, blank=True)
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
    search_vector = stored_search_vector(a=("title",), b=("description", "regeln"))

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
            models.CheckConstraint(
                condition=~Q(finanzierungsart="anteil")
                | (Q(anteil_prozent__gt=0) & Q(anteil_prozent__lte=100)),
                name="aufruf_anteil_bei_anteilfinanzierung",
            ),
        ]
        indexes = [search_index("foerderaufruf_search")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("foerderung:aufruf", kwargs={"kommune": self.kommune.slug, "pk": self.pk})

    @property
    def kontakt(self) -> Kontakt:
        """The call's own contact (its Fachdienst) where it has one, else the commune's
        coordination."""
        if not (self.kontakt_name or self.kontakt_email or self.kontakt_telefon):
            return self.kommune.kontakt
        stelle = (
            _("Fachdienst %(name)s") % {"name": self.fachdienst}
            if self.fachdienst
            else self.kommune.name
        )
        return Kontakt(
            stelle=str(stelle),
            name=self.kontakt_name,
            email=self.kontakt_email,
            telefon=self.kontakt_telefon,
        )

    def ist_offen(self, now=None) -> bool:
        now = now or timezone.now()
        return self.published and self.einreichung_ab <= now <= self.einreichung_bis

    @property
    def nachweis_faellig(self):
        return self.nachweis_bis or (self.umsetzung_bis + timedelta(weeks=8))

    def get_antragsteller_arten_display(self) -> str:
        labels = dict(AntragstellerArt.choices)
        return ", ".join(str(labels.get(a, a)) for a in self.antragsteller_arten)

    def clean(self):
        """The budget holds the money already promised, and one grant fits into the budget.

        Shared by every form of a call (the admin's, too). The admin locks the call's row
        first (foerderung.admin.FoerderaufrufForm), as an approval does, so the two wait
        for each other.
        """
        from zwk_portal.templatetags.zwk import euro  # noqa: PLC0415 - kept with its one use

        from . import selectors  # noqa: PLC0415 - selectors imports this module

        super().clean()
        errors = {}
        if self.budget is not None and self.pk is not None:
            gebunden = selectors.committed(self)
            if self.budget < gebunden:
                errors["budget"] = ValidationError(
                    _("Das Budget kann nicht unter die bereits bewilligten %(betrag)s sinken."),
                    code="budget_unter_bewilligt",
                    params={"betrag": euro(gebunden)},
                )
        if (
            self.budget is not None
            and self.hoechstbetrag is not None
            and self.hoechstbetrag > self.budget
        ):
            errors["hoechstbetrag"] = ValidationError(
                _("Der Höchstbetrag je Antrag darf nicht über dem Gesamtbudget liegen."),
                code="hoechstbetrag_ueber_budget",
            )
        if errors:
            raise ValidationError(errors)


class Kriterium(models.Model):
    """A jury criterion with its weight."""

    kommune_path = "aufruf__kommune"

    LOCKED = _(
        "Die Kriterien sind gesperrt, weil die Jury schon bewertet hat. "
        "Eine Änderung würde alle Punktzahlen verschieben."
    )

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

    def save(self, *args, **kwargs):
        """Once the call has scores, a criterion is neither added nor changed (`locked`);
        saving it unchanged still works."""
        fields = [f.attname for f in self._meta.concrete_fields]
        before = Kriterium._base_manager.filter(pk=self.pk).values(*fields).first()
        now = {f: getattr(self, f) for f in fields}
        if before != now and (
            self.locked(self.aufruf_id) or (before and self.locked(before["aufruf_id"]))
        ):
            raise ValidationError(self.LOCKED, code="kriterien_gesperrt")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.locked(self.aufruf_id):
            raise ValidationError(self.LOCKED, code="kriterien_gesperrt")
        return super().delete(*args, **kwargs)

    @staticmethod
    def locked(aufruf_id) -> bool:
        """Once the first score of a call exists, its criteria and weights stay as they are.

        Read through the base manager: the guard holds with or without a scope, and it
        asks only about the call of the criterion at hand.
        """
        return Bewertung._base_manager.filter(antrag__aufruf_id=aufruf_id).exists()


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
    ENTSCHIEDEN = "entschieden", _("Entschieden, Bescheid in Vorbereitung")
    ABGELEHNT = "abgelehnt", _("Abgelehnt")
    BESCHEID_ERTEILT = "bescheid_erteilt", _("Bescheid erteilt")
    WIDERSPRUCH = "widerspruch", _("Widerspruch eingelegt")
    AUSGEZAHLT = "ausgezahlt", _("Ausgezahlt")
    NACHWEIS_EINGEREICHT = "nachweis_eingereicht", _("Verwendungsnachweis eingereicht")
    NACHWEIS_RUECKFRAGE = "nachweis_rueckfrage", _("Rückfrage zum Verwendungsnachweis")
    NACHWEIS_GEPRUEFT = "nachweis_geprueft", _("Verwendungsnachweis geprüft, Schlusszahlung offen")
    ABGESCHLOSSEN = "abgeschlossen", _("Abgeschlossen")
    RUECKFORDERUNG = "rueckforderung", _("Rückforderung")
    # The Erstattungsbescheid is objected to: the payment deadline rests (§ 80 Abs. 1 VwGO).
    WIDERSPRUCH_ERSTATTUNG = (
        "widerspruch_erstattung",
        _("Widerspruch gegen den Erstattungsbescheid"),
    )
    ZURUECKGEZOGEN = "zurueckgezogen", _("Zurückgezogen")


class Entscheidung(models.TextChoices):
    BEWILLIGUNG = "bewilligung", _("Bewilligung in beantragter Höhe")
    TEILBEWILLIGUNG = "teilbewilligung", _("Teilbewilligung")
    ABLEHNUNG = "ablehnung", _("Ablehnung")


class Antrag(models.Model):
    """A funding application of one organisation to one call.

    Most are filled in and submitted online by the applicant (`Kanal.ONLINE`). One that came
    on paper or by e-mail is typed in by the Fachdienst (`services.enter_paper_antrag`) through
    the same steps; it records the day it arrived (`eingegangen_am`, which decides whether the
    deadline was met) and who typed it (`erfasst_von`), and keeps the original as an
    `Anhang.Art.ORIGINAL`.
    """

    kommune_path = "aufruf__kommune"

    class Kanal(models.TextChoices):
        ONLINE = "online", _("online")
        PAPIER = "papier", _("auf Papier")
        EMAIL = "email", _("per E-Mail")

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
    kanal = models.CharField(
        _("Eingangsweg"), max_length=10, choices=Kanal.choices, default=Kanal.ONLINE
    )
    # An application that came on paper or by e-mail: the day it arrived (the receipt stamp),
    # and the member of the Fachdienst who typed it in. Empty for one submitted online.
    eingegangen_am = models.DateField(
        _("eingegangen am"),
        null=True,
        blank=True,
        help_text=_("Tag des Eingangs auf Papier oder per E-Mail; entscheidet über die Frist."),
    )
    erfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    # The staff form's key: the same form sent twice (a double click) enters one application.
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
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
    # Decision: `bewilligt` is set exactly while money is promised (selectors.committed).
    bewilligt = models.DecimalField(_("Bewilligter Betrag"), null=True, blank=True, **MONEY)
    begruendung = models.TextField(
        _("Begründung der Entscheidung"),
        blank=True,
        help_text=_("Steht im Bescheid: Pflicht bei Ablehnung und Teilbewilligung."),
    )
    decided_at = models.DateTimeField(_("Entschieden am"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("Entschieden von"),
    )
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
            # Online: neither; on paper or by e-mail: the day it came in and who typed it.
            models.CheckConstraint(
                condition=Q(kanal="online", eingegangen_am__isnull=True, erfasst_von__isnull=True)
                | (
                    ~Q(kanal="online")
                    & Q(eingegangen_am__isnull=False)
                    & Q(erfasst_von__isnull=False)
                ),
                name="antrag_eingang_auf_papier_mit_tag_und_person",
            ),
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="antrag_formular_einmal",
            ),
        ]
        indexes = [models.Index(fields=["aufruf", "status"])]

    def __str__(self):
        label = self.title or _("Antrag ohne Titel")
        return f"{self.eingangsnummer or _('Entwurf')} – {label}"

    def get_absolute_url(self):
        return reverse("foerderung:antrag", kwargs={"pk": self.pk})

    @property
    def ist_online(self) -> bool:
        return self.kanal == self.Kanal.ONLINE

    @property
    def eingangsvermerk(self) -> str:
        """How it came in, for every page, list, PDF and history row alike: "auf Papier
        eingegangen am 12.06.2022"; empty for an application submitted online."""
        if self.ist_online or self.eingegangen_am is None:
            return ""
        return _("%(kanal)s eingegangen am %(datum)s") % {
            "kanal": self.get_kanal_display(),
            "datum": self.eingegangen_am.strftime("%d.%m.%Y"),
        }

    @property
    def aktenzeichen(self) -> str:
        """The call's file number with the application's receipt number."""
        parts = [self.aufruf.aktenzeichen, self.eingangsnummer]
        return " / ".join(p for p in parts if p)

    @property
    def entscheidung(self) -> str | None:
        """Bewilligung, Teilbewilligung or Ablehnung, read from the recorded decision."""
        if self.decided_at is None:
            return None
        if self.bewilligt is None:
            return Entscheidung.ABLEHNUNG
        if self.bewilligt < self.beantragt:
            return Entscheidung.TEILBEWILLIGUNG
        return Entscheidung.BEWILLIGUNG

    def get_entscheidung_display(self) -> str:
        return Entscheidung(self.entscheidung).label if self.entscheidung else ""

    @cached_property
    def saldo(self):
        """The ledger's balances (selectors.saldo), read once per object."""
        from . import selectors  # noqa: PLC0415 - selectors imports this module

        return selectors.saldo(self)

    @cached_property
    def abrechnung(self):
        """The final accounting of the submitted report (foerderung.abrechnung), or None."""
        from . import abrechnung  # noqa: PLC0415 - abrechnung imports this module

        return abrechnung.abrechnung(self)


class Kostenposition(models.Model):
    """A line of the cost plan; what was actually spent on it is the sum of its receipts
    (Beleg) in the Verwendungsnachweis."""

    kommune_path = "antrag__aufruf__kommune"

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="kosten")
    bezeichnung = models.CharField(_("Kostenart"), max_length=200)
    betrag = models.DecimalField(_("geplant"), **MONEY)
    position = models.PositiveSmallIntegerField(default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Kostenposition")
        verbose_name_plural = _("Kostenplan")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="kosten_betrag_positiv"),
        ]

    def __str__(self):
        return self.bezeichnung


class Anhang(models.Model):
    """An uploaded file (PDF, JPEG, PNG), kept outside the web root."""

    kommune_path = "antrag__aufruf__kommune"

    class Art(models.TextChoices):
        ANTRAG = "antrag", _("Anlage zum Antrag")
        BELEG = "beleg", _("Beleg zum Verwendungsnachweis")
        # The application as it came on paper (scanned) or by e-mail: it shows the bank
        # account, so only the applicant and the Fachdienst see it, never the jury.
        ORIGINAL = "original", _("Original des Antrags (Scan)")

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


class Rolle(models.TextChoices):
    """Who takes a step of the procedure (foerderung.workflow)."""

    ANTRAGSTELLER = "antragsteller", _("Antragsteller/in")
    FACHDIENST = "fachdienst", _("Fachdienst")
    VORSITZ = "vorsitz", _("Juryvorsitz")


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
    rolle = models.CharField(_("Rolle"), max_length=20, choices=Rolle.choices, blank=True)
    schritt = models.CharField(_("Schritt"), max_length=40, blank=True)
    nachricht = models.TextField(
        _("Nachricht an die Antragstellerin / den Antragsteller"),
        blank=True,
        help_text=_("Wird verschickt und steht im Verlauf, den die Antragsteller sehen."),
    )
    vermerk = models.TextField(
        _("Interner Vermerk"),
        blank=True,
        help_text=_("Nur für Fachdienst und Jury; wird nie verschickt."),
    )
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
        NACHWEIS = "nachweis", _("Verwendungsnachweis wie eingereicht")
        RUECKFORDERUNG = "rueckforderung", _("Erstattungsbescheid")
        AUFHEBUNG = "aufhebung", _("Abhilfebescheid: Erstattungsbescheid aufgehoben")

    antrag = models.ForeignKey(Antrag, on_delete=models.PROTECT, related_name="dokumente")
    art = models.CharField(_("Art"), max_length=20, choices=Art.choices)
    ersetzt = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ersetzt_durch",
        verbose_name=_("ersetzt den Bescheid"),
    )
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

    def __str__(self):
        return f"{self.get_art_display()} {self.antrag.eingangsnummer or ''}".strip()

    @property
    def titel(self) -> str:
        """What a list of documents calls it, so that two of one kind are told apart:
        "Eingangsbestätigung vom 03.11.2026 (2. Einreichung)", "Zuwendungsbescheid vom …
        (ersetzt den Bescheid vom …)". Reads the application's prefetched documents."""
        datum = timezone.localtime(self.created_at).strftime("%d.%m.%Y")
        titel = _("%(art)s vom %(datum)s") % {"art": self.get_art_display(), "datum": datum}
        gleiche = [d.pk for d in self.antrag.dokumente.all() if d.art == self.art]
        if self.art in (self.Art.ANTRAG, self.Art.EINGANG, self.Art.NACHWEIS) and len(gleiche) > 1:
            titel += " " + _("(%(n)s. Einreichung)") % {"n": gleiche.index(self.pk) + 1}
        if self.ersetzt_id:
            alt = next(d for d in self.antrag.dokumente.all() if d.pk == self.ersetzt_id)
            titel += " " + _("(ersetzt den Bescheid vom %(datum)s)") % {
                "datum": timezone.localtime(alt.created_at).strftime("%d.%m.%Y")
            }
        return titel

    @property
    def ist_bescheid(self) -> bool:
        return self.art in (self.Art.BESCHEID, self.Art.ABLEHNUNG, self.Art.RUECKFORDERUNG)

    @property
    def dateiname(self) -> str:
        """The stored file's name once there is one (mail and download name it alike)."""
        if self.datei:
            return Path(self.datei.name).name
        nummer = (self.antrag.eingangsnummer or str(self.antrag_id)).replace("/", "-")
        stamp = timezone.localtime(self.created_at or timezone.now()).strftime("%Y%m%d-%H%M%S")
        return f"{self.art}-{nummer}-{stamp}.pdf"


class Verwendungsnachweis(models.Model):
    """The final report: what was done, and the numbers: income as planned and as it came,
    expenses by the cost plan's lines as the receipts (Beleg) add them up.

    A draft from the notice on (`submitted_at` empty); the applicant may save it at any time.
    What it means for the money is computed (foerderung.abrechnung), never stored."""

    kommune_path = "antrag__aufruf__kommune"

    antrag = models.OneToOneField(
        Antrag, on_delete=models.PROTECT, related_name="verwendungsnachweis"
    )
    sachbericht = models.TextField(_("Sachbericht"), blank=True)
    eigenmittel_ist = models.DecimalField(
        _("Eigenmittel, tatsächlich eingesetzt"), null=True, blank=True, **MONEY
    )
    drittmittel_ist = models.DecimalField(
        _("Drittmittel, tatsächlich erhalten"), null=True, blank=True, **MONEY
    )
    einnahmen_ist = models.DecimalField(
        _("Sonstige Einnahmen des Projekts"),
        null=True,
        blank=True,
        help_text=_("z. B. Eintritt, Teilnahmebeiträge, Spenden für das Projekt"),
        **MONEY,
    )
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)
    pruefvermerk = models.TextField(_("Prüfvermerk"), blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Verwendungsnachweis")
        verbose_name_plural = _("Verwendungsnachweise")
        constraints = [
            models.CheckConstraint(
                condition=(Q(eigenmittel_ist__isnull=True) | Q(eigenmittel_ist__gte=0))
                & (Q(drittmittel_ist__isnull=True) | Q(drittmittel_ist__gte=0))
                & (Q(einnahmen_ist__isnull=True) | Q(einnahmen_ist__gte=0)),
                name="nachweis_einnahmen_nicht_negativ",
            ),
        ]

    def __str__(self):
        return f"Verwendungsnachweis {self.antrag}"


class Beleg(models.Model):
    """One receipt of the Verwendungsnachweis, booked to a line of the cost plan."""

    kommune_path = "nachweis__antrag__aufruf__kommune"

    nachweis = models.ForeignKey(
        Verwendungsnachweis, on_delete=models.CASCADE, related_name="belege"
    )
    kostenposition = models.ForeignKey(
        Kostenposition,
        on_delete=models.PROTECT,
        related_name="belege",
        verbose_name=_("Kostenart laut Finanzierungsplan"),
    )
    datum = models.DateField(_("Datum der Zahlung"))
    empfaenger = models.CharField(_("Zahlungsempfänger"), max_length=200)
    zweck = models.CharField(_("Zweck"), max_length=300)
    betrag = models.DecimalField(_("Betrag"), **MONEY)
    anhang = models.ForeignKey(
        Anhang,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Datei des Belegs"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Beleg")
        verbose_name_plural = _("Belegliste")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="beleg_betrag_positiv"),
        ]

    def __str__(self):
        return f"{self.datum:%d.%m.%Y} {self.empfaenger}: {self.zweck}"


class Buchung(models.Model):
    """One entry of an application's ledger: a payment to the applicant, a reclaim, a
    repayment, or a reclaim lifted. Append-only; every balance is a sum over these rows
    (selectors.saldo)."""

    kommune_path = "antrag__aufruf__kommune"

    class Art(models.TextChoices):
        ABSCHLAG = "abschlag", _("Auszahlung (Abschlag)")
        SCHLUSSZAHLUNG = "schlusszahlung", _("Schlusszahlung")
        RUECKFORDERUNG = "rueckforderung", _("Rückforderung")
        RUECKZAHLUNG = "rueckzahlung", _("Rückzahlung eingegangen")
        # A reclaim lifted on an objection (Abhilfe): takes back what was still open of it.
        AUFHEBUNG = "aufhebung", _("Rückforderung aufgehoben")

    AUSZAHLUNGEN = (Art.ABSCHLAG, Art.SCHLUSSZAHLUNG)

    antrag = models.ForeignKey(Antrag, on_delete=models.PROTECT, related_name="buchungen")
    art = models.CharField(_("Art"), max_length=20, choices=Art.choices)
    betrag = models.DecimalField(_("Betrag"), **MONEY)
    datum = models.DateField(_("Datum"), help_text=_("Tag der Zahlung oder des Bescheids"))
    # A reclaim only: the notice says when and where to pay, with which Kassenzeichen.
    faellig_am = models.DateField(_("zu zahlen bis"), null=True, blank=True)
    kassenzeichen = models.CharField(_("Kassenzeichen"), max_length=40, blank=True)
    grund = models.TextField(_("Ergänzende Begründung"), blank=True)
    durch = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("erfasst am"), default=timezone.now)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Buchung")
        verbose_name_plural = _("Buchungen")
        ordering = ["datum", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(betrag__gt=0), name="buchung_betrag_positiv"),
            models.CheckConstraint(
                condition=~Q(art="rueckforderung")
                | (Q(faellig_am__isnull=False) & ~Q(kassenzeichen="")),
                name="rueckforderung_mit_frist_und_kassenzeichen",
            ),
        ]
        indexes = [models.Index(fields=["antrag", "art"])]

    def __str__(self):
        return f"{self.get_art_display()} {self.betrag} € am {self.datum:%d.%m.%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Buchungen werden nur ergänzt, nie geändert.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Buchungen werden nur ergänzt, nie gelöscht.")


class Frist(models.Model):
    """A deadline the applicant has to meet. Opened and closed by the steps of the procedure
    (foerderung.workflow); the daily command reminds before and after it (foerderung.fristen)."""

    kommune_path = "antrag__aufruf__kommune"

    class Art(models.TextChoices):
        NACHFORDERUNG = "nachforderung", _("Nachforderung beantworten")
        NACHWEIS = "nachweis", _("Verwendungsnachweis vorlegen")
        RUECKFRAGE = "rueckfrage", _("Rückfragen zum Verwendungsnachweis beantworten")
        RUECKZAHLUNG = "rueckzahlung", _("Erstattungsbetrag zahlen")

    antrag = models.ForeignKey(Antrag, on_delete=models.CASCADE, related_name="fristen")
    art = models.CharField(_("Art"), max_length=20, choices=Art.choices)
    faellig_am = models.DateField(_("Frist"))
    erledigt_am = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    erinnert_am = models.DateTimeField(_("Erinnerung verschickt am"), null=True, blank=True)
    gemahnt_am = models.DateTimeField(_("Fristablauf gemeldet am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Frist")
        verbose_name_plural = _("Fristen")
        ordering = ["faellig_am", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["antrag", "art"],
                condition=Q(erledigt_am__isnull=True),
                name="frist_einmal_offen",
            ),
        ]

    def __str__(self):
        return f"{self.get_art_display()} bis {self.faellig_am:%d.%m.%Y}"

    @property
    def ueberfaellig(self) -> bool:
        return self.erledigt_am is None and self.faellig_am < timezone.localdate()


class Widerspruch(models.Model):
    """An objection to a notice: when it came in, what it says, and what became of it."""

    kommune_path = "antrag__aufruf__kommune"

    class Ergebnis(models.TextChoices):
        OFFEN = "offen", _("offen")
        ABHILFE = "abhilfe", _("Abhilfe: Entscheidung geändert oder aufgehoben")
        WEITERGELEITET = "weitergeleitet", _("nicht abgeholfen, an die Widerspruchsbehörde")

    antrag = models.ForeignKey(Antrag, on_delete=models.PROTECT, related_name="widersprueche")
    bescheid = models.ForeignKey(
        Dokument, on_delete=models.PROTECT, related_name="+", verbose_name=_("gegen den Bescheid")
    )
    eingegangen_am = models.DateField(_("Widerspruch eingegangen am"))
    inhalt = models.TextField(_("Inhalt des Widerspruchs"))
    ergebnis = models.CharField(
        _("Ergebnis"), max_length=20, choices=Ergebnis.choices, default=Ergebnis.OFFEN
    )
    erledigt_am = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    # Why it was remedied, where no new decision says it (the Abhilfebescheid's reasons).
    begruendung = models.TextField(_("Gründe der Abhilfe"), blank=True)
    erfasst_von = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Widerspruch")
        verbose_name_plural = _("Widersprüche")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Widerspruch vom {self.eingegangen_am:%d.%m.%Y} – {self.antrag}"
