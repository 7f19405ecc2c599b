"""What issuing a document fixes (BIL-9, BIL-11): the tax decision, the line amounts, the totals,
the seller's and buyer's snapshots, the euro VAT line, then the number; after the commit the PDF
and the buyer's e-mail."""

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from billing.document_mail import document_mail_later
from billing.identifiers import slovak_business_missing, slovak_issue_refusal
from billing.line_texts import line_text
from billing.models import CustomDelivery, Document, DocumentKind, DocumentLine, ExchangeRate
from billing.services.common import BillingError, billing_audit
from billing.services.numbering import number_and_issue
from billing.services.profiles import buyer_snapshot, profile_of
from billing.services.seller import seller_current, seller_snapshot
from billing.tasks import pdf_render_enqueue
from billing.tax import SELLER_COUNTRY, LineInput, TaxDecision, cents, decision_of, lines_compute, tax_decide
from billing.waiting import WaitingFor
from config.clock import seller_date
from core.memo import memoised

log = logging.getLogger(__name__)

PAYMENT_TERM_DAYS = 14
# BIL-16: the newest ECB rate on or before a tax point may be this many days old (weekends and
# the ECB's holidays); an older one is not the rate of that day.
RATE_MAX_AGE_DAYS = 7


def line_objects(lines: Iterable[LineInput], *, language: str) -> list[DocumentLine]:
    """Unsaved lines. A coded line keeps its code and parameters and is worded in the
    document's language, never the language of whoever triggered the issue."""
    objects = []
    for position, line in enumerate(lines, start=1):
        description = line.description
        if line.code:
            with translation.override(language):
                description = line_text(line.code, line.params)
        objects.append(
            DocumentLine(
                position=position,
                description=description,
                code=line.code,
                params=dict(line.params) if line.code and line.params else None,
                quantity=Decimal(line.quantity),
                unit_price=Decimal(line.unit_price),
                net_amount=Decimal("0.00"),
                vat_rate=Decimal("0.00"),
                vat_amount=Decimal("0.00"),
            )
        )
    return objects


def line_input(line: DocumentLine, *, sign: int = 1) -> LineInput:
    """A stored line as input again (a re-issue, a full credit), code and parameters included."""
    return LineInput(line.description, line.quantity, sign * line.unit_price, line.code, line.params)


def finalise(
    document: Document,
    lines: list[DocumentLine],
    *,
    moment: datetime,
    decision: TaxDecision | None,
    tax_point: date | None = None,
    identifiers_may_wait: bool = False,
) -> bool:
    """Fill in what issuing fixes, in memory: the tax decision, line amounts, totals and the
    seller's and buyer's snapshots (a credit note's are its invoice's). False when the document
    must wait (`document.waiting_for` says for what): it is then kept as a draft, see `hold`.

    BIL-16: it waits for the exchange rate of its tax point. BIL-14: a Slovak company's invoice
    without IČO/DIČ is refused (BillingError), or — `identifiers_may_wait`, an invoice the buyer
    has paid already — waits for the Owner to give them. Nothing is numbered meanwhile.

    `tax_point` is the day VAT became chargeable, by default the seller's day of `moment`; a
    held draft keeps the one it was first given."""
    point = tax_point or seller_date(moment)
    if decision is None:
        decision = tax_decide(seller_country=SELLER_COUNTRY, buyer=profile_of(document.account), at=moment)
    elif not decision.registration:  # a stored decision: the registration number it must print
        decision = decision_of(treatment=decision.treatment, country=decision.country, rate=decision.rate, day=point)
    totals = lines_compute(
        lines=[LineInput(line.description, line.quantity, line.unit_price) for line in lines],
        rate=decision.rate,
        currency=document.currency,
    )
    for line, amounts in zip(lines, totals.lines, strict=True):
        line.net_amount, line.vat_amount, line.vat_rate = amounts.net, amounts.vat, decision.rate
    credited = document.credited_invoice
    identifiers_missing = False
    if credited is not None:
        # BIL-8/BIL-11: a credit note cancels what its invoice said, to whom it said it: the
        # invoice's parties and tax wording exactly, never the profile as it is today.
        document.seller, document.buyer, document.tax_note = credited.seller, credited.buyer, credited.tax_note
    else:
        with translation.override(document.language):
            document.tax_note = decision.note
        document.seller = seller_snapshot(seller_current(at=moment))
        if decision.registration:  # BIL-14: the VOEC / UK number the VAT is due under (e-invoice BT-32)
            document.seller["tax_registration_number"] = decision.registration
        document.buyer = buyer_snapshot(profile_of(document.account))
        identifiers_missing = bool(slovak_business_missing(document.buyer))
        if identifiers_missing and not identifiers_may_wait:  # BIL-14: asked of the Owner before any number
            raise BillingError(slovak_issue_refusal())
    document.tax_treatment, document.tax_country, document.vat_rate = (
        decision.treatment,
        decision.country,
        decision.rate,
    )
    document.net_total, document.vat_total, document.gross_total = totals.net, totals.vat, totals.gross
    document.issued_at = moment
    document.tax_point = point
    rate_ready = _vat_in_euro(document, day=point)
    # What the Owner must act on comes first; once given, a missing rate may still hold it.
    document.waiting_for = WaitingFor.IDENTIFIERS if identifiers_missing else "" if rate_ready else WaitingFor.RATE
    if document.kind == DocumentKind.INVOICE:
        document.due_date = seller_date(moment) + timedelta(days=PAYMENT_TERM_DAYS)
    # The account and credited invoice are instances already; the database checks the
    # constraints (and the number's, which is taken last).
    document.full_clean(exclude=["sequence", "number", "account", "credited_invoice"], validate_constraints=False)
    return not document.waiting_for


