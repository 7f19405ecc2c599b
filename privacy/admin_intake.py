"""GDPR-10 in the staff desk: register a request received by e-mail, phone or letter, show its
case reference and attachments, and preselect the requester's own account for a hand-over.

Mixed into the request admin (privacy/admin.py); every write goes through
privacy.services.intake, which checks and audits it."""

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from accounts.models import Account
from accounts.users.models import User
from privacy.models import PrivacyRequest, RequestAttachment, RequestKind
from privacy.services.intake import STAFF_CHANNELS, request_register

# Which field of the form a refusal of the service is about (the rest shows above the form).
ERROR_FIELDS = {
    "required": "received_on",
    "future": "received_on",
    "channel": "channel",
    "wrong_type": "attachments",
    "too_large": "attachments",
}
ATTACHMENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class StaffIntakeForm(forms.Form):
    kind = forms.ChoiceField(label=_("type"), choices=RequestKind.choices)
    channel = forms.ChoiceField(
        label=_("received by"), choices=[(c.value, c.label) for c in STAFF_CHANNELS], widget=forms.RadioSelect
    )
    # Not required at form level: the service refuses a missing date with the desk's own message.
    received_on = forms.DateField(
        label=_("date received"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    full_name = forms.CharField(label=_("full name"), max_length=200)
    email = forms.EmailField(
        label=_("e-mail"),
        help_text=_("The requester confirms this address with a one-time code before we disclose anything."),
    )
    language = forms.ChoiceField(label=_("language"), choices=[("da", "Dansk"), ("nb", "Norsk bokmål")])
    account = forms.ModelChoiceField(
        label=_("account the request names"), queryset=Account.objects.none(), required=False
    )
    details = forms.CharField(label=_("request"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    attachments = MultipleFileField(
        label=_("attachments"),
        required=False,
        help_text=_("PDF, PNG or JPEG, at most %(max)s MB each.") % {"max": settings.UPLOAD_MAX_MB},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.customers().order_by("name")


def requester_account(req: PrivacyRequest) -> Account | None:
    """The account a hand-over goes to: the one the request names, else the one where the
    requester's address is a user (never simply the first account alphabetically)."""
    if req.account_id:
        return req.account
    for account in Account.objects.customers().order_by("name"):
        with tenant_context(account):
            if User.objects.filter(email__iexact=req.email).exists():
                return account
    return None


class StaffIntakeAdminMixin:
    """The request admin's GDPR-10 parts: the register page, the reference in the list and the
    search, the attachments on the request page and the hand-over's preselected account."""

    admin_site: admin.AdminSite

    def get_list_display(self, request: HttpRequest) -> list[str]:
        columns = list(super().get_list_display(request))  # type: ignore[misc]
        return ["reference", *[c for c in columns if c != "reference"]]

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        return ["=reference", *super().get_search_fields(request)]  # type: ignore[misc]

    @admin.display(description=_("attachments"))
    def attachment_links(self, obj: PrivacyRequest) -> str:
        attachments = list(obj.attachments.all())
        if not attachments:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:privacy_request_attachment", args=[obj.pk, a.pk]), a.name or gettext("Download"))
                for a in attachments
            ),
        )

    def attachment_view(self, request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
        attachment = get_object_or_404(RequestAttachment, pk=attachment_pk, request_id=pk)
        if not self.has_view_permission(request, attachment.request):  # type: ignore[attr-defined]
            raise Http404
        suffix = Path(attachment.file.name).suffix
        # Always a download with the type its content was checked to be: never rendered inline.
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=f"{attachment.request.reference}-{attachment.pk}{suffix}",
            content_type=ATTACHMENT_TYPES.get(suffix, "application/octet-stream"),
        )

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "register_url": reverse("admin:privacy_request_register")}
        return super().changelist_view(request, extra_context)  # type: ignore[misc]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None):  # type: ignore[no-untyped-def]
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        extra = {**(extra_context or {})}
        if obj is not None and "req" in extra:
            account = requester_account(obj)
            extra["handover_account_id"] = account.pk if account else None
        return super().change_view(request, object_id, form_url, extra)  # type: ignore[misc]

    def get_urls(self) -> list:
        return [
            path("register/", self.admin_site.admin_view(self.register_view), name="privacy_request_register"),
            path(
                "<int:pk>/attachment/<int:attachment_pk>/",
                self.admin_site.admin_view(self.attachment_view),
                name="privacy_request_attachment",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def register_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("privacy.add_privacyrequest"):
            raise PermissionDenied
        form = StaffIntakeForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                req = request_register(
                    staff=request.user,  # type: ignore[arg-type]
                    kind=data["kind"],
                    channel=data["channel"],
                    received_on=data["received_on"],
                    email=data["email"],
                    full_name=data["full_name"],
                    language=data["language"],
                    details=data["details"],
                    account=data["account"],
                    attachments=data["attachments"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form.add_error(None, exc.messages)
                else:
                    form.add_error(ERROR_FIELDS.get(exc.code or ""), exc)
            else:
                messages.success(
                    request,
                    gettext(
                        "Request %(reference)s registered. The requester has been sent the case reference and a code to confirm their address."
                    )
                    % {"reference": req.reference},
                )
                return HttpResponseRedirect(reverse("admin:privacy_privacyrequest_change", args=[req.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Register a request received by e-mail, phone or letter"),
            "form": form,
            "opts": PrivacyRequest._meta,
        }
        return TemplateResponse(request, "privacy/admin/request_register.html", context)
