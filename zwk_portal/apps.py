from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class ZwkPortalConfig(AppConfig):
    name = "zwk_portal"
    verbose_name = "ZWK-Portal"

    def ready(self):
        from .roles import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="zwk_portal.sync_roles")

        from django.contrib.auth.signals import user_logged_in

        from .security import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="zwk_portal.start_idle_clock")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site that keeps each page inside the user's Kommunen."""

    default = False
    default_site = "zwk_portal.admin_site.PortalAdminSite"
