"""The one audit trail in the admin (issue 10): read-only, one list with a view per domain (the
domain filter: an account's history, the privacy desk's steps for GDPR-8, the support entries for
ACC-15/SUB-5) and the action as a translated sentence, never its code."""

import csv
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from core.audit import describe
from core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "domain", "subject_label", "what_happened", "actor_label", "actor_kind", "reason"]
    list_filter = ["domain", "actor_kind"]
    search_fields = ["subject_label", "actor_label", "reason"]
    date_hierarchy = "occurred_at"
    exclude = ["action", "params", "before", "after"]
    readonly_fields = ["what_happened"]
    actions = ["export_csv"]

    @admin.display(description=_("what happened"))
    def what_happened(self, obj: AuditEvent) -> str:
        return describe(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["what_happened", *(f.name for f in AuditEvent._meta.fields if f.name not in self.exclude)]

    @admin.action(description=_("Export the selected events as CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
        write_audit_csv(response, queryset.order_by("occurred_at", "id"))
        return response

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def history_html(events: QuerySet[AuditEvent], *, query: str, limit: int = 50) -> SafeString:
    """A subject's history for its own admin page (an account's, a privacy request's): the newest
    rows as a table in the reader's language, and a link to all of them in the trail."""
    rows = list(events.order_by("-occurred_at", "-id")[:limit])
    if not rows:
        return format_html("<p>{}</p>", _t("Nothing recorded yet."))
    head = format_html(
        "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", _t("When"), _t("What happened"), _t("By"), _t("Reason")
    )
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (date_format(localtime(e.occurred_at), "SHORT_DATETIME_FORMAT"), describe(e), e.actor_label, e.reason)
            for e in rows
        ),
    )
    url = f"{reverse('admin:core_auditevent_changelist')}?{query}"
    return format_html(
        '<table class="audit-history">{}{}</table><p><a href="{}">{}</a></p>', head, body, url, _t("The whole history")
    )


def write_audit_csv(out: Any, events: Any) -> None:
    """The rows as CSV for an inspector (GDPR-8): codes and words side by side."""
    writer = csv.writer(out)
    writer.writerow(
        ["id", "at", "domain", "subject", "action", "description", "actor_kind", "actor", "reason", "details"]
    )
    for e in events:
        writer.writerow(
            [
                e.pk,
                e.occurred_at.isoformat(),
                e.domain,
                e.subject_label,
                e.action,
                describe(e),
                e.actor_kind,
                e.actor_label,
                e.reason,
                e.params,
            ]
        )
