"""Any change inside a plan moves its `updated_at`, which keys the cached plan page."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Handlungsfeld, Massnahme, Werkstattplan, Werkzeug


def _touch(plan_id):
    Werkstattplan.objects.filter(pk=plan_id).update(updated_at=timezone.now())


@receiver([post_save, post_delete], sender=Handlungsfeld)
def handlungsfeld_changed(sender, instance, **kwargs):
    _touch(instance.plan_id)


@receiver([post_save, post_delete], sender=Werkzeug)
def werkzeug_changed(sender, instance, **kwargs):
    _touch(Handlungsfeld.objects.filter(pk=instance.handlungsfeld_id).values("plan_id")[:1])


@receiver([post_save, post_delete], sender=Massnahme)
def massnahme_changed(sender, instance, **kwargs):
    _touch(Werkzeug.objects.filter(pk=instance.werkzeug_id).values("handlungsfeld__plan_id")[:1])
