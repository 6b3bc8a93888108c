"""Who may do what with articles. The coordination of a Kommune holds every permission of
the app there (zwk_portal.roles); `user.has_perm(perm, artikel)` answers for the
article's Kommune only (zwk_portal.tenancy)."""

CHANGE = "aktuelles.change_artikel"


def can_preview(user, artikel) -> bool:
    """See an article before it is public: whoever may change it."""
    return bool(user.is_authenticated and user.has_perm(CHANGE, artikel))
