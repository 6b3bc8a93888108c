"""Who may do what with Werkstattpläne (the admin asks the same permissions per object)."""


def can_preview(user, plan) -> bool:
    """Staff of the plan's Kommune may see it before it is published."""
    return bool(
        user and user.is_authenticated and user.has_perm("werkstattplan.view_werkstattplan", plan)
    )
