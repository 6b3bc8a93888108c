"""The whole plan as one spreadsheet, out and back in (see the tabelle package): the admin's views.

On the plan's page: "Tabelle herunterladen" (Excel or CSV for German Excel) and
"Tabelle einlesen" (upload → preview → "Übernehmen"). The file travels back
with the confirmation, and the confirmation names the preview it confirms, so
a plan changed in between (or a double click) is shown again, never written
twice. In the list, the action exports each selected plan to its own file.
"""

import io
import zipfile

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from zwk_portal.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes
from zwk_portal.forms import CarriedUploadForm

from . import tabelle


class TabelleForm(CarriedUploadForm):
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datei"].label = _("Tabelle")
        self.fields["datei"].help_text = _(
            "Eine Excel-Datei (.xlsx) oder CSV (Trennzeichen „;“ oder „,“, UTF-8 oder "
            "Windows-1252), wie „Tabelle herunterladen“ sie liefert. Höchstens 5 MB."
        )


def plan_file(plan, fmt: str) -> bytes:
    headers, rows = tabelle.export_rows(plan)
    if fmt == "csv":
        return csv_bytes(headers, rows)
    return xlsx_bytes(headers, rows, title=plan.title)


class PlanTabelleAdminMixin:
    """Export and import of a plan's table on the plan's admin pages."""

    change_form_template = "admin/werkstattplan/tabelle_change_form.html"
    actions = ["tabelle_exportieren"]

    def tabelle_urls(self):
        return [
            path(
                "<path:object_id>/tabelle/<str:fmt>/",
                self.admin_site.admin_view(self.tabelle_export_view),
                name="werkstattplan_werkstattplan_tabelle_export",
            ),
            path(
                "<path:object_id>/tabelle-einlesen/",
                self.admin_site.admin_view(self.tabelle_import_view),
                name="werkstattplan_werkstattplan_tabelle_einlesen",
            ),
        ]

    def _plan_for(self, request, object_id, *, change: bool):
        plan = self.get_object(request, object_id)
        if plan is None:
            raise Http404(_("Diesen Werkstattplan gibt es nicht."))
        allowed = (
            self.has_change_permission(request, plan)
            if change
            else self.has_view_permission(request, plan)
        )
        if not allowed:
            raise PermissionDenied
        return plan

    def tabelle_export_view(self, request, object_id, fmt):
        if fmt not in ("xlsx", "csv"):
            raise Http404(_("Dieses Format gibt es nicht."))
        plan = self._plan_for(request, object_id, change=False)
        response = HttpResponse(
            plan_file(plan, fmt), content_type=XLSX_TYPE if fmt == "xlsx" else CSV_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{tabelle.filename(plan, fmt)}"'
        return response

    @admin.action(description=_("Als Tabelle exportieren (Excel, eine Datei je Plan)"))
    def tabelle_exportieren(self, request, queryset):
        plans = list(queryset.select_related("kommune"))
        if len(plans) == 1:
            return self.tabelle_export_view(request, str(plans[0].pk), "xlsx")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as files:
            for plan in plans:
                files.writestr(tabelle.filename(plan, "xlsx"), plan_file(plan, "xlsx"))
        response = HttpResponse(archive.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="werkstattplaene.zip"'
        return response

    def tabelle_import_view(self, request, object_id):
        plan = self._plan_for(request, object_id, change=True)
        form = TabelleForm(request.POST or None, request.FILES or None)
        ergebnis, entfernen = None, set()
        if request.method == "POST" and form.is_valid():
            confirmed = "uebernehmen" in request.POST
            # Which entries to remove is ticked on the preview; tabelle checks them.
            entfernen = {key[:30] for key in request.POST.getlist("entfernen")[:5000]}
            ergebnis = tabelle.einlesen(
                plan,
                form.cleaned_data["content"],
                entfernen=entfernen if confirmed else set(),
                bestaetigt=form.cleaned_data["fingerprint"] if confirmed else "",
            )
            if ergebnis.geschrieben:
                self._log(request, plan, ergebnis)
                return redirect(reverse("admin:werkstattplan_werkstattplan_change", args=[plan.pk]))
            if ergebnis.veraltet:
                messages.warning(
                    request,
                    _(
                        "Der Plan wurde seit der Vorschau geändert (vielleicht haben Sie schon "
                        "übernommen). Bitte prüfen Sie die neue Vorschau."
                    ),
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": plan,
            "title": _("Tabelle in „%(plan)s“ einlesen") % {"plan": plan.title},
            "form": form,
            "ergebnis": ergebnis,
            "entfernen": entfernen,
            "content_b64": form.content_b64 if ergebnis else "",
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/werkstattplan/tabelle_einlesen.html", context)

    def _log(self, request, plan, ergebnis):
        text = _(
            "Tabelle eingelesen: %(neu)s neu, %(geaendert)s geändert, %(entfernt)s entfernt."
        ) % {
            "neu": ergebnis.neu,
            "geaendert": ergebnis.geaendert,
            "entfernt": len(ergebnis.entfernt),
        }
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=[plan], action_flag=CHANGE, change_message=str(text)
        )
        messages.success(request, text)
