from django.urls import path

from . import views

app_name = "dokumente"

urlpatterns = [
    path("<slug:kommune>/dokumente/", views.liste, name="liste"),
    path("<slug:kommune>/dokumente/<int:pk>/", views.datei, name="datei"),
]
