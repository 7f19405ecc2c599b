import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from accounts.lifecycle import (
    LifecycleError,
    account_close,
    account_reactivate,
    account_suspend,
    reactivation_deadline,
)
from accounts.lifetime import lifetime_code_sharing_suspend, lifetime_codes_import
from accounts.models import (
    Account,
    AccountEvent,
    CancellationRequest,
    Domain,
    FreeMailDomain,
    LifetimeCode,
    LifetimeCodeBatch,
    MailLog,
    SharedLoginFlag,
)
from accounts.services import (
    account_breach_warning,
    account_inactivity_exempt,
    account_limits_change,
    cancellation_confirm,
    cancellation_log,
    shared_login_surcharge,
    support_entry_start,
)
from config.bad_input import upload_size_check
from config.clock import now
from core import support_access
from core.transitions import IllegalTransition


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence: readable, never edited or deleted in the admin."""

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class EventInline(admin.TabularInline):
    model = AccountEvent
    extra = 0
    fields = ["at", "actor", "action", "status_before", "status_after", "reason"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-at", "-id"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class LimitsForm(ReasonForm):
    seat_limit = forms.IntegerField(label=_("Seats"), min_value=1, required=False)
    storage_limit_gb = forms.IntegerField(label=_("Storage limit (GB)"), min_value=1, required=False)


class EmailCancellationForm(forms.Form):
    sender = forms.EmailField(label=_("Sender"))
    received_at = forms.DateTimeField(label=_("Received"), help_text=_("YYYY-MM-DD HH:MM"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _reason_action(
    title: Any, apply: Callable[[Account, str, dict[str, Any]], object], form_class: type[forms.Form] = ReasonForm
) -> Callable[..., HttpResponse | None]:
    """An admin action that first asks for a reason (and any other fields), then applies a
    lifecycle service to each selected account; refusals are shown, not raised."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        form = form_class(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for account in queryset:
                try:
                    apply(account, request.user.email, form.cleaned_data)
                    done += 1
                except (LifecycleError, IllegalTransition) as error:
                    modeladmin.message_user(request, f"{account}: {error.message}", messages.ERROR)
            if done:
                modeladmin.message_user(request, gettext("Done for %(n)s account(s).") % {"n": done}, messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/accounts/reason_action.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset,
                "action": request.POST.get("action"),
                "opts": modeladmin.model._meta,
            },
        )

    action.short_description = title  # type: ignore[attr-defined]
    return action


