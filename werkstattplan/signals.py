"""Any change inside a plan moves its `updated_at`, which keys the cached plan page."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Handlungsfeld, Kennzahl, Massnahme, Planstatus, Werkstattplan, Werkzeug


def _touch(plan_id):
    Werkstattplan.objects.filter(pk=plan_id).update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=Handlungsfeld)
@receiver([post_save, post_delete], sender=Planstatus)
@receiver([post_save, post_delete], sender=Massnahme)
def plan_part_changed(sender, instance, **kwargs):
    _touch(instance.plan_id)


@receiver([post_save, post_delete], sender=Werkzeug)
@receiver([post_save, post_delete], sender=Kennzahl)
def handlungsfeld_part_changed(sender, instance, **kwargs):
    _touch(Handlungsfeld.objects.filter(pk=instance.handlungsfeld_id).values("plan_id")[:1])


@receiver(m2m_changed, sender=Massnahme.auch_bei.through)
def auch_bei_changed(sender, instance, action, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    # From either side: a Massnahme's further Werkzeuge are in its own plan.
    if isinstance(instance, Massnahme):
        _touch(instance.plan_id)
    else:
        _touch(Handlungsfeld.objects.filter(pk=instance.handlungsfeld_id).values("plan_id")[:1])
