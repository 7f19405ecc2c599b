"""What subscriptions and payments hold about a person, for the privacy desk's access and erasure
requests (GDPR-6): the account's payment methods (card brand, last four digits, expiry, PayPal
e-mail), its charges (kept by law with the invoices) and the price notices sent to the person.
An account's payment methods and charges belong to its Owner: they are collected for every
account where the person is the Owner (for a consumer, the account is the person), a PayPal
agreement also where the person is its payer. Both tables are in the public schema: the export
reads them for every account in one query each (`collect_across`, issue 14); `collect` answers
for the account whose schema is active (erasure, and the walk the across queries are tested
against)."""

from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, AccountStatus
from accounts.users.models import Role, User
from billing.subscriptions.choices import ChargeKind, ChargeStatus, PaymentKind
from billing.subscriptions.models import Charge, PaymentMethod, Plan, PlanPrice, PrepaidCredit, PriceNotice
from billing.subscriptions.sandbox_books import SandboxToken
from core.personal_data import (
    STAFF_ABOUT,
    STAFF_FIELDS,
    STAFF_KEPT,
    STAFF_LABELS,
    Across,
    EraseResult,
    Scope,
    Source,
    register,
    register_no_personal_data,
    verbose_names,
)

ERASED = "erased@erased.invalid"
# An account in these states may still be charged: its current payment method stays.
LIVE = {AccountStatus.TRIAL, AccountStatus.ACTIVE, AccountStatus.SUSPENDED, AccountStatus.REACTIVATED}


def _account(email: str) -> tuple[Account | None, bool]:
    """The account of this schema, and whether the person is its Owner."""
    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Account):
        return None, False
    return tenant, User.objects.filter(email__iexact=email, role=Role.OWNER).exists()


def _methods(email: str) -> Any:
    account, owner = _account(email)
    if account is None:
        return PaymentMethod.objects.none()
    mine = Q() if owner else Q(payer_email__iexact=email)
    return PaymentMethod.objects.filter(mine, account=account)


def paid_with(method: PaymentMethod | None) -> str | None:
    """A payment method as the person knows it: "Visa •••• 4242 (12/2030)" or "PayPal kari@…"."""
    if method is None:
        return None
    if method.kind == PaymentKind.PAYPAL:
        return f"PayPal {method.payer_email}".strip()
    expiry = f" ({method.exp_month:02d}/{method.exp_year})" if method.exp_month and method.exp_year else ""
    return f"{method.brand} •••• {method.last4}{expiry}".strip() if method.last4 else method.brand or None


def _method_record(m: PaymentMethod) -> dict[str, Any]:
    return {
        "kind": m.kind,
        "card": paid_with(m) if m.kind == PaymentKind.CARD else None,
        "brand": m.brand,
        "last4": m.last4,
        "expiry": f"{m.exp_month:02d}/{m.exp_year}" if m.exp_month and m.exp_year else None,
        "payer_email": m.payer_email or None,
        "current": m.is_current,
        "added": m.created_at.isoformat(),
        "replaced": m.replaced_at.isoformat() if m.replaced_at else None,
    }


def _methods_collect(email: str) -> list[dict[str, Any]]:
    return [_method_record(m) for m in _methods(email).order_by("created_at", "id")]


def _by_account(rows: Any, record: Any) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        found[row.account_id].append(record(row))
    return found


def _methods_across(across: Across) -> dict[int, list[dict[str, Any]]]:
    """Every account's payment methods the person holds, in one query: all of an account they
    own, a PayPal agreement they pay with in any other."""
    mine = Q(account_id__in=across.with_role(Role.OWNER)) | Q(
        account_id__in=list(across.schemas), payer_email__iexact=across.email
    )
    return _by_account(PaymentMethod.objects.filter(mine).order_by("created_at", "id"), _method_record)


def _methods_erase(email: str) -> EraseResult:
    # The method a live account pays with stays until the account changes it or ends; any other
    # keeps only that it existed (charges point at it).
    account, _owner = _account(email)
    methods = _methods(email)
    if account is not None and account.status in LIVE:
        methods = methods.filter(is_current=False)
    n = methods.exclude(token="", last4="", payer_email="").update(
        token="", brand="", last4="", exp_month=None, exp_year=None, payer_email=""
    )
    return EraseResult(anonymised=n)


def _charge_record(c: Charge) -> dict[str, Any]:
    return {
        "created_at": c.created_at.isoformat(),
        "description": c.description,
        "kind": c.kind,
        "status": c.status,
        "amount": str(c.amount),
        "currency": c.currency,
        "paid_at": c.paid_at.isoformat() if c.paid_at else None,
        "paid_with": paid_with(c.payment_method),
        "invoice_number": c.invoice_number or None,
    }


def _charges(accounts: list[int]) -> Any:
    return Charge.objects.filter(account_id__in=accounts).select_related("payment_method").order_by("created_at", "id")


def _charges_collect(email: str) -> list[dict[str, Any]]:
    account, owner = _account(email)
    if account is None or not owner:
        return []
    return [_charge_record(c) for c in _charges([account.pk])]


def _charges_across(across: Across) -> dict[int, list[dict[str, Any]]]:
    """The charges of every account the person owns, in one query."""
    return _by_account(_charges(across.with_role(Role.OWNER)), _charge_record)


