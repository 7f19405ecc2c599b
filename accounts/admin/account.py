"""Staff run accounts: status actions with a reason, limits, e-mail cancellations, support entry (SUB-5)."""

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

from accounts.admin.common import ReasonForm
from accounts.lifecycle import LifecycleError, account_close, account_reactivate, account_suspend, reactivation_deadline
from accounts.models import Account, Domain
from accounts.services import (
    account_breach_warning,
    account_inactivity_exempt,
    account_limits_change,
    cancellation_log,
    support_entry_start,
)
from accounts.users.models import User
from accounts.workspace.models import LoginRecord
from config.clock import now
from core import support_access
from core.admin import history_html
from core.models import AuditEvent
from core.transitions import IllegalTransition


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


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
        "history",
    ]
    inlines = [DomainInline]
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

    @admin.display(description=_("history"))
    def history(self, obj: Account) -> str:
        """The account's history from the one audit trail (every domain), actions in words."""
        return history_html(AuditEvent.objects.filter(account_id=obj.pk), query=f"account_id={obj.pk}")

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
