"""Signing in and out, login links, the account page and the password.

The account page shows what each app has for the person: registered in
`SECTIONS` by the apps (AppConfig.ready), so the foundation imports no app.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zwk_portal.security import needs_second_factor

from . import services
from .forms import ChangePasswordForm, LinkForm, LoginForm, NewPasswordForm

# Each section: request -> {"template": …, **context} to show on the account page, or None.
SECTIONS: list[Callable] = []


def section(func: Callable) -> Callable:
    """Register a section of the account page (apps call this in AppConfig.ready)."""
    SECTIONS.append(func)
    return func


def safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("konto:konto")


class LoginView(auth_views.LoginView):
    template_name = "konto/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["link_form"] = kwargs.get("link_form") or LinkForm()
        return context


class LogoutView(auth_views.LogoutView):
    next_page = "home"


@require_POST
def request_link(request):
    form = LinkForm(request.POST)
    next_url = safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        context = {"form": LoginForm(request), "link_form": form, "next": next_url}
        return render(request, "konto/login.html", context, status=400)
    services.request_login_link(
        email=form.cleaned_data["email"],
        ip=request.META.get("REMOTE_ADDR") or None,
        next_url=next_url,
    )
    return render(request, "konto/link_sent.html", {"email": form.cleaned_data["email"]})


@require_http_methods(["GET", "POST"])
def use_link(request, token):
    """GET shows a button (mail scanners follow links); POST signs in."""
    next_url = safe_next(request, request.GET.get("next"))
    link = services.valid_link(token)
    if link is None:
        return render(request, "konto/link_invalid.html", status=410)
    if request.method == "GET":
        return render(request, "konto/link_confirm.html", {"email": link.email, "next": next_url})
    user = services.use_login_link(token=token)
    if user is None:
        return render(request, "konto/link_invalid.html", status=410)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Sie sind angemeldet."))
    return redirect(next_url)


@section
def staff_section(request):
    """Memberships, the way into the admin, and the second factor."""
    user = request.user
    memberships = list(user.memberships.select_related("kommune"))
    if not (memberships or user.is_staff or needs_second_factor(user)):
        return None
    return {
        "template": "konto/_staff.html",
        "memberships": memberships,
        "admin": user.is_staff,
        "second_factor": settings.ZWK_REQUIRE_2FA and needs_second_factor(user),
    }


@login_required
def konto(request):
    sections = [s for s in (func(request) for func in SECTIONS) if s]
    return render(request, "konto/konto.html", {"sections": sections})


@login_required
@require_http_methods(["GET", "POST"])
def password(request):
    """Set the first password of an invited account, or change it."""
    user = request.user
    form_class = ChangePasswordForm if user.has_usable_password() else NewPasswordForm
    form = form_class(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Ihr Passwort ist gespeichert."))
        return redirect("konto:konto")
    return render(
        request,
        "konto/password.html",
        {"form": form, "first": form_class is NewPasswordForm},
        status=400 if form.errors else 200,
    )
