"""The staff desk (public host): the request queue with deadlines, the actions on a request,
the audit log (read-only, CSV), consents and the processing register (Art. 30)."""

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from config.clock import today
from core.transitions import IllegalTransition
from privacy import admin_trail, selectors
from privacy.admin_erasure import erasure_view
from privacy.admin_intake import StaffIntakeAdminMixin
from privacy.models import (
    Consent,
    DataCategory,
    DataSource,
    DataSubjectGroup,
    Export,
    PrivacyRequest,
    ProcessingRecord,
    RequestKind,
    RequestStatus,
    SubjectFlag,
)
from privacy.outcomes import outcome_text
from privacy.services.consents import restriction_apply
from privacy.services.deadlines import (
    request_assign,
    request_complete,
    request_extend,
    request_hand_over,
    request_refuse,
)
from privacy.services.erasure import erasure_progress, rectification_apply, work_running
from privacy.services.export import export_revoke
from privacy.tasks import export_queue


class QueueFilter(admin.SimpleListFilter):
    """Unverified requests are not work yet: the default view is the open queue."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("all", _("All requests")), ("overdue", _("Overdue"))]

    def choices(self, changelist: Any) -> Any:
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open queue"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "all":
            return queryset
        queue = queryset.filter(status__in=[RequestStatus.OPEN, RequestStatus.HANDED_OVER])
        if self.value() == "overdue":
            return queue.filter(due_on__lt=today())
        return queue


LETTER_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}
BAND_COLOURS = {"overdue": "#b3261e", "near": "#9a6400", "ok": "#1e7a46", "closed": "#5d6576"}


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(StaffIntakeAdminMixin, admin.ModelAdmin):  # GDPR-10: privacy/admin_intake.py
    list_display = ["id", "kind", "status", "owner", "received_at", "due_on", "days_left"]
    list_filter = [QueueFilter, "kind", "role", "status"]
    search_fields = ["email", "full_name", "company"]
    list_select_related = ["owner", "account"]
    change_form_template = "privacy/admin/request_change_form.html"
    change_list_template = "privacy/admin/request_change_list.html"
    # The letter has no URL (kept outside any web root): staff download it through `letter`.
    exclude = ["code_hash", "code_expires_at", "code_attempts", "signed_letter", "outcome_code", "outcome_params"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Every change goes through a service, so that it is checked and audited.
        fields = [f.name for f in PrivacyRequest._meta.fields if f.name not in self.exclude]
        return [*fields, "letter", "outcome_sent", "attachment_links"]  # attachments: GDPR-10, admin_intake.py

    @admin.display(description=_("outcome as sent to the requester"))
    def outcome_sent(self, obj: PrivacyRequest) -> str:
        # In the requester's language: the words they received, whoever reads the desk.
        return outcome_text(obj) or "—"

    @admin.display(description=_("signed letter"))
    def letter(self, obj: PrivacyRequest) -> str:
        if not obj.signed_letter:
            return "—"
        url = reverse("admin:privacy_request_letter", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.signed_letter_name or gettext("Download"))

    def letter_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(PrivacyRequest, pk=pk)
        if not self.has_view_permission(request, obj) or not obj.signed_letter:
            raise Http404
        suffix = Path(obj.signed_letter.name).suffix
        # Always an attachment with the type its content was checked to be: never rendered inline.
        return FileResponse(
            obj.signed_letter.open("rb"),
            as_attachment=True,
            filename=f"letter-{obj.pk}{suffix}",
            content_type=LETTER_TYPES.get(suffix, "application/octet-stream"),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Read-only page: the desk's buttons call the services, which check and audit each step.
        return False

    @admin.display(description=_("days left"), ordering="due_on")
    def days_left(self, obj: PrivacyRequest) -> str:
        band = selectors.deadline_band(obj)
        if band == "closed":
            return "—"
        left = selectors.days_left(obj)
        text = gettext("%(days)s days overdue") % {"days": -left} if left < 0 else str(left)
        return format_html('<strong class="band-{}" style="color:{}">{}</strong>', band, BAND_COLOURS[band], text)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "metrics": selectors.metrics()}
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None):  # type: ignore[no-untyped-def]
        obj = self.get_object(request, object_id)
        extra: dict[str, Any] = {**(extra_context or {})}
        if obj is not None:
            extra.update(
                {
                    "req": obj,
                    "band": selectors.deadline_band(obj),
                    "left": selectors.days_left(obj),
                    "events": admin_trail.rows(obj),
                    "exports": obj.exports.order_by("-created_at"),
                    "accounts": Account.objects.customers().order_by("name"),
                    "action_url": reverse("admin:privacy_request_act", args=[obj.pk]),
                    "kinds": RequestKind,
                    "erasure_url": reverse("admin:privacy_request_erasure", args=[obj.pk]),
                    # Work on the worker: the page says so and reloads until it is done.
                    "running": work_running(obj),
                    "progress": erasure_progress(obj) if obj.kind == RequestKind.ERASURE else None,
                }
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self) -> list:
        return [
            path("<int:pk>/act/", self.admin_site.admin_view(self.act_view), name="privacy_request_act"),
            path(
                "<int:pk>/erasure/",
                self.admin_site.admin_view(self.erasure_page),
                name="privacy_request_erasure",
            ),
            path("<int:pk>/letter/", self.admin_site.admin_view(self.letter_view), name="privacy_request_letter"),
            *super().get_urls(),
        ]

    def act_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return _act(self, request, pk)

    def erasure_page(self, request: HttpRequest, pk: int) -> HttpResponse:
        return erasure_view(self, request, pk)


def _whole_number(raw: str | None) -> int:
    """A staff form's number: anything but digits is a message on the page, never a 500."""
    raw = (raw or "0").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 3:
        raise ValidationError(gettext("Enter a whole number of 0 or more."))
    return int(raw)


