"""Forms of the Kleinprojektefonds, rendered with KERN classes and German messages."""

import datetime
from decimal import Decimal

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zwk_portal.forms import BetragField, KernMixin, SubmissionKeyForm
from zwk_portal.templatetags.zwk import euro

from . import permissions, selectors
from .models import Anhang, Antrag, AntragstellerArt, Entscheidung, Generation
from .validation import MAX_FILES, REQUIRED, iban_error, normalize_iban, upload_error
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


def kosten_formset(data=None, antrag=None, *, zeilen: int | None = None):
    """The cost plan's lines: those of `antrag`, then empty ones (`zeilen` of them, else
    enough for six lines, at least three)."""
    initial = (
        [{"bezeichnung": k.bezeichnung, "betrag": k.betrag} for k in antrag.kosten.all()]
        if antrag
        else []
    )
    formset = KostenFormSet(data, initial=initial, prefix="kosten")
    if data is None:
        formset.extra = zeilen if zeilen is not None else max(3, 6 - len(initial))
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


# ---- An application that came on paper or by e-mail, typed in by the Fachdienst ------------

DATEITYPEN = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MehrereDateienInput(forms.FileInput):
    allow_multiple_selected = True


class DateienField(forms.FileField):
    """One or more files, each checked as every upload of an application is
    (validation.upload_error: size, and the type read from the content)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MehrereDateienInput(attrs={"accept": DATEITYPEN}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Sie können höchstens %(n)s Dateien hochladen.") % {"n": MAX_FILES}
            )
        errors = []
        for upload in files:
            upload.seek(0)
            head = upload.read(16)
            upload.seek(0)
            name = (upload.name or "datei").replace("/", "_")[-150:]
            if message := upload_error(name, upload.size, head):
                errors.append(message)
        if errors:
            raise forms.ValidationError(errors)
        return files


class EmailNachtragenForm(KernMixin, forms.Form):
    """The address of a paper applicant, given later (foerderung.services.add_applicant_email)."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse der Antragstellerin / des Antragstellers"),
        max_length=254,
        error_messages={
            "required": _("Bitte geben Sie die E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de."),
        },
    )
    einverstanden = forms.BooleanField(
        label=_(
            "Die Antragstellerin / der Antragsteller ist einverstanden, Nachrichten und Bescheide "
            "zu diesem Antrag per E-Mail zu erhalten."
        ),
        error_messages={
            "required": _("Ohne dieses Einverständnis gehen Bescheide weiter per Post.")
        },
    )


class PapierantragForm(AntragForm, SubmissionKeyForm):
    """The online form (AntragForm: the same fields, labels and checks) as the Fachdienst
    types in an application that came on paper or by e-mail (services.enter_paper_antrag):
    besides, the day it arrived, the way it came and the original as scanned. The applicant's
    e-mail address is optional here: without one, the receipt goes by letter."""

    kanal = forms.ChoiceField(
        label=_("Eingegangen"),
        choices=[
            (Antrag.Kanal.PAPIER, _("auf Papier (per Post oder abgegeben)")),
            (Antrag.Kanal.EMAIL, _("per E-Mail (als Anhang)")),
        ],
        initial=Antrag.Kanal.PAPIER,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Bitte wählen Sie, wie der Antrag eingegangen ist."),
            "invalid_choice": _("Bitte wählen Sie, wie der Antrag eingegangen ist."),
        },
    )
    eingegangen_am = forms.DateField(
        label=_("Eingegangen am"),
        help_text=_(
            "Der Tag des Eingangsstempels (TT.MM.JJJJ, z. B. 12.06.2022), nicht der Tag, an "
            "dem Sie den Antrag erfassen. Er entscheidet, ob die Einreichungsfrist gewahrt ist."
        ),
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Bitte geben Sie den Tag an, an dem der Antrag eingegangen ist."),
            "invalid": _("Bitte geben Sie das Datum als TT.MM.JJJJ an, z. B. 12.06.2022."),
        },
    )
    datei = DateienField(
        label=_("Original des Antrags (Scan)"),
        help_text=_(
            "Der unterschriebene Antrag mit seinen Anlagen, gescannt: PDF, JPEG oder PNG, "
            "höchstens 10 MB je Datei, höchstens 10 Dateien (z. B. ein Foto je Seite)."
        ),
        error_messages={
            "required": _("Bitte fügen Sie das Original des Antrags als Scan bei."),
        },
    )

    # The receipt first, as on the page: the error summary follows this order.
    field_order = ["kanal", "eingegangen_am", "datei", *ANTRAG_FIELDS, "datenschutz"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.pflicht = False
        email.label = _("E-Mail (freiwillig)")
        email.help_text = _(
            "Mit Adresse erhält die Antragstellerin / der Antragsteller die Eingangsbestätigung "
            "per E-Mail und kann den Antrag im Portal verfolgen (Anmeldung per Anmeldelink). "
            "Ohne Adresse drucken Sie die Eingangsbestätigung als Brief."
        )
        self.fields["iban"].help_text = _("z. B. DE89 3704 0044 0532 0130 00")
        self.fields["datenschutz"].label = _(
            "Auf dem Formular angekreuzt: Datenschutzhinweis gelesen und zugestimmt"
        )

    def antrag_data(self) -> dict:
        """The application's fields for services.enter_paper_antrag."""
        return {name: self.cleaned_data[name] for name in ANTRAG_FIELDS}


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
    "frist": _("Frist für die Antwort"),
    "datum": _("Datum"),
    "kassenzeichen": _("Kassenzeichen"),
}


