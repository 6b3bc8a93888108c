"""Reads shared by the pages, the PDFs and the exports, in a fixed number of queries."""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.contrib.postgres.aggregates import BoolOr
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import permissions
from .models import (
    Antrag,
    Befangenheit,
    Bewertung,
    Buchung,
    Foerderaufruf,
    Frist,
    Kriterium,
    Verlauf,
)
from .workflow import JURY_SICHTBAR, ZU_ERLEDIGEN, Status

ZERO = Decimal(0)


def offene_und_fruehere_aufrufe(kommune) -> QuerySet[Foerderaufruf]:
    return (
        Foerderaufruf.objects.filter(kommune=kommune, published=True)
        .select_related("kommune")  # each links to its page and form under the commune's slug
        .order_by("-einreichung_bis")
    )


def committed_sum(path: str = ""):
    """The money a call has promised: the sum of `bewilligt` of its applications.

    `bewilligt` is set exactly while money is promised: from the jury's approval on,
    cleared when a decision goes back to the jury or becomes a rejection. The one rule
    for the approval service, the overview, the jury's page and the admin's budget check.
    """
    return Coalesce(Sum(f"{path}bewilligt"), Decimal(0))


def committed(aufruf: Foerderaufruf) -> Decimal:
    return Antrag.objects.filter(aufruf_id=aufruf.pk).aggregate(s=committed_sum())["s"]


def ledger_sums(path: str = "") -> dict:
    """The ledger's sums, as expressions over Buchung rows reached by `path`: the one
    definition of paid, reclaimed and repaid money, for one application, a call or a list."""
    art = f"{path}art"
    betrag = f"{path}betrag"
    return {
        "ausgezahlt": Coalesce(Sum(betrag, filter=Q(**{f"{art}__in": Buchung.AUSZAHLUNGEN})), ZERO),
        # Reclaimed by notices still in force: a reclaim lifted on an objection counts no more.
        "zurueckgefordert": Coalesce(
            Sum(betrag, filter=Q(**{art: Buchung.Art.RUECKFORDERUNG})), ZERO
        )
        - Coalesce(Sum(betrag, filter=Q(**{art: Buchung.Art.AUFHEBUNG})), ZERO),
        "zurueckgezahlt": Coalesce(Sum(betrag, filter=Q(**{art: Buchung.Art.RUECKZAHLUNG})), ZERO),
    }


@dataclass(frozen=True)
class Saldo:
    """An application's (or a call's) money: promised, paid, reclaimed, repaid."""

    bewilligt: Decimal = ZERO
    ausgezahlt: Decimal = ZERO
    zurueckgefordert: Decimal = ZERO
    zurueckgezahlt: Decimal = ZERO

    @property
    def auszuzahlen(self) -> Decimal:
        """Promised and not paid yet (before the report: the most an advance may be)."""
        return max(ZERO, self.bewilligt - self.ausgezahlt)

    @property
    def offen_rueckzahlung(self) -> Decimal:
        """Reclaimed and not repaid yet."""
        return max(ZERO, self.zurueckgefordert - self.zurueckgezahlt)

    @property
    def netto(self) -> Decimal:
        """What the applicant keeps: paid less repaid."""
        return self.ausgezahlt - self.zurueckgezahlt


def saldo(antrag: Antrag) -> Saldo:
    """The balances of one application, summed over its ledger (one query)."""
    sums = Buchung.objects.filter(antrag_id=antrag.pk).aggregate(**ledger_sums())
    return Saldo(bewilligt=antrag.bewilligt or ZERO, **sums)


def mit_saldo(queryset: QuerySet[Antrag]) -> QuerySet[Antrag]:
    """`queryset` with the ledger's sums per application (for lists and exports)."""
    return queryset.annotate(**ledger_sums("buchungen__"))


