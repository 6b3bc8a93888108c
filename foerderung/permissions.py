"""Who may do what: small predicates used by views, admin and templates alike."""

from .models import Antrag, Foerderaufruf, JuryMitgliedschaft
from .workflow import ANTRAGSTELLER, EDITABLE, FACHDIENST, JURY_SICHTBAR, VORSITZ, Status


def is_fachdienst(user) -> bool:
    return user.is_authenticated and user.has_perm("foerderung.bearbeiten_antrag")


def can_run_calls(user) -> bool:
    return user.is_authenticated and (
        is_fachdienst(user) or user.has_perm("foerderung.view_foerderaufruf")
    )


def _mitgliedschaft(user, aufruf_id: int) -> JuryMitgliedschaft | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_jury_cache", None)
    if cache is None:
        cache = {m.aufruf_id: m for m in JuryMitgliedschaft.objects.filter(mitglied_id=user.pk)}
        user._jury_cache = cache
    return cache.get(aufruf_id)


def is_jury_member(user, aufruf: Foerderaufruf) -> bool:
    return _mitgliedschaft(user, aufruf.pk) is not None


def is_chair(user, aufruf: Foerderaufruf) -> bool:
    mitgliedschaft = _mitgliedschaft(user, aufruf.pk)
    return bool(mitgliedschaft and mitgliedschaft.vorsitz)


def rollen(user, antrag: Antrag) -> set[str]:
    """The workflow roles `user` holds for `antrag`."""
    result = set()
    if not user.is_authenticated:
        return result
    if antrag.antragsteller_id == user.pk:
        result.add(ANTRAGSTELLER)
    if is_fachdienst(user):
        result.add(FACHDIENST)
    if is_chair(user, antrag.aufruf):
        result.add(VORSITZ)
    return result


def can_view_as_applicant(user, antrag: Antrag) -> bool:
    return user.is_authenticated and antrag.antragsteller_id == user.pk


def can_edit(user, antrag: Antrag) -> bool:
    return can_view_as_applicant(user, antrag) and antrag.status in EDITABLE


def can_view_as_jury(user, antrag: Antrag) -> bool:
    return antrag.status in JURY_SICHTBAR and is_jury_member(user, antrag.aufruf)


def befangenheit(user, antrag: Antrag):
    """None: not declared yet; True/False: the member's declaration."""
    return (
        antrag.befangenheiten.filter(mitglied_id=user.pk).values_list("befangen", flat=True).first()
    )


def can_score(user, antrag: Antrag) -> bool:
    return (
        antrag.status == Status.JURY
        and is_jury_member(user, antrag.aufruf)
        and befangenheit(user, antrag) is False
    )


def can_see_scores(user, antrag: Antrag) -> bool:
    if is_fachdienst(user):
        return True
    return is_jury_member(user, antrag.aufruf) and befangenheit(user, antrag) is False


def can_decide(user, antrag: Antrag) -> bool:
    return antrag.status == Status.JURY and bool(rollen(user, antrag) & {FACHDIENST, VORSITZ})


def can_see_bank_account(user, antrag: Antrag) -> bool:
    return can_view_as_applicant(user, antrag) or is_fachdienst(user)


def can_view_files(user, antrag: Antrag) -> bool:
    return (
        can_view_as_applicant(user, antrag) or is_fachdienst(user) or can_view_as_jury(user, antrag)
    )
