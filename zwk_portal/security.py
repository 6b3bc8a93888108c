"""Who needs a second factor, and the middleware and pages that enforce it.

One predicate, `needs_second_factor(user)`, decides by person: whoever can see
personal data of others (staff, members of a Kommune, the platform, jury
members) must confirm a TOTP code, or one of their backup codes, in this
session. Applicants, who see only their own data, need none.

With settings.ZWK_REQUIRE_2FA on, such a user who is not verified yet may open
only the doors in and out (`DOORS`: login, logout, password reset, the setup and
verify pages, and the first password of an invited person); every other view,
under any URL and language prefix, the admin and downloads included, sends them
to the setup page (first time: secret and otpauth URI, confirm with a code, then
backup codes) or to the verify page. The check runs on the resolved view, not on
the path, so a new page is protected without being listed anywhere. It works
without JavaScript.
"""

import ipaddress
import time
from base64 import b32encode
from collections.abc import Callable

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import KernMixin

# Apps add who else sees personal data of others (foerderung: jury members).
PERSONAL_DATA_ACCESS: list[Callable] = []

# The only views a user who still owes the second factor may open (URL names).
DOORS = frozenset(
    {
        "konto:login",
        "konto:logout",
        "konto:link_request",
        "konto:link",
        "admin:login",
        "admin:logout",
        "admin_password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "security:otp_setup",
        "security:otp_verify",
        "health",
    }
)
BACKUP_CODES = 10