def saldi_je_aufruf(aufruf_ids) -> dict[int, Saldo]:
    """The balances of each call: committed money (committed_sum) and the ledger's sums.

    Two grouped queries, because joining applications and ledger rows in one would count
    each application once per ledger row."""
    bewilligt = dict(
        Antrag.objects.filter(aufruf_id__in=aufruf_ids)
        .values("aufruf_id")
        .annotate(s=committed_sum())
        .values_list("aufruf_id", "s")
    )
    ledger = {
        row.pop("antrag__aufruf_id"): row
        for row in Buchung.objects.filter(antrag__aufruf_id__in=aufruf_ids)
        .values("antrag__aufruf_id")
        .annotate(**ledger_sums())
    }
    return {pk: Saldo(bewilligt=bewilligt.get(pk, ZERO), **ledger.get(pk, {})) for pk in aufruf_ids}


def budget(aufruf: Foerderaufruf) -> dict:
    gebunden = committed(aufruf)
    return {"gesamt": aufruf.budget, "gebunden": gebunden, "frei": aufruf.budget - gebunden}


def stand(antrag: Antrag) -> int:
    """The version of an application's procedure: its latest history row. A step's form
    carries it, so a double click or a colleague's step in between is noticed."""
    return antrag.verlauf.order_by("-pk").values_list("pk", flat=True).first() or 0


def offene_fristen(antrag: Antrag):
    return antrag.fristen.filter(erledigt_am=None).order_by("faellig_am")


def antraege_fuer_verwaltung(**filters) -> QuerySet[Antrag]:
    """The staff list and its export."""
    return (
        Antrag.objects.filter(**filters)
        .exclude(status=Status.ENTWURF)
        .select_related("aufruf__kommune")
        .order_by("-submitted_at", "-pk")
    )


# What the staff list shows of an application and its call; the long texts stay in the
# database (the list's export reads whole rows, through mit_saldo).
LISTE_SPALTEN = (
    "pk",
    "aufruf__title",
    "status",
    "eingangsnummer",
    "submitted_at",
    "kanal",
    "organisation",
    "title",
    "ist_beispiel",
    "beantragt",
    "bewilligt",
    *ledger_sums(),
)


def verwaltung_liste(queryset: QuerySet[Antrag]) -> QuerySet[Antrag]:
    """The staff list's rows: `queryset` with the ledger's sums, only what it shows, as
    dicts (a page of model instances cost more than its query)."""
    return mit_saldo(queryset).select_related(None).values(*LISTE_SPALTEN)


def eigene_antraege(user) -> QuerySet[Antrag]:
    return (
        Antrag.objects.filter(antragsteller=user)
        .select_related("aufruf__kommune")
        .order_by("-updated_at")
    )


def antrag_detail(pk: int) -> Antrag:
    return (
        Antrag.objects.select_related("aufruf__kommune", "antragsteller", "erfasst_von")
        .prefetch_related(
            "kosten",
            "anhaenge",
            "dokumente",
            "buchungen__durch",
            "verwendungsnachweis__belege__anhang",
            "verwendungsnachweis__belege__kostenposition",
            Prefetch("verlauf", queryset=Verlauf.objects.select_related("durch")),
        )
        .get(pk=pk)
    )


def antrag_for_documents(pk: int) -> Antrag:
    return (
        Antrag.objects.select_related("aufruf__kommune", "antragsteller", "erfasst_von")
        .prefetch_related("kosten", "anhaenge", "buchungen", "verwendungsnachweis__belege")
        .get(pk=pk)
    )


def jury_aufrufe(user) -> QuerySet[Foerderaufruf]:
    return (
        Foerderaufruf.objects.filter(mitgliedschaften__mitglied=user)
        .select_related("kommune")
        .annotate(n_jury=Count("antraege", filter=Q(antraege__status=Status.JURY)))
        .order_by("-einreichung_bis")
    )