REQUIRED_MESSAGES = {
    "nachricht": _("Bitte schreiben Sie die Nachricht an die Antragstellerin / den Antragsteller."),
    "vermerk": _("Bitte schreiben Sie den Grund in den Vermerk."),
    "entscheidung": _("Bitte wählen Sie die Entscheidung."),
    "betrag": _("Bitte geben Sie den bewilligten Betrag an."),
    "begruendung": _("Bitte geben Sie die Gründe an; sie stehen im Bescheid."),
    "eingegangen_am": _("Bitte geben Sie den Tag an, an dem der Widerspruch einging."),
    "inhalt": _("Bitte geben Sie an, was der Widerspruch vorbringt."),
    "frist": _("Bitte geben Sie eine Frist an."),
    "datum": _("Bitte geben Sie den Tag an."),
    "kassenzeichen": _("Bitte geben Sie das Kassenzeichen an."),
}


class SchrittForm(KernMixin, forms.Form):
    """The form of one step of the procedure, with the fields the table gives it.

    Prefixed with the step's name, so several steps sit on one page with unique ids.
    """

    stand = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Das Formular ist unvollständig. Bitte laden Sie die Seite neu."),
            "invalid": _("Das Formular ist unvollständig. Bitte laden Sie die Seite neu."),
        },
    )

    def __init__(self, schritt: Schritt, *args, per_post: bool = False, **kwargs):
        """`per_post`: the applicant has no e-mail address (a paper application), so what
        the step would mail goes by post."""
        super().__init__(*args, prefix=schritt.name, **kwargs)
        self.schritt = schritt
        for name in schritt.felder:
            field = self._field(name, schritt, per_post)
            field.label = schritt.labels.get(name, FIELD_LABELS[name])
            field.required = name in schritt.pflicht
            field.error_messages["required"] = REQUIRED_MESSAGES[name]
            self.fields[name] = field

    @staticmethod
    def _field(name: str, schritt: Schritt, per_post: bool = False) -> forms.Field:
        if name == "nachricht":
            if schritt.mail and per_post:
                help_text = _(
                    "Keine E-Mail-Adresse angegeben: Bitte schicken Sie die Nachricht per Post. "
                    "Sie steht im Verlauf des Antrags."
                )
            elif schritt.mail:
                help_text = _("Wird per E-Mail geschickt und steht im Verlauf des Antrags.")
            else:
                help_text = _("Steht im Verlauf des Antrags.")
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, help_text=help_text
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
        if name in ("frist", "datum"):
            return forms.DateField(widget=DateInput())
        if name == "kassenzeichen":
            return forms.CharField(max_length=40)
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
            if bound is not None and bound.schritt == schritt:
                form = bound
            else:
                initial = schritt.vorschlag(antrag) if schritt.vorschlag else {}
                initial["stand"] = selectors.stand(antrag)
                form = SchrittForm(schritt, initial=initial, per_post=not antrag.email)
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


