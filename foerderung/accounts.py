"""Applicant accounts: password login with lockout, or a one-time login link by e-mail.

A login link is the e-mail verification: whoever clicks it owns the address. The
token is random (256 bit), stored only as its hash, valid 30 minutes and once.
Password logins are locked by django-axes (settings, "Security": 5 failures
lock the username for 15 minutes, for the admin login too); link requests
are limited per address and per IP, and the answer never reveals whether an
account exists.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import emails
from .forms import LinkForm, LoginForm
from .models import Anmeldelink

LINK_VALID = timedelta(minutes=30)
LINKS_PER_EMAIL_PER_HOUR = 3
LINKS_PER_IP_PER_HOUR = 20


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return reverse("foerderung:konto")


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["link_form"] = kwargs.get("link_form") or LinkForm()
        return context


@require_http_methods(["POST"])
def request_link(request):
    form = LinkForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        context = {"form": LoginForm(request), "link_form": form, "next": next_url}
        return render(request, "registration/login.html", context, status=400)
    email = form.cleaned_data["email"].lower()
    ip = client_ip(request)
    hour_ago = timezone.now() - timedelta(hours=1)
    too_many = Anmeldelink.objects.filter(
        email=email, created_at__gte=hour_ago
    ).count() >= LINKS_PER_EMAIL_PER_HOUR or (
        ip
        and Anmeldelink.objects.filter(ip=ip, created_at__gte=hour_ago).count()
        >= LINKS_PER_IP_PER_HOUR
    )
    if not too_many:
        token = secrets.token_urlsafe(32)
        with transaction.atomic():
            Anmeldelink.objects.create(email=email, token_hash=_hash(token), ip=ip)
            link = settings.SITE_URL + reverse("foerderung:link", kwargs={"token": token})
            link += "?" + f"next={next_url}"
            emails.anmeldelink(email, link)
    return render(request, "registration/link_sent.html", {"email": email})


@require_http_methods(["GET", "POST"])
def use_link(request, token):
    """GET shows a button (mail scanners follow links); POST signs in."""
    next_url = _safe_next(request, request.GET.get("next"))
    since = timezone.now() - LINK_VALID
    link = Anmeldelink.objects.filter(
        token_hash=_hash(token), used_at=None, created_at__gte=since
    ).first()
    if link is None:
        return render(request, "registration/link_invalid.html", status=410)
    if request.method == "GET":
        return render(
            request, "registration/link_confirm.html", {"email": link.email, "next": next_url}
        )
    with transaction.atomic():
        updated = Anmeldelink.objects.filter(pk=link.pk, used_at=None).update(
            used_at=timezone.now()
        )
        if not updated:
            return render(request, "registration/link_invalid.html", status=410)
        User = get_user_model()
        user = User.objects.filter(email__iexact=link.email).order_by("pk").first()
        if user is None:
            user = User(username=link.email[:150], email=link.email)
            user.set_unusable_password()
            user.save()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Sie sind angemeldet."))
    return redirect(next_url)


class LogoutView(auth_views.LogoutView):
    next_page = "home"
