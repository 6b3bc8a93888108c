from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = _("Kleinprojektefonds")
