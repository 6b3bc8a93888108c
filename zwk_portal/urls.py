from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("ZWK-Portal – Verwaltung")
admin.site.site_title = _("ZWK-Portal")
admin.site.index_title = _("Übersicht")

# Each app names its own paths; the commune's start page "/<kommune>/" comes
# last because its single segment would otherwise swallow "/konto/" and such.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", views.health, name="health"),
    path("", include("werkstattplan.urls")),
    path("", include("events.urls")),
    path("", include("foerderung.urls")),
    path("", include("seiten.urls")),
    path("", include("kommunen.urls")),
]
