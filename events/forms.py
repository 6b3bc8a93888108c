from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from zwk_portal.forms import KernMixin, SubmissionKeyForm

from .models import Anmeldung, Teilnahmeoption
from .selectors import seats_left


class OptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class LoadedOptionField(forms.ChoiceField):
    """A choice among Teilnahmeoptionen already loaded (`options`): checking the answer
    asks the database nothing. The cleaned value is the option itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = []

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = next((o for o in self.options if str(o.pk) == str(value)), None)
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found

    def validate(self, value):
        forms.Field.validate(self, value)  # required; the choice itself was checked above


class OptionSelect(forms.RadioSelect):
    """Radio buttons whose choices may each have a hint (`hints`: value -> text), such as the
    seats left of a Teilnahmeoption; templates/_field.html shows it under the choice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hints = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        hint = self.hints.get(str(value))
        if hint and option["attrs"].get("id"):
            option["hint"] = hint
            describedby = option["attrs"].get("aria-describedby", "")
            hint_id = f"{option['attrs']['id']}-hint"
            option["attrs"]["aria-describedby"] = f"{describedby} {hint_id}".strip()
        return option


def _seats_hint(left: int | None) -> str:
    if left is None:
        return gettext("online, Plätze frei")
    if left == 0:
        return gettext("ausgebucht – nur Warteliste")
    return ngettext("noch %(counter)s Platz frei", "noch %(counter)s Plätze frei", left) % {
        "counter": left
    }


