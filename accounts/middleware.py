"""Suspended, cancelled and closed accounts see only the page that explains their status
(ACC-5, ACC-7, ACC-10); health checks, the language switcher, login/logout and static files keep
working."""

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.lifecycle import NO_ACCESS, reactivation_deadline
from accounts.logins import login_touch
from accounts.models import Account, AccountStatus
from accounts.no_access import support_email, why_cancelled, why_suspended
from core import hooks

OPEN_PATHS = ("/healthz", "/i18n/setlang/", "/static/", "/min-konto/login/", "/min-konto/logout/")
# BIL-12 / LTD-8: an account suspended for an unpaid charge is restored by paying, so its Owner
# can still reach the payment method and billing details (the views check the role).
PAYMENT_PATHS = ("/min-konto/plan/payment-method/", "/min-konto/billing/details/")


class AccountAccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        account = getattr(request, "tenant", None)
        if account is None or not getattr(account, "is_customer", False):
            return self.get_response(request)
        if account.deleted_at is not None:
            # Its schema is gone: nothing of it may be read, not even a session.
            connection.set_schema_to_public()
            return self._explain(request, account)
        if account.status in NO_ACCESS and not request.path.startswith(OPEN_PATHS):
            if not (request.path.startswith(PAYMENT_PATHS) and self._can_pay(account)):
                return self._explain(request, account)
        response = self.get_response(request)
        if hasattr(request, "user") and request.user.is_authenticated:
            login_touch(request)
        return response

    @staticmethod
    def _can_pay(account: Account) -> bool:
        # Billing answers (core.hooks): accounts does not import it.
        return account.status == AccountStatus.SUSPENDED and hooks.suspended_for_payment(account)

    def _explain(self, request: HttpRequest, account: Account) -> HttpResponse:
        request.user = AnonymousUser()
        can_pay = account.deleted_at is None and self._can_pay(account)
        why = None
        if account.deleted_at is None and account.status == AccountStatus.SUSPENDED:
            why = why_suspended(account, unpaid=can_pay)
        elif account.status == AccountStatus.CANCELLED:
            why = why_cancelled(account)
        context = {
            "account": account,
            "reactivate_by": reactivation_deadline(account),
            "can_pay": can_pay,
            "why": why,
            "support_email": support_email(),
        }
        return render(request, "minkonto/no_access.html", context, status=403)
