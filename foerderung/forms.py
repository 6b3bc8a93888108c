"""Forms of the Kleinprojektefonds, rendered with KERN classes and German messages."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zwk_portal.forms import KernMixin

from .models import Antrag, AntragstellerArt, Generation
from .validation import REQUIRED, iban_error, normalize_iban


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
            "beantragt": _("Betrag in Euro, z. B. 2500,00"),
        }

    def __init__(self, *args, aufruf=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.aufruf = aufruf
        if self.instance.pk:
            self.fields["datenschutz"].initial = bool(self.instance.datenschutz_version)
        for name in ("eigenmittel", "drittmittel", "beantragt"):
            self.fields[name].required = False
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})
            self.fields[name].localize = True
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
        for name in ("eigenmittel", "drittmittel", "beantragt"):
            if data.get(name) is None and name not in self.errors:
                data[name] = Decimal(0)
            elif data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("Bitte geben Sie keinen negativen Betrag an."))
        beginn, ende = data.get("beginn"), data.get("ende")
        if beginn and ende and beginn > ende:
            self.add_error("ende", _("Das Projektende liegt vor dem Projektbeginn."))
        return data


class KostenForm(KernMixin, forms.Form):
    bezeichnung = forms.CharField(label=_("Kostenart"), max_length=200, required=False)
    betrag = forms.DecimalField(
        label=_("Betrag in Euro"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

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


class UploadForm(KernMixin, forms.Form):
    datei = forms.FileField(
        label=_("Datei hinzufügen"),
        help_text=_("PDF, JPEG oder PNG, höchstens 10 MB je Datei, höchstens 10 Dateien."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )


class NotizForm(KernMixin, forms.Form):
    notiz = forms.CharField(
        label=_("Notiz"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class EntscheidungForm(KernMixin, forms.Form):
    entscheidung = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[("bewilligen", _("Bewilligen")), ("ablehnen", _("Ablehnen"))],
        widget=forms.RadioSelect,
    )
    betrag = forms.DecimalField(
        label=_("Bewilligter Betrag in Euro"),
        max_digits=10,
        decimal_places=2,
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    grund = forms.CharField(
        label=_("Begründung (bei Ablehnung Pflicht, steht im Bescheid)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


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
            self.fields[f"ist_{p.pk}"] = forms.DecimalField(
                label=_("%(name)s: tatsächliche Kosten in Euro") % {"name": p.bezeichnung},
                max_digits=10,
                decimal_places=2,
                min_value=0,
                required=False,
                localize=True,
                initial=p.ist,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )

    def ist(self) -> dict[int, Decimal]:
        return {
            p.pk: self.cleaned_data[f"ist_{p.pk}"]
            for p in self.positionen
            if self.cleaned_data.get(f"ist_{p.pk}") is not None
        }

    def ist_felder(self):
        return [(p, self[f"ist_{p.pk}"]) for p in self.positionen]