def _notices(email: str) -> Any:
    return PriceNotice.objects.filter(recipient__iexact=email)


def _notices_collect(email: str) -> list[dict[str, Any]]:
    return [
        {"sent_at": n.sent_at.isoformat(), "account": n.account.name, "recipient": n.recipient}
        for n in _notices(email).select_related("account").order_by("sent_at", "id")
    ]


def _notices_erase(email: str) -> EraseResult:
    # That the account was given notice stays (and when); to whom goes.
    return EraseResult(anonymised=_notices(email).update(recipient=ERASED))


def _prices_collect(email: str) -> list[dict[str, Any]]:
    """The prices a staff member set."""
    prices = PlanPrice.objects.filter(created_by__iexact=email).select_related("plan").order_by("created_at")
    return [
        {
            "record": str(PlanPrice._meta.verbose_name),
            "at": p.created_at.isoformat(),
            "entry": f"{p.plan.name}: {p.monthly_per_agent} / {p.annual_per_agent} {p.currency}",
        }
        for p in prices
    ]


PAYMENT_KINDS = dict(PaymentKind.choices)

register(
    Source(
        key="billing.payment_methods",
        label=_("Payment methods"),
        scope=Scope.ACCOUNT,
        collect=_methods_collect,
        collect_across=_methods_across,
        erase=_methods_erase,
        about=_(
            "The card or PayPal agreement the account pays with: we keep only the processor's token, "
            "the card's brand, last four digits and expiry, or the PayPal e-mail — never the card number."
        ),
        fields={
            "kind": _("card or PayPal"),
            "card": _("the card as printed on receipts"),
            "brand": _("card brand"),
            "last4": _("last four digits of the card"),
            "expiry": _("card expiry (month/year)"),
            "payer_email": _("PayPal e-mail"),
            "current": _("whether the account pays with it now"),
            "added": _("added (ISO 8601)"),
            "replaced": _("replaced (ISO 8601)"),
        },
        labels={
            **verbose_names(PaymentMethod, "kind", "brand", "last4", "payer_email", current="is_current"),
            **verbose_names(PaymentMethod, added="created_at", replaced="replaced_at"),
            "card": _("card"),
            "expiry": _("expiry"),
        },
        values={"kind": PAYMENT_KINDS},
        models=(PaymentMethod,),
        categories=("purchases", "email"),
        legal_basis="contract",
        retention=_("While the account pays with it, then 5 years."),
    )
)
register(
    Source(
        key="billing.charges",
        label=_("Payments"),
        scope=Scope.ACCOUNT,
        collect=_charges_collect,
        collect_across=_charges_across,
        kept_reason=_(
            "Payments are accounting records: they are kept with their invoices for 10 years (Slovak accounting law)."
        ),
        about=_("Each payment we charged or refunded for the account's subscription, and how it was paid."),
        fields={
            "created_at": _("created (ISO 8601)"),
            "description": _("what was charged"),
            "kind": _("kind of charge"),
            "status": _("status of the charge"),
            "amount": _("amount including VAT"),
            "currency": _("currency"),
            "paid_at": _("paid (ISO 8601)"),
            "paid_with": _("payment method used"),
            "invoice_number": _("invoice number"),
        },
        labels={
            **verbose_names(Charge, "created_at", "description", "kind", "status", "amount", "paid_at"),
            "paid_with": _("paid with"),
            "invoice_number": _("invoice"),
        },
        values={"kind": dict(ChargeKind.choices), "status": dict(ChargeStatus.choices)},
        amounts={"amount": "currency"},
        models=(Charge,),
        categories=("purchases",),
        legal_basis="legal_obligation",
        retention=_("10 years."),
    )
)
register(
    Source(
        key="billing.price_notices",
        label=_("Notices of price changes"),
        scope=Scope.PUBLIC,
        collect=_notices_collect,
        erase=_notices_erase,
        about=_("The notices of a price change we sent you for an account, kept as proof of the notice."),
        fields={
            "sent_at": _("sent (ISO 8601)"),
            "account": _("account"),
            "recipient": _("sent to"),
        },
        labels=verbose_names(PriceNotice, "sent_at", "account", "recipient"),
        models=(PriceNotice,),
        categories=("email",),
        legal_basis="contract",
        retention=_("5 years."),
    )
)
register(
    Source(
        key="billing.price_entries",
        label=_("Prices you set"),
        scope=Scope.PUBLIC,
        collect=_prices_collect,
        kept_reason=STAFF_KEPT,
        about=STAFF_ABOUT,
        fields=STAFF_FIELDS,
        labels=STAFF_LABELS,
        models=(PlanPrice,),
        categories=("name", "email"),
        legal_basis="legitimate_interest",
        retention=_("5 years."),
    )
)
register_no_personal_data(Plan, reason=_("A plan's name is the name of a product, not of a person."))
register_no_personal_data(
    SandboxToken,
    reason=_(
        "The sandbox processor's own books stand in for the payment processor in test and demo "
        "installations and hold test cards only; the account's payment methods are a source."
    ),
)
register_no_personal_data(
    PrepaidCredit,
    reason=_("A prepayment's value and seats; its credit note is a document of the invoices source."),
)
