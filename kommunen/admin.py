from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from zwk_portal.admin_site import TenantAdmin
from zwk_portal.roles import Role

from .models import Kommune


@admin.register(Kommune)
class KommuneAdmin(TenantAdmin):
    """The platform adds Kommunen; each Kommune's coordination keeps its own details."""

    list_display = ["name", "art", "kontakt_name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def response_add(self, request, obj, post_url_continue=None):
        # Onboarding goes on with the first coordinator of the new Kommune.
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            _("„%(name)s“ ist angelegt. Laden Sie jetzt die erste Koordination ein.")
            % {"name": obj.name},
        )
        url = reverse("admin:zwk_portal_membership_add")
        return HttpResponseRedirect(f"{url}?kommune={obj.pk}&role={Role.KOORDINATION.value}")
