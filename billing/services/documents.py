"""Invoices: preview, draft, issue (BIL-9, BIL-11, BIL-13).

- `invoice_draft_create(...)` → a draft invoice (no number, editable) and `document_issue(...)`
  → the same document issued: numbered, snapshotted, immutable, PDF and e-mail after commit;
- `invoice_issue(...)` = both in one transaction; `invoice_preview(...)` computes the same
  amounts and tax decision without writing anything.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account
from billing.models import CustomDelivery, Document, DocumentKind, DocumentLine, DocumentStatus, Invoice
from billing.services.common import SYSTEM, BillingError, billing_audit
from billing.services.deliveries import unbilled_deliveries
from billing.services.issuing import create_issued, finalise, hold, line_objects, number_last
from billing.services.profiles import profile_of
from billing.services.status import document_transition, move_allowed
from billing.tax import SELLER_COUNTRY, LineInput, TaxDecision, Totals, lines_compute, tax_decide
from config.clock import now


@dataclass(frozen=True)
class Preview:
    decision: TaxDecision
    totals: Totals


def invoice_preview(
    *, account: Account, lines: Sequence[LineInput], currency: str, at: datetime | None = None
) -> Preview:
    """The amounts and tax an invoice issued now would carry: the same decision, no writes."""
    decision = tax_decide(seller_country=SELLER_COUNTRY, buyer=profile_of(account), at=at or now())
    return Preview(decision, lines_compute(lines=lines, rate=decision.rate, currency=currency))


def _new_invoice(account: Account, currency: str, period_start: date | None, period_end: date | None) -> Invoice:
    return Invoice(
        kind=DocumentKind.INVOICE,
        account=account,
        currency=currency,
        language=account.language,
        period_start=period_start,
        period_end=period_end,
        created_at=now(),
    )


@transaction.atomic
def invoice_draft_create(
    *,
    account: Account,
    lines: Sequence[LineInput],
    currency: str = "EUR",
    period_start: date | None = None,
    period_end: date | None = None,
    include_custom_deliveries: bool = True,
    actor: str = SYSTEM,
) -> Invoice:
    """A draft invoice: no number, no snapshot, still editable. BIL-13: unbilled custom
    deliveries of the account in that currency become one-off lines of it."""
    deliveries = unbilled_deliveries(account, currency) if include_custom_deliveries else []
    lines = [*lines, *(LineInput(d.description, Decimal("1"), d.price) for d in deliveries)]
    if not lines:
        raise BillingError(_("An invoice needs at least one line."))
    invoice = _new_invoice(account, currency, period_start, period_end)
    invoice.full_clean(exclude=["account"], validate_constraints=False)
    invoice.save()
    objects = line_objects(lines, language=invoice.language)
    for line in objects:
        line.document = invoice
    DocumentLine.objects.bulk_create(objects)
    if deliveries:
        CustomDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(invoice=invoice)
    billing_audit(account=account, actor=actor, action="invoice_drafted", document=invoice)
    return invoice


@transaction.atomic
def document_issue(
    *,
    document: Document,
    issued_at: datetime | None = None,
    actor: str = SYSTEM,
    notify: bool = True,
    render_pdf: bool = True,
    decision: TaxDecision | None = None,
    tax_point: date | None = None,
    identifiers_may_wait: bool = False,
) -> Document:
    """Issue a draft: tax decision, snapshots, amounts, then the number — all in this
    transaction, so a failure anywhere burns no number. Afterwards (on commit) the PDF is
    rendered by a task and the buyer is e-mailed. `decision` overrides the tax decision (a
    credit note mirrors its invoice; a charge keeps the decision it was priced with).

    BIL-16: a document in another currency that charges VAT needs the ECB rate of its tax point
    (`tax_point`, by default the seller's day of the issue); without it the document is returned
    still a draft, held until the rate exists (billing.services.held). BIL-14: so is a Slovak
    company's invoice without IČO/DIČ when `identifiers_may_wait` (it is paid already); without
    it such an issue is refused."""
    locked = Document.objects.select_for_update(of=("self",)).select_related("account").get(pk=document.pk)
    if not move_allowed(locked, DocumentStatus.ISSUED):
        # Refused before anything is computed: core.transitions raises IllegalTransition.
        document_transition(locked, to=DocumentStatus.ISSUED, actor=actor)
    lines = list(locked.lines.order_by("position"))
    moment = issued_at or now()
    ready = finalise(
        locked, lines, moment=moment, decision=decision, tax_point=tax_point, identifiers_may_wait=identifiers_may_wait
    )
    DocumentLine.objects.bulk_update(lines, ["net_amount", "vat_amount", "vat_rate"])
    if not ready:  # BIL-14/BIL-16: no rate or identifiers yet: it waits, no number taken
        locked.issued_at = None
    locked.save()  # still a draft row: the trigger allows it
    if not ready:
        return hold(locked, actor=actor)
    return number_last(locked, actor=actor, notify=notify, render_pdf=render_pdf)


@transaction.atomic
def invoice_issue(
    *,
    account: Account,
    lines: Sequence[LineInput],
    currency: str = "EUR",
    issued_at: datetime | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    include_custom_deliveries: bool = True,
    actor: str = SYSTEM,
    notify: bool = True,
    render_pdf: bool = True,
    decision: TaxDecision | None = None,
    tax_point: date | None = None,
) -> Invoice:
    """Issue an invoice in one transaction (what `invoice_draft_create` + `document_issue` do,
    in fewer statements). BIL-13: unbilled custom deliveries become one-off lines. BIL-16: it may
    come back a draft waiting for its exchange rate, like `document_issue`."""
    deliveries = unbilled_deliveries(account, currency) if include_custom_deliveries else []
    lines = [*lines, *(LineInput(d.description, Decimal("1"), d.price) for d in deliveries)]
    invoice = _new_invoice(account, currency, period_start, period_end)
    create_issued(
        invoice,
        lines,
        moment=issued_at or now(),
        decision=decision,
        actor=actor,
        notify=notify,
        render_pdf=render_pdf,
        deliveries=deliveries,
        tax_point=tax_point,
    )
    return invoice
