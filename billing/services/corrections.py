"""Corrections: an issued invoice is never changed, it is credited (BIL-11) — in part, in full,
or in full and re-issued with the customer's new billing details (BIL-8)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import Account
from billing.line_texts import CREDIT_OF_INVOICE
from billing.models import CreditNote, Document, DocumentKind, DocumentStatus, Invoice
from billing.replacements import invoice_replaced
from billing.services.common import SYSTEM, BillingError, billing_audit
from billing.services.documents import invoice_issue
from billing.services.issuing import create_issued, document_notify, line_input
from billing.services.status import document_mark_paid, document_transition
from billing.tax import LineInput, TaxDecision, lines_compute
from config.clock import now, seller_date, seller_today

# BIL-8: the Owner may have the last invoice re-issued with new details within 15 days of its
# issue date (day 15 included, day 16 refused).
BIL8_WINDOW_DAYS = 15


def invoice_remaining(invoice: Document) -> Decimal:
    """What is left to credit on an invoice (net, excl. VAT); credit notes are negative."""
    credited = sum(
        (note.net_total for note in invoice.credit_notes.exclude(status=DocumentStatus.DRAFT)), Decimal("0.00")
    )
    return invoice.net_total + credited


def _credit_lines(
    invoice: Document, remaining: Decimal, lines: Sequence[LineInput] | None, amount: Decimal | None
) -> list[LineInput]:
    """The credit note's lines, negative. A sum is one line worded by code ("Credit of invoice
    …"), so it reads in the buyer's language whoever issues it."""
    if lines is not None:
        return [
            LineInput(line.description, line.quantity, -abs(Decimal(line.unit_price)), line.code, line.params)
            for line in lines
        ]
    if amount is None and remaining == invoice.net_total:
        return [line_input(line, sign=-1) for line in invoice.lines.order_by("position")]
    credited = remaining if amount is None else abs(Decimal(amount))
    return [LineInput("", Decimal("1"), -credited, CREDIT_OF_INVOICE, {"number": invoice.number})]


@transaction.atomic
def credit_note_issue(
    *,
    invoice: Document,
    reason: str,
    lines: Sequence[LineInput] | None = None,
    amount: Decimal | None = None,
    actor: str = SYSTEM,
    notify: bool = True,
    render_pdf: bool = True,
    issued_at: datetime | None = None,
) -> CreditNote:
    """Credit (part of) an issued invoice: the only way to correct one (BIL-11). With neither
    `lines` nor `amount`, the whole remaining invoice is credited. The credit note keeps the
    invoice's tax decision; its amounts are negative. More than what remains is refused."""
    locked = Document.objects.select_for_update(of=("self",)).select_related("account").get(pk=invoice.pk)
    if locked.kind != DocumentKind.INVOICE or locked.status not in (DocumentStatus.ISSUED, DocumentStatus.PAID):
        raise BillingError(_("Only an issued invoice can be credited."))
    if not reason.strip():
        raise BillingError(_("A credit note needs a reason."))
    remaining = invoice_remaining(locked)
    credit_lines = _credit_lines(locked, remaining, lines, amount)
    requested = -lines_compute(lines=credit_lines, rate=Decimal("0"), currency=locked.currency).net
    if requested <= 0:
        raise BillingError(_("A credit note must credit a positive amount."))
    if requested > remaining:
        raise BillingError(
            _(
                "The credit note (%(requested)s %(currency)s) is larger than what remains of the invoice (%(remaining)s %(currency)s)."
            )
            % {
                "requested": number_format(requested, 2),
                "remaining": number_format(remaining, 2),
                "currency": locked.currency,
            }
        )
    note = CreditNote(
        kind=DocumentKind.CREDIT_NOTE,
        account=locked.account,
        currency=locked.currency,
        language=locked.language,
        period_start=locked.period_start,
        period_end=locked.period_end,
        credited_invoice=locked,
        reason=reason,
        created_at=now(),
    )
    # The invoice's own decision, never a new one: the correction mirrors what was charged.
    decision = TaxDecision(locked.tax_treatment, locked.tax_country, locked.vat_rate)
    create_issued(
        note,
        credit_lines,
        moment=issued_at or now(),
        decision=decision,
        actor=actor,
        notify=notify,
        render_pdf=render_pdf,
    )
    if requested == remaining:
        document_transition(locked, to=DocumentStatus.VOID, actor=actor, reason=reason)
        billing_audit(account=locked.account, actor=actor, action="invoice_voided", document=locked, reason=reason)
    return note


# --- BIL-8: re-issue the last invoice with new details -----------------------------------------


@dataclass(frozen=True)
class ReissueWindow:
    invoice: Invoice | None
    last_day: date | None  # the last day a re-issue may be asked for
    open: bool
    first_applies: date | None  # when the new details first apply otherwise (the next invoice)


