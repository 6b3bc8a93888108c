"""BetragField: amounts as Germans type them, refused with a precise message, shown again
the German way; and the forms and admin pages that use it."""

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from foerderung.forms import BelegForm, NachweisForm
from tests.factories import WerkzeugFactory, koordination_user
from tests.foerderung.factories import AntragFactory, AufrufFactory, fachdienst_user
from tests.html_forms import FormData
from zwk_portal.forms import BetragField, KernForm

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture(autouse=True)
def _german():
    with translation.override("de"):
        yield


def clean(value, **kwargs):
    return BetragField(**{"min_value": 0, **kwargs}).clean(value)


def messages(value, **kwargs) -> list[str]:
    with pytest.raises(forms.ValidationError) as error:
        clean(value, **kwargs)
    return error.value.messages


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("2.500", "2500"),
        ("2 500,00", "2500"),
        (f"2{NBSP}500,00", "2500"),
        (f"2{NNBSP}500,00", "2500"),
        ("1 234 567", "1234567"),
        ("1234.56", "1234.56"),
        ("1234.5", "1234.5"),
        ("1.234.567,89", "1234567.89"),
        ("1,234.56", "1234.56"),
        ("2500 €", "2500"),
        ("2500€", "2500"),
        ("€ 2.500,00", "2500"),
        ("2.500,-", "2500"),
        ("2.500,– €", "2500"),
        ("  12,5  ", "12.5"),
        (f"{NBSP}12{NBSP}", "12"),
        (",50", "0.5"),
        ("0", "0"),
        ("EUR 5", "5"),
    ],
)
def test_amounts_as_germans_type_them(typed, amount):
    assert clean(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "   ", NBSP, None])
def test_nothing_typed_is_no_amount(typed):
    assert clean(typed, required=False) is None


NOT_AN_AMOUNT = "„{}“ ist kein Betrag. Bitte schreiben Sie ihn z. B. so: 1.234,56"
LETTERS = "Bitte geben Sie einen Betrag in Euro an, z. B. 1.234,56."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "12,345",
            "„12,345“ hat drei Nachkommastellen. Bitte geben Sie höchstens zwei an (Cent).",
        ),
        (
            "1.234,567",
            "„1.234,567“ hat drei Nachkommastellen. Bitte geben Sie höchstens zwei an (Cent).",
        ),
        ("1.2345", "„1.2345“ hat vier Nachkommastellen. Bitte geben Sie höchstens zwei an (Cent)."),
        ("1.23.4", NOT_AN_AMOUNT.format("1.23.4")),
        ("1.234.56", NOT_AN_AMOUNT.format("1.234.56")),
        ("1234.567", NOT_AN_AMOUNT.format("1234.567")),  # thousands dot after four digits
        ("12.34,5", NOT_AN_AMOUNT.format("12.34,5")),
        ("1,2,3", NOT_AN_AMOUNT.format("1,2,3")),
        ("1,234,567", NOT_AN_AMOUNT.format("1,234,567")),
        ("1.234 567", NOT_AN_AMOUNT.format("1.234 567")),  # two kinds of thousands separator
        ("2  500", NOT_AN_AMOUNT.format("2  500")),
        ("12,", NOT_AN_AMOUNT.format("12,")),
        ("12.", NOT_AN_AMOUNT.format("12.")),
        ("+5", NOT_AN_AMOUNT.format("+5")),
        ("5 %", NOT_AN_AMOUNT.format("5 %")),
        ("١٢", NOT_AN_AMOUNT.format("١٢")),  # digits of another script
        ("1.23.4" + "5" * 40, NOT_AN_AMOUNT.format("1.23.4" + "5" * 23 + "…")),  # shortened
        ("abc", LETTERS),
        ("zwölf Euro", LETTERS),
        ("1e5", LETTERS),
        ("NaN", LETTERS),
        ("Infinity", LETTERS),
        ("€", LETTERS),
    ],
)
def test_everything_else_is_refused_with_a_precise_message(typed, message):
    assert messages(typed) == [message]


@pytest.mark.parametrize("typed", ["-5", "-1.234,56", "\u22125", "- 5 €"])
def test_negative_amounts_are_refused_when_the_minimum_is_not_negative(typed):
    assert messages(typed) == ["Bitte geben Sie keinen negativen Betrag an."]
    assert messages(typed, min_value=Decimal("0.01")) == [
        "Bitte geben Sie keinen negativen Betrag an."
    ]


