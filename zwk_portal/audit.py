"""Write a line to the audit log for every download of personal data."""

import ipaddress

from .models import AuditEintrag


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def log_download(request, what: str, obj=None) -> AuditEintrag:
    """Record that request.user downloaded `what` (about `obj`, if given)."""
    user = request.user if request.user.is_authenticated else None
    return AuditEintrag.objects.create(
        benutzer=user,
        benutzername=user.get_username() if user else "",
        was=str(what)[:200],
        objekt_typ=obj._meta.label_lower if obj is not None else "",
        objekt_id=str(obj.pk)[:64] if obj is not None else "",
        objekt=str(obj)[:300] if obj is not None else "",
        pfad=request.get_full_path()[:500],
        netz=_network(request.META.get("REMOTE_ADDR", "")),
    )


class AuditedExportMixin:
    """For ModelAdmins with django-import-export's ExportMixin: log each export."""

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        label = self.model._meta.verbose_name_plural
        log_download(request, f"Admin-Export: {label} ({queryset.count()} Zeilen)")
        return data
