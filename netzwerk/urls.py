from django.urls import path

from . import verzeichnis, views

app_name = "netzwerk"

urlpatterns = [
    path("netzwerk/", verzeichnis.verzeichnis, name="verzeichnis"),
    path("netzwerk/suche/", views.suche, name="suche"),
    path("netzwerk/handlungsfelder/", verzeichnis.vergleich, name="vergleich"),
    path("netzwerk/werkzeuge/<int:pk>/uebernehmen/", views.uebernehmen, name="uebernehmen"),
    path(
        "netzwerk/handlungsfelder/handlungsfelder.svg",
        verzeichnis.vergleich_svg,
        name="vergleich_svg",
    ),
]