def reissue_window(*, account: Account, on: date | None = None) -> ReissueWindow:
    on = on or seller_today()
    invoice = (
        Invoice.objects.filter(account=account, status__in=[DocumentStatus.ISSUED, DocumentStatus.PAID])
        .order_by("-issued_at", "-id")
        .first()
    )
    if invoice is None:
        return ReissueWindow(None, None, False, None)
    # BIL-17: the seller's calendar days; the next invoice's period starts the day after this one's
    # last day (consecutive periods never share a day).
    last_day = seller_date(invoice.issued_at) + timedelta(days=BIL8_WINDOW_DAYS)
    first_applies = invoice.period_end + timedelta(days=1) if invoice.period_end else None
    return ReissueWindow(invoice, last_day, on <= last_day, first_applies)


def _reissue_refusal(window: ReissueWindow) -> str:
    params = {
        "number": window.invoice.number if window.invoice else "",
        "days": BIL8_WINDOW_DAYS,
        "last_day": window.last_day.strftime("%d.%m.%Y") if window.last_day else "",
    }
    if window.first_applies:
        return _(
            "Invoice %(number)s was issued more than %(days)s days ago (the last day was %(last_day)s), so it "
            "cannot be re-issued. Your new details apply from the next invoice, on %(first)s."
        ) % {**params, "first": window.first_applies.strftime("%d.%m.%Y")}
    return (
        _(
            "Invoice %(number)s was issued more than %(days)s days ago (the last day was %(last_day)s), so it "
            "cannot be re-issued. Your new details apply from the next invoice."
        )
        % params
    )


def _already_reissued(invoice: Invoice) -> str:
    credits = ", ".join(invoice.credit_notes.exclude(status=DocumentStatus.DRAFT).values_list("number", flat=True))
    return _(
        "Invoice %(number)s has already been cancelled by credit note %(credit)s and re-issued. Nothing new was issued."
    ) % {"number": invoice.number, "credit": credits}


def billing_details_apply_to_last_invoice(
    *, account: Account, actor: str, invoice_id: int | None = None
) -> tuple[CreditNote, Invoice]:
    """BIL-8: within 15 days of the last invoice's issue date, cancel it with a credit note and
    issue a new invoice with the current billing details; both are e-mailed (the credit note to
    whoever received the invoice, the new invoice to the current invoice e-mail). Later: refused
    with the reason and the date the new details first apply. `invoice_id` is the invoice the
    Owner saw on the page: a second request for it (a double submit, a second tab) is refused."""
    window = reissue_window(account=account)
    if invoice_id is not None and (window.invoice is None or window.invoice.pk != invoice_id):
        asked = Invoice.objects.filter(account=account, pk=invoice_id).first()
        if asked is not None and asked.status == DocumentStatus.VOID:
            raise BillingError(_already_reissued(asked))
        raise BillingError(_("Only your last invoice can be re-issued. Nothing new was issued."))
    if window.invoice is None:
        raise BillingError(_("There is no invoice to re-issue: your new details apply from your first invoice."))
    if not window.open:
        # Recorded outside the re-issue's transaction: raising the refusal there would roll it back.
        billing_audit(account=account, actor=actor, action="reissue_refused", document=window.invoice)
        raise BillingError(_reissue_refusal(window))
    return _reissue(account=account, actor=actor, old=window.invoice)


@transaction.atomic
def _reissue(*, account: Account, actor: str, old: Invoice) -> tuple[CreditNote, Invoice]:
    # Locked before anything is numbered: a second request for the same invoice waits here, then
    # finds it cancelled and is refused, and no number is taken (BIL-11).
    old = Invoice.objects.select_for_update(of=("self",)).get(pk=old.pk)
    if old.status == DocumentStatus.VOID:
        raise BillingError(_already_reissued(old))
    was_paid = old.status == DocumentStatus.PAID
    lines = [line_input(line) for line in old.lines.order_by("position")]
    # Stored on the credit note, so worded for its reader: the buyer, in the document's language.
    with translation.override(old.language):
        reason = _("Billing details changed at the customer's request; replaced by a new invoice.")
    credit = credit_note_issue(invoice=old, reason=reason, actor=actor)
    new = invoice_issue(
        account=account,
        lines=lines,
        currency=old.currency,
        period_start=old.period_start,
        period_end=old.period_end,
        include_custom_deliveries=False,
        actor=actor,
        notify=False,  # sent below, once it says whether it is paid
        # BIL-16: the same supply, so the same tax point and the same ECB rate as the invoice it replaces.
        tax_point=old.tax_point,
    )
    if was_paid:
        # BIL-17: the payment moves to the invoice that replaces the paid one; nothing is charged.
        document_mark_paid(document=new, actor=actor, paid_at=old.paid_at or old.issued_at, payment=old.payment)
    # What pointed at the old invoice (a subscription's charge) now points at the new one.
    invoice_replaced(old=old, new=new, actor=actor)
    document_notify(new)
    billing_audit(
        account=account, actor=actor, action="reissued", document=new, replaces=old.number, credit=credit.number
    )
    return credit, new
