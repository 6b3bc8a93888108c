"""Reads shared by the pages, the PDFs and the exports, in a fixed number of queries."""

from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from . import permissions
from .models import Antrag, Befangenheit, Bewertung, Foerderaufruf, Kriterium, Verlauf
from .workflow import JURY_SICHTBAR, Status


def offene_und_fruehere_aufrufe(kommune) -> QuerySet[Foerderaufruf]:
    return Foerderaufruf.objects.filter(kommune=kommune, published=True).order_by(
        "-einreichung_bis"
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


def aufrufe_mit_zahlen() -> QuerySet[Foerderaufruf]:
    """Every call with committed sum and count of applications per status (one query)."""
    per_status = {
        f"n_{status.value}": Count("antraege", filter=Q(antraege__status=status.value))
        for status in Status
    }
    return (
        Foerderaufruf.objects.select_related("kommune")
        .annotate(
            gebunden=committed_sum("antraege__"),
            n_gesamt=Count("antraege"),
            **per_status,
        )
        .order_by("-einreichung_bis")
    )


def budget(aufruf: Foerderaufruf) -> dict:
    gebunden = committed(aufruf)
    return {"gesamt": aufruf.budget, "gebunden": gebunden, "frei": aufruf.budget - gebunden}


def antraege_fuer_verwaltung(**filters) -> QuerySet[Antrag]:
    """The staff list and its export."""
    return (
        Antrag.objects.filter(**filters)
        .exclude(status=Status.ENTWURF)
        .select_related("aufruf__kommune")
        .order_by("-submitted_at", "-pk")
    )


def eigene_antraege(user) -> QuerySet[Antrag]:
    return (
        Antrag.objects.filter(antragsteller=user)
        .select_related("aufruf__kommune")
        .order_by("-updated_at")
    )


def antrag_detail(pk: int) -> Antrag:
    return (
        Antrag.objects.select_related("aufruf__kommune", "antragsteller")
        .prefetch_related(
            "kosten",
            "anhaenge",
            "dokumente",
            Prefetch("verlauf", queryset=Verlauf.objects.select_related("durch")),
        )
        .get(pk=pk)
    )


def antrag_for_documents(pk: int) -> Antrag:
    return (
        Antrag.objects.select_related("aufruf__kommune")
        .prefetch_related("kosten", "anhaenge")
        .get(pk=pk)
    )


def jury_aufrufe(user) -> QuerySet[Foerderaufruf]:
    return (
        Foerderaufruf.objects.filter(mitgliedschaften__mitglied=user)
        .select_related("kommune")
        .annotate(n_jury=Count("antraege", filter=Q(antraege__status=Status.JURY)))
        .order_by("-einreichung_bis")
    )


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
    call without `user`, see every score. A fixed number of queries.
    """
    kriterien = list(Kriterium.objects.filter(aufruf=aufruf))
    gewichte = {k.pk: k.gewicht for k in kriterien}
    summe_gewichte = sum(gewichte.values()) or 1
    antraege = list(Antrag.objects.filter(aufruf=aufruf, status__in=JURY_SICHTBAR).order_by("pk"))
    ids = [a.pk for a in antraege]
    punkte: dict[int, dict[int, Decimal]] = {}
    for antrag_id, mitglied_id, kriterium_id, value in Bewertung.objects.filter(
        antrag_id__in=ids
    ).values_list("antrag_id", "mitglied_id", "kriterium_id", "punkte"):
        punkte.setdefault(antrag_id, {}).setdefault(mitglied_id, Decimal(0))
        punkte[antrag_id][mitglied_id] += Decimal(value * gewichte.get(kriterium_id, 0))
    befangen: dict[int, set[int]] = {}
    eigene: dict[int, bool] = {}
    for antrag_id, mitglied_id, is_biased in Befangenheit.objects.filter(
        antrag_id__in=ids
    ).values_list("antrag_id", "mitglied_id", "befangen"):
        if is_biased:
            befangen.setdefault(antrag_id, set()).add(mitglied_id)
        if user is not None and mitglied_id == user.pk:
            eigene[antrag_id] = is_biased
    sieht_alles = user is None or permissions.is_fachdienst(user, aufruf)
    zeilen = []
    ausgeschlossen = []
    for antrag in antraege:
        if eigene.get(antrag.pk) is True or (
            user is not None and antrag.antragsteller_id == user.pk
        ):
            ausgeschlossen.append(antrag)
            continue
        je_mitglied = punkte.get(antrag.pk, {})
        bewertet = user is not None and user.pk in je_mitglied
        verdeckt = not sieht_alles and antrag.status == Status.JURY and not bewertet
        score = None
        if je_mitglied and not verdeckt:
            score = (sum(je_mitglied.values()) / summe_gewichte / len(je_mitglied)).quantize(
                Decimal("0.01")
            )
        zeilen.append(
            {
                "antrag": antrag,
                "score": score,
                "anzahl": None if verdeckt else len(je_mitglied),
                "verdeckt": verdeckt,
                "befangen": len(befangen.get(antrag.pk, ())),
                "eigene_erklaerung": eigene.get(antrag.pk),
                "bewertet": bewertet,
            }
        )
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
