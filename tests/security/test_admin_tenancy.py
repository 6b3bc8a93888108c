"""The admin, model by model: a member of Kommune A sees and touches nothing of Kommune B.

The models come from the admin registry, so a model registered tomorrow is tried
without editing this file. Each Kommune holds one object of every tenant model
(every model with a `kommune_path`), marked "NUR-A-…" or "NUR-B-…" in a text
field; "B's objects" of a model are `model._default_manager.filter(<kommune_path>=B)`.
A registered model the fixture does not fill in both Kommunen fails the test, and
so does one that belongs to no Kommune unless NO_KOMMUNE says why.

For the coordination and the Fachdienst of A, for every registered model admin:
- every page of the model admin without an object (list with search, filters and
  raw-id popup, add form, import and export forms, own pages) answers without
  B's markers or B's change links, and its foreign-key selects offer no B object;
  the list shows A's objects, so that an empty answer is not mistaken for safety;
- every page of a B object (change, history, delete, own pages) is refused: 403,
  404 or the admin's "does not exist" redirect, for GET and POST; the view-on-site
  shortcut is a 404;
- the change form of an A object offers no B object in any select (inlines included);
- every admin action run on B's ids, and the export (CSV and XLSX, also with B's
  ids posted as export_items), give nothing of B; the exports hold A's rows;
- at the end no row of B has changed.
"""

import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dokumente.models import Dokument as KommuneDokument
from events.models import (
    Anmeldung,
    Benachrichtigung,
    Ergebnis,
    Foto,
    Idee,
    Nachricht,
    Programmpunkt,
    Rueckblick,
    Unterlage,
)
from events.models import Verlauf as EventVerlauf
from foerderung.models import (
    Anhang,
    Befangenheit,
    Beleg,
    Bewertung,
    Buchung,
    Dokument,
    Frist,
    Status,
    Verlauf,
    Verwendungsnachweis,
    Widerspruch,
)
from statistik.models import Indikator, Planzahl, Wert
from tests.aktuelles.factories import aktuelles_of
from tests.factories import (
    KennzahlFactory,
    KommuneFactory,
    MassnahmeFactory,
    TeilnahmeoptionFactory,
    VeranstaltungFactory,
    WerkzeugFactory,
    koordination_user,
    platform_user,
)
from tests.foerderung.factories import (
    AufrufFactory,
    JuryFactory,
    KriteriumFactory,
    antrag_in,
    fachdienst_user,
)
from werkstattplan.models import Planstatus, Werkzeug
from zwk_portal.admin_site import TenantAdmin
from zwk_portal.exports import read_xlsx
from zwk_portal.models import AuditEntry, OutgoingMail
from zwk_portal.tenancy import kommune_path

pytestmark = pytest.mark.django_db

# Registered models that belong to no Kommune. A member of a Kommune gets a 403 for
# them, or a page without any Kommune's data.
NO_KOMMUNE = {
    "auth.user": "accounts of the installation (the platform's)",
    "auth.group": "the platform role",
    "django_tasks_database.dbtaskresult": "the task queue",
    "seiten.seite": "the installation's legal pages",
    "seiten.barrieremeldung": "barrier reports about the installation",
    "seiten.datenauskunft": "Art. 15/17 requests: answered from the user's Kommunen only",
    "axes.accessattempt": "failed logins",
    "axes.accesslog": "logins",
    "axes.accessfailurelog": "failed logins",
}
# Models of a person, whose admin shows those of the members of one's own Kommunen.
BY_MEMBERS = {"otp_totp.totpdevice": "user__memberships__kommune"}

B_MARKER = re.compile(r"NUR-B-\w+")  # the search term "NUR-B" alone is no marker
A_MARKER = "NUR-A-"
SHARED_EMAIL = "beide@example.org"  # a person known to both Kommunen (Art. 15 requests)
ROLES = ["koordination", "fachdienst"]
# Parts of an admin object URL besides its id, with a valid value each (a new one: add it).
OTHER_URL_PARTS = {"fmt": "csv"}


# ------------------------------------------------------------------------ the two Kommunen


