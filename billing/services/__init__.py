"""Billing services: everything that writes the seller's books, one module per concern.

- `documents`: `invoice_preview`, `invoice_draft_create`, `document_issue`, `invoice_issue`;
- `issuing`: what an issue fixes (tax decision, amounts, snapshots, euro VAT line, mail, PDF);
- `numbering`: the one document-number allocator;
- `status`: invoice and credit-note moves through core.transitions (`document_mark_paid`);
- `corrections`: `credit_note_issue`, the BIL-8 re-issue (`billing_details_apply_to_last_invoice`);
- `profiles`: the buyer's billing details and VAT number (`billing_profile_update`);
- `seller`: the seller's versioned details; `deliveries`: BIL-13 custom deliveries;
- `common`: `BillingError`, the system actor and the audit write.
"""

# Temporary: the subscription engine still imports these from the package; they go once it
# imports billing.services.documents / .corrections / .status itself.
from billing.services.corrections import credit_note_issue
from billing.services.documents import document_issue, invoice_draft_create
from billing.services.status import document_mark_paid

__all__ = ["credit_note_issue", "document_issue", "document_mark_paid", "invoice_draft_create"]
