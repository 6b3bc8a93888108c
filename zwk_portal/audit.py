"""Write a line to the audit log for every download of personal data."""

import ipaddress

from .models import AuditEntry


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def log_download(request, what: str, obj=None) -> AuditEntry:
    """Record that request.user downloaded `what` (about `obj`, if given)."""
    user = request.user if request.user.is_authenticated else None
    return AuditEntry.objects.create(
        user=user,
        username=user.get_username() if user else "",
        what=str(what)[:200],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk)[:64] if obj is not None else "",
        object_label=str(obj)[:300] if obj is not None else "",
        path=request.get_full_path()[:500],
        network=_network(request.META.get("REMOTE_ADDR", "")),
    )


class AuditedExportMixin:
    """For ModelAdmins with django-import-export's ExportMixin: log each export."""

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        label = self.model._meta.verbose_name_plural
        log_download(request, f"Admin-Export: {label} ({queryset.count()} Zeilen)")
        return data