def _support(account: Account, staff: str, data: dict[str, Any]) -> None:
    support_entry_start(account=account, staff=staff, reason=data["reason"])


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "region",
        "language",
        "status",
        "trial_ends_at",
        "last_login_at",
        "inactivity_exempt",
        "shared_login_flagged",
        "created_at",
    ]
    list_filter = ["status", "region", "language", "inactivity_exempt", "shared_login_flagged"]
    search_fields = ["name", "slug", "domains__domain"]
    readonly_fields = [
        "schema_name",
        "kind",
        "status",
        "created_at",
        "suspended_at",
        "reactivation_window_ends",
        "reactivated_until",
        "closed_at",
        "cancelled_at",
        "deleted_at",
        "last_login_at",
        "inactivity_warned_at",
        "inactivity_exempt",
        "seat_limit",
        "storage_limit_gb",
        "shared_login_flagged",
    ]
    inlines = [DomainInline, EventInline]
    actions = [
        "warn_breach",
        "suspend_breach",
        "reactivate",
        "close_breach",
        "exempt_inactivity",
        "change_limits",
        "log_email_cancellation",
        "enter_for_support",
    ]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        # The public and template schemas are infrastructure, not customers. Accounts whose data
        # was deleted stay listed (with their audit log): they are evidence.
        return Account.all_objects.customers()

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False  # closing goes through the lifecycle; the row is kept for invoices and GDPR

    @admin.display(description=_("reactivation possible until"))
    def reactivation_window_ends(self, obj: Account) -> datetime | None:
        return reactivation_deadline(obj)

    warn_breach = _reason_action(
        _("Warn the Owner of a breach of terms (e-mail)"),
        lambda a, staff, d: account_breach_warning(account=a, actor=staff, reason=d["reason"]),
    )
    suspend_breach = _reason_action(
        _("Suspend for breach of terms (e-mails the Owner)"),
        lambda a, staff, d: account_suspend(account=a, actor=staff, reason=d["reason"]),
    )
    reactivate = _reason_action(
        _("Reactivate for 2 days (within 30 days of suspension)"),
        lambda a, staff, d: account_reactivate(account=a, actor=staff, reason=d["reason"]),
    )
    close_breach = _reason_action(
        _("Terminate for breach of terms and delete its data"),
        lambda a, staff, d: account_close(account=a, actor=staff, reason=d["reason"]),
    )
    exempt_inactivity = _reason_action(
        _("Exempt from inactivity deletion"),
        lambda a, staff, d: account_inactivity_exempt(account=a, actor=staff, reason=d["reason"]),
    )
    change_limits = _reason_action(
        _("Change fair-use limits"),
        lambda a, staff, d: account_limits_change(
            account=a,
            actor=staff,
            reason=d["reason"],
            seat_limit=d.get("seat_limit"),
            storage_limit_gb=d.get("storage_limit_gb"),
        ),
        LimitsForm,
    )
    log_email_cancellation = _reason_action(
        _("Log a cancellation received by e-mail"),
        lambda a, staff, d: cancellation_log(
            account=a, sender=d["sender"], received_at=d["received_at"], staff=staff, note=d["note"]
        ),
        EmailCancellationForm,
    )

    @admin.action(description=_("Enter the account for support (audited)"))
    def enter_for_support(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, gettext("Select exactly one account."), messages.ERROR)
            return None
        account = queryset.first()
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                support_entry_start(account=account, staff=request.user.email, reason=form.cleaned_data["reason"])
            except LifecycleError as error:
                self.message_user(request, str(error.message), messages.ERROR)
                return None
            except PermissionDenied as refused:
                # SUB-5: refused by the one guard (no consent, or no data left); recorded anyway.
                self.message_user(request, str(refused), messages.ERROR)
                return None
            return HttpResponseRedirect(reverse("admin:accounts_account_support", args=[account.pk]))
        return _reason_action(_("Enter the account for support (audited)"), _support)(self, request, queryset)

    def get_urls(self):  # type: ignore[no-untyped-def]
        return [
            path("<int:pk>/support/", self.admin_site.admin_view(self.support_view), name="accounts_account_support"),
            *super().get_urls(),
        ]

    def support_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """ACC-15 / SUB-5: what support sees inside the account, only after an allowed entry by
        this staff member within the hour; every view is itself an entry through the one guard
        (consent checked again, recorded), so a revoked consent shuts the page at once."""
        account = Account.all_objects.customers().get(pk=pk)
        recent = support_access.entries(
            account=account, actor=request.user.email, since=now() - timezone.timedelta(hours=1), allowed=True
        )
        if not recent:
            self.message_user(request, gettext("Enter the account for support first."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:accounts_account_changelist"))
        try:
            entry = support_access.entry_require(account=account, actor=request.user.email, purpose=recent[0].reason)
        except PermissionDenied as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:accounts_account_changelist"))
        from accounts.users.models import User
        from accounts.workspace.models import LoginRecord

        with tenant_context(account):
            team = list(User.objects.order_by("role", "email"))
            logins = list(LoginRecord.objects.select_related("user")[:20])
        return render(
            request,
            "admin/accounts/support.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Support view: %(name)s") % {"name": account.name},
                "account": account,
                "entry": entry,
                "team": team,
                "logins": logins,
            },
        )


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "account", "actor", "action", "status_before", "status_after", "reason"]
    list_filter = ["action"]
    search_fields = ["account__name", "account__slug", "actor", "reason"]
    date_hierarchy = "at"
    list_select_related = ["account"]


@admin.register(FreeMailDomain)
class FreeMailDomainAdmin(admin.ModelAdmin):
    search_fields = ["domain"]


