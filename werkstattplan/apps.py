from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WerkstattplanConfig(AppConfig):
    name = "werkstattplan"
    verbose_name = _("Werkstattplan")
