from django.urls import path

from . import views

app_name = "foerderung"

urlpatterns = [
    path("<slug:kommune>/foerderung/", views.index, name="index"),
]
