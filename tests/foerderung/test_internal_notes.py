"""The internal note (Vermerk) stays with the Fachdienst and the jury: never mailed, never on
the applicant's pages, never in the data export an applicant receives. The message to the
applicant (Nachricht) reaches them. Every step with a Vermerk field is walked."""

import json

import pytest
from django.core import mail
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from foerderung.models import Befangenheit
from foerderung.workflow import ANTRAGSTELLER, FACHDIENST, SCHRITTE, VORSITZ
from seiten import privacy

from . import test_workflow
from .test_workflow import VALID, _antrag_for, _post

pytestmark = pytest.mark.django_db
world = test_workflow.world  # the same actors as the walk through the table

WITH_VERMERK = [s for s in SCHRITTE if "vermerk" in s.felder]


def _mails() -> str:
    parts = []
    for message in mail.outbox:
        parts += [message.subject, message.body]
        parts += [content for content, _type in getattr(message, "alternatives", [])]
    return "\n".join(parts)


@pytest.mark.parametrize("schritt", WITH_VERMERK, ids=[s.name for s in WITH_VERMERK])
def test_the_internal_note_never_reaches_the_applicant(
    client, world, schritt, django_capture_on_commit_callbacks
):
    von = sorted(schritt.von)[0]
    antrag = _antrag_for(schritt, von, world)
    Befangenheit.objects.create(antrag=antrag, mitglied=world[VORSITZ], befangen=False)
    secret = f"INTERN-{schritt.name}-Vorsitzender ist Onkel des Kassenwarts"
    data = {**VALID[schritt.name], "vermerk": secret}
    if "nachricht" in schritt.felder:
        data["nachricht"] = f"AN-ANTRAGSTELLER-{schritt.name}"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, world[sorted(schritt.wer)[0]], antrag, schritt, data)
    assert response.status_code == 302
    assert antrag.verlauf.filter(vermerk__contains=secret).exists()

    assert secret not in _mails()
    if schritt.mail and "nachricht" in schritt.felder:
        assert f"AN-ANTRAGSTELLER-{schritt.name}" in _mails()

    client.force_login(world[ANTRAGSTELLER])
    page = client.get(reverse("foerderung:antrag", kwargs={"pk": antrag.pk}))
    assert page.status_code == 200
    assert "INTERN-" not in page.content.decode()
    export = json.dumps(privacy.export(antrag.antragsteller.email), cls=DjangoJSONEncoder)
    assert "INTERN-" not in export

    client.force_login(world[FACHDIENST])
    staff = client.get(reverse("foerderung:verwaltung_antrag", kwargs={"pk": antrag.pk}))
    assert secret in staff.content.decode()
    assert "Interner Vermerk" in staff.content.decode()
