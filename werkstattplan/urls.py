from django.urls import path

from . import views

app_name = "werkstattplan"

urlpatterns = [
    path("<slug:kommune>/werkstattplan/", views.current_plan, name="current"),
    path("<slug:kommune>/werkstattplan/<slug:plan>/", views.plan_detail, name="plan"),
    path(
        "<slug:kommune>/werkstattplan/<slug:plan>/werkstattplan.pdf",
        views.plan_pdf,
        name="plan_pdf",
    ),
    path(
        "<slug:kommune>/werkstattplan/<slug:plan>/werkzeuge/<slug:werkzeug>/",
        views.werkzeug_detail,
        name="werkzeug",
    ),
    path(
        "<slug:kommune>/werkstattplan/<slug:plan>/werkzeuge/<slug:werkzeug>/werkzeug.pdf",
        views.werkzeug_pdf,
        name="werkzeug_pdf",
    ),
]
