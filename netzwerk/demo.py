"""The network in the demo: the Landkreis Rostock has taken the Rufbus Werkzeug of the
Ludwigslust-Parchim plan (seed 003) into a small plan of its own.

Demo-Annahme: the seeds give Rostock no Werkstattplan; the plan is marked as such. Its
only content is the copy, made by the same service a coordinator uses.
"""

from kommunen.demo import LUDWIGSLUST_PARCHIM, ROSTOCK
from kommunen.models import Kommune
from werkstattplan import services
from werkstattplan.models import Handlungsfeld, Werkstattplan, Werkzeug

RUFBUS = "Erweiterung des erfolgreichen Rufbussystems"


def load() -> list:
    origin = Werkzeug.objects.filter(
        handlungsfeld__plan__kommune__slug=LUDWIGSLUST_PARCHIM,
        handlungsfeld__plan__published=True,
        description__startswith=RUFBUS,
    ).first()
    if origin is None:
        return []
    plan, _ = Werkstattplan.objects.get_or_create(
        kommune=Kommune.objects.get(slug=ROSTOCK),
        slug="beispiel",
        defaults={
            "title": "Werkstattplan (Beispiel, Demo-Annahme)",
            "first_year": 2026,
            "last_year": 2027,
            "published": True,
            "notes": "Demo-Annahme: Die Quelltexte nennen keinen Werkstattplan des Landkreises Rostock.",
        },
    )
    mobilitaet, _ = Handlungsfeld.objects.get_or_create(plan=plan, name="Mobilität")
    if not mobilitaet.werkzeuge.filter(uebernommen_aus=origin).exists():
        services.uebernehmen(werkzeug=origin, handlungsfeld=mobilitaet)
    return []
