from django.urls import path

from . import views

app_name = "aktuelles"

urlpatterns = [
    path("<slug:kommune>/aktuelles/", views.liste, name="liste"),
]
