"""The one view that performs a step of the procedure (foerderung.workflow.SCHRITTE).

Staff, jury and applicant pages post their buttons here. The step must be one the
user may take now; its form is checked, its service called. With errors, the page
the user came from is shown again with the form filled in as typed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zwk_portal.tenancy import requires

from . import jury_views, permissions, services, staff_views, views
from .forms import SchrittForm
from .models import Antrag
from .services import ServiceError, Veraltet
from .workflow import ANTRAGSTELLER, BY_NAME, FACHDIENST, VORSITZ

# The page of each role, in the order a person holding several roles is sent back to.
PAGES = {
    FACHDIENST: ("foerderung:verwaltung_antrag", staff_views.render_antrag),
    VORSITZ: ("foerderung:jury_antrag", jury_views.render_antrag),
    ANTRAGSTELLER: ("foerderung:antrag", views.render_antrag),
}


def _role(user, antrag, schritt) -> str | None:
    held = permissions.rollen(user, antrag) & schritt.wer
    return next((rolle for rolle in PAGES if rolle in held), None)


@require_POST
@requires(permissions.can_see, Antrag)
def schritt(request, antrag, name):
    schritt = BY_NAME.get(name)
    if schritt is None or schritt.seite:
        raise Http404
    rolle = _role(request.user, antrag, schritt)
    if rolle is None:
        raise PermissionDenied
    url_name, render_page = PAGES[rolle]
    if schritt not in permissions.steps(request.user, antrag):
        # Taken already (a double click, or a colleague was quicker): say so, lose nothing.
        messages.error(
            request,
            _("„%(schritt)s“ ist im Status „%(status)s“ nicht mehr möglich.")
            % {"schritt": schritt.label, "status": antrag.get_status_display()},
        )
        return redirect(url_name, pk=antrag.pk)
    form = SchrittForm(schritt, request.POST, per_post=not antrag.email)
    if form.has_error("stand"):
        messages.error(request, form.errors["stand"][0])
        return redirect(url_name, pk=antrag.pk)
    if form.is_valid():
        try:
            services.perform(
                schritt,
                antrag=antrag,
                by=request.user,
                data=form.cleaned_data,
                stand=form.cleaned_data["stand"],
            )
        except Veraltet as error:
            messages.error(request, error.message)
            return redirect(url_name, pk=antrag.pk)
        except ServiceError as error:
            for field, errors in error.errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            if not error.errors:
                form.add_error(None, error.message)
        else:
            # Each step ends where its role still sees the application (the table's states).
            messages.success(request, _("Erledigt: %(schritt)s.") % {"schritt": schritt.label})
            return redirect(url_name, pk=antrag.pk)
    # A link to the form: without JavaScript nothing else takes the reader there.
    messages.error(
        request,
        format_html(
            '{} <a class="kern-link" href="#schritt-{}">„{}“</a>.',
            _("Bitte prüfen Sie die Angaben bei"),
            schritt.name,
            schritt.label,
        ),
    )
    return render_page(request, antrag, bound=form, status=400)
