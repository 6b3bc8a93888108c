from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeitenConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "seiten"
    verbose_name = _("Rechtliches und Barrierefreiheit")
