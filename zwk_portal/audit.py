"""Write a line to the audit log for every download of personal data.

Each line belongs to the Kommune whose data was downloaded, so that the
coordination and the Fachdienst of a Kommune read their own log only.
"""

import ipaddress
from collections.abc import Iterable

from .models import AuditEntry
from .tenancy import kommune_id_of


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def log_download(
    request, what: str, obj=None, *, kommune_ids: Iterable[int] | None = None
) -> list[AuditEntry]:
    """Record that request.user downloaded `what` (about `obj`, if given).

    The entry belongs to `obj`'s Kommune, or one entry to each of `kommune_ids`.
    """
    user = request.user if request.user.is_authenticated else None
    if kommune_ids is None:
        kommune_ids = [kommune_id_of(obj)] if obj is not None else [None]
    return [
        AuditEntry.objects.create(
            kommune_id=kommune_id,
            user=user,
            username=user.get_username() if user else "",
            what=str(what)[:200],
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk)[:64] if obj is not None else "",
            object_label=str(obj)[:300] if obj is not None else "",
            path=request.get_full_path()[:500],
            network=_network(request.META.get("REMOTE_ADDR", "")),
        )
        for kommune_id in sorted(set(kommune_ids), key=lambda k: k or 0) or [None]
    ]
