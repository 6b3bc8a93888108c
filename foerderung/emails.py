"""The mails of the Kleinprojektefonds (templates/emails/foerderung_*)."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from zwk_portal import mail

from . import permissions
from .models import Buchung, Frist
from .validation import format_iban
from .workflow import EINFACH


def _link(antrag) -> str:
    return settings.SITE_URL + reverse("foerderung:antrag", kwargs={"pk": antrag.pk})


def _staff_link(antrag) -> str:
    return settings.SITE_URL + reverse("foerderung:verwaltung_antrag", kwargs={"pk": antrag.pk})


def recipients(antrag) -> list[str]:
    """Where the applicant's mails go: the application's address and the account's."""
    return sorted({e for e in (antrag.email, antrag.antragsteller.email) if e})


def reachable(antrag) -> bool:
    """The applicant gets mails; else (a paper application without an address) the Fachdienst
    writes, and prints the receipt as a letter."""
    return bool(recipients(antrag))


def _files(dokumente) -> list[tuple[str, bytes, str]]:
    files = []
    for dokument in dokumente:
        with dokument.datei.open("rb") as handle:
            files.append((dokument.dateiname, handle.read(), "application/pdf"))
    return files


def _login_link(antrag) -> str:
    """The login page, leading on to the application: how an applicant whose application the
    Fachdienst typed in from paper signs in (by a login link to their address) to follow it."""
    path = reverse("foerderung:antrag", kwargs={"pk": antrag.pk})
    return f"{settings.SITE_URL}{reverse('konto:login')}?{urlencode({'next': path})}"


def eingang(antrag, dokumente) -> None:
    """Receipt with the application as PDF and the receipt number. For an application typed
    in from paper, how to sign in to follow it. No address (a paper application without
    one): no mail; the Fachdienst prints the receipt as a letter."""
    to = recipients(antrag)
    if not to:
        return
    mail.send(
        "foerderung_eingang",
        to=to,
        context={
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            "link": _link(antrag),
            "login_link": "" if antrag.ist_online else _login_link(antrag),
        },
        attachments=_files(dokumente),
    )


def zugang(antrag) -> None:
    """To the address the Fachdienst added to a paper application: from now on the mails
    come here, and how to sign in to follow and answer the application online."""
    mail.send(
        "foerderung_zugang",
        to=recipients(antrag),
        context={
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            "login_link": _login_link(antrag),
        },
    )


def status(antrag, *, note: str = "", dokumente=()) -> None:
    """The applicant's mail about a step; none without an address (the Fachdienst writes)."""
    to = recipients(antrag)
    if not to:
        return
    mail.send(
        "foerderung_status",
        to=to,
        context={
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            "einfach": EINFACH[antrag.status],
            "note": note,
            "link": _link(antrag),
        },
        attachments=_files(dokumente),
    )


def zu_erledigen(antrag, aufgabe) -> None:
    """Tell the Fachdienst of the call's Kommune that `antrag` waits for them (`aufgabe`)."""
    to = permissions.fachdienst_emails(antrag.aufruf, ohne=antrag.antragsteller_id)
    if not to:
        return
    mail.send(
        "foerderung_zu_erledigen",
        to=to,
        context={
            "antrag": antrag,
            "kommune": antrag.aufruf.kommune,
            "aufgabe": aufgabe,
            "link": _staff_link(antrag),
            "liste": settings.SITE_URL + reverse("foerderung:zu_erledigen"),
        },
    )


# ---- Deadlines (foerderung.fristen, run by the daily command) -------------------------------


def _kontakt(aufruf) -> dict:
    """Whom the applicant asks about a deadline: the call's contact, else the Kommune's."""
    kommune = aufruf.kommune
    return {
        "name": aufruf.kontakt_name,
        "email": aufruf.kontakt_email or kommune.kontakt_email,
        "telefon": aufruf.kontakt_telefon or kommune.kontakt_telefon,
    }


def _frist_context(frist: Frist) -> dict:
    """What the applicant's mails about a deadline say: what is due by when, whom to ask, and
    for a repayment the open amount, the Kassenzeichen and the Kasse's account."""
    antrag = frist.antrag
    aufruf = antrag.aufruf
    context = {
        "frist": frist,
        "antrag": antrag,
        "aufruf": aufruf,
        "kommune": aufruf.kommune,
        "kontakt": _kontakt(aufruf),
        "link": _link(antrag),
    }
    if frist.art == Frist.Art.RUECKZAHLUNG:
        rueckforderung = (
            antrag.buchungen.filter(art=Buchung.Art.RUECKFORDERUNG)
            .order_by("-datum", "-created_at", "-pk")
            .first()
        )
        context["zahlung"] = {
            "offen": antrag.saldo.offen_rueckzahlung,
            "kassenzeichen": rueckforderung.kassenzeichen if rueckforderung else "",
            "kontoinhaber": aufruf.kasse_kontoinhaber,
            "iban": format_iban(aufruf.kasse_iban),
            "bic": aufruf.kasse_bic,
            "bank": aufruf.kasse_bank,
        }
    return context


def _to_applicant(frist: Frist, *, abgelaufen: bool) -> None:
    to = recipients(frist.antrag)
    if not to:
        return
    context = {**_frist_context(frist), "abgelaufen": abgelaufen}
    reply_to = [context["kontakt"]["email"]] if context["kontakt"]["email"] else []
    mail.send("foerderung_frist", to=to, context=context, reply_to=reply_to)


def frist_erinnerung(frist: Frist) -> None:
    """The applicant's reminder in the days before a deadline."""
    _to_applicant(frist, abgelaufen=False)


def frist_abgelaufen(frist: Frist) -> None:
    """The applicant's notice that a deadline has passed: act now or get in touch."""
    _to_applicant(frist, abgelaufen=True)


def fristen_fachdienst(fristen: list[Frist]) -> int:
    """Tell the Fachdienst of one Kommune which of its cases' deadlines have newly passed: one
    list for all of them; the number of mails (one, unless an address may not see every case).

    Each case goes to `permissions.fachdienst_emails` of its call, never to a member who
    applied themselves; addresses that get the same cases share one mail."""
    faelle = sorted(fristen, key=lambda f: (f.faellig_am, f.antrag.eingangsnummer or "", f.pk))
    je_adresse: dict[str, list[Frist]] = {}
    for frist in faelle:
        antrag = frist.antrag
        for email in permissions.fachdienst_emails(antrag.aufruf, ohne=antrag.antragsteller_id):
            je_adresse.setdefault(email, []).append(frist)
    je_liste: dict[tuple[int, ...], list[str]] = {}
    for email, liste in je_adresse.items():
        je_liste.setdefault(tuple(f.pk for f in liste), []).append(email)
    by_pk = {f.pk: f for f in faelle}
    for pks, to in je_liste.items():
        mail.send(
            "foerderung_fristen_fachdienst",
            to=sorted(to),
            context={
                "kommune": by_pk[pks[0]].antrag.aufruf.kommune,
                "faelle": [
                    {
                        "frist": by_pk[pk],
                        "antrag": by_pk[pk].antrag,
                        "link": _staff_link(by_pk[pk].antrag),
                    }
                    for pk in pks
                ],
                "liste": settings.SITE_URL + reverse("foerderung:zu_erledigen"),
            },
        )
    return len(je_liste)
