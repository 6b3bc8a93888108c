"""The admin of a shared installation: every model admin sees only the user's Kommunen.

`PortalAdminSite.admin_view` runs each admin page inside the Kommunen in which
the user holds a permission on the page's model (zwk_portal.tenancy), so lists,
change forms, foreign-key choices, filters, autocomplete and exports of tenant
models cannot reach another Kommune. `TenantAdmin` adds the object-level checks
(`has_change_permission(request, obj)` asks `user.has_perm(perm, obj)`) and
filters models that are not scoped by their manager (the Kommune itself,
memberships). Every ModelAdmin of the portal derives from it; a test walks the
registry to hold that.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.urls import path

from .forms import BetragField
from .tenancy import kommune_ids, kommune_path, kommune_scope, member_kommune_ids, rendered


def _perms(model, *actions: str) -> list[str]:
    opts = model._meta
    return [f"{opts.app_label}.{action}_{opts.model_name}" for action in actions]


def model_perms(model) -> list[str]:
    opts = model._meta
    return _perms(model, *opts.default_permissions) + [
        f"{opts.app_label}.{codename}" for codename, _label in opts.permissions
    ]


def admin_kommune_ids(user, model) -> set[int] | None:
    """The Kommunen an admin page may see (None: all): where the user may work with its model.

    Pages of the site itself (index, autocomplete) see the user's Kommunen in any role;
    pages of a model that belongs to no Kommune see those where a membership grants one
    of its permissions.
    """
    if user.is_superuser:
        return None
    if model is None:
        return member_kommune_ids(user)
    return kommune_ids(user, *model_perms(model), everywhere=kommune_path(model) is not None)


class PortalAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        model = getattr(getattr(view, "__self__", None), "model", None)

        @wraps(view)
        def scoped(request, *args, **kwargs):
            with kommune_scope(admin_kommune_ids(request.user, model)):
                return rendered(view(request, *args, **kwargs))

        return super().admin_view(scoped, cacheable)

    def get_urls(self):
        # Django's "view on site" shortcut reads any object by id, past every scope;
        # ours asks the model's admin, so it answers only for objects the user may see.
        urls = super().get_urls()
        for i, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[i] = path(
                    "r/<int:content_type_id>/<path:object_id>/",
                    self.admin_view(self.view_on_site),
                    name="view_on_site",
                )
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        with kommune_scope(admin_kommune_ids(request.user, model)):
            obj = model_admin.get_object(request, object_id)
            if obj is None or not model_admin.has_view_or_change_permission(request, obj):
                raise Http404
        if not hasattr(obj, "get_absolute_url"):
            raise Http404
        return HttpResponseRedirect(obj.get_absolute_url())


def blank_rows(obj, related: str, *, empty: int, more: int = 1) -> int:
    """The extra rows of an inline. Without JavaScript the admin cannot add a row: the blank
    rows are all there is, `empty` while the object has none in `related`, else `more`."""
    if obj is None or obj.pk is None or not getattr(obj, related).exists():
        return empty
    return more


class PlainRelatedSelects:
    """Plain selects for foreign keys: the admin's "add another" buttons open pop-ups that
    need JavaScript, and every page of the back office works without it."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field


class TenantAdmin(admin.ModelAdmin):
    """A ModelAdmin that answers every permission question for the object's Kommune."""

    # Amounts typed the German way ("30.000,00") and shown so again; max_digits and
    # decimal_places come from the model field.
    formfield_overrides = {models.DecimalField: {"form_class": BetragField}}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        path_ = kommune_path(self.model)
        if path_ is None:
            return queryset
        ids = kommune_ids(request.user, *_perms(self.model, "view", "change"))
        if ids is None:
            return queryset
        return queryset.filter(**{f"{path_}__in": ids})

    def get_list_filter(self, request):
        # A filter by Kommune offers only the Kommunen whose rows the list shows.
        return [
            (f, admin.RelatedOnlyFieldListFilter)
            if isinstance(f, str) and f.split("__")[-1] == "kommune"
            else f
            for f in super().get_list_filter(request)
        ]

    def _may(self, request, action: str, obj) -> bool:
        codename = _perms(self.model, action)[0]
        return request.user.has_perm(codename, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or self._may(request, "view", obj) or self._may(request, "change", obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or self._may(request, "change", obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or self._may(request, "delete", obj)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        path_ = kommune_path(related)
        if path_ is not None:
            queryset = kwargs.get("queryset")
            if queryset is None:
                queryset = self.get_field_queryset(None, db_field, request)
            if queryset is None:
                queryset = related._default_manager.all()
            ids = kommune_ids(request.user, *_perms(self.model, "add", "change"))
            if ids is not None:
                queryset = queryset.filter(**{f"{path_}__in": ids})
                if len(ids) == 1 and related._meta.label_lower == "kommunen.kommune":
                    kwargs.setdefault("initial", next(iter(ids)))  # the only choice, chosen
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The form's choices already stop a foreign Kommune; this holds for any other way in.
        if not request.user.has_perm(_perms(self.model, "change" if change else "add")[0], obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


__all__ = [
    "PlainRelatedSelects",
    "PortalAdminSite",
    "TenantAdmin",
    "admin_kommune_ids",
    "blank_rows",
]