def test_negative_amounts_pass_when_the_minimum_allows_them():
    assert clean("-1.234,56", min_value=None) == Decimal("-1234.56")
    assert clean("\u22125", min_value=-10) == Decimal("-5")
    assert clean("-0", min_value=0) == 0
    assert messages("-20", min_value=-10) == ["Dieser Wert muss größer oder gleich -10,00 sein."]


def test_djangos_messages_on_limits_and_digits_stay_in_german():
    assert messages("0", min_value=Decimal("0.01")) == [
        "Dieser Wert muss größer oder gleich 0,01 sein."
    ]
    assert messages("6.000", max_value=5000) == [
        "Dieser Wert muss kleiner oder gleich 5.000,00 sein."
    ]
    assert messages("123.456.789") == [
        "Bitte sicherstellen, dass der Wert höchstens 8 Ziffern vor dem Komma enthält."
    ]
    assert messages("1.000", max_digits=5, decimal_places=2) == [
        "Bitte sicherstellen, dass der Wert höchstens 3 Ziffern vor dem Komma enthält."
    ]
    assert messages("", required=True) == ["Dieses Feld ist zwingend erforderlich."]


def test_fewer_decimal_places_are_said_so():
    assert messages("2,5", decimal_places=0) == [
        "Bitte geben Sie bei „2,5“ ganze Euro an, ohne Cent."
    ]
    assert messages("2,55", decimal_places=1) == [
        "„2,55“ hat zwei Nachkommastellen. Bitte geben Sie höchstens eine an (Cent)."
    ]
    with pytest.raises(ValueError):
        BetragField(decimal_places=3)


class Form(KernForm):
    betrag = BetragField(label="Betrag", min_value=0, required=False)


def test_widget_is_a_text_box_with_a_decimal_keyboard():
    html = str(Form()["betrag"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert 'autocomplete="off"' in html
    assert "step=" not in html and 'type="number"' not in html


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("2500"), "2.500,00"),
        (Decimal("1234567.8"), "1.234.567,80"),
        (Decimal("0.5"), "0,50"),
        (2500, "2.500,00"),
        (None, None),
    ],
)
def test_a_stored_value_is_shown_the_german_way(value, shown):
    html = str(Form(initial={"betrag": value})["betrag"])
    assert (f'value="{shown}"' in html) if shown else ("value=" not in html)


@pytest.mark.parametrize("typed", ["12,345", "2 500,0x", f"1{NBSP}000,999", "-5", "abc"])
def test_a_refused_value_comes_back_exactly_as_typed(typed):
    form = Form({"betrag": typed}, initial={"betrag": Decimal("7")})
    assert not form.is_valid()
    assert form["betrag"].value() == typed
    html = str(form["betrag"])
    assert f'value="{typed}"' in html
    assert 'aria-invalid="true"' in html


def test_a_typed_amount_equal_to_the_stored_one_is_no_change():
    field = BetragField()
    assert not field.has_changed(Decimal("2500.00"), "2.500")
    assert not field.has_changed(Decimal("2500.00"), "2 500,00 €")
    assert field.has_changed(Decimal("2500.00"), "2.501")
    assert field.has_changed(Decimal("2500.00"), "quatsch")


# ---------------------------------------------------------------- where it is used


def post_page(client, url, **changes):
    """Post the page's form as a browser would, with `changes` typed in."""
    data = FormData(client.get(url).content.decode()).data
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1.234,56", "1234.56"), ("2.500", "2500"), ("2 500,00", "2500"), (f"2{NBSP}500", "2500")],
)
def test_the_application_form_saves_german_amounts(client, typed, amount):
    antrag = AntragFactory()
    client.force_login(antrag.antragsteller)
    url = reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})
    response = post_page(
        client,
        url,
        beantragt=typed,
        eigenmittel="1.000",
        **{"kosten-0-betrag": typed, "kosten-1-betrag": "500,5"},
    )
    assert response.status_code == 302, response.content.decode()
    antrag.refresh_from_db()
    assert antrag.beantragt == Decimal(amount)
    assert antrag.eigenmittel == Decimal("1000")
    assert [k.betrag for k in antrag.kosten.all()] == [Decimal(amount), Decimal("500.50")]
    assert antrag.gesamtkosten == Decimal(amount) + Decimal("500.50")
    shown = FormData(client.get(url).content.decode()).data
    german = f"{Decimal(amount):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert shown["beantragt"] == [german]
    assert shown["kosten-0-betrag"] == [german]
    assert shown["kosten-1-betrag"] == ["500,50"]


