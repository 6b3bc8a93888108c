from django.urls import path

from . import views

app_name = "statistik"

urlpatterns = [
    path("<slug:kommune>/in-zahlen/", views.zahlen, name="zahlen"),
    path("<slug:kommune>/in-zahlen/datenblatt.pdf", views.datenblatt, name="datenblatt"),
    path("<slug:kommune>/in-zahlen/diagramme/<slug:key>.svg", views.diagramm, name="diagramm"),
    path("<slug:kommune>/in-zahlen/tabellen/<slug:indikator>.csv", views.tabelle, name="tabelle"),
]
