"""Billing services: everything that writes the seller's books.

The API other apps use (see README, "Billing"):

- `invoice_draft_create(...)` → a draft invoice (no number, editable) and `document_issue(...)`
  → the same document issued: numbered, snapshotted, immutable, PDF and e-mail after commit;
- `invoice_issue(...)` = both in one transaction; `invoice_preview(...)` computes the same
  amounts and tax decision without writing anything;
- `credit_note_issue(invoice=..., lines=... | amount=..., reason=...)`;
- `billing_profile_update(...)`, `billing_details_apply_to_last_invoice(...)` (BIL-8),
  `custom_delivery_record(...)` (BIL-13).
"""

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from stdnum.eu import vat as eu_vat

from accounts.lifecycle import audit
from accounts.mailer import mail_send
from accounts.models import Account
from billing.models import (
    BillingProfile,
    CreditNote,
    CustomDelivery,
    Document,
    DocumentKind,
    DocumentLine,
    DocumentStatus,
    ExchangeRate,
    Invoice,
    SellerProfile,
    TaxTreatment,
    ViesStatus,
)
from billing.tax import EU_COUNTRIES, SELLER_COUNTRY, LineInput, TaxDecision, Totals, cents, lines_compute, tax_decide
from billing.vies import UNAVAILABLE, VALID, ViesAdapter, vies_adapter
from config.clock import now, today

SYSTEM = "system"
log = logging.getLogger(__name__)

# BIL-8: the Owner may have the last invoice re-issued with new details within 15 days of its
# issue date (day 15 included, day 16 refused).
BIL8_WINDOW_DAYS = 15
PAYMENT_TERM_DAYS = 14

# Invoice status machine (BIL-11): the only moves a document can make.
TRANSITIONS: dict[str, set[str]] = {
    DocumentStatus.DRAFT: {DocumentStatus.ISSUED},
    DocumentStatus.ISSUED: {DocumentStatus.PAID, DocumentStatus.VOID},
    DocumentStatus.PAID: {DocumentStatus.VOID},
    DocumentStatus.VOID: set(),
}

NUMBER_PREFIX = {DocumentKind.INVOICE: "FA", DocumentKind.CREDIT_NOTE: "DB"}