# ---- Verwendungsnachweis ------------------------------------------------------------------

MAX_BELEGE = 200  # lines of one Belegliste
FRUEHESTES_DATUM = datetime.date(2000, 1, 1)
BELEG_DATEITYPEN = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class NachweisForm(KernMixin, forms.Form):
    """The report's text and income side. A draft may leave them empty; only formats are
    checked here, completeness by services.nachweis_errors on submitting."""

    sachbericht = forms.CharField(
        label=_("Sachbericht"),
        help_text=_(
            "Was wurde gemacht, wer hat teilgenommen, was hat es bewirkt? Weicht etwas vom "
            "Antrag ab, schreiben Sie bitte auch, warum."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        required=False,
    )
    eigenmittel_ist = BetragField(
        label=_("Eigenmittel, tatsächlich eingesetzt, in Euro"), min_value=0, required=False
    )
    drittmittel_ist = BetragField(
        label=_("Drittmittel, tatsächlich erhalten, in Euro"), min_value=0, required=False
    )
    einnahmen_ist = BetragField(
        label=_("Sonstige Einnahmen des Projekts, in Euro"),
        help_text=_(
            "z. B. Eintritt, Teilnahmebeiträge, Spenden für das Projekt. Bitte 0 eintragen, "
            "wenn es keine gab."
        ),
        min_value=0,
        required=False,
    )

    def __init__(self, *args, antrag, **kwargs):
        super().__init__(*args, **kwargs)
        for name, geplant in (
            ("eigenmittel_ist", antrag.eigenmittel),
            ("drittmittel_ist", antrag.drittmittel),
        ):
            self.fields[name].help_text = _(
                "Laut Finanzierungsplan: %(betrag)s. Bitte 0 eintragen, wenn es keine gab."
            ) % {"betrag": euro(geplant)}
        for field in self.fields.values():
            field.pflicht = True  # needed to submit, though a draft may stay empty

    def draft_data(self) -> dict:
        """The fields that passed their checks, to save while others did not."""
        return {name: value for name, value in self.cleaned_data.items() if name in self.fields}


BELEG_PFLICHT = {
    "datum": _("Bitte geben Sie das Datum der Zahlung an."),
    "empfaenger": _("Bitte geben Sie an, an wen Sie gezahlt haben."),
    "zweck": _("Bitte geben Sie den Zweck der Zahlung an."),
    "kostenposition": _("Bitte wählen Sie die Kostenart."),
    "betrag": _("Bitte geben Sie den Betrag an."),
}


class BelegForm(KernMixin, forms.Form):
    """One line of the Belegliste.

    A line left empty is ignored; a line with anything in it needs date, payee, purpose,
    cost line and amount. Its file is optional: one of the application's receipt files
    already uploaded (`anhang`, a choice, so another application's file cannot be named),
    or a new one (`datei`, stored by the view). `nr`: the line's place in the stored list,
    so that a line typed wrong keeps its stored version."""

    datum = forms.DateField(label=_("Datum der Zahlung"), widget=DateInput(), required=False)
    empfaenger = forms.CharField(label=_("Zahlungsempfänger"), max_length=200, required=False)
    zweck = forms.CharField(label=_("Zweck"), max_length=300, required=False)
    kostenposition = forms.ChoiceField(
        label=_("Kostenart laut Finanzierungsplan"),
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Kostenart aus der Liste.")},
    )
    betrag = BetragField(label=_("Betrag in Euro"), min_value=Decimal("0.01"), required=False)
    anhang = forms.ChoiceField(
        label=_("Datei des Belegs"),
        required=False,
        error_messages={
            "invalid_choice": _("Bitte wählen Sie eine Datei dieses Verwendungsnachweises.")
        },
    )
    datei = forms.FileField(
        label=_("Neue Datei zu diesem Beleg hochladen"),
        help_text=_("PDF, JPEG oder PNG, höchstens 10 MB."),
        required=False,
        widget=forms.FileInput(attrs={"accept": BELEG_DATEITYPEN}),
    )
    entfernen = forms.BooleanField(label=_("Diese Zeile beim Speichern entfernen"), required=False)
    nr = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, positionen, dateien, **kwargs):
        super().__init__(*args, **kwargs)
        # Every line is checked, also one the formset thinks unchanged: `clean` knows an
        # empty line, and a stored line posted again is saved again.
        self.empty_permitted = False
        self.positionen = {str(p.pk): p for p in positionen}
        self.fields["kostenposition"].choices = [("", _("Bitte wählen"))] + [
            (pk, p.bezeichnung) for pk, p in self.positionen.items()
        ]
        self.set_dateien(dateien)

    def set_dateien(self, dateien) -> None:
        """The receipt files a line may point at (again after the view stored new ones)."""
        self.dateien = {str(a.pk): a for a in dateien}
        self.fields["anhang"].choices = [("", _("keine Datei"))] + [
            (pk, a.name) for pk, a in self.dateien.items()
        ]

    def _raw(self, name: str):
        field = self.fields[name]
        return field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))

    @property
    def entfernt(self) -> bool:
        return self.is_bound and bool(self._raw("entfernen"))

    @property
    def leer(self) -> bool:
        """Nothing typed, chosen or uploaded on this line (as posted)."""
        if not self.is_bound:
            return not self.initial
        typed = (self._raw(name) for name in (*BELEG_PFLICHT, "anhang"))
        return not any(str(value or "").strip() for value in typed) and not self._raw("datei")

    @property
    def zaehlt(self) -> bool:
        """A line to store as typed: filled in, not removed, no errors."""
        return self.is_bound and not (self.leer or self.entfernt or self.errors)

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        if datum and datum > timezone.localdate():
            raise forms.ValidationError(
                _("Das Datum liegt in der Zukunft. Bitte geben Sie den Tag der Zahlung an.")
            )
        if datum and datum < FRUEHESTES_DATUM:
            raise forms.ValidationError(
                _("Bitte prüfen Sie das Datum: Es liegt vor dem Jahr 2000.")
            )
        return datum

    def clean(self):
        data = super().clean()
        if self.leer or self.entfernt:
            return data
        for name, message in BELEG_PFLICHT.items():
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        return data

    def full_clean(self):
        super().full_clean()
        if self.entfernt:  # a line to remove has nothing left to correct
            self._errors = forms.utils.ErrorDict()
            self._kern()

    def beleg(self, anhang=None) -> dict:
        """The line for services.save_nachweis (`anhang`: a file just stored for it)."""
        data = self.cleaned_data
        return {
            "kostenposition": self.positionen[data["kostenposition"]],
            "datum": data["datum"],
            "empfaenger": data["empfaenger"],
            "zweck": data["zweck"],
            "betrag": data["betrag"],
            "anhang": anhang or self.dateien.get(data.get("anhang") or ""),
        }


