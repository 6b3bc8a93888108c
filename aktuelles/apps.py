from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AktuellesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "aktuelles"
    verbose_name = _("Aktuelles")
