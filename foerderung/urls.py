from django.urls import path

from . import jury_views, nachweis_views, staff_views, step_views, views

app_name = "foerderung"

urlpatterns = [
    # Applicant
    path("konto/antraege/<int:pk>/", views.antrag, name="antrag"),
    path("konto/antraege/<int:pk>/bearbeiten/", views.antrag_bearbeiten, name="antrag_bearbeiten"),
    path("konto/antraege/<int:pk>/einreichen/", views.antrag_einreichen, name="antrag_einreichen"),
    path("konto/antraege/<int:pk>/anhaenge/", views.anhang_hochladen, name="anhang_hochladen"),
    path("konto/antraege/<int:pk>/anhaenge/<int:anhang_pk>/", views.anhang, name="anhang"),
    path(
        "konto/antraege/<int:pk>/anhaenge/<int:anhang_pk>/loeschen/",
        views.anhang_loeschen,
        name="anhang_loeschen",
    ),
    path("konto/antraege/<int:pk>/dokumente/<int:dokument_pk>/", views.dokument, name="dokument"),
    path("konto/antraege/<int:pk>/verwendungsnachweis/", nachweis_views.nachweis, name="nachweis"),
    # Every step of the procedure, for applicant, Fachdienst and jury alike
    path("antraege/<int:pk>/schritte/<slug:name>/", step_views.schritt, name="schritt"),
    # Fachdienst
    path("verwaltung/foerderung/", staff_views.uebersicht, name="verwaltung"),
    path("verwaltung/foerderung/antraege/", staff_views.antraege, name="verwaltung_antraege"),
    path("verwaltung/foerderung/antraege/<int:pk>/", staff_views.antrag, name="verwaltung_antrag"),
    path(
        "verwaltung/foerderung/antraege/<int:pk>/email/",
        staff_views.email_nachtragen,
        name="verwaltung_antrag_email",
    ),
    path("verwaltung/foerderung/zu-erledigen/", staff_views.zu_erledigen, name="zu_erledigen"),
    path("verwaltung/foerderung/aufrufe/<int:pk>/", staff_views.aufruf, name="verwaltung_aufruf"),
    path(
        "verwaltung/foerderung/aufrufe/<int:pk>/mittel.xlsx",
        staff_views.aufruf_export,
        name="verwaltung_aufruf_export",
    ),
    path(
        "verwaltung/foerderung/aufrufe/<int:pk>/papierantrag/",
        staff_views.papierantrag,
        name="verwaltung_aufruf_papierantrag",
    ),
    # Jury
    path("jury/", jury_views.index, name="jury"),
    path("jury/aufrufe/<int:pk>/", jury_views.aufruf, name="jury_aufruf"),
    path("jury/aufrufe/<int:pk>/export.xlsx", jury_views.export, name="jury_export"),
    path("jury/antraege/<int:pk>/", jury_views.antrag, name="jury_antrag"),
    path("jury/antraege/<int:pk>/befangenheit/", jury_views.befangenheit, name="jury_befangenheit"),
    # Public, last: "<kommune>/foerderung/" would also match "verwaltung/foerderung/".
    path("<slug:kommune>/foerderung/", views.index, name="index"),
    path("<slug:kommune>/foerderung/<int:pk>/", views.aufruf, name="aufruf"),
    path(
        "<slug:kommune>/foerderung/<int:pk>/antragsformular.pdf",
        views.antragsformular,
        name="antragsformular",
    ),
    path("<slug:kommune>/foerderung/<int:pk>/antrag/", views.antrag_neu, name="antrag_neu"),
]
