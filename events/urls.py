from django.urls import path

from . import message_views, offline_views, staff_views, views

app_name = "events"

urlpatterns = [
    # The coordination's pages come first: "verwaltung" would otherwise be read as a commune.
    path("verwaltung/veranstaltungen/", staff_views.staff_index, name="staff_index"),
    path("verwaltung/veranstaltungen/<int:pk>/", staff_views.staff_event, name="staff_event"),
    path(
        "verwaltung/veranstaltungen/<int:pk>/anmeldungen.<str:fmt>",
        staff_views.staff_export,
        name="staff_export",
    ),
    path(
        "verwaltung/veranstaltungen/<int:pk>/teilnehmerliste-<int:option>.pdf",
        staff_views.staff_participant_pdf,
        name="staff_pdf",
    ),
    path(
        "verwaltung/veranstaltungen/<int:pk>/anmeldung-per-telefon/",
        staff_views.staff_telefon,
        name="staff_telefon",
    ),
    path(
        "verwaltung/veranstaltungen/<int:pk>/anmeldungen/<int:anmeldung>/brief.pdf",
        staff_views.staff_brief,
        name="staff_brief",
    ),
    path(
        "verwaltung/veranstaltungen/<int:pk>/benachrichtigungen/<int:benachrichtigung>/brief.pdf",
        offline_views.staff_benachrichtigung_brief,
        name="staff_benachrichtigung_brief",
    ),
    path(
        "verwaltung/veranstaltungen/<int:pk>/benachrichtigungen/<int:benachrichtigung>/erledigt/",
        offline_views.staff_benachrichtigung_done,
        name="staff_benachrichtigung_done",
    ),
    path(
        "verwaltung/veranstaltungen/<int:pk>/einlass/",
        staff_views.staff_checkin,
        name="staff_checkin",
    ),
    path(
        "verwaltung/veranstaltungen/<int:pk>/nachricht/",
        message_views.staff_message,
        name="staff_message",
    ),
    path(
        "verwaltung/veranstaltungen/<int:pk>/fragen/",
        staff_views.staff_fragen,
        name="staff_fragen",
    ),
    path(
        "verwaltung/veranstaltungen/<int:pk>/fragen.<str:fmt>",
        staff_views.staff_fragen_export,
        name="staff_fragen_export",
    ),
    # Public pages. Fixed paths before the event slug (see models.RESERVED_SLUGS).
    path("<slug:kommune>/veranstaltungen/", views.index, name="index"),
    path("<slug:kommune>/veranstaltungen/kalender.ics", views.feed_ics, name="feed"),
    path("<slug:kommune>/veranstaltungen/datenschutz/", views.privacy, name="privacy"),
    path("<slug:kommune>/veranstaltungen/rueckblicke/", views.rueckblicke, name="rueckblicke"),
    path(
        "<slug:kommune>/veranstaltungen/anmeldung/bestaetigen/<str:code>/",
        views.confirm,
        name="confirm",
    ),
    path("<slug:kommune>/veranstaltungen/anmeldung/<slug:token>/", views.manage, name="manage"),
    path(
        "<slug:kommune>/veranstaltungen/anmeldung/<slug:token>/stornieren/",
        views.manage_cancel,
        name="manage_cancel",
    ),
    path(
        "<slug:kommune>/veranstaltungen/anmeldung/<slug:token>/aendern/",
        views.manage_change,
        name="manage_change",
    ),
    path(
        "<slug:kommune>/veranstaltungen/anmeldung/<slug:token>/einwilligung-widerrufen/",
        views.manage_consent,
        name="manage_consent",
    ),
    path(
        "<slug:kommune>/veranstaltungen/anmeldung/<slug:token>/kalender.ics",
        views.manage_ics,
        name="manage_ics",
    ),
    path("<slug:kommune>/veranstaltungen/<slug:slug>/", views.detail, name="detail"),
    path(
        "<slug:kommune>/veranstaltungen/<slug:slug>/angemeldet/",
        views.registered,
        name="registered",
    ),
    path(
        "<slug:kommune>/veranstaltungen/<slug:slug>/rueckblick/foto-<int:pk>",
        views.rueckblick_foto,
        name="rueckblick_foto",
    ),
    path(
        "<slug:kommune>/veranstaltungen/<slug:slug>/rueckblick/unterlage-<int:pk>.pdf",
        views.rueckblick_unterlage,
        name="rueckblick_unterlage",
    ),
    path(
        "<slug:kommune>/veranstaltungen/<slug:slug>/kalender.ics",
        views.event_ics,
        name="event_ics",
    ),
]
