from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = _("Kleinprojektefonds")

    def ready(self):
        # Imported here: these modules import models, which need the app registry ready.
        from zwk_portal import security  # noqa: PLC0415 - imports django_otp models

        from . import permissions, views  # noqa: F401, PLC0415 - views adds its account page section

        # Jury members see applicants' data: they need the second factor.
        security.PERSONAL_DATA_ACCESS.append(permissions.is_jury)
