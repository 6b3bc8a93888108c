"""Who may do what in the Kleinprojektefonds: predicates for views, admin and templates alike.

Staff rights come from memberships (zwk_portal.tenancy): the Fachdienst of the
call's Kommune processes its applications, nobody else's. Jury rights come from
the call's jury. A declared conflict of interest shuts a person out of that
application in every role: no page, no files, no receipts, no score, no decision
(Befangenheit, § 24 KV M-V).
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from zwk_portal.models import Membership
from zwk_portal.roles import Role
from zwk_portal.tenancy import kommune_ids, scopes_disabled

from .models import Anhang, Antrag, Befangenheit, Foerderaufruf, JuryMitgliedschaft
from .workflow import (
    ANTRAGSTELLER,
    EDITABLE,
    FACHDIENST,
    JURY_SICHTBAR,
    VORSITZ,
    Schritt,
    Status,
    schritte,
)

PROCESS = "foerderung.bearbeiten_antrag"


# ---------------------------------------------------------------- across Kommunen


def fachdienst_kommunen(user) -> set[int] | None:
    """The Kommunen whose applications the user processes (list pages of the Fachdienst)."""
    return kommune_ids(user, PROCESS)


def _jury(user) -> dict[int, JuryMitgliedschaft]:
    """The user's jury seats by call, one query per request."""
    if not user.is_authenticated:
        return {}
    cache = getattr(user, "_jury_cache", None)
    if cache is None:
        cache = {
            m.aufruf_id: m
            for m in JuryMitgliedschaft.objects.filter(mitglied_id=user.pk).select_related("aufruf")
        }
        user._jury_cache = cache
    return cache


def jury_kommunen(user) -> set[int]:
    """The Kommunen of the calls the user sits on the jury of (the jury's list page)."""
    return {m.aufruf.kommune_id for m in _jury(user).values()}


def is_jury(user) -> bool:
    return bool(_jury(user))


def own_antraege(user) -> QuerySet[Antrag]:
    """The applicant's own applications, in whatever Kommune: the owner is the filter."""
    with scopes_disabled():
        return Antrag.objects.filter(antragsteller_id=user.pk).select_related("aufruf__kommune")


# ---------------------------------------------------------------- one application


def is_fachdienst(user, obj: Antrag | Foerderaufruf) -> bool:
    """Member of the Fachdienst of the Kommune `obj` belongs to."""
    return user.is_authenticated and user.has_perm(PROCESS, obj)


def is_jury_member(user, aufruf: Foerderaufruf) -> bool:
    return aufruf.pk in _jury(user)


def is_chair(user, aufruf: Foerderaufruf) -> bool:
    membership = _jury(user).get(aufruf.pk)
    return bool(membership and membership.vorsitz)


def befangenheit(user, antrag: Antrag) -> bool | None:
    """None: not declared; True/False: the member's declaration on this application."""
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_bias_cache", {})
    if antrag.pk not in cache:
        cache[antrag.pk] = (
            Befangenheit.objects.filter(antrag_id=antrag.pk, mitglied_id=user.pk)
            .values_list("befangen", flat=True)
            .first()
        )
    return cache[antrag.pk]


def forget_bias(user, antrag: Antrag) -> None:
    """After a declaration: ask the database again (the answer is kept per request)."""
    user.__dict__.get("_bias_cache", {}).pop(antrag.pk, None)


def is_biased(user, antrag: Antrag) -> bool:
    return befangenheit(user, antrag) is True


def without_bias(queryset: QuerySet[Antrag], user) -> QuerySet[Antrag]:
    """`queryset` without the applications `user` declared a conflict of interest on, and
    without their own."""
    biased = Befangenheit.objects.filter(antrag=OuterRef("pk"), mitglied_id=user.pk, befangen=True)
    return queryset.exclude(Exists(biased)).exclude(antragsteller_id=user.pk)


def rollen(user, antrag: Antrag) -> set[str]:
    """The workflow roles `user` holds for `antrag`; none as staff or chair when biased, and
    none on one's own application: nobody decides in their own cause."""
    result = set()
    if not user.is_authenticated:
        return result
    if antrag.antragsteller_id == user.pk:
        return {ANTRAGSTELLER}
    if is_biased(user, antrag):
        return result
    if is_fachdienst(user, antrag):
        result.add(FACHDIENST)
    if is_chair(user, antrag.aufruf):
        result.add(VORSITZ)
    return result


def can_process(user, antrag: Antrag) -> bool:
    """The Fachdienst's pages of a submitted application."""
    return (
        antrag.status != Status.ENTWURF
        and antrag.antragsteller_id != user.pk
        and is_fachdienst(user, antrag)
        and not is_biased(user, antrag)
    )


def can_view_as_applicant(user, antrag: Antrag) -> bool:
    return user.is_authenticated and antrag.antragsteller_id == user.pk


def can_edit(user, antrag: Antrag) -> bool:
    return can_view_as_applicant(user, antrag) and antrag.status in EDITABLE


def can_enter_paper(user, obj: Antrag | Foerderaufruf) -> bool:
    """The Fachdienst of the call's Kommune types in an application that came on paper or by
    e-mail: the staff form of a call, and the draft it fills in for the applicant on the way
    to "eingereicht" (services.enter_paper_antrag). Never an online draft: that is the
    applicant's alone; and never one's own application."""
    if isinstance(obj, Foerderaufruf):
        return is_fachdienst(user, obj)
    return (
        not obj.ist_online
        and obj.status == Status.ENTWURF
        and obj.antragsteller_id != user.pk
        and is_fachdienst(user, obj)
    )