def populate(tag: str, kommune) -> None:
    """One object of every tenant model in `kommune`, its texts marked NUR-<tag>-…."""

    def mark(name):
        return f"NUR-{tag}-{name}"

    low = tag.lower()
    koordination = koordination_user(kommune, username=f"koordination-{low}")
    fachdienst = fachdienst_user(kommune, username=f"fachdienst-{low}")
    TOTPDevice.objects.create(user=koordination, name=mark("totpdevice"), confirmed=True)
    AuditEntry.objects.create(kommune=kommune, what=mark("auditentry"), path="/admin/")
    OutgoingMail.objects.create(
        kommune=kommune,
        kind=mark("kind"),
        recipients=[f"{low}@example.org"],
        subject=mark("outgoingmail"),
        text=mark("mailtext"),
        html=mark("mailhtml"),
        message_id=f"<{mark('message')}@example.org>",
        status=OutgoingMail.Status.FAILED,
        last_error=mark("error"),
    )

    massnahme = MassnahmeFactory(
        title=mark("massnahme"),
        ziel=mark("ziel"),
        werkzeug__title=mark("werkzeug"),
        werkzeug__description=mark("werkzeug-beschreibung"),
        werkzeug__handlungsfeld__name=mark("handlungsfeld"),
        werkzeug__handlungsfeld__plan__title=mark("werkstattplan"),
        werkzeug__handlungsfeld__plan__kommune=kommune,
    )
    # Every plan has the default statuses; one more, marked, and in use.
    handlungsfeld = massnahme.werkzeug.handlungsfeld
    status = Planstatus.objects.create(plan=handlungsfeld.plan, position=9, name=mark("status"))
    Werkzeug.objects.filter(pk=massnahme.werkzeug_id).update(status=status)
    KennzahlFactory(handlungsfeld=handlungsfeld, text=mark("kennzahl"), quelle=mark("quelle"))
    weitere = WerkzeugFactory(handlungsfeld=handlungsfeld, title=mark("weiteres-werkzeug"))
    MassnahmeFactory(
        werkzeug=None,
        handlungsfeld=handlungsfeld,
        title=mark("massnahme-ohne-werkzeug"),
        status=status,
    ).auch_bei.set([weitere, massnahme.werkzeug])
    massnahme.auch_bei.set([weitere])

    event = VeranstaltungFactory(kommune=kommune, title=mark("veranstaltung"))
    Programmpunkt.objects.create(veranstaltung=event, title=mark("programmpunkt"))
    option = TeilnahmeoptionFactory(veranstaltung=event, name=mark("teilnahmeoption"))
    anmeldung = Anmeldung.objects.create(
        veranstaltung=event,
        option=option,
        status=Anmeldung.Status.PLATZ,
        name=mark("anmeldung"),
        email=SHARED_EMAIL,
        datenschutz_version="2026-11-21",
        confirmed_at=timezone.now(),
    )
    Nachricht.objects.create(
        veranstaltung=event, betreff=mark("nachricht"), text=mark("text"), sent_by=koordination
    )
    Benachrichtigung.objects.create(
        anmeldung=anmeldung, anlass="nachricht", betreff=mark("benachrichtigung")
    )
    rueckblick = Rueckblick.objects.create(veranstaltung=event, text=mark("rueckblick"))
    Foto.objects.create(
        rueckblick=rueckblick,
        datei=f"events/rueckblick/{mark('foto')}.jpg",
        alt_text=mark("foto"),
        bildnachweis=mark("bildnachweis"),
    )
    Unterlage.objects.create(
        rueckblick=rueckblick, title=mark("unterlage"), datei=f"events/{mark('unterlage')}.pdf"
    )
    Ergebnis.objects.create(
        rueckblick=rueckblick,
        title=mark("ergebnis"),
        werkzeug=massnahme.werkzeug,
        massnahme=massnahme,
    )
    Idee.objects.create(rueckblick=rueckblick, text=mark("idee"))
    EventVerlauf.objects.create(
        veranstaltung=event,
        schritt="absagen",
        von="veroeffentlicht",
        nach="abgesagt",
        nachricht=mark("verlauf"),
    )

    aufruf = AufrufFactory(kommune=kommune, title=mark("foerderaufruf"))
    kriterium = KriteriumFactory(aufruf=aufruf, name=mark("kriterium"))
    jury = JuryFactory(aufruf=aufruf, mitglied__username=f"jury-{low}").mitglied
    antrag = antrag_in(
        Status.JURY,
        aufruf=aufruf,
        title=mark("antrag"),
        email=SHARED_EMAIL,
        kostenplan=[(mark("kostenposition"), Decimal("2500.00"))],
    )
    Verlauf.objects.create(
        antrag=antrag,
        nach=Status.JURY,
        durch=fachdienst,
        nachricht=mark("verlauf"),
        vermerk=mark("vermerk"),
    )
    Anhang.objects.create(
        antrag=antrag,
        name=f"{mark('anhang')}.pdf",
        datei=f"foerderung/anhaenge/{mark('anhang')}.pdf",
        mimetype="application/pdf",
        groesse=1,
        sha256="0" * 64,
        hochgeladen_von=antrag.antragsteller,
    )
    Befangenheit.objects.create(antrag=antrag, mitglied=jury, befangen=False)
    Bewertung.objects.create(
        antrag=antrag, mitglied=jury, kriterium=kriterium, punkte=5, kommentar=mark("bewertung")
    )
    Dokument.objects.create(
        antrag=antrag,
        art=Dokument.Art.EINGANG,
        datei=f"foerderung/dokumente/{mark('dokument')}.pdf",
        sha256="0" * 64,
    )
    bescheid = Dokument.objects.create(
        antrag=antrag,
        art=Dokument.Art.ABLEHNUNG,
        datei=f"foerderung/dokumente/{mark('bescheid')}.pdf",
        sha256="1" * 64,
        erstellt_von=fachdienst,
    )
    Widerspruch.objects.create(
        antrag=antrag,
        bescheid=bescheid,
        eingegangen_am=timezone.localdate(),
        inhalt=mark("widerspruch"),
        erfasst_von=fachdienst,
    )
    nachweis = Verwendungsnachweis.objects.create(
        antrag=antrag, sachbericht=mark("verwendungsnachweis"), einnahmen_ist=Decimal("3000.00")
    )
    Beleg.objects.create(
        nachweis=nachweis,
        kostenposition=antrag.kosten.first(),
        datum=timezone.localdate(),
        empfaenger=mark("beleg"),
        zweck=mark("zweck"),
        betrag=Decimal("10.00"),
    )
    Buchung.objects.create(
        antrag=antrag,
        art=Buchung.Art.RUECKFORDERUNG,
        betrag=Decimal("10.00"),
        datum=timezone.localdate(),
        faellig_am=timezone.localdate(),
        kassenzeichen=mark("kz")[:40],
        grund=mark("grund"),
    )
    Frist.objects.create(antrag=antrag, art=Frist.Art.RUECKZAHLUNG, faellig_am=timezone.localdate())

    indikator = Indikator.objects.create(kommune=kommune, name=mark("indikator"))
    Wert.objects.create(
        indikator=indikator,
        ags="13076",
        region=mark("region"),
        merkmal=mark("merkmal"),
        stichtag=timezone.localdate(),
        wert=Decimal(1),
        einheit="Personen",
        basis=Wert.Basis.ZENSUS_2022,
        herausgeber=mark("herausgeber"),
        quelle=f"https://example.org/{mark('quelle')}",
        abgerufen_am=timezone.localdate(),
        art=Wert.Art.AMTLICH,
    )
    Planzahl.objects.create(
        indikator=indikator,
        merkmale=mark("merkmal"),
        label=mark("planzahl"),
        handlungsfeld=massnahme.werkzeug.handlungsfeld,
    )
    KommuneDokument.objects.create(
        kommune=kommune,
        title=mark("dokument"),
        mimetype="application/pdf",
        groesse=1,
        datei=f"dokumente/{mark('dokument')}.pdf",
    )
    aktuelles_of(tag, kommune)


