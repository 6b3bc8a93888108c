"""The mails of the Kleinprojektefonds (templates/emails/foerderung_*)."""

from django.conf import settings
from django.urls import reverse

from zwk_portal import mail

from .workflow import EINFACH


def _link(antrag) -> str:
    return settings.SITE_URL + reverse("foerderung:antrag", kwargs={"pk": antrag.pk})


def _recipients(antrag) -> list[str]:
    return sorted({e for e in (antrag.email, antrag.antragsteller.email) if e})


def _files(dokumente) -> list[tuple[str, bytes, str]]:
    files = []
    for dokument in dokumente:
        with dokument.datei.open("rb") as handle:
            files.append((dokument.dateiname, handle.read(), "application/pdf"))
    return files


def eingang(antrag, dokumente) -> None:
    """Receipt with the application as PDF and the receipt number."""
    mail.send(
        "foerderung_eingang",
        to=_recipients(antrag),
        context={"antrag": antrag, "kommune": antrag.aufruf.kommune, "link": _link(antrag)},
        attachments=_files(dokumente),
    )


def status(antrag, *, note: str = "", dokumente=()) -> None:
    mail.send(
        "foerderung_status",
        to=_recipients(antrag),
        context={
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            "einfach": EINFACH[antrag.status],
            "note": note,
            "link": _link(antrag),
        },
        attachments=_files(dokumente),
    )
