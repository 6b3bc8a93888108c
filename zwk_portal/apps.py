from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate, pre_save

from .text import strip_invisible


class ZwkPortalConfig(AppConfig):
    name = "zwk_portal"
    verbose_name = "ZWK-Portal"

    def ready(self):
        # Imported here: these modules import models, which need the app registry ready.
        from .roles import sync_roles  # noqa: PLC0415 - imports auth models
        from .security import start_idle_clock  # noqa: PLC0415 - imports django_otp models

        post_migrate.connect(sync_roles, dispatch_uid="zwk_portal.sync_roles")
        user_logged_in.connect(start_idle_clock, dispatch_uid="zwk_portal.start_idle_clock")
        pre_save.connect(strip_invisible, dispatch_uid="zwk_portal.strip_invisible")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site that keeps each page inside the user's Kommunen."""

    default = False
    default_site = "zwk_portal.admin_site.PortalAdminSite"