@pytest.fixture
def two(db, settings):
    settings.ZWK_REQUIRE_2FA = False
    a = KommuneFactory(slug="kommune-a", name="Landkreis NUR-A-kommune")
    b = KommuneFactory(slug="kommune-b", name="Landkreis NUR-B-kommune")
    populate("A", a)
    populate("B", b)
    return a, b


def lookup(model) -> str | None:
    """How a model's rows reach their Kommune (None: they belong to none)."""
    return kommune_path(model) or BY_MEMBERS.get(model._meta.label_lower)


def objects_of(model, kommune) -> list:
    return list(model._default_manager.filter(**{lookup(model): kommune.pk}).order_by("pk"))


def tenant_models() -> list:
    return [model for model in apps.get_models() if lookup(model)]


def missing_in_fixture(a, b) -> list[str]:
    return [
        f"{model._meta.label}: no object in {kommune}; add one to populate()"
        for model in tenant_models()
        for kommune in (a, b)
        if not objects_of(model, kommune)
    ]


def snapshot(kommune) -> dict:
    return {
        model._meta.label: list(
            model._default_manager.filter(**{lookup(model): kommune.pk}).order_by("pk").values()
        )
        for model in tenant_models()
    }


def registry() -> dict:
    admin.autodiscover()  # done by the URLconf already; a no-op then
    return dict(admin.site._registry)


