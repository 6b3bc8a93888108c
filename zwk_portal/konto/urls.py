from django.urls import path

from . import views

app_name = "konto"

urlpatterns = [
    path("konto/", views.konto, name="konto"),
    path("konto/anmelden/", views.LoginView.as_view(), name="login"),
    path("konto/abmelden/", views.LogoutView.as_view(), name="logout"),
    path("konto/anmeldelink/", views.request_link, name="link_request"),
    path("konto/anmeldelink/<str:token>/", views.use_link, name="link"),
    path("konto/passwort/", views.password, name="password"),
]
