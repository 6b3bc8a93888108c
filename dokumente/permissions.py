"""Who may do what with documents (the Koordination holds every permission of the app in
its Kommune, zwk_portal.roles; `user.has_perm(perm, obj)` answers for the obj's Kommune)."""


def can_preview(user, dokument) -> bool:
    """Staff of the document's Kommune open it before it is published."""
    return bool(user.is_authenticated and user.has_perm("dokumente.view_dokument", dokument))