def admin_url(model, name: str, *args) -> str | None:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)
    except NoReverseMatch:
        return None


# --------------------------------------------------------------------------- reading pages


class Page(HTMLParser):
    """The selects of a page (name → option values) and the values a browser would post."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.selects: dict[str, list[str]] = {}
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None
        self._selected = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "select" and name:
            self._select, self._selected = name, False
            self.selects.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            self.selects[self._select].append(value)
            if "selected" in attrs:
                self.data.setdefault(self._select, []).append(value)
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, [""])
        elif tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "reset", "file", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.setdefault(name, []).append(attrs.get("value", "on"))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            options = self.selects[self._select]
            if not self._selected and options:
                self.data.setdefault(self._select, []).append(options[0])
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def content_of(response) -> str:
    content = b"".join(response) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def is_admin_index_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def refused(response) -> bool:
    """403, 404, or the admin's redirect to its index: "… does not exist"."""
    return response.status_code in {403, 404} or is_admin_index_redirect(response)


def spreadsheet_text(response) -> str | None:
    """The cells of a downloaded CSV or XLSX, one line per row (None: no download)."""
    if "attachment" not in response.get("Content-Disposition", ""):
        return None
    if response["Content-Type"].startswith("text/csv"):
        rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    else:
        rows = read_xlsx(response.content)
    return "\n".join(" | ".join(str(cell) for cell in row if cell is not None) for row in rows)


# ------------------------------------------------------------------------------ the checks