ACTIONS = {
    "assign": lambda req, post, user: request_assign(request=req, owner=user, actor=user),
    "extend": lambda req, post, user: request_extend(
        request=req, months=_whole_number(post.get("months")), reason=post.get("reason", ""), actor=user
    ),
    "refuse": lambda req, post, user: request_refuse(request=req, reason=post.get("reason", ""), actor=user),
    "complete": lambda req, post, user: request_complete(request=req, outcome=post.get("outcome", ""), actor=user),
    # Queued for the worker; the erasure has its own page with a preview and a confirmation.
    "export": lambda req, post, user: export_queue(request=req, actor=user),
    "restrict": lambda req, post, user: restriction_apply(request=req, actor=user),
    "rectify": lambda req, post, user: rectification_apply(
        request=req, field="full_name", value=post.get("value", ""), actor=user
    ),
    "hand_over": lambda req, post, user: request_hand_over(
        request=req, account=get_object_or_404(Account.objects.customers(), pk=post.get("account")), actor=user
    ),
    "revoke": lambda req, post, user: export_revoke(
        export=get_object_or_404(Export, pk=post.get("export"), request=req), actor=user
    ),
}


def _act(model_admin: PrivacyRequestAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.has_perm("privacy.change_privacyrequest"):
        raise PermissionDenied
    req = get_object_or_404(PrivacyRequest, pk=pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, gettext("Unknown action."))
    else:
        try:
            action(req, request.POST, request.user)
        except (ValidationError, PermissionDenied, IllegalTransition) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text)
        else:
            messages.success(request, gettext("Done."))
    return HttpResponseRedirect(reverse("admin:privacy_privacyrequest_change", args=[pk]))


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["email", "purpose", "given_at", "source", "withdrawn_at", "withdrawn_source", "is_customer"]
    list_filter = ["purpose", "source", "is_customer"]
    search_fields = ["email"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # consents change through their owner, not by staff edits


@admin.register(SubjectFlag)
class SubjectFlagAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "since", "request"]
    search_fields = ["email"]


class ProcessingRecordForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("categories"), choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    subjects = forms.MultipleChoiceField(
        label=_("data subjects"), choices=DataSubjectGroup.choices, widget=forms.CheckboxSelectMultiple
    )
    sources = forms.MultipleChoiceField(
        label=_("sources"), choices=DataSource.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ProcessingRecord
        fields = [f.name for f in ProcessingRecord._meta.fields if f.name != "id"]


@admin.register(ProcessingRecord)
class ProcessingRecordAdmin(admin.ModelAdmin):
    form = ProcessingRecordForm
    list_display = ["title_da", "legal_basis", "retention_years", "profiling", "published", "position"]
    list_editable = ["position", "published"]
