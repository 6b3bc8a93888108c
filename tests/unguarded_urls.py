"""A URLconf with a view that forgot its guard (tests/test_tenancy.py)."""

from django.http import HttpResponse
from django.urls import path

from events.models import Veranstaltung


def forgot_the_guard(request):
    return HttpResponse(str(Veranstaltung.objects.count()))


urlpatterns = [path("ohne-waechter/", forgot_the_guard)]