class Intruder:
    """The pages of every model admin, tried by a member of A; what it finds goes to `problems`."""

    def __init__(self, client, user, a, b):
        self.client, self.who = client, user.username
        self.problems: list[str] = []
        self.theirs = {model: objects_of(model, b) for model in tenant_models()}
        self.ours = {model: objects_of(model, a) for model in tenant_models()}
        self.their_urls = {
            url
            for model, objects in self.theirs.items()
            for obj in objects
            if (url := admin_url(model, "change", obj.pk))
        }
        # A select named like a foreign key of any tenant model offers that key's model
        # (also in forms that are no model form: the import's "plan", the table text's "kommune").
        self.fk_names = {
            field.name: field.related_model
            for model in tenant_models()
            for field in model._meta.get_fields()
            if field.many_to_one and field.concrete and lookup(field.related_model)
        }
        self.raw_id_targets = {
            model_admin.model._meta.get_field(name).related_model
            for model_admin in registry().values()
            for name in model_admin.raw_id_fields
        }

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{self.who}: {where}: {text}")

    # -- what a page must not contain

    def leaks(self, where: str, response, model=None, inlines=None, *, ids=False) -> str:
        """B's markers, links to B's objects (other than the address asked for), B's objects
        offered in a select and, with `ids`, B's ids carried in hidden fields."""
        html = content_of(response)
        asked = response.request["PATH_INFO"]
        if markers := sorted(set(B_MARKER.findall(html))):
            self.problem(where, f"shows B's {markers}")
        if links := sorted(url for url in self.their_urls - {asked} if url in html):
            self.problem(where, f"links B's objects {links}")
        page = Page(html)
        for name, values in page.selects.items():
            related = self.related_model(name, model, inlines or {})
            offered = {str(obj.pk) for obj in self.theirs.get(related, [])} & set(values)
            if offered:
                self.problem(where, f"select {name!r} offers B's {related._meta.label} {offered}")
        for name in ("export_items", "_selected_action") if ids else ():
            offered = set(page.data.get(name, [])) & {
                str(obj.pk) for obj in self.theirs.get(model, [])
            }
            if offered:
                self.problem(where, f"carries B's ids {offered} in {name!r}")
        return html

    def related_model(self, name: str, model, inlines: dict):
        """The model a select named `name` chooses from (inline forms: "prefix-0-field")."""
        if match := re.fullmatch(r"(.+)-(?:\d+|__prefix__)-(\w+)", name):
            model, name = inlines.get(match[1]), match[2]
        try:
            field = model._meta.get_field(name) if model is not None else None
        except FieldDoesNotExist:
            field = None
        if field is not None:
            return field.related_model if field.is_relation else None
        return self.fk_names.get(name)

    # -- a model admin

    def check_model(self, model, model_admin) -> None:
        label = model._meta.label_lower
        if label in NO_KOMMUNE:
            self.check_no_kommune(model)
            return
        if lookup(model) is None:
            self.problem(
                label,
                "registered in the admin but belongs to no Kommune: give the model a "
                "kommune_path, or list it in NO_KOMMUNE with the reason",
            )
            return
        if not self.ours[model] or not self.theirs[model]:
            self.problem(label, "no object in A or in B: add one to populate()")
            return
        form_data = self.check_pages_without_object(model, model_admin)
        for obj in self.theirs[model]:
            self.check_their_object(model, model_admin, obj, form_data)
        self.check_actions(model)
        self.check_autocomplete(model, model_admin)
        if hasattr(model_admin, "export_action"):
            self.check_export(model, model_admin)

    def check_site_pages(self, models) -> None:
        """The index and each app's page list models, never B's objects."""
        labels = sorted({model._meta.app_label for model in models})
        for url in [reverse("admin:index")] + [
            reverse("admin:app_list", args=[label]) for label in labels
        ]:
            response = self.client.get(url)
            if response.status_code not in {200, 403, 404}:
                self.problem(url, f"{response.status_code}")
            self.leaks(url, response)

    def check_no_kommune(self, model) -> None:
        url = admin_url(model, "changelist")
        response = self.client.get(url)
        if response.status_code not in {200, 403}:
            self.problem(url, f"{response.status_code}, expected 200 or 403")
        self.leaks(url, response, model)
        if model._meta.label_lower == "seiten.datenauskunft" and response.status_code == 200:
            self.check_datenauskunft(url)

    def check_datenauskunft(self, url) -> None:
        """Art. 15/17 for a person known to both Kommunen: A answers with A's data only."""
        response = self.client.post(url, {"email": SHARED_EMAIL, "aktion": "export"})
        answer = self.leaks(f"POST {url} (export)", response)
        if response.status_code != 200 or A_MARKER not in answer:
            self.problem(url, f"the export of A's data is missing ({response.status_code})")
        response = self.client.post(url, {"email": SHARED_EMAIL, "aktion": "loeschen"})
        self.leaks(f"POST {url} (deletion preview)", response)

    def check_pages_without_object(self, model, model_admin) -> dict:
        """Every page of the model admin that names no object; returns the change form of
        one of A's objects as a browser would post it."""
        for pattern in model_admin.get_urls():
            if not pattern.name or pattern.pattern.converters:
                continue
            url = reverse(f"admin:{pattern.name}")
            if pattern.name.endswith("_changelist"):
                self.check_changelist(model, model_admin, url)
                continue
            response = self.client.get(url)
            if response.status_code >= 500:
                self.problem(url, f"{response.status_code}")
            self.leaks(url, response, model, self.inline_prefixes(response))
        ours = self.ours[model][0]
        url = admin_url(model, "change", ours.pk)
        response = self.client.get(url)
        if response.status_code != 200:
            return {}
        html = self.leaks(url, response, model, self.inline_prefixes(response))
        return Page(html).data

    def check_changelist(self, model, model_admin, url) -> None:
        response = self.client.get(url)
        if response.status_code == 403:
            return
        if response.status_code != 200:
            self.problem(url, f"{response.status_code}, expected 200 or 403")
            return
        html = self.leaks(url, response, model, {"form": model})
        if not any(admin_url(model, "change", obj.pk) in html for obj in self.ours[model]):
            self.problem(url, "lists none of A's objects: the test would prove nothing")
        queries = []
        if model_admin.search_fields:
            queries.append("q=NUR-B")
        if model in self.raw_id_targets:
            queries.append("_popup=1&_to_field=id")
        for entry in model_admin.list_filter:
            path = entry[0] if isinstance(entry, tuple) else entry
            if not isinstance(path, str):
                continue  # a SimpleListFilter: no objects in its values
            field = get_fields_from_path(model, path)[-1]
            if field.many_to_one and field.related_model in self.theirs:
                parameter = f"{path}__{field.target_field.name}__exact"
                queries += [f"{parameter}={obj.pk}" for obj in self.theirs[field.related_model]]
        for query in queries:
            response = self.client.get(f"{url}?{query}")
            if response.status_code == 302 and "e=1" in response["Location"]:
                continue  # the admin's answer to a filter value it does not offer
            if response.status_code != 200:
                self.problem(f"{url}?{query}", f"{response.status_code}")
            self.leaks(f"{url}?{query}", response, model, {"form": model})

    @staticmethod
    def inline_prefixes(response) -> dict:
        context = response.context
        if not context or "inline_admin_formsets" not in context:
            return {}
        return {i.formset.prefix: i.formset.model for i in context["inline_admin_formsets"]}

    def check_their_object(self, model, model_admin, obj, form_data) -> None:
        for pattern in model_admin.get_urls():
            if not pattern.name or "object_id" not in pattern.pattern.converters:
                continue
            kwargs = {
                name: OTHER_URL_PARTS[name]
                for name in pattern.pattern.converters
                if name != "object_id"
            }
            url = reverse(f"admin:{pattern.name}", kwargs={"object_id": obj.pk, **kwargs})
            for method, data in [
                ("get", {}),
                ("post", {**form_data, "_save": "Sichern", "post": "yes"}),
            ]:
                response = getattr(self.client, method)(url, data)
                if not refused(response):
                    self.problem(
                        f"{method.upper()} {url}", f"{response.status_code} for B's object"
                    )
                self.leaks(f"{method.upper()} {url}", response, model)
        content_type = ContentType.objects.get_for_model(model)
        url = reverse("admin:view_on_site", args=[content_type.pk, obj.pk])
        response = self.client.get(url)
        if response.status_code != 404:
            self.problem(
                url, f"view on site of B's {model._meta.label} {obj.pk}: {response.status_code}"
            )

    def check_actions(self, model) -> None:
        """Each action of the list, run on B's ids: nothing of B shown (nor changed, see the end)."""
        url = admin_url(model, "changelist")
        response = self.client.get(url)
        if response.status_code != 200:
            return
        actions = [name for name in Page(content_of(response)).selects.get("action", []) if name]
        ids = [obj.pk for obj in self.theirs[model]]
        for action in actions:
            for confirm in ({}, {"post": "yes"}):
                data = {"action": action, "_selected_action": ids, "index": 0, **confirm}
                response = self.client.post(url, data)
                if response.status_code >= 500:
                    self.problem(f"POST {url} ({action})", f"{response.status_code}")
                self.leaks(f"POST {url} ({action} on B's ids)", response, model, ids=True)

    def check_autocomplete(self, model, model_admin) -> None:
        """Every autocomplete field of the admin and its inlines offers A's objects, not B's."""
        fields = [(model, name) for name in model_admin.autocomplete_fields]
        fields += [(i.model, name) for i in model_admin.inlines for name in i.autocomplete_fields]
        for source, name in fields:
            related = source._meta.get_field(name).related_model
            query = urlencode(
                {
                    "app_label": source._meta.app_label,
                    "model_name": source._meta.model_name,
                    "field_name": name,
                    "term": "",
                }
            )
            url = f"{reverse('admin:autocomplete')}?{query}"
            response = self.client.get(url)
            if response.status_code == 403:
                continue
            if response.status_code != 200:
                self.problem(url, f"{response.status_code}")
                continue
            offered = {str(result["id"]) for result in response.json()["results"]}
            if theirs := offered & {str(obj.pk) for obj in self.theirs.get(related, [])}:
                self.problem(url, f"offers B's {related._meta.label} {theirs}")
            if not offered & {str(obj.pk) for obj in self.ours.get(related, [])}:
                self.problem(url, "offers none of A's objects: the test would prove nothing")

    def check_export(self, model, model_admin) -> None:
        url = admin_url(model, "export")
        formats = [fmt().get_title() for fmt in model_admin.get_export_formats()]
        all_ids = [obj.pk for obj in self.ours[model] + self.theirs[model]]
        for title in ("csv", "xlsx"):
            if title not in formats:
                self.problem(url, f"offers no {title} export")
                continue
            for extra in ({}, {"export_items": all_ids}):
                where = f"POST {url} ({title}{', export_items' if extra else ''})"
                data = {"format": formats.index(title), "resource": 0, **extra}
                response = self.client.post(url, data)
                if response.status_code == 403:
                    continue
                text = spreadsheet_text(response)
                if text is None and response.status_code == 200 and response.context:
                    form = response.context["form"]  # which columns: all of them
                    data.update(
                        {
                            name: "on"
                            for name, field in form.fields.items()
                            if getattr(field.widget, "input_type", None) == "checkbox"
                        }
                    )
                    response = self.client.post(url, data)
                    text = spreadsheet_text(response)
                if text is None:
                    self.leaks(where, response, model)
                    if not extra:
                        self.problem(where, f"no download ({response.status_code})")
                    continue
                if markers := sorted(set(B_MARKER.findall(text))):
                    self.problem(where, f"exports B's {markers}")
                if A_MARKER not in text:
                    self.problem(where, "exports none of A's rows: the test would prove nothing")


