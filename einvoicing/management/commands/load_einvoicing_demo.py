"""BIL-14 demo data: a Slovak business buyer whose invoice goes through the sandbox Peppol access
point, and a Danish business buyer with a Peppol id (CVR under scheme 0184). Each gets one issued
invoice, its PDF/A-3 hybrid and its delivery, done here as the worker would. Idempotent."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand

from accounts.models import Account, AccountStatus, Region
from accounts.services import account_create
from billing.models import Document
from billing.pdf import document_pdf_store
from billing.services.documents import invoice_issue
from billing.services.profiles import billing_profile_update
from billing.tax import LineInput
from billing.vies import OfflineViesAdapter
from config.clock import now
from einvoicing.delivery import delivery_attempt, delivery_plan
from einvoicing.providers import PeppolUnavailable

# Fictional companies and people; valid-format identifiers (check digits correct).
DEMO_BUYERS = [
    {
        "account": {
            "name": "Tatra Helpdesk s.r.o.",
            "slug": "tatra",
            "region": Region.EU,
            "language": "en",
            "owner_name": "Zuzana Kováčová",
            "owner_email": "zuzana@tatra-helpdesk.sk",
        },
        "profile": {
            "company": "Tatra Helpdesk s.r.o.",
            "name": "Zuzana Kováčová",
            "street": "Hlavná 5",
            "postcode": "040 01",
            "city": "Košice",
            "country": "SK",
            "email": "faktury@tatra-helpdesk.sk",
            "vat_number": "SK2020000004",
            "company_id": "35792469",
            "tax_number": "2020000004",
        },
    },
    {
        "account": {
            "name": "Fjord Support ApS",
            "slug": "fjord",
            "region": Region.EU,
            "language": "da",
            "owner_name": "Mette Kjær Lund",
            "owner_email": "mette@fjord-support.dk",
        },
        "profile": {
            "company": "Fjord Support ApS",
            "name": "Mette Kjær Lund",
            "street": "Havnegade 1",
            "postcode": "1058",
            "city": "København K",
            "country": "DK",
            "email": "faktura@fjord-support.dk",
            "vat_number": "DK31415926",
            "company_id": "31415926",
            "peppol_scheme": "0184",
            "peppol_id": "31415926",
        },
    },
]


class Command(BaseCommand):
    help = "BIL-14 demo: a Slovak and a Danish business buyer, each with an invoice delivered through the sandbox Peppol access point. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        for spec in DEMO_BUYERS:
            account = Account.objects.filter(slug=spec["account"]["slug"]).first()
            if account is None:
                account = account_create(
                    **spec["account"],
                    owner_password=f"{spec['account']['slug']}-demo-2026",
                    owner_email_confirmed=True,
                    status=AccountStatus.TRIAL,
                    trial_ends_at=now() + timedelta(days=30),
                )
            profile = spec["profile"]
            billing_profile_update(
                account=account, actor="demo", data=profile, vies=OfflineViesAdapter(valid={profile["vat_number"]})
            )
            # Its own invoice, issued with these identifiers (another demo may have invoiced the account before).
            issued = Document.objects.filter(account=account, buyer__company_id=profile["company_id"])
            invoice = issued.exclude(status="draft").order_by("pk").first()
            if invoice is None:
                invoice = invoice_issue(
                    account=account,
                    lines=[LineInput("Helpdesk subscription, per agent", Decimal(4), Decimal("39.00"))],
                    notify=False,
                    render_pdf=False,
                )
            document_pdf_store(document_id=invoice.pk)
            delivery = delivery_plan(document_id=invoice.pk)
            try:
                delivery = delivery_attempt(delivery_id=delivery.pk)
            except PeppolUnavailable:
                pass  # the job sends it later
            self.stdout.write(
                f"{account.name}: {invoice.number} → {delivery.get_channel_display()} "
                f"{delivery.receiver_id or ''} ({delivery.get_status_display()})"
            )