@dataclass(frozen=True, slots=True)
class JuryAntrag:
    """What the jury's page, its spreadsheet and its list of conflicts show of an
    application (and who_may_decide needs). Plain rows, not model instances: a call
    brings hundreds of applications, and the ranking reads them all on every view."""

    pk: int
    antragsteller_id: int | None
    status: str
    eingangsnummer: str
    organisation: str
    title: str
    gemeinde: str
    beantragt: Decimal
    bewilligt: Decimal | None

    def get_status_display(self) -> str:
        return Status(self.status).label


JURY_SPALTEN = tuple(f.name for f in fields(JuryAntrag))


def jury_uebersicht(aufruf: Foerderaufruf, user=None) -> dict:
    """Applications ready for or decided by the jury, ranked by weighted score.

    Score of one member = Σ(points × weight) / Σ weight; an application's score is
    the mean over the members who scored it. An application on which `user`
    declared a conflict of interest is left out of the ranking the user sees (it is
    listed apart, in "befangen"), and the ranks count only the others, so neither
    its rank nor its place between its neighbours can be read.

    While an application is at the jury, a member who has not scored it yet sees
    neither its score, nor how many scored it, nor its rank (`verdeckt`), so their
    own points do not lean on the others' (the rule of permissions.can_see_scores,
    here for a whole call at once). Like a row without scores it stands after the
    ranked rows, and the ranks count only the rows shown. The Fachdienst, and a
    call without `user`, see every score. The applications are JuryAntrag rows.
    A fixed number of queries.
    """
    kriterien = list(Kriterium.objects.filter(aufruf=aufruf))
    summe_gewichte = sum(k.gewicht for k in kriterien) or 1
    sichtbar = {"antrag__aufruf": aufruf, "antrag__status__in": JURY_SICHTBAR}
    antraege = [
        JuryAntrag(*row)
        for row in Antrag.objects.filter(aufruf=aufruf, status__in=JURY_SICHTBAR)
        .order_by("pk")
        .values_list(*JURY_SPALTEN)
    ]
    uid = user.pk if user is not None else None  # once: request.user is a lazy object
    # Per application, summed in the database: the weighted points of every member (a
    # criterion of another call weighs nothing), how many members scored, whether `user` did.
    wertung = {
        row["antrag_id"]: row
        for row in Bewertung.objects.filter(**sichtbar)
        .order_by()
        .values("antrag_id")
        .annotate(
            punkte=Sum(F("punkte") * F("kriterium__gewicht"), filter=Q(kriterium__aufruf=aufruf)),
            mitglieder=Count("mitglied_id", distinct=True),
            eigene=Count("pk", filter=Q(mitglied_id=uid)),
        )
    }
    # Per application: how many members declared a conflict, and what `user` declared
    # (None: nothing; bool_or over at most one row).
    erklaerungen = {
        row["antrag_id"]: row
        for row in Befangenheit.objects.filter(**sichtbar)
        .order_by()
        .values("antrag_id")
        .annotate(
            anzahl_befangen=Count("pk", filter=Q(befangen=True)),
            eigene=BoolOr("befangen", filter=Q(mitglied_id=uid)),
        )
    }
    sieht_alles = user is None or permissions.is_fachdienst(user, aufruf)
    zeilen = []
    ausgeschlossen = []
    for antrag in antraege:
        erklaerung = erklaerungen.get(antrag.pk, {})
        if erklaerung.get("eigene") is True or (
            user is not None and antrag.antragsteller_id == uid
        ):
            ausgeschlossen.append(antrag)
            continue
        gewertet = wertung.get(antrag.pk, {})
        mitglieder = gewertet.get("mitglieder", 0)
        bewertet = bool(gewertet.get("eigene"))
        verdeckt = not sieht_alles and antrag.status == Status.JURY and not bewertet
        score = None
        if mitglieder and not verdeckt:
            punkte = Decimal(gewertet["punkte"] or 0)
            score = (punkte / summe_gewichte / mitglieder).quantize(Decimal("0.01"))
        zeilen.append(
            {
                "antrag": antrag,
                "score": score,
                "anzahl": None if verdeckt else mitglieder,
                "verdeckt": verdeckt,
                "befangen": erklaerung.get("anzahl_befangen", 0),
                "eigene_erklaerung": erklaerung.get("eigene"),
                "bewertet": bewertet,
            }
        )
    # Ranked here, not in SQL: the rank follows the score as shown, rounded to cents the
    # Decimal way (ties by pk), which the database's round() would not do the same.
    zeilen.sort(key=lambda z: (z["score"] is None, -(z["score"] or 0), z["antrag"].pk))
    for rang, zeile in enumerate(zeilen, 1):
        zeile["rang"] = rang if zeile["score"] is not None else None
    gebunden = committed(aufruf)
    offen = sum((a.beantragt for a in antraege if a.status == Status.JURY), Decimal(0))
    return {
        "aufruf": aufruf,
        "kriterien": kriterien,
        "zeilen": zeilen,
        "befangen": ausgeschlossen,
        "budget": aufruf.budget,
        "gebunden": gebunden,
        "frei": aufruf.budget - gebunden,
        "offen_beantragt": offen,
    }


