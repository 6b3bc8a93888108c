"""Every retention period of the portal, in one place.

The Datenschutzerklärung renders these values, and the retention code uses
them, so the page and the code cannot disagree. Periods that an app keeps
itself are imported from that app (the app's constant stays the truth); the
others are defined here and applied by `seiten.services.apply_retention`.
Run everything daily with `manage.py apply_retention`.
"""

from dataclasses import dataclass
from datetime import timedelta

from events.models import CONFIRMATION_WINDOW
from events.services import ANONYMISE_AFTER, DELETE_NEEDS_AFTER

# --- Veranstaltungen (applied by events.services.apply_retention) -----------------
EVENT_UNCONFIRMED = CONFIRMATION_WINDOW  # unconfirmed registrations are deleted
EVENT_ACCESS_NEEDS = DELETE_NEEDS_AFTER  # accessibility needs, after the event's end
EVENT_ANONYMISE = ANONYMISE_AFTER  # all registrations anonymised, after the event's end
# events.services.apply_retention deletes rate-limit records after one day (a literal there).
EVENT_RATE_LIMIT_RECORDS = timedelta(days=1)

# --- Kleinprojektefonds (applied here) -------------------------------------------
LOGIN_LINKS = timedelta(days=7)  # sent login links (e-mail, IP), after creation
# failed password logins (user name, IP): foerderung's old records and django-axes' records;
# must stay longer than the lockout (15 minutes), see tests/seiten/test_retention.py
LOGIN_ATTEMPTS = timedelta(days=1)
DRAFTS_AFTER_DEADLINE = timedelta(days=90)  # never submitted drafts, after the call's deadline
INACTIVE_ACCOUNTS = timedelta(days=730)  # applicant accounts without any application

# --- E-Mails of the portal (applied here) -----------------------------------------
# The content of a mail is emptied when it is sent or discarded (zwk_portal.mail).
SENT_MAILS = timedelta(days=30)  # recipient, subject, status of sent or discarded mails
UNSENT_MAILS = timedelta(days=90)  # failed or held mails nobody sent again or discarded

# --- Barrieremeldungen (applied here) --------------------------------------------
REPORT_CONTACT_AFTER_DONE = timedelta(days=365)  # name and e-mail, after "erledigt"
REPORT_AFTER_DONE = timedelta(days=3 * 365)  # the whole report, after "erledigt"


