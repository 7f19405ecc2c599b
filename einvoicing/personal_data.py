"""What the e-invoicing app holds about a person (GDPR-6): nothing of its own. The e-invoices
repeat the documents of billing's "Invoices and credit notes" source, which collects them; the
delivery rows hold the parties' Peppol participant ids and the access point's answers."""

from django.utils.translation import gettext_lazy as _

from core.personal_data import register_no_personal_data
from einvoicing.models import Delivery, SandboxMessage

register_no_personal_data(
    Delivery,
    reason=_(
        "A delivery names the seller's and the buyer's Peppol participant ids (company numbers) and what the "
        "access point answered; the invoice itself is a document of the invoices source."
    ),
)
register_no_personal_data(
    SandboxMessage,
    reason=_(
        "The sandbox access point's own log stands in for a real Peppol network in test and demo "
        "installations; the invoice it carries is a document of the invoices source."
    ),
)
