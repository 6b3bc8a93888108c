from django import forms
from django.utils.translation import gettext_lazy as _

from zwk_portal.forms import KernMixin


class BarriereForm(KernMixin, forms.Form):
    """Report a barrier. `website` is a honeypot that people never see."""

    seite = forms.CharField(
        label=_("Auf welcher Seite ist die Barriere? (freiwillig)"),
        help_text=_("Die Adresse der Seite, von der Sie kommen, ist schon eingetragen."),
        max_length=500,
        required=False,
    )
    description = forms.CharField(
        label=_("Was ist das Problem?"),
        help_text=_(
            "Beschreiben Sie bitte, was nicht funktioniert und womit Sie die Seite nutzen, "
            "z. B. mit einem Screenreader oder einer Vergrößerung."
        ),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Bitte beschreiben Sie die Barriere.")},
    )
    name = forms.CharField(
        label=_("Ihr Name (freiwillig)"),
        help_text=_("Damit wir Sie in einer Antwort mit Namen ansprechen können."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse (freiwillig)"),
        help_text=_(
            "Nur wenn Sie eine Antwort wünschen oder wir nachfragen dürfen. "
            "Ohne Adresse können wir Ihnen nicht antworten."
        ),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.")
        },
    )
    website = forms.CharField(label=_("Bitte leer lassen"), required=False)

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())


class DatenauskunftForm(forms.Form):
    """The person asking: an e-mail address, or name and phone number together (a number
    alone may be a household's)."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse der betroffenen Person"), max_length=254, required=False
    )
    name = forms.CharField(
        label=_("Name, wie bei der Anmeldung angegeben"), max_length=200, required=False
    )
    telefon = forms.CharField(label=_("Telefonnummer"), max_length=50, required=False)
    bestaetigt = forms.BooleanField(
        label=_("Ja, die Daten zu dieser Person jetzt löschen."), required=False
    )

    def clean(self):
        data = super().clean()
        email, name, telefon = (data.get(k, "").strip() for k in ("email", "name", "telefon"))
        if self.errors:
            return data
        if email and (name or telefon):
            raise forms.ValidationError(
                _("Bitte geben Sie entweder die E-Mail-Adresse oder Name und Telefonnummer an.")
            )
        if not email and not (name and sum(c.isdigit() for c in telefon) >= 3):
            raise forms.ValidationError(
                _(
                    "Bitte geben Sie die E-Mail-Adresse der Person an, oder, wenn sie keine "
                    "hat, ihren Namen und ihre Telefonnummer."
                )
            )
        return data
