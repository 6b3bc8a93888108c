"""Delete what is no longer needed from event registrations.

Schedule daily (e.g. cron `30 3 * * *`). Idempotent. Deletes unconfirmed
registrations after 48 hours (their seats are free from the 48th hour on; the
waitlist moves up at the next count under the lock, at the latest here),
deletes accessibility needs 7 days after an event and anonymises all
registrations 30 days after it, keeping only the counts per option.
"""

from django.core.management.base import BaseCommand

from events import services
from zwk_portal.tenancy import scopes_disabled


class Command(BaseCommand):
    help = "Löscht und anonymisiert Anmeldedaten nach den Fristen (wiederholbar)."

    @scopes_disabled()  # a command works for the whole installation
    def handle(self, *args, **options):
        result = services.apply_retention()
        self.stdout.write(
            "Unbestätigt gelöscht: {released}, Barrierefreiheit gelöscht: {needs_deleted}, "
            "anonymisiert: {anonymised}, Anmeldeversuche gelöscht: {attempts_deleted}".format(
                **result
            )
        )
