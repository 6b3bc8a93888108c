"""The foundation's data: memberships in Kommunen, login links, the audit log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role
from .tenancy import kommune_scoped


class Membership(models.Model):
    """A staff member belongs to a Kommune in a role: the one source of whose data they see.

    Jury members are no members: they are appointed per call (foerderung.JuryMitgliedschaft).
    """

    kommune_path = "kommune"
    Role = Role

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Person"),
    )
    kommune = models.ForeignKey(
        "kommunen.Kommune",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Kommune"),
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eingeladen von"),
    )

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["kommune__name", "role", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kommune", "role"], name="membership_once_per_role"
            ),
        ]

    def __str__(self):
        who = self.user.get_full_name() or self.user.get_username()
        return f"{who} – {self.get_role_display()}, {self.kommune}"


class LoginLink(models.Model):
    """A one-time login link sent by e-mail (konto/services.py); only the token's hash is stored."""

    email = models.EmailField(_("E-Mail"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("verschickt"), auto_now_add=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    used_at = models.DateTimeField(_("benutzt"), null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldelink")
        verbose_name_plural = _("Anmeldelinks")
        indexes = [models.Index(fields=["email", "created_at"])]

    def __str__(self):
        return self.email


class AuditEntry(models.Model):
    """One download of personal data (list, export, attachment, document). Append-only.

    The address is stored shortened to its network (IPv4 /24, IPv6 /48): enough
    to tell the county office from elsewhere, not enough to name a household.
    Each entry belongs to the Kommune whose data was downloaded; its coordination
    and Fachdienst read the log of their Kommune only.
    """

    kommune_path = "kommune"

    kommune = models.ForeignKey(
        "kommunen.Kommune",
        verbose_name=_("Kommune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Zeitpunkt"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("Benutzername"), max_length=150, blank=True)
    what = models.CharField(_("Was"), max_length=200)
    object_type = models.CharField(_("Objekttyp"), max_length=100, blank=True)
    object_id = models.CharField(_("Objekt-ID"), max_length=64, blank=True)
    object_label = models.CharField(_("Objekt"), max_length=300, blank=True)
    path = models.CharField(_("Adresse"), max_length=500)
    network = models.CharField(_("Netz der IP-Adresse"), max_length=64, blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll der Downloads")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.username}: {self.what}"


class OutgoingMail(models.Model):
    """One e-mail in the outbox, written in the transaction of the change it reports.

    The worker (zwk_portal.mail.deliver) sends only what committed, retries while the
    mail server is away and moves a mail it could not send for MAIL_GIVE_UP_AFTER to
    "fehlgeschlagen", where the staff see it (admin "Postausgang"). The Message-ID is
    fixed when the mail is written, so a mail sent twice after a crash is one mail to
    the recipient's mail program.
    """

    kommune_path = "kommune"

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet auf Versand")
        SENDING = "sending", _("wird gesendet")
        RETRYING = "retrying", _("neuer Versuch geplant")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        HELD = "held", _("zurückgehalten nach Wiederherstellung")
        DISCARDED = "discarded", _("verworfen")

    kommune = models.ForeignKey(
        "kommunen.Kommune",
        verbose_name=_("Kommune"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("Art"), max_length=80)
    recipients = models.JSONField(_("An"))
    reply_to = models.JSONField(_("Antwort an"), default=list)
    subject = models.CharField(_("Betreff"), max_length=300)
    text = models.TextField(_("Text"))
    html = models.TextField(_("HTML"))
    attachments = models.JSONField(_("Anhänge"), default=list)  # [filename, base64, mimetype]
    # Written by mail.send_later: the worker renders the mail from the database as it is
    # then ({"builder": dotted path, "args": {...}}); None once rendered, or for mails
    # rendered when written.
    compose = models.JSONField(null=True, blank=True, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=200, unique=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now, db_index=True)
    # Start of the current round of attempts: creation, or "erneut senden".
    queued_at = models.DateTimeField(_("in der Warteschlange seit"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), default=timezone.now)
    claimed_at = models.DateTimeField(_("Versand begonnen"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet"), null=True, blank=True)
    last_error = models.TextField(_("letzter Fehler"), blank=True)

    objects = kommune_scoped(kommune_path)

    class Meta:
        verbose_name = _("E-Mail im Postausgang")
        verbose_name_plural = _("Postausgang")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        # Also what the admin log keeps of an "erneut senden": no address, which would outlive
        # the mail's retention there.
        return self.subject


class WorkerHeartbeat(models.Model):
    """A running task worker says it is alive (zwk_portal.worker); /health/ reads it."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("Lebenszeichen eines Workers")
        verbose_name_plural = _("Lebenszeichen der Worker")

    def __str__(self):
        return f"{self.host}:{self.pid}"


class Abbildung(models.Model):
    """What a published photo or picture carries besides its file and its alt text (each
    model says what it shows): a caption, the credit, its size for a page laid out before
    it loads, and its place among the others. Alt text and credit are required; each model
    holds that in a check constraint of its own."""

    caption = models.CharField(_("Bildunterschrift"), max_length=300, blank=True)
    bildnachweis = models.CharField(
        _("Bildnachweis"), max_length=200, help_text=_("z. B. „Foto: Landkreis Rostock“")
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt_text

    @property
    def content_type(self) -> str:
        return "image/png" if self.datei.name.lower().endswith(".png") else "image/jpeg"