def bewertungen(antrag: Antrag) -> QuerySet[Bewertung]:
    return Bewertung.objects.filter(antrag=antrag).select_related("kriterium", "mitglied")


# ---------------------------------------------------------------- running the fund (Fachdienst)


@dataclass(frozen=True)
class Mittel:
    """A call's money: its budget and the balances of its applications (saldi_je_aufruf).

    Free is the budget less the money promised; money paid back does not raise the budget
    by itself (the call's budget is changed only by whoever keeps the call)."""

    budget: Decimal
    saldo: Saldo

    @property
    def frei(self) -> Decimal:
        return self.budget - self.saldo.bewilligt


def mittel_je_aufruf(aufrufe) -> dict[int, Mittel]:
    """The money of each call in `aufrufe` (two queries, whatever their number)."""
    aufrufe = list(aufrufe)
    saldi = saldi_je_aufruf([a.pk for a in aufrufe]) if aufrufe else {}
    return {a.pk: Mittel(budget=a.budget, saldo=saldi[a.pk]) for a in aufrufe}


def ueberfaellige_fristen():
    """Deadlines passed and not met: open, due before today (Frist.ueberfaellig, as a query)."""
    return Frist.objects.filter(erledigt_am=None, faellig_am__lt=timezone.localdate())


def _hat_ueberfaellige_frist() -> Exists:
    """A subquery, not a join: the ledger's sums of mit_saldo stay right."""
    return Exists(ueberfaellige_fristen().filter(antrag=OuterRef("pk")))


def mit_ueberfaelliger_frist(queryset: QuerySet[Antrag]) -> QuerySet[Antrag]:
    """The applications of `queryset` with a deadline passed ("Frist überschritten")."""
    return queryset.filter(_hat_ueberfaellige_frist())


def fonds_uebersicht(antraege: QuerySet[Antrag]) -> list[Foerderaufruf]:
    """Every call with its money (`mittel`, Mittel) and how many of `antraege` (the
    applications the person may see) it has per stage: `je_status` [(status, n)] in the
    order of Status, without drafts, which staff do not see; `entwuerfe`, the drafts' count.
    Four queries, whatever the number of calls and applications."""
    aufrufe = list(Foerderaufruf.objects.select_related("kommune").order_by("-einreichung_bis"))
    mittel = mittel_je_aufruf(aufrufe)
    counts: dict[int, dict[str, int]] = {}
    for aufruf_id, status, n in (
        antraege.order_by()
        .values("aufruf_id", "status")
        .annotate(n=Count("pk"))
        .values_list("aufruf_id", "status", "n")
    ):
        counts.setdefault(aufruf_id, {})[status] = n
    for aufruf in aufrufe:
        je_status = counts.get(aufruf.pk, {})
        aufruf.mittel = mittel[aufruf.pk]
        aufruf.entwuerfe = je_status.get(Status.ENTWURF, 0)
        aufruf.je_status = [
            (status, je_status[status])
            for status in Status
            if status != Status.ENTWURF and je_status.get(status)
        ]
    return aufrufe


