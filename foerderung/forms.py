"""Forms of the Kleinprojektefonds, rendered with KERN classes and German messages."""

from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zwk_portal.forms import BetragField, KernMixin

from . import permissions
from .models import Antrag, AntragstellerArt, Entscheidung, Generation
from .validation import REQUIRED, iban_error, normalize_iban
from .workflow import Schritt


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


ANTRAG_FIELDS = [
    "organisation",
    "art",
    "rechtsform",
    "strasse",
    "plz",
    "ort",
    "gemeinde",
    "kontakt_name",
    "email",
    "telefon",
    "kontoinhaber",
    "iban",
    "title",
    "kurzbeschreibung",
    "description",
    "mehrwert",
    "zielgruppen",
    "generationen",
    "partner",
    "projektort",
    "beginn",
    "ende",
    "eigenmittel",
    "drittmittel",
    "beantragt",
    "erklaerung_nicht_begonnen",
    "erklaerung_richtig",
]
BETRAEGE = ("eigenmittel", "drittmittel", "beantragt")


class AntragForm(KernMixin, forms.ModelForm):
    """The application; a draft may be incomplete, only formats are checked here."""

    art = forms.ChoiceField(
        label=_("Art der Organisation"),
        choices=[("", _("Bitte wählen"))] + list(AntragstellerArt.choices),
        required=False,
    )
    generationen = forms.MultipleChoiceField(
        label=_("Erreichte Generationen"),
        choices=Generation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    datenschutz = forms.BooleanField(
        label=_(
            "Ich habe den Datenschutzhinweis gelesen und stimme der Verarbeitung meiner Angaben zu."
        ),
        required=False,
    )

    class Meta:
        model = Antrag
        fields = ANTRAG_FIELDS
        widgets = {
            "beginn": DateInput(),
            "ende": DateInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "mehrwert": forms.Textarea(attrs={"rows": 4}),
            "zielgruppen": forms.Textarea(attrs={"rows": 3}),
            "partner": forms.Textarea(attrs={"rows": 3}),
            "kurzbeschreibung": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }
        help_texts = {
            "iban": _(
                "z. B. DE89 3704 0044 0532 0130 00. Nur der Fachdienst sieht Ihre Bankverbindung."
            ),
            "mehrwert": _("Was ändert Ihr Projekt für das Zusammenleben der Generationen im Ort?"),
            "plz": _("Fünf Ziffern"),
            "beantragt": _("Betrag in Euro, z. B. 2.500,00"),
        }

    def __init__(self, *args, aufruf=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.aufruf = aufruf
        if self.instance.pk:
            self.fields["datenschutz"].initial = bool(self.instance.datenschutz_version)
        for name in BETRAEGE:  # typed the German way; a draft may leave them empty
            self.fields[name] = BetragField(
                label=self.fields[name].label,
                help_text=self.fields[name].help_text,
                min_value=0,
                required=False,
            )
        if aufruf:
            self.fields["beginn"].help_text = self.fields["ende"].help_text = _(
                "Innerhalb von %(von)s bis %(bis)s"
            ) % {
                "von": aufruf.umsetzung_von.strftime("%d.%m.%Y"),
                "bis": aufruf.umsetzung_bis.strftime("%d.%m.%Y"),
            }
        # Required to submit, though a draft may leave them empty: marked "(Pflichtfeld)" and
        # aria-required by KernMixin and templates/_field.html.
        for name in REQUIRED:
            if name in self.fields:
                self.fields[name].pflicht = True
        self.fields["datenschutz"].pflicht = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["telefon"].widget.attrs["autocomplete"] = "tel"
        self.fields["plz"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "postal-code"}
        )

    def clean_iban(self):
        value = normalize_iban(self.cleaned_data["iban"])
        if value and (message := iban_error(value)):
            raise forms.ValidationError(message)
        return value

    def clean_plz(self):
        value = self.cleaned_data["plz"].strip()
        if value and not (value.isdigit() and len(value) == 5):
            raise forms.ValidationError(_("Die Postleitzahl hat fünf Ziffern."))
        return value

    def clean(self):
        data = super().clean()
        for name in BETRAEGE:
            if data.get(name) is None and name not in self.errors:
                data[name] = Decimal(0)
        beginn, ende = data.get("beginn"), data.get("ende")
        if beginn and ende and beginn > ende:
            self.add_error("ende", _("Das Projektende liegt vor dem Projektbeginn."))
        return data

    def draft_data(self) -> dict:
        """The fields that passed their checks, to save in the draft while others did not.

        A valid date is kept back when, with the other date as stored, the project would end
        before it begins (the database refuses that); it is marked and saved with the other.
        """
        data = {
            name: self.cleaned_data[name] for name in ANTRAG_FIELDS if name in self.cleaned_data
        }
        beginn = data.get("beginn", self.initial.get("beginn"))
        ende = data.get("ende", self.initial.get("ende"))
        if beginn and ende and beginn > ende:
            for name, other in (("beginn", "ende"), ("ende", "beginn")):
                if name in data:
                    del data[name]
                    self.add_error(
                        name,
                        _("Wird gespeichert, sobald auch „%(feld)s“ stimmt.")
                        % {"feld": self.fields[other].label},
                    )
        return data


class KostenForm(KernMixin, forms.Form):
    bezeichnung = forms.CharField(label=_("Kostenart"), max_length=200, required=False)
    betrag = BetragField(label=_("Betrag in Euro"), min_value=Decimal("0.01"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("bezeichnung") and data.get("betrag") is None and "betrag" not in self.errors:
            self.add_error("betrag", _("Bitte geben Sie den Betrag an."))
        if data.get("betrag") is not None and not data.get("bezeichnung"):
            self.add_error("bezeichnung", _("Bitte benennen Sie die Kostenart."))
        return data


KostenFormSet = forms.formset_factory(KostenForm, extra=0, max_num=30, validate_max=True)


def kosten_formset(data=None, antrag=None):
    initial = (
        [{"bezeichnung": k.bezeichnung, "betrag": k.betrag} for k in antrag.kosten.all()]
        if antrag
        else []
    )
    formset = KostenFormSet(data, initial=initial, prefix="kosten")
    if data is None:
        formset.extra = max(3, 6 - len(initial))
    return formset


def kosten_from(formset) -> list[tuple[str, Decimal]]:
    return [
        (f.cleaned_data["bezeichnung"], f.cleaned_data["betrag"])
        for f in formset.forms
        if f.cleaned_data.get("bezeichnung") and f.cleaned_data.get("betrag") is not None
    ]


def kosten_for_draft(formset, stored: list[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """The cost plan to save with a draft when some lines may be wrong.

    Every line typed correctly is saved; a wrong line keeps the line stored at its place, if
    there is one (the form shows the stored lines first, in order). When the list itself is
    refused (too many lines, a tampered management form), the stored plan stays as it is.
    """
    if formset.is_valid():
        return kosten_from(formset)
    if formset.non_form_errors():
        return stored
    lines = []
    for i, f in enumerate(formset.forms):
        if f.errors:
            lines.extend(stored[i : i + 1])
        elif f.cleaned_data.get("bezeichnung") and f.cleaned_data.get("betrag") is not None:
            lines.append((f.cleaned_data["bezeichnung"], f.cleaned_data["betrag"]))
    return lines


def kosten_errors(formset) -> list[str]:
    """The parts of the cost plan that were not saved, named for a message: "Kostenplan, Zeile 2"."""
    if formset.non_form_errors():
        return [str(_("Kostenplan"))]
    return [
        str(_("Kostenplan, Zeile %(zeile)s") % {"zeile": i})
        for i, f in enumerate(formset.forms, start=1)
        if f.errors
    ]


class UploadForm(KernMixin, forms.Form):
    datei = forms.FileField(
        label=_("Datei hinzufügen"),
        help_text=_("PDF, JPEG oder PNG, höchstens 10 MB je Datei, höchstens 10 Dateien."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )


FIELD_LABELS = {
    "nachricht": _("Nachricht an die Antragstellerin / den Antragsteller"),
    "vermerk": _("Interner Vermerk"),
    "entscheidung": _("Entscheidung"),
    "betrag": _("Bewilligter Betrag bei Teilbewilligung, in Euro"),
    "begruendung": _("Begründung (steht im Bescheid; Pflicht bei Teilbewilligung und Ablehnung)"),
    "eingegangen_am": _("Widerspruch eingegangen am"),
    "inhalt": _("Was bringt der Widerspruch vor?"),
}


REQUIRED_MESSAGES = {
    "nachricht": _("Bitte schreiben Sie die Nachricht an die Antragstellerin / den Antragsteller."),
    "vermerk": _("Bitte schreiben Sie den Grund in den Vermerk."),
    "entscheidung": _("Bitte wählen Sie die Entscheidung."),
    "betrag": _("Bitte geben Sie den bewilligten Betrag an."),
    "begruendung": _("Bitte geben Sie die Gründe an; sie stehen im Bescheid."),
    "eingegangen_am": _("Bitte geben Sie den Tag an, an dem der Widerspruch einging."),
    "inhalt": _("Bitte geben Sie an, was der Widerspruch vorbringt."),
}


class SchrittForm(KernMixin, forms.Form):
    """The form of one step of the procedure, with the fields the table gives it.

    Prefixed with the step's name, so several steps sit on one page with unique ids.
    """

    def __init__(self, schritt: Schritt, *args, **kwargs):
        super().__init__(*args, prefix=schritt.name, **kwargs)
        self.schritt = schritt
        for name in schritt.felder:
            field = self._field(name, schritt)
            field.label = schritt.labels.get(name, FIELD_LABELS[name])
            field.required = name in schritt.pflicht
            field.error_messages["required"] = REQUIRED_MESSAGES[name]
            self.fields[name] = field

    @staticmethod
    def _field(name: str, schritt: Schritt) -> forms.Field:
        if name == "nachricht":
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000,
                help_text=_("Wird per E-Mail geschickt und steht im Verlauf des Antrags.")
                if schritt.mail
                else _("Steht im Verlauf des Antrags."),
            )
        if name == "vermerk":
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
                help_text=_("Nur für Fachdienst und Jury. Wird nie verschickt."),
            )
        if name == "entscheidung":
            return forms.ChoiceField(choices=Entscheidung.choices, widget=forms.RadioSelect)
        if name == "betrag":
            return BetragField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
        if name == "begruendung":
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
        if name == "eingegangen_am":
            return forms.DateField(widget=DateInput())
        if name == "inhalt":
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
        raise KeyError(name)


def step_forms(user, antrag, rolle: str, bound=None) -> list[dict]:
    """The buttons of `rolle`'s page: each step `user` may take now as `rolle`, with its
    form (or the link to its own page). `bound`: a form that came back with errors."""
    forms_ = []
    for schritt in permissions.steps(user, antrag):
        if rolle not in schritt.wer:
            continue
        form = None
        if not schritt.seite:
            form = bound if bound is not None and bound.schritt == schritt else SchrittForm(schritt)
        forms_.append(
            {
                "schritt": schritt,
                "form": form,
                "url": reverse(schritt.seite, kwargs={"pk": antrag.pk})
                if schritt.seite
                else reverse("foerderung:schritt", kwargs={"pk": antrag.pk, "name": schritt.name}),
            }
        )
    return forms_


class BewertungForm(KernMixin, forms.Form):
    def __init__(self, *args, kriterien, bewertungen=None, **kwargs):
        super().__init__(*args, **kwargs)
        bewertungen = bewertungen or {}
        self.kriterien = kriterien
        for k in kriterien:
            alt = bewertungen.get(k.pk)
            self.fields[f"punkte_{k.pk}"] = forms.IntegerField(
                label=_("%(name)s: Punkte (0–10, Gewicht %(g)s)")
                % {"name": k.name, "g": k.gewicht},
                min_value=0,
                max_value=10,
                initial=alt.punkte if alt else None,
                help_text=k.description,
            )
            self.fields[f"kommentar_{k.pk}"] = forms.CharField(
                label=_("Kommentar zu „%(name)s“") % {"name": k.name},
                required=False,
                initial=alt.kommentar if alt else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def punkte(self) -> dict[int, tuple[int, str]]:
        return {
            k.pk: (
                self.cleaned_data[f"punkte_{k.pk}"],
                self.cleaned_data.get(f"kommentar_{k.pk}", ""),
            )
            for k in self.kriterien
        }

    def paare(self):
        return [(self[f"punkte_{k.pk}"], self[f"kommentar_{k.pk}"]) for k in self.kriterien]


class NachweisForm(KernMixin, forms.Form):
    sachbericht = forms.CharField(
        label=_("Sachbericht: Was wurde gemacht, wer hat teilgenommen, was hat es bewirkt?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )

    def __init__(self, *args, positionen, **kwargs):
        super().__init__(*args, **kwargs)
        self.positionen = positionen
        for p in positionen:
            self.fields[f"ist_{p.pk}"] = BetragField(
                label=_("%(name)s: tatsächliche Kosten in Euro") % {"name": p.bezeichnung},
                min_value=0,
                required=False,
                initial=p.ist,
            )

    def ist(self) -> dict[int, Decimal]:
        return {
            p.pk: self.cleaned_data[f"ist_{p.pk}"]
            for p in self.positionen
            if self.cleaned_data.get(f"ist_{p.pk}") is not None
        }

    def ist_felder(self):
        return [(p, self[f"ist_{p.pk}"]) for p in self.positionen]
