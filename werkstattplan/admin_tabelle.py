"""The whole plan as one spreadsheet, out and back in (see tabelle.py): the admin's views."""


class PlanTabelleAdminMixin:
    """Export and import of a plan's table on the plan's admin pages."""

    def tabelle_urls(self):
        return []
