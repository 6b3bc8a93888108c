from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoerderungConfig(AppConfig):
    name = "foerderung"
    verbose_name = _("Kleinprojektefonds")

    def ready(self):
        from zwk_portal import security

        from . import permissions, views  # noqa: F401 - views registers its account page section

        # Jury members see applicants' data: they need the second factor.
        security.PERSONAL_DATA_ACCESS.append(permissions.is_jury)
