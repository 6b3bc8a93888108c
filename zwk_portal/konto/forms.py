from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

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
