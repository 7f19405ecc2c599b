"""Records staff read and work through: free-mail domains, e-mail cancellations,
shared logins, the mail log."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.admin.common import ReadOnlyAdmin
from accounts.lifecycle import LifecycleError
from accounts.models import CancellationRequest, FreeMailDomain, MailLog, SharedLoginFlag
from accounts.services import cancellation_confirm, shared_login_surcharge
from config.clock import now
from core.transitions import IllegalTransition


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


@admin.register(MailLog)
class MailLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "template", "language", "status", "account"]
    list_filter = ["status", "template", "language"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["account"]
    readonly_fields = [f.name for f in MailLog._meta.fields]