def _offene_fristen_je_antrag(antraege: QuerySet[Antrag]) -> dict[int, list[Frist]]:
    """The open deadlines of `antraege` (one query), each with `tage_ueberfaellig`."""
    heute = timezone.localdate()
    result: dict[int, list[Frist]] = {}
    for frist in Frist.objects.filter(antrag__in=antraege.values("pk"), erledigt_am=None).order_by(
        "faellig_am", "pk"
    ):
        frist.tage_ueberfaellig = max(0, (heute - frist.faellig_am).days)
        result.setdefault(frist.antrag_id, []).append(frist)
    return result


def faelle_je_status(antraege: QuerySet[Antrag]) -> list[tuple[Status, list[Antrag]]]:
    """The submitted applications of `antraege` grouped by stage, in the order of Status,
    each with the ledger's sums (mit_saldo) and its open deadlines (`offene`). Two queries."""
    antraege = antraege.exclude(status=Status.ENTWURF)
    fristen = _offene_fristen_je_antrag(antraege)
    groups: dict[str, list[Antrag]] = {}
    for antrag in mit_saldo(antraege).order_by("submitted_at", "pk"):
        antrag.offene = fristen.get(antrag.pk, [])
        groups.setdefault(antrag.status, []).append(antrag)
    return [(status, groups[status]) for status in Status if status in groups]


def anzahl_zu_erledigen(antraege: QuerySet[Antrag]) -> int:
    """How many of `antraege` wait for the Fachdienst (the applications zu_erledigen lists)."""
    return (
        antraege.exclude(status=Status.ENTWURF)
        .filter(Q(status__in=list(ZU_ERLEDIGEN)) | _hat_ueberfaellige_frist())
        .count()
    )


def zu_erledigen(antraege: QuerySet[Antrag]) -> dict:
    """What the Fachdienst has to do among `antraege`: per state of workflow.ZU_ERLEDIGEN
    (its task as the heading) the applications in it, oldest first, with `seit`, the time
    of their last step (or of their last change), and `tage`, the days since; and the
    deadlines passed (`fristen`, the longest overdue first), each with its application.
    `anzahl`: the applications on the page (one in both parts counts once). Two queries."""
    heute = timezone.localdate()
    antraege = antraege.exclude(status=Status.ENTWURF)
    letzter_schritt = (
        Verlauf.objects.filter(antrag=OuterRef("pk")).order_by("-created_at").values("created_at")
    )
    offen = (
        antraege.filter(status__in=list(ZU_ERLEDIGEN))
        .select_related("aufruf__kommune")
        .annotate(seit=Coalesce(Subquery(letzter_schritt[:1]), "updated_at"))
        .order_by("seit", "pk")
    )
    groups: dict[str, list[Antrag]] = {}
    for antrag in offen:
        antrag.tage = max(0, (heute - timezone.localdate(antrag.seit)).days)
        groups.setdefault(antrag.status, []).append(antrag)
    fristen = list(
        ueberfaellige_fristen()
        .filter(antrag__in=antraege.values("pk"))
        .select_related("antrag__aufruf__kommune")
        .order_by("faellig_am", "pk")
    )
    for frist in fristen:
        frist.tage_ueberfaellig = (heute - frist.faellig_am).days
    ids = {a.pk for group in groups.values() for a in group} | {f.antrag_id for f in fristen}
    return {
        "gruppen": [
            (status, aufgabe, groups[status])
            for status, aufgabe in ZU_ERLEDIGEN.items()
            if status in groups
        ],
        "fristen": fristen,
        "anzahl": len(ids),
    }