@admin.register(CancellationRequest)
class CancellationRequestAdmin(admin.ModelAdmin):
    """ACC-10: the desk of e-mail cancellations, with the one-business-day deadline."""

    list_display = ["account", "sender", "received_at", "confirm_by", "overdue", "confirmed_at", "confirmed_by"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["account", "sender", "received_at", "logged_by", "confirm_by", "confirmed_at", "confirmed_by"]
    actions = ["confirm"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # logged from the account list ("Log a cancellation received by e-mail")

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, obj: CancellationRequest) -> bool:
        return obj.confirmed_at is None and now() > obj.confirm_by

    @admin.action(description=_("Confirm the cancellation (the account is cancelled at once)"))
    def confirm(self, request: HttpRequest, queryset: Any) -> None:
        for item in queryset:
            try:
                cancellation_confirm(request=item, staff=request.user.email)
            except (LifecycleError, IllegalTransition) as error:
                self.message_user(request, f"{item.account}: {error.message}", messages.ERROR)


@admin.register(SharedLoginFlag)
class SharedLoginFlagAdmin(admin.ModelAdmin):
    """ACC-8: the evidence, and the surcharge for the next invoice."""

    list_display = ["detected_at", "account", "user_email", "surcharge", "surcharge_marked_by", "surcharge_invoiced_at"]
    list_filter = ["surcharge"]
    readonly_fields = [
        "account",
        "user_email",
        "detected_at",
        "evidence",
        "surcharge",
        "surcharge_marked_by",
        "surcharge_invoiced_at",
    ]
    actions = ["mark_surcharge"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False

    @admin.action(description=_("Add the shared-login fee to the next invoice"))
    def mark_surcharge(self, request: HttpRequest, queryset: Any) -> None:
        for flag in queryset:
            shared_login_surcharge(flag=flag, actor=request.user.email, reason="Marked in the admin")


class CodeImportForm(forms.Form):
    name = forms.CharField(label=_("Batch name"), max_length=100)
    redeem_by = forms.DateTimeField(label=_("Redeem by"), help_text=_("YYYY-MM-DD HH:MM"))
    csv_file = forms.FileField(label=_("CSV file"), help_text=_("One code per line; a header line “code” is allowed."))

    def clean_csv_file(self):  # type: ignore[no-untyped-def]
        """Bad files are a form error, never a 500: the upload limit, UTF-8 text, no NUL byte."""
        file = self.cleaned_data["csv_file"]
        upload_size_check(file)
        try:
            text = file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" in text:
            raise forms.ValidationError(_("Upload the codes as a UTF-8 text (CSV) file."))
        file.seek(0)
        return file


@admin.register(LifetimeCodeBatch)
class LifetimeCodeBatchAdmin(admin.ModelAdmin):
    list_display = ["name", "redeem_by", "seats", "plan_name", "imported_at"]

    def get_urls(self):  # type: ignore[no-untyped-def]
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="accounts_lifetimecodebatch_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        form = CodeImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["csv_file"].read().decode("utf-8-sig")
            rows = [row[0] for row in csv.reader(io.StringIO(text)) if row]
            try:
                batch = lifetime_codes_import(
                    name=form.cleaned_data["name"],
                    redeem_by=form.cleaned_data["redeem_by"],
                    rows=rows,
                    staff=request.user.email,
                )
            except Exception as error:  # noqa: BLE001 - a duplicate code anywhere refuses the whole file
                form.add_error(None, gettext("Nothing was imported: %(error)s") % {"error": error})
            else:
                self.message_user(
                    request, gettext("Imported %(n)s codes.") % {"n": batch.codes.count()}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:accounts_lifetimecodebatch_changelist"))
        return TemplateResponse(
            request,
            "admin/accounts/reason_action.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Import lifetime codes"),
                "form": form,
                "upload": True,
                "opts": self.model._meta,
            },
        )


@admin.register(LifetimeCode)
class LifetimeCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "batch", "account", "redeemed_at", "refused_attempts"]
    list_filter = ["batch", ("account", admin.EmptyFieldListFilter)]
    search_fields = ["code", "account__name"]
    readonly_fields = ["account", "redeemed_at", "refused_attempts"]
    actions = ["suspend_for_sharing"]

    @admin.action(description=_("Suspend the holder's account for sharing the code"))
    def suspend_for_sharing(self, request: HttpRequest, queryset: Any) -> None:
        for code in queryset.select_related("account"):
            if code.account is None:
                continue
            try:
                lifetime_code_sharing_suspend(code=code, actor=request.user.email)
            except (LifecycleError, IllegalTransition) as error:
                self.message_user(request, f"{code}: {error.message}", messages.ERROR)


@admin.register(MailLog)
class MailLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "template", "language", "status", "account"]
    list_filter = ["status", "template", "language"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["account"]
    readonly_fields = [f.name for f in MailLog._meta.fields]


admin.site.empty_value_display = _("(none)")

# ACC-2: locked logins, with staff's "Unlock" action (its own module: this one is long enough).
import accounts.admin_lockout  # noqa: E402, F401