class RegistrationForm(KernMixin, SubmissionKeyForm):
    """The public registration form. `website` is a honeypot that people never see."""

    option = LoadedOptionField(
        label=_("Wie nehmen Sie teil?"),
        widget=OptionSelect,
        error_messages={
            "required": _("Bitte wählen Sie, wie Sie teilnehmen: online oder an einem Standort."),
            "invalid_choice": _("Bitte wählen Sie eine der angebotenen Teilnahmeoptionen."),
        },
    )
    name = forms.CharField(
        label=_("Vor- und Nachname"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Bitte geben Sie Ihren Namen an.")},
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("An diese Adresse schicken wir den Link zur Bestätigung."),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de."),
        },
    )
    organisation = forms.CharField(
        label=_("Gemeinde oder Organisation (freiwillig)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    telefon = forms.CharField(
        label=_("Telefon (freiwillig)"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
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
    idee_oeffentlich = forms.BooleanField(
        label=_(
            "Meine Frage oder Idee darf ohne meinen Namen im Rückblick auf die "
            "Veranstaltung veröffentlicht werden. (freiwillig)"
        ),
        help_text=_(
            "Sie können das jederzeit auf der Seite Ihrer Anmeldung widerrufen; die Idee "
            "verschwindet dann aus dem Rückblick."
        ),
        required=False,
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

    def __init__(self, *args, options=(), privacy_url="", with_seats=True, **kwargs):
        """`options` as loaded for the page; with their seat counts
        (selectors.options_with_counts) unless `with_seats` is False, as for a POST that
        only needs to know which option was chosen."""
        super().__init__(*args, **kwargs)
        self.options = list(options)
        option = self.fields["option"]
        option.options = self.options
        option.choices = [(o.pk, o.name) for o in self.options]
        if with_seats:
            option.widget.hints = {str(o.pk): _seats_hint(left) for o, left in self.option_rows()}
        if privacy_url:
            self.fields["datenschutz"].help_text = format_html(
                '<a class="kern-link" href="{}" target="_blank" rel="noopener">{}</a>',
                privacy_url,
                gettext("Datenschutzhinweise lesen (öffnet in neuem Fenster)"),
            )
        if not self.is_bound and len(self.options) == 1:
            self.initial.setdefault("option", self.options[0].pk)

    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def option_rows(self):
        """(option, seats left) for the template, from the options already loaded."""
        return [(o, seats_left(o)) for o in self.options]


class ChangeOptionForm(KernMixin, forms.Form):
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


class RenewForm(KernMixin, forms.Form):
    """A new confirmation link after the 48 hours (services.renew_confirmation)."""

    aktion = forms.CharField(widget=forms.HiddenInput, initial="neuer-link")
    warteliste = forms.BooleanField(
        label=_("Wenn keine Plätze mehr frei sind, setzen Sie mich auf die Warteliste."),
        required=False,
    )

    def __init__(self, *args, anmeldung=None, **kwargs):
        super().__init__(*args, **kwargs)
        if anmeldung is not None and anmeldung.status == anmeldung.Status.WARTELISTE:
            self.initial.setdefault("warteliste", True)


class MessageForm(KernMixin, forms.Form):
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


ANSCHRIFT_LINES = 5  # with the name, the six lines of a window envelope's address zone


class StaffRegistrationForm(KernMixin, SubmissionKeyForm):
    """A registration the coordination takes on the phone (services.register with
    kanal="telefon"). The caller may have no e-mail address: then the confirmation goes
    by letter, and a phone number is needed to reach them when anything changes."""

    option = LoadedOptionField(
        label=_("Teilnahmeoption"),
        widget=OptionSelect,
        error_messages={
            "required": _("Bitte wählen Sie, wie die Person teilnimmt."),
            "invalid_choice": _("Bitte wählen Sie eine der angebotenen Teilnahmeoptionen."),
        },
    )
    name = forms.CharField(
        label=_("Vor- und Nachname"),
        max_length=200,
        error_messages={"required": _("Bitte geben Sie den Namen der anrufenden Person an.")},
    )
    telefon = forms.CharField(
        label=_("Telefonnummer"),
        max_length=50,
        required=False,
        help_text=_("Für Rückfragen und Änderungen; nötig, wenn die Person keine E-Mail hat."),
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse (freiwillig)"),
        max_length=254,
        required=False,
        help_text=_("Bitte buchstabieren lassen und zur Kontrolle vorlesen."),
        error_messages={
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de."),
        },
    )
    organisation = forms.CharField(
        label=_("Gemeinde oder Organisation (freiwillig)"), max_length=200, required=False
    )
    bestaetigung = forms.ChoiceField(
        label=_("Bestätigung"),
        choices=Anmeldung.Bestaetigung.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Bitte wählen Sie, wie die Bestätigung zugeht.")},
    )
    anschrift = forms.CharField(
        label=_("Postanschrift"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Straße und Hausnummer, Postleitzahl und Ort; nötig für den Brief."),
    )
    barrierefreiheit = forms.CharField(
        label=_("Unterstützungsbedarf (freiwillig)"),
        help_text=_(
            "z. B. Rollstuhlplatz, Gebärdensprache, Höranlage. Die Angabe wird 7 Tage nach "
            "der Veranstaltung gelöscht."
        ),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    warteliste = forms.BooleanField(
        label=_("Wenn keine Plätze mehr frei sind: auf die Warteliste."), required=False
    )
    datenschutz = forms.BooleanField(
        label=_(
            "Die anrufende Person ist mit der Speicherung einverstanden "
            "(Datenschutzhinweise vorgelesen)"
        ),
        error_messages={
            "required": _(
                "Ohne Einverständnis mit der Speicherung können wir die Person nicht anmelden."
            )
        },
    )

    def __init__(self, *args, options=(), privacy_url="", **kwargs):
        """`options` with their seat counts (selectors.options_with_counts)."""
        super().__init__(*args, **kwargs)
        self.options = list(options)
        option = self.fields["option"]
        option.options = self.options
        option.choices = [(o.pk, o.name) for o in self.options]
        option.widget.hints = {str(o.pk): _seats_hint(seats_left(o)) for o in self.options}
        if privacy_url:
            self.fields["datenschutz"].help_text = format_html(
                '<a class="kern-link" href="{}" target="_blank" rel="noopener">{}</a>',
                privacy_url,
                gettext("Datenschutzhinweise zum Vorlesen (öffnet in neuem Fenster)"),
            )
        if not self.is_bound and len(self.options) == 1:
            self.initial.setdefault("option", self.options[0].pk)

    def clean_anschrift(self):
        lines = [line.strip() for line in self.cleaned_data["anschrift"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > ANSCHRIFT_LINES:
            raise ValidationError(
                _("Die Anschrift darf höchstens %(count)d Zeilen haben (Anschriftfeld des Briefs).")
                % {"count": ANSCHRIFT_LINES}
            )
        return "\n".join(lines)

    def clean(self):
        data = super().clean()
        email, telefon = data.get("email"), data.get("telefon", "")
        option = data.get("option")
        by_letter = data.get("bestaetigung") == Anmeldung.Bestaetigung.BRIEF
        if by_letter and "anschrift" in data and not data["anschrift"]:
            self.add_error(
                "anschrift", _("Für eine Bestätigung per Brief brauchen wir die Postanschrift.")
            )
        if "email" not in data or email:  # an invalid address has its error already
            return data
        if data.get("bestaetigung") == Anmeldung.Bestaetigung.EMAIL:
            self.add_error(
                "email", _("Für eine Bestätigung per E-Mail brauchen wir die E-Mail-Adresse.")
            )
        elif option is not None and option.is_online:
            self.add_error(
                "email",
                _(
                    "Für die Online-Teilnahme brauchen wir eine E-Mail-Adresse: der Zugangslink "
                    "kommt per E-Mail."
                ),
            )
        if not telefon:
            self.add_error(
                "telefon",
                _(
                    "Ohne E-Mail-Adresse brauchen wir eine Telefonnummer, um die Person zu erreichen."
                ),
            )
        return data