# ------------------------------------------------------------------------------- the tests


def test_the_fixture_holds_every_tenant_model_in_both_kommunen(two):
    a, b = two
    assert not missing_in_fixture(a, b), "\n".join(missing_in_fixture(a, b))
    assert {model._meta.label_lower for model in tenant_models()} >= {
        "kommunen.kommune",
        "zwk_portal.membership",
        "zwk_portal.auditentry",
        "zwk_portal.outgoingmail",
        "foerderung.verwendungsnachweis",
        "foerderung.widerspruch",
        "events.nachricht",
        "werkstattplan.massnahme",
        "werkstattplan.kennzahl",
        "werkstattplan.planstatus",
    }


@pytest.mark.parametrize("role", ROLES)
def test_a_member_of_a_finds_nothing_of_b_in_any_model_admin(two, client, role):
    a, b = two
    user = User.objects.get(username=f"{role}-a")
    client.force_login(user)
    before = snapshot(b)
    intruder = Intruder(client, user, a, b)
    intruder.problems += missing_in_fixture(a, b)
    intruder.check_site_pages(registry())
    for model, model_admin in registry().items():
        intruder.check_model(model, model_admin)
    after = snapshot(b)
    intruder.problems += [
        f"{user.username}: changed B's rows of {label}"
        for label in before
        if before[label] != after[label]
    ]
    assert not intruder.problems, "\n".join(intruder.problems)


