"""What the network adds to one commune's pages."""

from dataclasses import dataclass

from django_scopes import scopes_disabled

from werkstattplan.models import Werkzeug
from zwk_portal.tenancy import kommune_ids

from .suche import aehnliche_werkzeuge

COPY_PERMISSION = "werkstattplan.add_werkzeug"


@dataclass
class WerkzeugImNetzwerk:
    aehnliche: list[Werkzeug]  # of other communes
    herkunft: Werkzeug | None  # the published origin of a copy
    uebernahmen: list[Werkzeug]  # published copies of this one
    can_copy: bool  # the visitor may take it into a plan of another Kommune


def can_copy(user, werkzeug: Werkzeug) -> bool:
    """A coordinator of another Kommune may take a published Werkzeug into their plan."""
    ids = kommune_ids(user, COPY_PERMISSION)
    own = werkzeug.handlungsfeld.plan.kommune_id
    return werkzeug.handlungsfeld.plan.published and (ids is None or bool(ids - {own}))


def werkzeug_im_netzwerk(werkzeug: Werkzeug, user) -> WerkzeugImNetzwerk:
    with scopes_disabled():  # other communes' published plans (a scoped queryset is
        # bound to the scope it was made in: make it in here)
        published = Werkzeug.objects.filter(handlungsfeld__plan__published=True).select_related(
            "handlungsfeld__plan__kommune"
        )
        herkunft = (
            published.filter(pk=werkzeug.uebernommen_aus_id).first()
            if werkzeug.uebernommen_aus_id
            else None
        )
        uebernahmen = list(published.filter(uebernommen_aus=werkzeug).order_by("pk"))
    return WerkzeugImNetzwerk(
        aehnliche=aehnliche_werkzeuge(werkzeug),
        herkunft=herkunft,
        uebernahmen=uebernahmen,
        can_copy=can_copy(user, werkzeug),
    )
