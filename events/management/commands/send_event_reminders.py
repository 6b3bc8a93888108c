"""Send the reminder mail to confirmed participants of tomorrow's events.

Schedule once a day (e.g. cron `0 9 * * *`). Idempotent: every Anmeldung
remembers when its reminder went out, so a second run sends nothing twice.
Whoever comes in from the day before on (confirms, moves up from the waitlist,
switches to online) gets the join link with that very mail, which then counts as
the reminder; a change of the event (services.announce_change) starts it over.
"""

from django.core.management.base import BaseCommand

from events import services
from zwk_portal.tenancy import scopes_disabled


class Command(BaseCommand):
    help = "Erinnert bestätigte Teilnehmende an die Veranstaltungen von morgen (wiederholbar)."

    @scopes_disabled()  # a command works for the whole installation
    def handle(self, *args, **options):
        sent = services.send_reminders()
        self.stdout.write(f"Erinnerungen verschickt: {sent}")
