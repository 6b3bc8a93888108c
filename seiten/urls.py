from django.urls import path

from . import views

app_name = "seiten"

# Fixed German paths; included before the commune's "/<kommune>/" catch-all.
urlpatterns = [
    path("impressum/", views.impressum, name="impressum"),
    path("datenschutz/", views.datenschutz, name="datenschutz"),
    path("barrierefreiheit/", views.barrierefreiheit, name="barrierefreiheit"),
    path("barriere-melden/", views.barriere_melden, name="barriere_melden"),
    path("barriere-melden/danke/", views.barriere_danke, name="barriere_danke"),
    path("leichte-sprache/", views.leichte_sprache, name="leichte_sprache"),
    path("gebaerdensprache/", views.gebaerdensprache, name="gebaerdensprache"),
]
