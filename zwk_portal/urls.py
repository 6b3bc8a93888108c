from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import security, views
from .konto.forms import ResetPasswordForm

admin.site.site_header = _("ZWK-Portal – Verwaltung")
admin.site.site_title = _("ZWK-Portal")
admin.site.index_title = _("Übersicht")

# Each app names its own paths; the commune's start page "/<kommune>/" comes
# last because its single segment would otherwise swallow "/konto/" and such.
security_patterns = [
    path("zwei-faktor/einrichten/", security.otp_setup, name="otp_setup"),
    path("zwei-faktor/pruefen/", security.otp_verify, name="otp_verify"),
    path("zwei-faktor/notfallcodes/", security.backup_codes, name="backup_codes"),
    path("zwei-faktor/neues-telefon/", security.replace_app, name="replace_app"),
]

# Password reset for staff and jury (the admin shows the link); the link is valid 1 hour
# and is mailed through the outbox (zwk_portal.mail).
password_reset_patterns = [
    path(
        "admin/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=ResetPasswordForm),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    *password_reset_patterns,
    path("admin/", admin.site.urls),
    path("sicherheit/", include((security_patterns, "security"))),
    path("health/", views.health, name="health"),
    # The portal's pages: German at their plain URLs, the English interface under /en/.
    *i18n_patterns(
        path("", include("zwk_portal.konto.urls")),
        path("", include("werkstattplan.urls")),
        path("", include("events.urls")),
        path("", include("foerderung.urls")),
        path("", include("statistik.urls")),
        path("", include("seiten.urls")),
        path("", include("netzwerk.urls")),
        path("", include("aktuelles.urls")),
        path("", include("dokumente.urls")),
        path("", include("kommunen.urls")),
        prefix_default_language=False,
    ),
]

# German error pages in the portal's layout (DEBUG off); the CSRF page is CSRF_FAILURE_VIEW.
handler400 = "zwk_portal.errors.bad_request"
handler403 = "zwk_portal.errors.permission_denied"
handler404 = "zwk_portal.errors.page_not_found"
handler500 = "zwk_portal.errors.server_error"
