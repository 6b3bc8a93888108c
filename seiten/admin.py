import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from zwk_portal import audit
from zwk_portal.admin_site import TenantAdmin
from zwk_portal.tenancy import kommune_ids

from . import privacy
from .forms import DatenauskunftForm
from .models import Barrieremeldung, Datenauskunft, Seite


@admin.register(Seite)
class SeiteAdmin(TenantAdmin):
    """The fixed pages: texts and review dates are edited, pages are neither added nor removed."""

    list_display = ["title", "slug", "stand", "version", "updated_at"]
    fields = ["slug", "title", "text", "stand", "version", "updated_at"]
    readonly_fields = ["slug", "version", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Barrieremeldung)
class BarrieremeldungAdmin(TenantAdmin):
    list_display = ["created_at", "kurz", "seite", "status", "erledigt_at"]
    list_filter = ["status"]
    list_editable = ["status"]
    search_fields = ["description", "seite", "name", "email"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "seite",
        "description",
        "name",
        "email",
        "status",
        "notiz",
        "erledigt_at",
        "kontakt_geloescht_at",
    ]
    readonly_fields = [
        "created_at",
        "seite",
        "description",
        "name",
        "email",
        "erledigt_at",
        "kontakt_geloescht_at",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Beschreibung"))
    def kurz(self, obj):
        return obj.description[:80]


@admin.register(Datenauskunft)
class DatenauskunftAdmin(TenantAdmin):
    """One page for Art. 15/17 requests: export as JSON, preview the deletion, delete."""

    PERMISSION = "seiten.datenauskunft"

    def has_module_permission(self, request):
        return request.user.has_perm(self.PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        # No table behind the model: only the one page, not change/history/delete (500s).
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="{}_{}_changelist".format(*info),
            )
        ]

    def changelist_view(self, request, extra_context=None):
        if not request.user.has_perm(self.PERMISSION):
            raise PermissionDenied
        form = DatenauskunftForm(request.POST or None)
        bericht = None
        # The Kommunen's data of the admin scope (the user's Kommunen where the role grants
        # this), and the installation's own data only for the platform and the superuser.
        kommunen = kommune_ids(request.user, self.PERMISSION, everywhere=False)
        portal = kommune_ids(request.user, self.PERMISSION) is None
        if request.method == "POST" and form.is_valid():
            person = {k: form.cleaned_data[k] for k in ("email", "name", "telefon")}
            aktion = request.POST.get("aktion")
            if aktion == "export":
                audit.log_download(
                    request, "Auskunft nach Art. 15 DSGVO (JSON)", kommune_ids=kommunen or [None]
                )
                data = json.dumps(
                    privacy.export(**person, portal=portal),
                    cls=DjangoJSONEncoder,
                    ensure_ascii=False,
                    indent=2,
                )
                response = HttpResponse(data, content_type="application/json; charset=utf-8")
                key = person["email"] or f"{person['name']}-{person['telefon']}"
                name = f"auskunft-{slugify(key)}-{timezone.localdate():%Y-%m-%d}.json"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            ausfuehren = aktion == "loeschen" and form.cleaned_data["bestaetigt"]
            if aktion == "loeschen" and not ausfuehren:
                messages.warning(
                    request, _("Bitte bestätigen Sie die Löschung mit dem Häkchen. Vorschau:")
                )
            bericht = privacy.delete(**person, execute=ausfuehren, portal=portal)
            if ausfuehren:
                messages.success(request, _("Die Daten wurden gelöscht, soweit zulässig."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Auskunft und Löschung (Art. 15/17 DSGVO)"),
            "form": form,
            "bericht": bericht,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/seiten/datenauskunft.html", context)