def dauer(period: timedelta) -> str:
    """A period in words, as the privacy page shows it: "48 Stunden", "7 Tage", "2 Jahre"."""
    if period < timedelta(days=3) or period.total_seconds() % 86400:
        hours = int(period.total_seconds() // 3600)
        return "1 Stunde" if hours == 1 else f"{hours} Stunden"
    days = period.days
    if days % 365 == 0:
        years = days // 365
        return "1 Jahr" if years == 1 else f"{years} Jahre"
    return f"{days} Tage"


@dataclass(frozen=True)
class Verarbeitung:
    """One processing of personal data as the Datenschutzerklärung lists it."""

    anker: str
    title: str
    zweck: str
    rechtsgrundlage: str
    daten: str
    empfaenger: str
    fristen: tuple[str, ...]


def verarbeitungen() -> list[Verarbeitung]:
    """The processings with their periods, built from the constants above."""
    return [
        Verarbeitung(
            anker="veranstaltungen",
            title="Anmeldung zu Veranstaltungen",
            zweck=(
                "Plätze vergeben und eine Warteliste führen, Ihnen die Bestätigung, die "
                "Erinnerung und bei Online-Teilnahme den Zugangslink schicken, vor Ort eine "
                "Teilnehmerliste führen und Sie über Änderungen oder eine Absage informieren."
            ),
            rechtsgrundlage=(
                "Ihre Einwilligung, Art. 6 Abs. 1 Buchst. a DSGVO; für Angaben zu einem Bedarf an "
                "Barrierefreiheit, die Gesundheitsdaten sein können, zusätzlich Art. 9 Abs. 2 "
                "Buchst. a DSGVO. Sie geben die Einwilligung mit dem Häkchen im Anmeldeformular; "
                "die Fassung der Datenschutzhinweise wird mit jeder Anmeldung gespeichert. Sie "
                "können die Einwilligung jederzeit widerrufen, indem Sie die Anmeldung über den "
                "Link in der E-Mail stornieren."
            ),
            daten=(
                "Name, E-Mail-Adresse, gewählte Teilnahme; freiwillig: Gemeinde oder "
                "Organisation, Telefon, Bedarf an Barrierefreiheit, Frage oder Idee; Zeitpunkte "
                "von Anmeldung, Bestätigung, Storno und Einlass."
            ),
            empfaenger=(
                "Die Koordination der Kommune, die die Veranstaltung anbietet. Bei "
                "Online-Teilnahme erhalten Sie einen Link zur Videokonferenz; der Anbieter der "
                "Konferenz erhält von uns keine Daten."
            ),
            fristen=(
                f"Unbestätigte Anmeldungen löschen wir nach {dauer(EVENT_UNCONFIRMED)}.",
                f"Angaben zur Barrierefreiheit löschen wir {dauer(EVENT_ACCESS_NEEDS)} nach "
                "dem Ende der Veranstaltung.",
                f"{dauer(EVENT_ANONYMISE)} nach dem Ende der Veranstaltung anonymisieren wir "
                "alle Anmeldungen: Name, E-Mail-Adresse und alle weiteren Angaben werden "
                "gelöscht; es bleibt nur die Zahl der Teilnehmenden je Teilnahmeoption.",
                "Zum Schutz vor massenhaften Anmeldungen speichern wir einen verschlüsselten "
                "Prüfwert (Hash) Ihrer IP- und E-Mail-Adresse und löschen ihn nach "
                f"{dauer(EVENT_RATE_LIMIT_RECORDS)}.",
            ),
        ),
        Verarbeitung(
            anker="foerderung",
            title="Antrag im Kleinprojektefonds und Konto",
            zweck=(
                "Ihren Förderantrag entgegennehmen, prüfen, durch die Jury bewerten lassen, "
                "darüber entscheiden, den Zuwendungsbescheid erteilen, die Förderung auszahlen "
                "und den Verwendungsnachweis prüfen; Ihr Konto, damit Sie Anträge speichern und "
                "ihren Stand verfolgen können."
            ),
            rechtsgrundlage=(
                "Art. 6 Abs. 1 Buchst. e DSGVO (Wahrnehmung einer Aufgabe im öffentlichen "
                "Interesse: Vergabe von Zuwendungen nach den Fördergrundsätzen des Aufrufs) in "
                "Verbindung mit dem Landesdatenschutzgesetz und dem Haushaltsrecht der Kommune; "
                "für die Aufbewahrung Art. 6 Abs. 1 Buchst. c DSGVO. Ihre Zustimmung im "
                "Antragsformular bestätigt, dass Sie diesen Hinweis kennen; Fassung und "
                "Zeitpunkt werden mit dem Antrag gespeichert."
            ),
            daten=(
                "Konto: E-Mail-Adresse, Name, Passwort (nur als Prüfwert), letzte Anmeldung; "
                "bei Anmeldelinks die E-Mail- und IP-Adresse; bei fehlgeschlagenen Anmeldungen "
                "Benutzername und IP-Adresse. Antrag: Organisation, Anschrift, Ansprechperson, "
                "E-Mail, Telefon, Kontoinhaber und IBAN, Projekt- und Finanzierungsangaben, "
                "Anlagen, Verwendungsnachweis und Belege."
            ),
            empfaenger=(
                "Die zuständige Stelle (Fachdienst) und die Koordination der Kommune; die "
                "Mitglieder der Jury sehen die Anträge, die ihnen zur Bewertung vorliegen, ohne "
                "Bankverbindung."
            ),
            fristen=(
                f"Anmeldelinks (mit E-Mail- und IP-Adresse) löschen wir {dauer(LOGIN_LINKS)} "
                "nach dem Versand.",
                "Fehlgeschlagene Anmeldungen (Benutzername und IP-Adresse) löschen wir nach "
                f"{dauer(LOGIN_ATTEMPTS)}.",
                "Nie eingereichte Antragsentwürfe löschen wir mit ihren Anlagen "
                f"{dauer(DRAFTS_AFTER_DEADLINE)} nach Ablauf der Einreichungsfrist.",
                "Konten ohne Antrag löschen wir, wenn sie "
                f"{dauer(INACTIVE_ACCOUNTS)} lang nicht benutzt wurden.",
                "Eingereichte Anträge mit Bescheiden, Verwendungsnachweisen und Belegen sind "
                "Teil der Akte und unterliegen den Aufbewahrungsfristen des Haushaltsrechts. "
                "Das Portal löscht sie nicht selbst; die zuständige Stelle löscht sie nach "
                "Ablauf der Aufbewahrungsfrist (siehe unten).",
            ),
        ),
        Verarbeitung(
            anker="e-mail",
            title="E-Mails des Portals",
            zweck=(
                "Ihnen die E-Mails zustellen, die zu einer der hier beschriebenen Verarbeitungen "
                "gehören (Bestätigungen, Bescheide, Erinnerungen, Anmeldelinks), und zwar genau "
                "einmal, auch wenn der Mailserver vorübergehend nicht erreichbar ist."
            ),
            rechtsgrundlage=(
                "Dieselbe wie die der Verarbeitung, zu der die E-Mail gehört (siehe dort)."
            ),
            daten=(
                "E-Mail-Adresse, Betreff und Inhalt der E-Mail mit ihren Anhängen, Zeitpunkte "
                "der Versandversuche und der letzte Fehler des Mailservers."
            ),
            empfaenger=(
                "Der Mailserver, über den das Portal versendet. Die Koordination der Kommune "
                "und der Plattformbetrieb sehen Empfänger, Betreff und Versandstand der E-Mails, "
                "nicht ihren Inhalt, damit sie nicht zustellbare E-Mails erneut senden können."
            ),
            fristen=(
                "Den Inhalt einer E-Mail löschen wir, sobald sie versendet ist.",
                f"Empfänger, Betreff und Versandstand löschen wir {dauer(SENT_MAILS)} nach dem "
                "Versand.",
                "Eine E-Mail, die nicht zugestellt werden konnte und die niemand erneut sendet, "
                f"löschen wir nach {dauer(UNSENT_MAILS)}.",
            ),
        ),
        Verarbeitung(
            anker="barrieren",
            title="Meldung einer Barriere",
            zweck=(
                "Barrieren auf diesen Seiten beheben und Ihnen auf Wunsch antworten "
                "(Feedback-Mechanismus nach dem Recht der barrierefreien Informationstechnik)."
            ),
            rechtsgrundlage=(
                "Art. 6 Abs. 1 Buchst. e DSGVO in Verbindung mit den Vorschriften über "
                "barrierefreie Informationstechnik, die öffentliche Stellen verpflichten, "
                "Rückmeldungen zu Barrieren entgegenzunehmen. Eine Einwilligung ist dafür nicht "
                "nötig; Name und E-Mail-Adresse geben Sie freiwillig an, wenn Sie eine Antwort "
                "wünschen."
            ),
            daten=(
                "Betroffene Seite, Beschreibung der Barriere; freiwillig: Name und "
                "E-Mail-Adresse; Zeitpunkt des Eingangs und Bearbeitungsstand."
            ),
            empfaenger=(
                "Der Betrieb des Portals (Plattformbetrieb); er erhält eine Benachrichtigung per "
                "E-Mail. "
                "Wenn nötig, gibt sie die Beschreibung ohne Ihre Kontaktdaten an die Stelle "
                "weiter, die die Seite technisch betreut."
            ),
            fristen=(
                f"Name und E-Mail-Adresse löschen wir {dauer(REPORT_CONTACT_AFTER_DONE)} "
                "nach Erledigung der Meldung.",
                f"Die Meldung selbst löschen wir {dauer(REPORT_AFTER_DONE)} nach ihrer Erledigung.",
            ),
        ),
    ]
