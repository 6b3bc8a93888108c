from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zwk_portal import mail
from zwk_portal.forms import KernMixin


class LoginForm(KernMixin, AuthenticationForm):
    pass


class LinkForm(KernMixin, forms.Form):
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NewPasswordForm(KernMixin, SetPasswordForm):
    """First password of an invited account (it has none yet)."""


class ChangePasswordForm(KernMixin, PasswordChangeForm):
    pass


class ResetPasswordForm(PasswordResetForm):
    """ "Passwort vergessen" of staff and jury: the link goes out through the outbox.

    So it waits and is sent later when the mail server is down, like every other mail.
    The link starts with SITE_URL, never with the Host the request named: a forged Host
    header cannot make the mail point at someone else's server.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        mail.send(
            "konto_passwort_zuruecksetzen",
            to=[to_email],
            context={
                "user": context["user"],
                "link": settings.SITE_URL + path,
                "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
            },
        )