BelegFormSet = forms.formset_factory(
    BelegForm, extra=0, max_num=MAX_BELEGE, validate_max=True, absolute_max=MAX_BELEGE
)


def beleg_formset(antrag, data=None, files=None, *, extra: int = 3):
    """The Belegliste of `antrag`'s report: the stored lines, then `extra` empty ones."""
    nachweis = getattr(antrag, "verwendungsnachweis", None)
    initial = [
        {
            "nr": str(i),
            "datum": b.datum,
            "empfaenger": b.empfaenger,
            "zweck": b.zweck,
            "kostenposition": str(b.kostenposition_id),
            "betrag": b.betrag,
            "anhang": str(b.anhang_id or ""),
        }
        for i, b in enumerate(nachweis.belege.all() if nachweis else ())
    ]
    formset = BelegFormSet(
        data,
        files,
        initial=initial,
        prefix="beleg",
        form_kwargs={
            "positionen": list(antrag.kosten.all()),
            "dateien": [a for a in antrag.anhaenge.all() if a.art == Anhang.Art.BELEG],
        },
    )
    if data is None:
        formset.extra = extra
    return formset


def beleg_errors(formset) -> list[str]:
    """The lines of the Belegliste that were not saved, named for a message."""
    if formset.non_form_errors():
        return [str(_("Belegliste"))]
    return [
        str(_("Belegliste, Zeile %(zeile)s") % {"zeile": i})
        for i, f in enumerate(formset.forms, start=1)
        if f.errors
    ]