class BillingError(Exception):
    """A refused billing action; the message is translated for whoever reads it."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class IllegalTransition(BillingError):
    pass


def _audit(*, account: Account, actor: str, action: str, document: Document | None = None, **data: Any) -> None:
    """Write the audit row with the one audit writer, inside the transaction making the change."""
    if document is not None:
        data = {"document_id": document.pk, "number": document.number, "kind": document.kind, **data}
    audit(account=account, actor=actor or SYSTEM, action=action, data=json.loads(json.dumps(data, default=str)))


def _transition_check(document: Document, to: str) -> None:
    if to not in TRANSITIONS.get(document.status, set()):
        raise IllegalTransition(
            _("A document that is “%(before)s” cannot become “%(after)s”.")
            % {"before": DocumentStatus(document.status).label, "after": DocumentStatus(to).label}
        )


def _transition(document: Document, to: str) -> None:
    _transition_check(document, to)
    document.status = to


# --- seller ---------------------------------------------------------------------------------


def seller_current(*, at: datetime | None = None) -> SellerProfile:
    seller = SellerProfile.objects.filter(valid_from__lte=at or now()).order_by("-valid_from", "-id").first()
    if seller is None:
        raise BillingError(_("The seller's details are missing: staff must enter them before invoicing."))
    return seller


def _seller_snapshot(seller: SellerProfile) -> dict[str, str]:
    return {
        "version": str(seller.pk),
        "legal_name": seller.legal_name,
        "street": seller.street,
        "postcode": seller.postcode,
        "city": seller.city,
        "country": seller.country,
        "vat_number": seller.vat_number,
        "company_id": seller.company_id,
        "register": seller.register,
        "bank_name": seller.bank_name,
        "iban": seller.iban,
        "bic": seller.bic,
        "email": seller.email,
        "footer": seller.footer,
    }


# --- buyer: billing profile and VAT number (BIL-9) -------------------------------------------


def vat_number_clean(*, number: str, country: str) -> str:
    """Offline check (format and check digit). Returns the compact form with its prefix, or
    raises ValidationError with a message in the active language."""
    compact = re.sub(r"[\s.\-/]", "", number or "").upper()
    if not compact:
        return ""
    if country not in EU_COUNTRIES:
        return compact  # no EU VAT applies outside the EU; the number is printed as given
    if not compact[:2].isalpha():
        compact = ("EL" if country == "GR" else country) + compact
    if not eu_vat.is_valid(compact):
        raise ValidationError(_("This VAT number is not valid: check its format and digits."), code="vat_invalid")
    prefix = compact[:2]
    if (country == "GR" and prefix != "EL") or (country != "GR" and prefix != country):
        raise ValidationError(
            _("The VAT number must belong to the billing country (%(country)s).") % {"country": country},
            code="vat_country",
        )
    return compact


PROFILE_FIELDS = ("name", "company", "street", "postcode", "city", "country", "email", "vat_number")


def _vies_apply(profile: BillingProfile, vies: ViesAdapter) -> None:
    if not profile.vat_number or profile.country not in EU_COUNTRIES:
        profile.vat_status = ViesStatus.NONE if not profile.vat_number else ViesStatus.UNVERIFIED
        profile.vies_consultation = ""
        profile.vies_checked_at = None
        return
    answer = vies.check(country=profile.vat_number[:2], number=profile.vat_number[2:])
    profile.vies_checked_at = answer.checked_at
    profile.vies_consultation = answer.consultation_number
    if answer.status == UNAVAILABLE:
        profile.vat_status = ViesStatus.UNVERIFIED
    else:
        profile.vat_status = ViesStatus.VALID if answer.status == VALID else ViesStatus.INVALID


def billing_profile_update(
    *, account: Account, actor: str, data: dict[str, Any], vies: ViesAdapter | None = None
) -> BillingProfile:
    """Create or change an account's billing details. An invalid VAT number changes nothing.

    VIES is asked before the transaction opens (a slow answer must not hold row locks); when it
    is unreachable the number is kept as "unverified" and VAT is charged until the retry job
    confirms it."""
    country = str(data.get("country", "")).upper()
    vat_number = vat_number_clean(number=str(data.get("vat_number", "")), country=country)
    profile = BillingProfile.objects.filter(account=account).first() or BillingProfile(account=account)
    before = {field: getattr(profile, field, "") for field in PROFILE_FIELDS} if profile.pk else {}
    for field in PROFILE_FIELDS:
        setattr(profile, field, str(data.get(field, "")).strip())
    profile.country = country
    profile.vat_number = vat_number
    profile.updated_at = now()
    profile.full_clean(exclude=["account"])
    if vat_number != before.get("vat_number") or profile.vat_status in ("", ViesStatus.NONE, ViesStatus.UNVERIFIED):
        _vies_apply(profile, vies or vies_adapter())
    with transaction.atomic():
        profile.save()
        after = {field: getattr(profile, field) for field in PROFILE_FIELDS}
        _audit(
            account=account,
            actor=actor,
            action="billing_profile_changed",
            before=before,
            after=after,
            vat_status=profile.vat_status,
        )
    return profile


def billing_profile_vies_recheck(*, profile: BillingProfile, vies: ViesAdapter | None = None) -> BillingProfile:
    """Ask VIES again about an unverified number (the `billing_vies_retry` job)."""
    before = profile.vat_status
    _vies_apply(profile, vies or vies_adapter())
    with transaction.atomic():
        BillingProfile.objects.filter(pk=profile.pk).update(
            vat_status=profile.vat_status,
            vies_consultation=profile.vies_consultation,
            vies_checked_at=profile.vies_checked_at,
        )
        if profile.vat_status != before:
            _audit(
                account=profile.account,
                actor=SYSTEM,
                action="vies_rechecked",
                before=before,
                after=profile.vat_status,
                consultation=profile.vies_consultation,
            )
    return profile


def _buyer_snapshot(profile: BillingProfile) -> dict[str, str]:
    return {
        "name": profile.name,
        "company": profile.company,
        "street": profile.street,
        "postcode": profile.postcode,
        "city": profile.city,
        "country": profile.country,
        "email": profile.email,
        "vat_number": profile.vat_number,
        "vat_status": profile.vat_status,
        "vies_consultation": profile.vies_consultation,
        "vies_checked_at": profile.vies_checked_at.isoformat() if profile.vies_checked_at else "",
    }


def _profile_of(account: Account) -> BillingProfile:
    profile = BillingProfile.objects.filter(account=account).first()
    if profile is None:
        raise BillingError(_("The account has no billing details yet."))
    return profile


# --- preview, drafts and issuing (BIL-9, BIL-11, BIL-13) ----------------------------------------


@dataclass(frozen=True)
class Preview:
    decision: TaxDecision
    totals: Totals


def invoice_preview(
    *, account: Account, lines: Sequence[LineInput], currency: str, at: datetime | None = None
) -> Preview:
    """The amounts and tax an invoice issued now would carry: the same decision, no writes."""
    decision = tax_decide(seller_country=SELLER_COUNTRY, buyer=_profile_of(account), at=at or now())
    return Preview(decision, lines_compute(lines=lines, rate=decision.rate, currency=currency))


# Takes the next number of the document's series and issues the draft in one statement. The
# counter row stays locked until the issuing transaction ends: concurrent issuers queue on it,
# and a rollback gives the number back. Nothing but the commit follows it, so the lock is short.
_NUMBER_AND_ISSUE = """
WITH next AS (
    UPDATE billing_documentcounter SET last_number = last_number + 1 WHERE kind = %(kind)s
    RETURNING last_number
)
UPDATE billing_document
   SET sequence = next.last_number,
       number = %(prefix)s || '-' || lpad(next.last_number::text, 6, '0'),
       status = %(issued)s
  FROM next
 WHERE billing_document.id = %(id)s AND billing_document.status = %(draft)s
