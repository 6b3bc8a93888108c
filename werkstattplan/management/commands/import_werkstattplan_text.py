"""manage.py import_werkstattplan_text PATH --kommune SLUG --title "…" [--publish]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kommunen.models import Kommune
from werkstattplan.importers import import_table_text
from zwk_portal.tenancy import scopes_disabled


class Command(BaseCommand):
    help = _(
        "Legt einen Werkstattplan aus der Tabellenfassung (Text aus dem PDF, Zellen durch "
        "Tabulatoren getrennt) an: Handlungsfelder, Werkzeuge, Steckbriefe und Einzelmaßnahmen."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("Textdatei mit der Tabelle (UTF-8)"))
        parser.add_argument(
            "--kommune", required=True, help=_("Kurzname der Kommune, z. B. ludwigslust-parchim")
        )
        parser.add_argument("--title", required=True, help=_("Titel des Plans"))
        parser.add_argument(
            "--slug", help=_("Kurzname des Plans in Adressen (Standard: erstes-letztes Jahr)")
        )
        parser.add_argument(
            "--first-year", type=int, help=_("Laufzeit von (Standard: aus der Tabelle)")
        )
        parser.add_argument(
            "--last-year", type=int, help=_("Laufzeit bis (Standard: aus der Tabelle)")
        )
        parser.add_argument(
            "--publish", action="store_true", help=_("den Plan gleich veröffentlichen")
        )

    @scopes_disabled()  # a command works for the whole installation
    def handle(self, *args, path, kommune, title, slug, first_year, last_year, publish, **options):
        try:
            kommune_obj = Kommune.objects.get(slug=kommune)
        except Kommune.DoesNotExist:
            raise CommandError(
                _("Es gibt keine Kommune mit dem Kurznamen „%(slug)s“.") % {"slug": kommune}
            ) from None
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("Die Datei „%(path)s“ lässt sich nicht lesen: %(error)s")
                % {"path": path, "error": error}
            ) from None
        try:
            plan = import_table_text(
                text,
                kommune=kommune_obj,
                title=title,
                first_year=first_year,
                last_year=last_year,
                slug=slug,
                published=publish,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        werkzeuge = sum(hf.werkzeuge.count() for hf in plan.handlungsfelder.all())
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Werkstattplan „%(title)s“ angelegt: %(hf)s Handlungsfelder, "
                    "%(werkzeuge)s Werkzeuge."
                )
                % {"title": plan.title, "hf": plan.handlungsfelder.count(), "werkzeuge": werkzeuge}
            )
        )
        if plan.notes:
            self.stdout.write(_("Hinweise zur Quelle:"))
            self.stdout.write(plan.notes)
