"""Reads shared by the pages, the PDFs and the exports, in a fixed number of queries."""

from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from .models import Antrag, Befangenheit, Bewertung, Foerderaufruf, Kriterium, Verlauf
from .workflow import BEWILLIGT_STATUS, JURY_SICHTBAR, Status


def offene_und_fruehere_aufrufe(kommune) -> QuerySet[Foerderaufruf]:
    return Foerderaufruf.objects.filter(kommune=kommune, published=True).order_by(
        "-einreichung_bis"
    )


def aufrufe_mit_zahlen() -> QuerySet[Foerderaufruf]:
    """Every call with approved sum and count of applications per status (one query)."""
    per_status = {
        f"n_{status.value}": Count("antraege", filter=Q(antraege__status=status.value))
        for status in Status
    }
    return (
        Foerderaufruf.objects.select_related("kommune")
        .annotate(
            gebunden=Sum("antraege__bewilligt", filter=Q(antraege__status__in=BEWILLIGT_STATUS)),
            n_gesamt=Count("antraege"),
            **per_status,
        )
        .order_by("-einreichung_bis")
    )


def budget(aufruf: Foerderaufruf) -> dict:
    gebunden = aufruf.antraege.filter(status__in=BEWILLIGT_STATUS).aggregate(s=Sum("bewilligt"))[
        "s"
    ] or Decimal(0)
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
    its rank nor its place between its neighbours can be read. A fixed number of
    queries.
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
    zeilen = []
    ausgeschlossen = []
    for antrag in antraege:
        if eigene.get(antrag.pk) is True:
            ausgeschlossen.append(antrag)
            continue
        je_mitglied = punkte.get(antrag.pk, {})
        score = None
        if je_mitglied:
            score = (sum(je_mitglied.values()) / summe_gewichte / len(je_mitglied)).quantize(
                Decimal("0.01")
            )
        zeilen.append(
            {
                "antrag": antrag,
                "score": score,
                "anzahl": len(je_mitglied),
                "befangen": len(befangen.get(antrag.pk, ())),
                "eigene_erklaerung": eigene.get(antrag.pk),
                "bewertet": user is not None and user.pk in je_mitglied,
            }
        )
    zeilen.sort(key=lambda z: (z["score"] is None, -(z["score"] or 0), z["antrag"].pk))
    for rang, zeile in enumerate(zeilen, 1):
        zeile["rang"] = rang if zeile["score"] is not None else None
    gebunden = sum((a.bewilligt or 0 for a in antraege if a.status in BEWILLIGT_STATUS), Decimal(0))
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