def needs_second_factor(user) -> bool:
    """True for everyone who can see personal data of people other than themselves."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, "_needs_second_factor", None)
    if cached is None:
        cached = bool(
            user.is_staff
            or user.is_superuser
            or user.memberships.exists()
            or user.groups.exists()
            or user.user_permissions.exists()
            or any(sees(user) for sees in PERSONAL_DATA_ACCESS)
        )
        user._needs_second_factor = cached
    return cached


def second_factor_missing(request) -> bool:
    user = getattr(request, "user", None)
    return (
        settings.ZWK_REQUIRE_2FA
        and needs_second_factor(user)
        and not (hasattr(user, "is_verified") and user.is_verified())
    )


def _has_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class SecondFactorMiddleware:
    """Send unverified users who need a second factor from every view but the doors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (match and match.view_name in DOORS) or not second_factor_missing(request):
            return None
        if match and match.view_name == "konto:password" and not request.user.has_usable_password():
            return None  # invited by mail: first the password, as the invitation says, then this
        target = reverse("security:otp_verify" if _has_app(request.user) else "security:otp_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


IDLE_KEY = "zwk_idle_seen"
IDLE_RESOLUTION = 60  # seconds: the session is written at most once a minute


def start_idle_clock(sender, request, user, **kwargs):
    """user_logged_in: sessions of users who need a second factor end when idle."""
    if request is not None and hasattr(request, "session") and needs_second_factor(user):
        request.session[IDLE_KEY] = int(time.time())
        request.session.set_expiry(settings.ZWK_STAFF_SESSION_IDLE_SECONDS)


class StaffSessionIdleMiddleware:
    """Sessions of users with access to personal data end after 2 hours without a request.

    Only for them (marked at login): a middleware rather than
    SESSION_SAVE_EVERY_REQUEST, so that applicants keep their long session (a
    draft written over days) and visitors cause no session writes. The expiry
    is pushed forward at most once a minute, so a page costs no extra query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seen = request.session.get(IDLE_KEY)
        if seen is not None:
            now = int(time.time())
            if now - seen > settings.ZWK_STAFF_SESSION_IDLE_SECONDS:
                request.session.flush()  # also server-side, whatever the browser kept
                request.user = AnonymousUser()
            elif now - seen >= IDLE_RESOLUTION:
                request.session[IDLE_KEY] = now
                request.session.set_expiry(settings.ZWK_STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """The portal uses no camera, microphone, location or payment: say so to the browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# django-import-export's export page has one inline handler, onchange="onSelectToggleChange(event)";
# its hash allows exactly that attribute there, and no other inline script anywhere.
EXPORT_TOGGLE_HASH = "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware; the admin may use inline styles (never inline scripts).

    django-import-export's export page carries style attributes and the one
    handler above; nothing of ours does.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        path = request.path_info
        if path.startswith("/admin/") and not report_only:
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", []), "'unsafe-inline'"]
            if path.endswith("/export/"):
                update["script-src"] = [
                    *update.get("script-src", []),
                    "'unsafe-hashes'",
                    EXPORT_TOGGLE_HASH,
                ]
            parts.update = update
        return parts


def client_ip(request) -> str:
    """django-axes: the address the server saw; forwarded headers can be forged."""
    return request.META.get("REMOTE_ADDR", "")


def axes_username(request, credentials=None) -> str:
    """The username django-axes records, cut to its 255-character column.

    Django's login forms pass any length on to authenticate(); a longer name is
    nobody's, and without the cut axes' insert failed with a 500.
    """
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username", "")
    return str(username)[:255]


def lockout_response(request, response=None, credentials=None):
    """django-axes: the German page after too many failed logins."""
    return render(
        request,
        "security/gesperrt.html",
        {"minuten": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
        status=429,
    )


# ------------------------------------------------------------------- the pages


class CodeForm(KernMixin, forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Sechsstelliger Code aus Ihrer Authenticator-App"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": gettext_lazy("Bitte geben Sie den Code ein.")},
    )

    def __init__(self, *args, backup_codes=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.backup_codes = backup_codes
        if backup_codes:
            self.fields["code"].label = gettext_lazy(
                "Code aus Ihrer Authenticator-App oder ein Notfallcode"
            )
            self.fields["code"].widget.attrs["inputmode"] = "text"

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        if code.isdigit() and len(code) == 6:
            return code
        if self.backup_codes and code.isalnum() and len(code) == 8:
            return code
        if self.backup_codes:
            raise forms.ValidationError(
                _("Der Code hat sechs Ziffern; ein Notfallcode hat acht Zeichen.")
            )
        raise forms.ValidationError(_("Der Code hat sechs Ziffern."))


def _next(request) -> str:
    value = request.POST.get("next") or request.GET.get("next")
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("konto:konto")


def _secret(device: TOTPDevice) -> str:
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Ten fresh one-time codes for a lost phone; the earlier ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Notfallcodes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _show_codes(request, codes, next_url, *, first=False):
    return render(
        request,
        "security/notfallcodes.html",
        {"codes": codes, "next": next_url, "first": first},
    )


@never_cache
@login_required
def otp_setup(request):
    """A new authenticator app: a new TOTP secret; a correct code confirms it.

    First login of a user who needs the second factor, or after a lost phone (signed
    in with a backup code). After confirming, the person gets fresh backup codes.
    """
    next_url = _next(request)
    if not needs_second_factor(request.user):
        return redirect(next_url)
    if _has_app(request.user):
        if request.user.is_verified():
            return redirect(next_url)
        return redirect(f"{reverse('security:otp_verify')}?{urlencode({'next': next_url})}")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=_("Authenticator-App"), confirmed=False
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return _show_codes(request, new_backup_codes(request.user), next_url, first=True)
        form.add_error("code", _("Der Code stimmt nicht. Bitte nehmen Sie den aktuellen Code."))
    return render(
        request,
        "security/otp_einrichten.html",
        {"form": form, "secret": _secret(device), "uri": device.config_url, "next": next_url},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def otp_verify(request):
    """Every later login: the current code from the app, or one of the backup codes."""
    next_url = _next(request)
    if not needs_second_factor(request.user) or request.user.is_verified():
        return redirect(next_url)
    if not (_has_app(request.user) or StaticToken.objects.filter(device__user=request.user)):
        return redirect(f"{reverse('security:otp_setup')}?{urlencode({'next': next_url})}")
    form = CodeForm(request.POST or None, backup_codes=True)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                return render(
                    request,
                    "security/notfallcode_benutzt.html",
                    {"left": left, "next": next_url},
                )
            return redirect(next_url)
        form.add_error(
            "code",
            _(
                "Der Code stimmt nicht. Nach mehreren falschen Codes müssen Sie jeweils "
                "etwas länger warten."
            ),
        )
    return render(
        request,
        "security/otp_pruefen.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def backup_codes(request):
    """The person's backup codes: how many are left, and new ones on request."""
    if not needs_second_factor(request.user):
        return redirect("konto:konto")
    if request.method == "POST":
        return _show_codes(request, new_backup_codes(request.user), reverse("konto:konto"))
    left = StaticToken.objects.filter(device__user=request.user).count()
    return render(request, "security/notfallcodes_verwalten.html", {"left": left})


@never_cache
@login_required
@require_POST
def replace_app(request):
    """A new phone: remove the authenticator app and set up the new one."""
    TOTPDevice.objects.filter(user=request.user).delete()
    return redirect(
        f"{reverse('security:otp_setup')}?{urlencode({'next': reverse('konto:konto')})}"
    )


class TrustedProxyMiddleware:
    """Take the visitor's address from the reverse proxy, when told to trust it.

    Behind nginx every request comes from the proxy, so rate limits, the login
    lockout and the audit log would treat all visitors as one. deploy/nginx.conf
    sets X-Real-IP to the connecting address (overwriting whatever a client
    sent); it is believed only with ZWK_TRUST_X_REAL_IP=1 and only when the
    request comes from an address in ZWK_TRUSTED_PROXIES.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.ZWK_TRUST_X_REAL_IP
            and request.META.get("REMOTE_ADDR") in settings.ZWK_TRUSTED_PROXIES
        ):
            real = request.META.get("HTTP_X_REAL_IP", "").strip()
            try:
                ipaddress.ip_address(real)
            except ValueError:
                pass
            else:
                request.META["REMOTE_ADDR"] = real
        return self.get_response(request)
