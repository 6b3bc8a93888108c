"""Changes to a Werkstattplan that are more than editing one row in the admin."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from .models import Handlungsfeld, Massnahme, Werkzeug

# What a copy takes along: the idea, not the origin's dates, people, place, money or state.
COPIED_FIELDS = (
    "title",
    "description",
    "steckbrief_beschreibung",
    "zielgruppe",
    "externe_beratung",
)


@transaction.atomic
def uebernehmen(*, werkzeug: Werkzeug, handlungsfeld: Handlungsfeld) -> Werkzeug:
    """Copy a Werkzeug of another commune's published plan, with its Einzelmaßnahmen
    (title and goal), to the end of `handlungsfeld`. The copy remembers its origin.
    Once per Handlungsfeld: a second click, or a colleague at the same time, gets an error."""
    handlungsfeld = Handlungsfeld.objects.select_for_update().get(pk=handlungsfeld.pk)
    if handlungsfeld.werkzeuge.filter(uebernommen_aus=werkzeug.pk).exists():
        raise ValidationError(
            _("Dieses Werkzeug steht schon im Handlungsfeld „%(name)s“.")
            % {"name": handlungsfeld.name}
        )
    with scopes_disabled():  # the origin is another Kommune's published plan
        origin = (
            Werkzeug.objects.select_related("handlungsfeld__plan__kommune")
            .filter(pk=werkzeug.pk, handlungsfeld__plan__published=True)
            .first()
        )
        if origin is None:
            raise Werkzeug.DoesNotExist
        massnahmen = list(origin.massnahmen.order_by("position", "pk").values("title", "ziel"))
    plan = origin.handlungsfeld.plan
    last = handlungsfeld.werkzeuge.order_by("-position").values_list("position", flat=True).first()
    copy = Werkzeug.objects.create(
        handlungsfeld=handlungsfeld,
        position=(last or 0) + 1,
        uebernommen_aus=origin,
        herkunft=_("dem Werkstattplan „%(plan)s“ %(kommune)s")
        % {"plan": plan.title, "kommune": plan.kommune.mit_artikel_genitiv},
        **{name: getattr(origin, name) for name in COPIED_FIELDS},
    )
    Massnahme.objects.bulk_create(
        Massnahme(plan_id=handlungsfeld.plan_id, werkzeug=copy, position=i, **fields)
        for i, fields in enumerate(massnahmen, start=1)
    )
    return copy
