from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django_tenants.utils import tenant_context

from accounts.models import Account, AccountStatus, Region
from accounts.services import account_create, public_tenant_ensure, template_schema_ensure
from accounts.users.models import User
from config.clock import now
from core.links import account_url, public_url

STAFF_EMAIL = "staff@kontoportal.localhost"
STAFF_PASSWORD = "staff-demo-2026"

# Fictional companies and people. Owner password is the slug + "-demo-2026".
DEMO_ACCOUNTS = [
    {
        "name": "Fjord Support ApS",
        "slug": "fjord",
        "region": Region.EU,
        "language": "da",
        "owner_name": "Mette Kjær Lund",
        "owner_email": "mette@fjord-support.dk",
        "trial_days": 30,
    },
    {
        "name": "Nordlys Kundeservice AS",
        "slug": "nordlys",
        "region": Region.UK,
        "language": "nb",
        "owner_name": "Ingrid Haugen Berg",
        "owner_email": "ingrid@nordlys-kundeservice.no",
        "trial_days": 21,
    },
    # Its trial ends tomorrow: the trial reminder and expiry jobs have something to do.
    {
        "name": "Harbour Desk Pte",
        "slug": "harbour",
        "region": Region.APAC,
        "language": "en",
        "owner_name": "Wei Ling Tan",
        "owner_email": "weiling@harbourdesk.sg",
        "trial_days": 1,
    },
]


class Command(BaseCommand):
    help = "Load demo data: a staff user and three accounts in different regions and languages. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        public_tenant_ensure()
        template_schema_ensure()
        if not User.objects.filter(email=STAFF_EMAIL).exists():
            User.objects.create_superuser(STAFF_EMAIL, STAFF_PASSWORD, full_name="Demo Staff", language="da")
        lines = [f"Staff admin   {public_url('/admin/')}   {STAFF_EMAIL} / {STAFF_PASSWORD}"]
        for spec in DEMO_ACCOUNTS:
            password = f"{spec['slug']}-demo-2026"
            account = Account.objects.filter(slug=spec["slug"]).first()
            if account is None:
                account = account_create(
                    name=spec["name"],
                    slug=spec["slug"],
                    region=spec["region"],
                    language=spec["language"],
                    owner_email=spec["owner_email"],
                    owner_name=spec["owner_name"],
                    owner_password=password,
                    owner_email_confirmed=True,
                    status=AccountStatus.TRIAL,
                    trial_ends_at=now() + timedelta(days=spec["trial_days"]),
                )
            else:
                # Demo Owners count as having confirmed their address (GDPR-4), also on an
                # installation that predates the confirmation.
                with tenant_context(account):
                    User.objects.filter(email=spec["owner_email"], email_confirmed_at=None).update(
                        email_confirmed_at=now()
                    )
            lines.append(f"{account.name:24} {account_url(account):42} {spec['owner_email']} / {password}")
        self.stdout.write("\nDemo logins:\n  " + "\n  ".join(lines) + "\n")
