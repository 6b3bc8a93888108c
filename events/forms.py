import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Teilnahmeoption
from .selectors import seats_left


class OptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RegistrationForm(forms.Form):
    """The public registration form. `website` is a honeypot that people never see."""

    option = OptionChoiceField(
        label=_("Wie nehmen Sie teil?"),
        queryset=Teilnahmeoption.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Bitte wählen Sie, wie Sie teilnehmen: online oder an einem Standort."),
            "invalid_choice": _("Bitte wählen Sie eine der angebotenen Teilnahmeoptionen."),
        },
    )
    name = forms.CharField(
        label=_("Vor- und Nachname"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie Ihren Namen an.")},
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_("An diese Adresse schicken wir den Link zur Bestätigung."),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de."),
        },
    )
    organisation = forms.CharField(
        label=_("Gemeinde oder Organisation (freiwillig)"), max_length=200, required=False
    )
    telefon = forms.CharField(label=_("Telefon (freiwillig)"), max_length=50, required=False)
    barrierefreiheit = forms.CharField(
        label=_("Brauchen Sie Unterstützung, um teilnehmen zu können? (freiwillig)"),
        help_text=_(
            "z. B. Rollstuhlplatz, Gebärdensprache, Höranlage. Wir löschen diese Angabe "
            "7 Tage nach der Veranstaltung."
        ),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    frage = forms.CharField(
        label=_("Ihre Frage oder Idee für den Abend (freiwillig)"),
        help_text=_("Wir zählen auf Ihre Erfahrungen und Ideen."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    warteliste = forms.BooleanField(
        label=_("Wenn keine Plätze mehr frei sind, setzen Sie mich auf die Warteliste."),
        required=False,
    )
    datenschutz = forms.BooleanField(
        label=_("Ich habe die Datenschutzhinweise gelesen und bin einverstanden."),
        error_messages={
            "required": _(
                "Bitte stimmen Sie den Datenschutzhinweisen zu, damit wir Sie anmelden können."
            )
        },
    )
    website = forms.CharField(label=_("Bitte leer lassen"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)
        self.fields["option"].queryset = Teilnahmeoption.objects.filter(
            pk__in=[o.pk for o in self.options]
        )
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
            if len(self.options) == 1:
                self.initial.setdefault("option", self.options[0].pk)

    def clean_option(self):
        # Choices come from the options already loaded for the page: no extra query.
        option = self.cleaned_data["option"]
        return next((o for o in self.options if o.pk == option.pk), option)

    def clean_submission_key(self):
        value = self.cleaned_data.get("submission_key", "")
        try:
            return uuid.UUID(value).hex if value else ""
        except ValueError:
            return ""

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def option_rows(self):
        """(option, seats left) for the template, from the options already loaded."""
        return [(o, seats_left(o)) for o in self.options]


class ChangeOptionForm(forms.Form):
    option = OptionChoiceField(
        label=_("Neue Teilnahmeoption"),
        queryset=Teilnahmeoption.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Bitte wählen Sie eine Teilnahmeoption.")},
    )

    def __init__(self, *args, anmeldung, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = anmeldung.veranstaltung.optionen.exclude(
            pk=anmeldung.option_id
        )


class MessageForm(forms.Form):
    option = forms.ModelChoiceField(
        label=_("An wen?"),
        queryset=Teilnahmeoption.objects.none(),
        required=False,
        empty_label=_("Alle angemeldeten Teilnehmenden"),
    )
    betreff = forms.CharField(
        label=_("Betreff"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie einen Betreff an.")},
    )
    text = forms.CharField(
        label=_("Nachricht"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Bitte schreiben Sie eine Nachricht.")},
    )

    def __init__(self, *args, veranstaltung, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].queryset = veranstaltung.optionen.all()