RETURNING billing_document.sequence, billing_document.number
"""


def _number_and_issue(document: Document) -> tuple[int, str]:
    params = {
        "kind": document.kind,
        "prefix": NUMBER_PREFIX[document.kind],
        "issued": DocumentStatus.ISSUED,
        "draft": DocumentStatus.DRAFT,
        "id": document.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(_NUMBER_AND_ISSUE, params)
        row = cursor.fetchone()
        if row is None:  # the series' first number: create its row (racing creators are fine)
            cursor.execute(
                "INSERT INTO billing_documentcounter (kind, last_number) VALUES (%s, 0) ON CONFLICT (kind) DO NOTHING",
                [document.kind],
            )
            cursor.execute(_NUMBER_AND_ISSUE, params)
            row = cursor.fetchone()
    return row[0], row[1]


def _line_objects(lines: Iterable[LineInput]) -> list[DocumentLine]:
    return [
        DocumentLine(
            position=position,
            description=line.description,
            quantity=Decimal(line.quantity),
            unit_price=Decimal(line.unit_price),
            net_amount=Decimal("0.00"),
            vat_rate=Decimal("0.00"),
            vat_amount=Decimal("0.00"),
        )
        for position, line in enumerate(lines, start=1)
    ]


def _unbilled_deliveries(account: Account, currency: str) -> list[CustomDelivery]:
    return list(
        CustomDelivery.objects.select_for_update().filter(account=account, currency=currency, invoice__isnull=True)
    )


def _finalise(document: Document, lines: list[DocumentLine], *, moment: datetime, decision: TaxDecision | None) -> None:
    """Fill in what issuing fixes, in memory: the tax decision, line amounts, totals and the
    seller's and buyer's snapshots."""
    profile = _profile_of(document.account)
    if decision is None:
        decision = tax_decide(seller_country=SELLER_COUNTRY, buyer=profile, at=moment)
    totals = lines_compute(
        lines=[LineInput(line.description, line.quantity, line.unit_price) for line in lines],
        rate=decision.rate,
        currency=document.currency,
    )
    for line, amounts in zip(lines, totals.lines, strict=True):
        line.net_amount, line.vat_amount, line.vat_rate = amounts.net, amounts.vat, decision.rate
    with translation.override(document.language):
        document.tax_note = decision.note
    document.seller = _seller_snapshot(seller_current(at=moment))
    document.buyer = _buyer_snapshot(profile)
    document.tax_treatment, document.tax_country, document.vat_rate = (
        decision.treatment,
        decision.country,
        decision.rate,
    )
    document.net_total, document.vat_total, document.gross_total = totals.net, totals.vat, totals.gross
    document.issued_at = moment
    _vat_in_euro(document, day=timezone.localdate(moment))
    if document.kind == DocumentKind.INVOICE:
        document.due_date = timezone.localdate(moment) + timedelta(days=PAYMENT_TERM_DAYS)
    # The account and credited invoice are instances already; the database checks the
    # constraints (and the number's, which is taken last).
    document.full_clean(exclude=["sequence", "number", "account", "credited_invoice"], validate_constraints=False)


def _vat_in_euro(document: Document, *, day: date) -> None:
    """Art. 230: a document in another currency that charges VAT states the VAT in euro too, at
    the latest ECB rate before the day of issue. Without a rate staff have entered, the document
    is issued without it (and the admin lists it under "VAT in EUR: missing") rather than held
    back: a paid charge must get its invoice."""
    document.eur_rate = document.eur_rate_day = document.vat_total_eur = None
    if document.currency == "EUR" or not document.vat_total:
        return
    rate = ExchangeRate.objects.filter(currency=document.currency, day__lt=day).order_by("-day").first()
    if rate is None:
        log.warning("No ECB rate for %s before %s: VAT not stated in EUR", document.currency, day)
        return
    document.eur_rate, document.eur_rate_day = rate.per_eur, rate.day
    document.vat_total_eur = cents(document.vat_total / rate.per_eur)


def _number_last(document: Document, *, actor: str, notify: bool, render_pdf: bool) -> Document:
    """Audit the issue, then take the number — the last statement before commit, so the series
    stays locked for as short a time as possible — then schedule the PDF and the e-mail."""
    _audit(
        account=document.account,
        actor=actor,
        action=f"{document.kind}_issued",
        document=document,
        gross=str(document.gross_total),
        currency=document.currency,
    )
    document.sequence, document.number = _number_and_issue(document)
    document.status = DocumentStatus.ISSUED
    if render_pdf:
        from billing.tasks import pdf_render_enqueue

        transaction.on_commit(lambda: pdf_render_enqueue(document.pk))
    if notify:
        _notify_issued(document)
    return document


def _create_issued(
    document: Document,
    lines: Sequence[LineInput],
    *,
    moment: datetime,
    decision: TaxDecision | None,
    actor: str,
    notify: bool,
    render_pdf: bool,
    deliveries: Sequence[CustomDelivery] = (),
) -> Document:
    """Write a new document already finalised (as a draft row), its lines, then number it: the
    fast path of `invoice_issue` and `credit_note_issue`, a handful of statements."""
    objects = _line_objects(lines)
    if not objects:
        raise BillingError(_("An invoice needs at least one line."))
    _finalise(document, objects, moment=moment, decision=decision)
    document.save()
    for line in objects:
        line.document = document
    DocumentLine.objects.bulk_create(objects)
    if deliveries:
        CustomDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(invoice=document)
    return _number_last(document, actor=actor, notify=notify, render_pdf=render_pdf)


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
    deliveries = _unbilled_deliveries(account, currency) if include_custom_deliveries else []
    lines = [*lines, *(LineInput(d.description, Decimal("1"), d.price) for d in deliveries)]
    if not lines:
        raise BillingError(_("An invoice needs at least one line."))
    invoice = _new_invoice(account, currency, period_start, period_end)
    invoice.full_clean(exclude=["account"], validate_constraints=False)
    invoice.save()
    objects = _line_objects(lines)
    for line in objects:
        line.document = invoice
    DocumentLine.objects.bulk_create(objects)
    if deliveries:
        CustomDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(invoice=invoice)
    _audit(account=account, actor=actor, action="invoice_drafted", document=invoice)
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
) -> Document:
    """Issue a draft: tax decision, snapshots, amounts, then the number — all in this
    transaction, so a failure anywhere burns no number. Afterwards (on commit) the PDF is
    rendered by a task and the buyer is e-mailed. `decision` overrides the tax decision (a
    credit note mirrors its invoice; a charge keeps the decision it was priced with)."""
    locked = Document.objects.select_for_update(of=("self",)).select_related("account").get(pk=document.pk)
    _transition_check(locked, DocumentStatus.ISSUED)
    lines = list(locked.lines.order_by("position"))
    _finalise(locked, lines, moment=issued_at or now(), decision=decision)
    DocumentLine.objects.bulk_update(lines, ["net_amount", "vat_amount", "vat_rate"])
    locked.save()  # still a draft row: the trigger allows it
    return _number_last(locked, actor=actor, notify=notify, render_pdf=render_pdf)


def _notify_issued(document: Document) -> None:
    from billing.selectors import minkonto_documents_url

    mail_send(
        to=document.buyer["email"],
        template="billing_document_issued",
        language=document.language,
        account=document.account,
        context={
            "document": document,
            "is_credit_note": document.kind == DocumentKind.CREDIT_NOTE,
            "url": minkonto_documents_url(document.account),
        },
    )


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
) -> Invoice:
    """Issue an invoice in one transaction (what `invoice_draft_create` + `document_issue` do,
    in fewer statements). BIL-13: unbilled custom deliveries become one-off lines."""
    deliveries = _unbilled_deliveries(account, currency) if include_custom_deliveries else []
    lines = [*lines, *(LineInput(d.description, Decimal("1"), d.price) for d in deliveries)]
    invoice = _new_invoice(account, currency, period_start, period_end)
    _create_issued(
        invoice,
        lines,
        moment=issued_at or now(),
        decision=decision,
        actor=actor,
        notify=notify,
        render_pdf=render_pdf,
        deliveries=deliveries,
    )
    return invoice


def invoice_remaining(invoice: Document) -> Decimal:
    """What is left to credit on an invoice (net, excl. VAT); credit notes are negative."""
    credited = sum(
        (note.net_total for note in invoice.credit_notes.exclude(status=DocumentStatus.DRAFT)), Decimal("0.00")
    )
    return invoice.net_total + credited


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
    if lines is None and amount is None:
        if remaining == locked.net_total:
            credit_lines = [LineInput(line.description, line.quantity, -line.unit_price) for line in locked.lines.all()]
        else:
            credit_lines = [LineInput(_("Credit of invoice %(number)s") % {"number": locked.number}, 1, -remaining)]
    elif lines is not None:
        credit_lines = [LineInput(line.description, line.quantity, -abs(Decimal(line.unit_price))) for line in lines]
    else:
        credit_lines = [
            LineInput(_("Credit of invoice %(number)s") % {"number": locked.number}, 1, -abs(Decimal(amount)))
        ]
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
    _create_issued(
        note,
        credit_lines,
        moment=issued_at or now(),
        decision=decision,
        actor=actor,
        notify=notify,
        render_pdf=render_pdf,
    )
    if requested == remaining:
        _transition(locked, DocumentStatus.VOID)
        locked.save(update_fields=["status"])
        _audit(account=locked.account, actor=actor, action="invoice_voided", document=locked, reason=reason)
    return note


@transaction.atomic
def document_mark_paid(*, document: Document, actor: str) -> Document:
    locked = Document.objects.select_for_update().get(pk=document.pk)
    _transition(locked, DocumentStatus.PAID)
    locked.save(update_fields=["status"])
    _audit(account=locked.account, actor=actor, action="paid", document=locked)
    return locked


# --- BIL-8: re-issue the last invoice with new details -----------------------------------------


@dataclass(frozen=True)
class ReissueWindow:
    invoice: Invoice | None
    last_day: date | None  # the last day a re-issue may be asked for
    open: bool
    first_applies: date | None  # when the new details first apply otherwise (the next invoice)


def reissue_window(*, account: Account, on: date | None = None) -> ReissueWindow:
    on = on or today()
    invoice = (
        Invoice.objects.filter(account=account, status__in=[DocumentStatus.ISSUED, DocumentStatus.PAID])
        .order_by("-issued_at", "-id")
        .first()
    )
    if invoice is None:
        return ReissueWindow(None, None, False, None)
    last_day = timezone.localdate(invoice.issued_at) + timedelta(days=BIL8_WINDOW_DAYS)
    first_applies = invoice.period_end + timedelta(days=1) if invoice.period_end else None
    return ReissueWindow(invoice, last_day, on <= last_day, first_applies)


@transaction.atomic
def billing_details_apply_to_last_invoice(*, account: Account, actor: str) -> tuple[CreditNote, Invoice]:
    """BIL-8: within 15 days of the last invoice's issue date, cancel it with a credit note and
    issue a new invoice with the current billing details; both are e-mailed. Later: refused with
    the reason and the date the new details first apply."""
    window = reissue_window(account=account)
    if window.invoice is None:
        raise BillingError(_("There is no invoice to re-issue: your new details apply from your first invoice."))
    if not window.open:
        if window.first_applies:
            message = _(
                "Invoice %(number)s was issued more than %(days)s days ago (the last day was %(last_day)s), so it "
                "cannot be re-issued. Your new details apply from the next invoice, on %(first)s."
            ) % {
                "number": window.invoice.number,
                "days": BIL8_WINDOW_DAYS,
                "last_day": window.last_day.strftime("%d.%m.%Y"),
                "first": window.first_applies.strftime("%d.%m.%Y"),
            }
        else:
            message = _(
                "Invoice %(number)s was issued more than %(days)s days ago (the last day was %(last_day)s), so it "
                "cannot be re-issued. Your new details apply from the next invoice."
            ) % {
                "number": window.invoice.number,
                "days": BIL8_WINDOW_DAYS,
                "last_day": window.last_day.strftime("%d.%m.%Y"),
            }
        _audit(account=account, actor=actor, action="reissue_refused", document=window.invoice)
        raise BillingError(message)
    old = window.invoice
    lines = [LineInput(line.description, line.quantity, line.unit_price) for line in old.lines.all()]
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
    )
    _audit(account=account, actor=actor, action="reissued", document=new, replaces=old.number, credit=credit.number)
    return credit, new


# --- BIL-13: custom deliveries ------------------------------------------------------------------


@transaction.atomic
def custom_delivery_record(
    *, account: Account, description: str, price: Decimal, agreed_on: date, actor: str, currency: str = "EUR"
) -> CustomDelivery:
    """Staff record a delivery agreed by e-mail; `invoice_draft_create` bills it as a one-off line."""
    delivery = CustomDelivery(
        account=account,
        description=description,
        price=Decimal(price),
        currency=currency,
        agreed_on=agreed_on,
        recorded_by=actor,
        recorded_at=now(),
    )
    delivery.full_clean()
    delivery.save()
    _audit(
        account=account,
        actor=actor,
        action="custom_delivery_recorded",
        description=description,
        price=str(delivery.price),
        currency=currency,
        agreed_on=agreed_on.isoformat(),
    )
    return delivery


def tax_treatment_label(treatment: str) -> str:
    return str(TaxTreatment(treatment).label) if treatment else ""