@memoised(key=lambda *, currency, day: (currency, day))
def euro_rate(*, currency: str, day: date) -> ExchangeRate | None:
    """BIL-16: the ECB reference rate of a tax point: the latest on or before `day`, no older
    than RATE_MAX_AGE_DAYS (the ECB publishes on working days; a week covers holidays)."""
    return (
        ExchangeRate.objects.filter(currency=currency, day__lte=day, day__gte=day - timedelta(days=RATE_MAX_AGE_DAYS))
        .order_by("-day")
        .first()
    )


def _vat_in_euro(document: Document, *, day: date) -> bool:
    """Art. 230 and BIL-16: a document in another currency that charges VAT states the VAT in
    euro too, at the ECB rate of its tax point `day`. False when that rate is missing: the
    document must not be issued yet. A credit note states its invoice's rate, so the euro
    amounts of the two cancel out exactly."""
    document.eur_rate = document.eur_rate_day = document.vat_total_eur = None
    if document.currency == "EUR" or not document.vat_total:
        return True
    credited = document.credited_invoice
    if credited is not None and credited.eur_rate:
        per_eur, rate_day = credited.eur_rate, credited.eur_rate_day
    else:
        rate = euro_rate(currency=document.currency, day=day)
        if rate is None:
            log.warning("No ECB rate for %s on or before %s: the document waits as a draft", document.currency, day)
            return False
        per_eur, rate_day = rate.per_eur, rate.day
    document.eur_rate, document.eur_rate_day = per_eur, rate_day
    document.vat_total_eur = cents(document.vat_total / per_eur)
    return True


def hold(document: Document, *, actor: str) -> Document:
    """BIL-14/BIL-16: keep a finalised document as a draft until what it waits for exists (the
    rate of its tax point, the buyer's identifiers): no number is taken, staff see it in the
    admin, and `billing.services.held.held_documents_issue` issues it (with its tax point) after
    the rate import, a staff entry or the Owner's new billing details. The caller has saved the
    draft (without an issue date); this audits the wait and its reason."""
    billing_audit(
        account=document.account,
        actor=actor,
        action=f"{document.kind}_held",
        document=document,
        currency=document.currency,
        tax_point=document.tax_point,
        waiting_for=document.waiting_for,
    )
    return document


def number_last(document: Document, *, actor: str, notify: bool, render_pdf: bool) -> Document:
    """Audit the issue, then take the number — the last statements before commit, so the series
    stays locked for as short a time as possible — then schedule the PDF and the e-mail."""
    billing_audit(
        account=document.account,
        actor=actor,
        action=f"{document.kind}_issued",
        document=document,
        gross=str(document.gross_total),
        currency=document.currency,
    )
    number_and_issue(document, actor=actor)
    if render_pdf:
        transaction.on_commit(lambda: pdf_render_enqueue(document.pk))
    if notify:
        document_notify(document)
    return document


def create_issued(
    document: Document,
    lines: Sequence[LineInput],
    *,
    moment: datetime,
    decision: TaxDecision | None,
    actor: str,
    notify: bool,
    render_pdf: bool,
    deliveries: Sequence[CustomDelivery] = (),
    tax_point: date | None = None,
) -> Document:
    """Write a new document already finalised (as a draft row), its lines, then number it: the
    fast path of `invoice_issue` and `credit_note_issue`, a handful of statements. Without the
    exchange rate of its tax point it stays a draft (BIL-16, `hold`)."""
    objects = line_objects(lines, language=document.language)
    if not objects:
        raise BillingError(_("An invoice needs at least one line."))
    ready = finalise(document, objects, moment=moment, decision=decision, tax_point=tax_point)
    if not ready:
        document.issued_at = None
    document.save()
    for line in objects:
        line.document = document
    DocumentLine.objects.bulk_create(objects)
    if deliveries:
        CustomDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(invoice=document)
    if not ready:
        return hold(document, actor=actor)
    return number_last(document, actor=actor, notify=notify, render_pdf=render_pdf)


def document_notify(document: Document) -> None:
    """E-mail an issued document to its buyer snapshot's address, in the document's language, with
    its PDF attached: sent once the PDF is stored (billing/document_mail.py)."""
    document_mail_later(document)
