from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WerkstattplanConfig(AppConfig):
    name = "werkstattplan"
    verbose_name = _("Werkstattplan")

    def ready(self):
        from . import signals  # noqa: F401, PLC0415 - connects the receivers; imports models
