"""Accounts: login links by e-mail, and invitations of staff and jury members.

A login link is the e-mail verification: whoever clicks it owns the address. Its
token is random (256 bit), stored only as its hash, and valid once: 30 minutes
when asked for on the login page, 7 days in an invitation. Requests are limited
per address and per IP, and the answer never reveals whether an account exists.
"""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zwk_portal import mail
from zwk_portal.models import LoginLink, Membership

LINK_VALID = timedelta(minutes=30)
INVITATION_VALID = timedelta(days=7)
LINKS_PER_EMAIL_PER_HOUR = 3
LINKS_PER_IP_PER_HOUR = 20


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link(*, email: str, valid: timedelta, ip: str | None, next_url: str) -> str:
    token = secrets.token_urlsafe(32)
    LoginLink.objects.create(
        email=email,
        token_hash=_hash(token),
        ip=ip,
        expires_at=timezone.now() + valid,
    )
    link = settings.SITE_URL + reverse("konto:link", kwargs={"token": token})
    return f"{link}?{urlencode({'next': next_url})}" if next_url else link


@transaction.atomic
def request_login_link(*, email: str, ip: str | None, next_url: str = "") -> bool:
    """Mail a login link to `email`, unless too many were asked for in the last hour."""
    email = email.strip().lower()
    hour_ago = timezone.now() - timedelta(hours=1)
    recent = LoginLink.objects.filter(created_at__gte=hour_ago)
    if recent.filter(email=email).count() >= LINKS_PER_EMAIL_PER_HOUR or (
        ip and recent.filter(ip=ip).count() >= LINKS_PER_IP_PER_HOUR
    ):
        return False
    link = _new_link(email=email, valid=LINK_VALID, ip=ip, next_url=next_url)
    mail.send("konto_login_link", to=[email], context={"link": link})
    return True


def valid_link(token: str) -> LoginLink | None:
    return LoginLink.objects.filter(
        token_hash=_hash(token), used_at=None, expires_at__gt=timezone.now()
    ).first()


@transaction.atomic
def use_login_link(*, token: str):
    """The account of the link's address (created on first use), or None if the link is spent."""
    link = valid_link(token)
    if link is None:
        return None
    if not LoginLink.objects.filter(pk=link.pk, used_at=None).update(used_at=timezone.now()):
        return None  # the same link, clicked twice at once
    return account_for(link.email)


def account_for(email: str, *, name: str = ""):
    """The account with this e-mail address, created without a password if there is none."""
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        first, _, last = name.strip().rpartition(" ")
        user = User(username=email[:150], email=email, first_name=first[:150], last_name=last[:150])
        user.set_unusable_password()
        user.save()
    return user


def invite(*, email: str, name: str, purpose: str, by):
    """Create (or find) the account of `email` and mail it a link to set a password.

    `purpose` says in one phrase what the person is invited to, e.g. "als Koordination
    für den Landkreis Rostock". The link is valid for 7 days and once; whoever needs
    a second factor sets it up right after.
    """
    user = account_for(email, name=name)
    link = _new_link(
        email=user.email, valid=INVITATION_VALID, ip=None, next_url=reverse("konto:password")
    )
    mail.send(
        "konto_invitation",
        to=[user.email],
        context={
            "user": user,
            "purpose": purpose,
            "link": link,
            "days": INVITATION_VALID.days,
            "second_factor": settings.ZWK_REQUIRE_2FA,
            "by": by.get_full_name() or by.get_username() if by else "",
        },
    )
    return user


@transaction.atomic
def add_member(*, kommune, email: str, name: str, role: str, by):
    """Make `email` a member of `kommune` in `role`, inviting the person if new to the portal."""
    roles = dict(Membership.Role.choices)
    user = invite(
        email=email,
        name=name,
        purpose=f"als {roles[role]} für {kommune.name}",
        by=by,
    )
    if not user.is_staff:
        user.is_staff = True  # the admin is where members work
        user.save(update_fields=["is_staff"])
    membership, _created = Membership.objects.get_or_create(
        user=user, kommune=kommune, role=role, defaults={"invited_by": by}
    )
    return membership


@transaction.atomic
def remove_member(*, membership) -> None:
    """End a membership; whoever has no other role left loses the way into the admin."""
    user = membership.user
    membership.delete()
    if not (user.memberships.exists() or user.groups.exists() or user.is_superuser):
        user.is_staff = False
        user.save(update_fields=["is_staff"])
