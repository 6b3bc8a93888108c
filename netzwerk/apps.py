from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetzwerkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "netzwerk"
    verbose_name = _("ZWK-Netzwerk")
