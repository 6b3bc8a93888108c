from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("<slug:kommune>/veranstaltungen/", views.index, name="index"),
]