# What the platform role sees of every Kommune: the Kommunen and their members, which it
# manages (zwk_portal.roles).
PLATFORM_SEES_ALL = {"kommunen.kommune", "zwk_portal.membership"}


def test_the_platform_sees_every_kommune_and_member_but_no_kommunes_data(two, client):
    a, b = two
    client.force_login(platform_user())
    problems = []
    for model in registry():
        if model._meta.label_lower in NO_KOMMUNE or not lookup(model):
            continue
        url = admin_url(model, "changelist")
        response = client.get(url)
        html = content_of(response)
        objects = objects_of(model, a) + objects_of(model, b)
        listed = [obj for obj in objects if admin_url(model, "change", obj.pk) in html]
        if model._meta.label_lower in PLATFORM_SEES_ALL:
            if response.status_code != 200 or len(listed) != len(objects):
                problems.append(f"{url}: {response.status_code}, lists {listed} of {objects}")
        elif response.status_code != 403 and (listed or A_MARKER in html or B_MARKER.search(html)):
            problems.append(f"{url}: {response.status_code}, shows a Kommune's data")
    assert not problems, "\n".join(problems)


def test_every_model_admin_of_a_tenant_model_asks_the_objects_kommune():
    """TenantAdmin (zwk_portal.admin_site) answers object permissions for the object's
    Kommune: every admin of a model with a Kommune derives from it."""
    admin.autodiscover()
    loose = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if kommune_path(model) is not None and not isinstance(model_admin, TenantAdmin)
    ]
    assert not loose, f"model admins without TenantAdmin: {loose}"
