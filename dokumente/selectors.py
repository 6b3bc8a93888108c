"""Reads of the documents pages: the list, the start page's section and one file."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from foerderung.selectors import offene_und_fruehere_aufrufe

from . import permissions
from .models import Dokument

# The group headings' anchors: stable, so "#formulare" can be linked from anywhere.
ANKER = {
    Dokument.Gruppe.DATENBLATT: "datenblaetter",
    Dokument.Gruppe.BERICHT: "berichte",
    Dokument.Gruppe.FORMULAR: "formulare",
    Dokument.Gruppe.SONSTIGES: "weitere",
}
TEASER_COUNT = 3


@dataclass
class Gruppe:
    key: str
    anchor: str
    title: str
    dokumente: list[Dokument] = field(default_factory=list)
    # Under "Formulare" only: the blank application form of each published call.
    aufrufe: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.dokumente or self.aufrufe)


def public_dokumente(kommune) -> QuerySet[Dokument]:
    # Each links to its address under the commune's slug.
    return Dokument.objects.filter(kommune=kommune, published=True).select_related("kommune")


def aufrufe_mit_formular(kommune) -> list:
    """The published calls of the Kommune, each with its blank form (foerderung:antragsformular),
    the open ones first; `offen` says whether applications are accepted now."""
    now = timezone.now()
    aufrufe = list(offene_und_fruehere_aufrufe(kommune))
    for aufruf in aufrufe:
        aufruf.offen = aufruf.ist_offen(now)
    return sorted(aufrufe, key=lambda a: not a.offen)


def gruppen(kommune) -> list[Gruppe]:
    """The Kommune's published documents grouped in the order of Dokument.Gruppe, newest
    first within a group; empty groups are dropped (two queries)."""
    found = {
        key: Gruppe(key=key, anchor=ANKER[key], title=label)
        for key, label in Dokument.Gruppe.choices
    }
    for dokument in public_dokumente(kommune).order_by("-datum", "title", "pk"):
        found[dokument.gruppe].dokumente.append(dokument)
    found[Dokument.Gruppe.FORMULAR].aufrufe = aufrufe_mit_formular(kommune)
    return [gruppe for gruppe in found.values() if gruppe]


def neueste(kommune, count: int = TEASER_COUNT) -> list[Dokument]:
    return list(public_dokumente(kommune).order_by("-datum", "-pk")[:count])


def dokument_for(kommune, pk: int, *, user=None) -> Dokument | None:
    """The document behind the stable address, if this visitor may open it: published, or
    a draft for the Kommune's staff (permissions.can_preview)."""
    dokument = Dokument.objects.filter(kommune=kommune, pk=pk).first()
    if dokument is None:
        return None
    if dokument.published or (user is not None and permissions.can_preview(user, dokument)):
        return dokument
    return None
