"""GDPR Art. 13(2)(e) on the data-processing page: is giving the data a legal or contractual
requirement, must the person give it, and what happens if they do not. The answer follows from
each processing record's legal basis, so staff never have to word it per record."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from privacy.models import LegalBasis
from privacy.selectors import processing_records

REQUIREMENT_BY_BASIS: dict[str, Promise] = {
    LegalBasis.CONTRACT: _(
        "Contractual requirement. We need these data to enter into and carry out the contract with you. "
        "You are not obliged to give them, but without them we cannot create or run your account."
    ),
    LegalBasis.LEGAL_OBLIGATION: _(
        "Legal requirement. The law obliges us to process these data, for example accounting and VAT law "
        "for invoices. If you do not give them, we cannot do what the law ties them to, such as selling you "
        "a paid subscription."
    ),
    LegalBasis.CONSENT: _(
        "Neither a legal nor a contractual requirement. Giving these data is voluntary. "
        "If you do not consent, you receive no newsletters or offers; nothing else changes."
    ),
    LegalBasis.LEGITIMATE_INTEREST: _(
        "Neither a legal nor a contractual requirement. These data arise as you use the service, "
        "for example to keep it secure. You may object at any time."
    ),
}


def requirement_text(legal_basis: str) -> str:
    return str(REQUIREMENT_BY_BASIS.get(legal_basis, ""))


def record_requirements() -> list[str]:
    """One sentence per published processing record, in the order of register_summary()."""
    return [requirement_text(record.legal_basis) for record in processing_records()]
