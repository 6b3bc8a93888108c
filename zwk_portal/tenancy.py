"""One installation, many Kommunen: whose data a request may see, decided in one place.

Every model that belongs to a Kommune says how to reach it (`kommune_path`, e.g.
"veranstaltung__kommune") and gets its default manager from `kommune_scoped()`,
a django-scopes manager: a query on it runs only inside a scope and sees only
the scope's Kommunen; a query without a scope raises `ScopeError`. The scope is
opened by

- `requires()`, the guard of every non-public view (staff, jury, applicant pages),
- `kommune_page` (kommunen/views.py) for the public pages of one Kommune,
- the admin site (`PortalAdminSite.admin_view`), per model admin,
- `scopes_disabled()` in management commands, the task worker and the demo loader.

`TenancyMiddleware` clears any scope at the start of each request, so a view that
forgot its guard fails loudly instead of seeing every Kommune.

Who may do what in which Kommune comes from `Membership` rows (zwk_portal.roles
lists the permissions of each role), answered by `MembershipBackend` through the
usual `user.has_perm(perm, obj)`. Permissions of Django groups and of the user
(the platform role "Plattformbetrieb") hold everywhere, so no tenant permission
is given to a group, with one exception narrowed by its admin: the platform's
permissions on the outbox reach only mails of no Kommune (OutgoingMailAdmin).
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import wraps

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django_scopes import ScopedManager, scope, scopes_disabled
from django_scopes.state import state

from .roles import role_permissions

__all__ = [
    "MembershipBackend",
    "TenancyMiddleware",
    "kommune_id_of",
    "kommune_ids",
    "kommune_path",
    "kommune_scope",
    "kommune_scoped",
    "member_kommune_ids",
    "requires",
    "scopes_disabled",
]


# --------------------------------------------------------------------- the models' side


def kommune_scoped(path: str, manager_class: type[models.Manager] = models.Manager):
    """The default manager of a model that belongs to the Kommune at `path`."""
    return ScopedManager(_manager_class=manager_class, kommune=path)


def kommune_path(model) -> str | None:
    """The lookup from `model` to its Kommune ("pk" for the Kommune itself); None: no tenant."""
    return getattr(model, "kommune_path", None)


def kommune_id_of(obj) -> int | None:
    """The id of the Kommune `obj` belongs to, following its model's `kommune_path`."""
    path = kommune_path(type(obj))
    if path is None:
        return None
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return obj.pk if last == "pk" else getattr(obj, f"{last}_id", None)


@contextmanager
def kommune_scope(ids: Iterable[int] | None):
    """Run queries on tenant models inside these Kommunen (None: every Kommune)."""
    if ids is None:
        with scopes_disabled():
            yield
    else:
        with scope(kommune=sorted(set(ids))):
            yield


class TenancyMiddleware:
    """Start each request without a scope: tenant queries run only where a guard opened one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = state.set({"_enabled": True})
        try:
            return self.get_response(request)
        finally:
            state.reset(token)


# ---------------------------------------------------------------- who may, and where


def _roles(user) -> dict[int, set[str]]:
    """{kommune_id: {role, …}} of the user's memberships, one query per request."""
    cached = getattr(user, "_zwk_roles", None)
    if cached is None:
        cached = {}
        for kommune_id, role in user.memberships.order_by().values_list("kommune_id", "role"):
            cached.setdefault(kommune_id, set()).add(role)
        user._zwk_roles = cached
    return cached


def _global_permissions(user) -> set[str]:
    cached = getattr(user, "_zwk_global_perms", None)
    if cached is None:
        cached = ModelBackend().get_all_permissions(user)
        user._zwk_global_perms = cached
    return cached


def member_kommune_ids(user) -> set[int]:
    """Every Kommune the user belongs to, in any role."""
    if not (user.is_authenticated and user.is_active):
        return set()
    return set(_roles(user))


def kommune_ids(user, *perms: str, everywhere: bool = True) -> set[int] | None:
    """The Kommunen in which `user` holds one of `perms`; None: all.

    All: the superuser, and (with `everywhere`) whoever holds one of `perms` by a group
    or personally, such as the platform role for the Kommunen themselves. Without
    `everywhere` only memberships count: for pages whose model belongs to no Kommune
    but which read Kommunen's data (the Art. 15 export).
    """
    if not (user.is_authenticated and user.is_active):
        return set()
    if user.is_superuser or (everywhere and _global_permissions(user) & set(perms)):
        return None
    return {
        kommune_id
        for kommune_id, roles in _roles(user).items()
        if any(role_permissions(role) & set(perms) for role in roles)
    }


class MembershipBackend(BaseBackend):
    """Permissions from memberships, valid in the member's Kommune only.

    Without an object: what the user may do in any of their Kommunen (so the admin
    shows the module). With an object: what the user may do in that object's
    Kommune, plus the global permissions of groups and user.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not (user_obj.is_authenticated and user_obj.is_active):
            return set()
        roles = _roles(user_obj)
        if obj is None:
            return set().union(*(role_permissions(r) for rs in roles.values() for r in rs))
        granted = set(_global_permissions(user_obj))
        for role in roles.get(kommune_id_of(obj), ()):
            granted |= role_permissions(role)
        return granted

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))


# ---------------------------------------------------------------------- the views' side


def _with_kommune(queryset):
    """Fetch the Kommune along (the pages show it), and what leads there."""
    path = kommune_path(queryset.model)
    if path and path != "pk":
        queryset = queryset.select_related(path)
    return queryset


def rendered(response):
    """Render a TemplateResponse now, while the scope is still open."""
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response


def requires(
    predicate: Callable | None = None,
    model: type[models.Model] | None = None,
    *,
    kommunen: Callable | None = None,
):
    """The guard of every non-public view: who may open it, and which Kommunen it sees.

    `@requires(kommunen=fachdienst_kommunen)`: a page across Kommunen. The view's
    queries see the Kommunen that `kommunen(user)` returns (None: all); none is a 403.

    `@requires(can_process, Antrag)`: a page of one object, found by the URL's `pk`.
    `predicate(user, obj)` is asked inside the object's Kommune; False is a 404, the
    same answer as for an object that does not exist. The view gets the object in
    place of `pk` and runs inside that Kommune.

    Anonymous visitors are sent to the login page. The second factor is checked for
    every view by zwk_portal.security.SecondFactorMiddleware.
    """
    if (model is None) == (kommunen is None) or (model is not None and predicate is None):
        raise TypeError("requires(predicate, Model) or requires(kommunen=…)")

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if model is None:
                ids = kommunen(user)
                if ids is not None and not ids:
                    raise PermissionDenied
                with kommune_scope(ids):
                    return rendered(view(request, *args, **kwargs))
            pk = str(kwargs.pop("pk"))
            if not pk.isdecimal():
                raise Http404
            with scopes_disabled():
                obj = _with_kommune(model._default_manager.filter(pk=pk)).first()
            if obj is None:
                raise Http404
            with kommune_scope([kommune_id_of(obj)]):
                if not predicate(user, obj):
                    raise Http404
                return rendered(view(request, obj, *args, **kwargs))

        guarded.requires = (predicate, model, kommunen)
        return guarded

    return decorator