@pytest.mark.django_db
def test_the_application_form_refuses_a_negative_amount(client):
    antrag = AntragFactory()
    client.force_login(antrag.antragsteller)
    url = reverse("foerderung:antrag_bearbeiten", kwargs={"pk": antrag.pk})
    response = post_page(client, url, drittmittel="-100", **{"kosten-0-betrag": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte geben Sie keinen negativen Betrag an." in html
    assert "Dieser Wert muss größer oder gleich 0,01 sein." in html
    antrag.refresh_from_db()
    assert antrag.drittmittel == 0


@pytest.mark.django_db
def test_the_final_report_reads_german_amounts():
    antrag = AntragFactory()
    form = NachweisForm(antrag=antrag)
    assert 'inputmode="decimal"' in str(form["eigenmittel_ist"])
    assert "Laut Finanzierungsplan: 500,00" in form.fields["eigenmittel_ist"].help_text
    form = NachweisForm(
        {"eigenmittel_ist": "1.950,50", "drittmittel_ist": "1.000", "einnahmen_ist": "0"},
        antrag=antrag,
    )
    assert form.is_valid(), form.errors
    assert form.draft_data()["eigenmittel_ist"] == Decimal("1950.50")
    assert form.draft_data()["drittmittel_ist"] == Decimal("1000")
    form = NachweisForm({"eigenmittel_ist": "1.950,505"}, antrag=antrag)
    assert not form.is_valid()
    assert "hat drei Nachkommastellen" in form.errors["eigenmittel_ist"][0]
    kosten = antrag.kosten.first()
    beleg = BelegForm(
        {
            "datum": "2020-01-15",
            "empfaenger": "Tischlerei",
            "zweck": "Bänke",
            "kostenposition": str(kosten.pk),
            "betrag": "1.234,56",
        },
        positionen=[kosten],
        dateien=[],
    )
    assert beleg.is_valid(), beleg.errors
    assert beleg.beleg()["betrag"] == Decimal("1234.56")


@pytest.mark.django_db
def test_the_admin_of_a_call_takes_german_amounts(client, kommune):
    aufruf = AufrufFactory(kommune=kommune)
    client.force_login(fachdienst_user(kommune))
    url = reverse("admin:foerderung_foerderaufruf_change", args=[aufruf.pk])
    page = FormData(client.get(url).content.decode()).data
    assert page["budget"] == ["30.000,00"] and page["hoechstbetrag"] == ["5.000,00"]
    response = post_page(
        client,
        url,
        budget="30.000,00",
        hoechstbetrag="4.500",
        mindestbetrag="500,-",
        eigenanteil_prozent="12,5",
    )
    assert response.status_code == 302, response.content.decode()
    aufruf.refresh_from_db()
    assert aufruf.budget == Decimal("30000")
    assert aufruf.hoechstbetrag == Decimal("4500")
    assert aufruf.mindestbetrag == Decimal("500")
    assert aufruf.eigenanteil_prozent == Decimal("12.5")
    assert FormData(client.get(url).content.decode()).data["eigenanteil_prozent"] == ["12,50"]


@pytest.mark.django_db
def test_the_admin_of_a_call_keeps_digits_and_places_checked(client, kommune):
    aufruf = AufrufFactory(kommune=kommune)
    client.force_login(fachdienst_user(kommune))
    url = reverse("admin:foerderung_foerderaufruf_change", args=[aufruf.pk])
    response = post_page(client, url, budget="30.000,001", eigenanteil_prozent="1.000")
    assert response.status_code == 200
    html = response.content.decode()
    assert "„30.000,001“ hat drei Nachkommastellen." in html
    assert "höchstens 3 Ziffern vor dem Komma" in html  # eigenanteil_prozent: 5 digits, 2 places
    assert 'value="30.000,001"' in html
    aufruf.refresh_from_db()
    assert aufruf.budget == Decimal("30000") and aufruf.eigenanteil_prozent is None


@pytest.mark.django_db
def test_the_admin_of_a_werkzeug_takes_a_german_budget(client):
    werkzeug = WerkzeugFactory()
    client.force_login(koordination_user(werkzeug.handlungsfeld.plan.kommune))
    url = reverse("admin:werkstattplan_werkzeug_change", args=[werkzeug.pk])
    response = post_page(client, url, budget="1.500,50 €")
    assert response.status_code == 302, response.content.decode()
    werkzeug.refresh_from_db()
    assert werkzeug.budget == Decimal("1500.50")
    assert FormData(client.get(url).content.decode()).data["budget"] == ["1.500,50"]
    response = post_page(client, url, budget="-5")
    assert response.status_code == 200
    assert "Das Budget darf nicht negativ sein." in response.content.decode()