def can_submit(user, antrag: Antrag) -> bool:
    """Who submits: the applicant their own application, the Fachdienst one it typed in."""
    return antrag.antragsteller_id == user.pk or can_enter_paper(user, antrag)


def can_view_as_jury(user, antrag: Antrag) -> bool:
    return (
        antrag.status in JURY_SICHTBAR
        and antrag.antragsteller_id != user.pk
        and is_jury_member(user, antrag.aufruf)
        and not is_biased(user, antrag)
    )


def can_declare_bias(user, antrag: Antrag) -> bool:
    return antrag.status == Status.JURY and is_jury_member(user, antrag.aufruf)


def can_score(user, antrag: Antrag) -> bool:
    return (
        antrag.status == Status.JURY
        and is_jury_member(user, antrag.aufruf)
        and befangenheit(user, antrag) is False
    )


def can_see_scores(user, antrag: Antrag) -> bool:
    """The Fachdienst always; a jury member without a conflict of interest only after
    scoring the application themselves, or once it has left the jury, so that nobody's
    points lean on the others' (foerderung.selectors.jury_uebersicht keeps the same rule).
    """
    if can_process(user, antrag):
        return True
    if not (is_jury_member(user, antrag.aufruf) and befangenheit(user, antrag) is False):
        return False
    return antrag.status != Status.JURY or antrag.bewertungen.filter(mitglied_id=user.pk).exists()


def steps(user, antrag: Antrag) -> list[Schritt]:
    """The steps of the procedure `user` may take on `antrag` now (foerderung.workflow)."""
    return schritte(antrag, rollen(user, antrag))


def can_take_a_step(user, antrag: Antrag) -> bool:
    """The guard of the one view that performs steps: a 404 for everyone else."""
    return bool(steps(user, antrag))


def can_see_bank_account(user, antrag: Antrag) -> bool:
    return can_view_as_applicant(user, antrag) or can_process(user, antrag)


def can_view_files(user, antrag: Antrag) -> bool:
    return can_see(user, antrag)


def can_view_anhang(user, anhang: Anhang) -> bool:
    """The application's attachments: whoever sees the application. The receipts of the final
    report, and the original of a paper application (it shows the bank account): only the
    applicant and the Fachdienst (workflow.ABWICKLUNG), not the jury."""
    if anhang.art in (Anhang.Art.BELEG, Anhang.Art.ORIGINAL):
        return can_view_documents(user, anhang.antrag)
    return can_view_files(user, anhang.antrag)


def can_see(user, antrag: Antrag) -> bool:
    """The application is open to `user` in some role: applicant, Fachdienst or jury."""
    return (
        can_view_as_applicant(user, antrag)
        or can_process(user, antrag)
        or can_view_as_jury(user, antrag)
    )


def can_view_documents(user, antrag: Antrag) -> bool:
    """The notices and receipts the portal issued: applicant and Fachdienst."""
    return can_view_as_applicant(user, antrag) or can_process(user, antrag)


def who_may_decide(antrag: Antrag) -> list[str]:
    """Who may decide on `antrag` ("Name (Rolle)"): chairs and Fachdienst, none biased."""
    return who_may_decide_each(antrag.aufruf, [antrag])[antrag.pk]


def who_may_decide_each(aufruf: Foerderaufruf, antraege) -> dict[int, list[str]]:
    """who_may_decide for each of `antraege`, applications of `aufruf`, by pk: three
    queries however many there are (the jury's page lists all a member is biased on)."""
    antraege = list(antraege)
    if not antraege:
        return {}
    biased: dict[int, set[int]] = {}
    for antrag_id, mitglied_id in Befangenheit.objects.filter(
        antrag_id__in=[a.pk for a in antraege], befangen=True
    ).values_list("antrag_id", "mitglied_id"):
        biased.setdefault(antrag_id, set()).add(mitglied_id)
    people = [
        (m.mitglied, _("Juryvorsitz"))
        for m in JuryMitgliedschaft.objects.filter(aufruf_id=aufruf.pk, vorsitz=True)
        .select_related("mitglied")
        .order_by("mitglied__last_name")
    ]
    people += [
        (m.user, Role.FACHDIENST.label)
        for m in Membership.objects.filter(kommune_id=aufruf.kommune_id, role=Role.FACHDIENST)
        .select_related("user")
        .order_by("user__last_name")
    ]
    result = {}
    for antrag in antraege:
        ausgeschlossen = biased.get(antrag.pk, set()) | {antrag.antragsteller_id}
        names = []
        for person, role in people:
            name = f"{person.get_full_name() or person.get_username()} ({role})"
            if person.pk not in ausgeschlossen and name not in names:
                names.append(name)
        result[antrag.pk] = names
    return result


def fachdienst_emails(aufruf: Foerderaufruf, ohne=None) -> list[str]:
    """Where the Fachdienst of the call's Kommune is told of work: its members' addresses
    (never the applicant's own, `ohne`), else the call's contact address."""
    with scopes_disabled():
        emails = sorted(
            {
                m.user.email
                for m in aufruf.kommune.memberships.filter(
                    role=Role.FACHDIENST, user__is_active=True
                ).select_related("user")
                if m.user.email and m.user_id != ohne
            }
        )
    return emails or ([aufruf.kontakt_email] if aufruf.kontakt_email else [])
