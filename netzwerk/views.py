"""The network's pages: search across every commune's published plans, events and calls."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from werkstattplan import services
from werkstattplan.models import Werkzeug
from zwk_portal.paging import page_of
from zwk_portal.tenancy import kommune_ids, kommune_scope, rendered, requires

from . import suche as search
from .forms import SucheForm, UebernehmenForm
from .selectors import COPY_PERMISSION

PER_PAGE = 20


def network_page(view):
    """A public page over every Kommune. It runs in all of them (zwk_portal.tenancy);
    what it shows is published by construction: its selectors ask for nothing else."""

    @wraps(view)
    def page(request, *args, **kwargs):
        with kommune_scope(None):
            return rendered(view(request, *args, **kwargs))

    page.network_page = True
    return page


@network_page
def suche(request):
    stand = search.stand()
    form = SucheForm(request.GET or None, stand=stand)
    context = {"form": form, "searched": False}
    if form.is_valid() and form.cleaned_data["q"].strip():
        anfrage = search.anfrage(form.cleaned_data["q"], stand)
        rows = search.ranked(anfrage.query, form.filter()) if anfrage.query else []
        page = page_of(request, rows, per_page=PER_PAGE)
        context |= {
            "searched": True,
            "page": page,
            "treffer": search.details(page.object_list, anfrage) if rows else [],
            "widened": anfrage.widened,
            "stop_words_only": anfrage.query is None,
        }
    return render(request, "netzwerk/suche.html", context)


def _copy_kommunen(user):
    return kommune_ids(user, COPY_PERMISSION)


@requires(kommunen=_copy_kommunen)
def uebernehmen(request, pk):
    """A coordinator takes another commune's published Werkzeug into a Handlungsfeld of
    their own plan (werkstattplan.services.uebernehmen)."""
    with scopes_disabled():
        origin = get_object_or_404(
            Werkzeug.objects.select_related("handlungsfeld__plan__kommune"),
            pk=pk,
            handlungsfeld__plan__published=True,
        )
    form = UebernehmenForm(request.POST or None, origin=origin)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.uebernehmen(
                werkzeug=origin, handlungsfeld=form.cleaned_data["handlungsfeld"]
            )
        except ValidationError as error:
            form.add_error("handlungsfeld", error)
        else:
            messages.success(
                request,
                _("„%(title)s“ steht jetzt in Ihrem Werkstattplan. Passen Sie es hier an.")
                % {"title": copy.display_title},
            )
            return redirect("admin:werkstattplan_werkzeug_change", copy.pk)
    return render(request, "netzwerk/uebernehmen.html", {"origin": origin, "form": form})
