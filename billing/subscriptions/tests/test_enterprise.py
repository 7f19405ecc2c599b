"""BIL-5: accounts over the staff's thresholds (end users, tickets per agent) are listed for an
enterprise offer and flagged once."""

from datetime import UTC, date, datetime

from rest_framework.authtoken.models import Token

from accounts.models import Account
from billing.subscriptions.models import BillingSettings
from billing.subscriptions.selectors import enterprise_candidates
from config.jobs import get_job
from core.models import AuditEvent


def test_bil5_accounts_over_thresholds_are_listed_and_flagged_once(
    public_client, staff_user, account_a: Account, account_b: Account
) -> None:
    settings = BillingSettings.current()
    settings.enterprise_end_users, settings.enterprise_tickets_per_agent = 5000, 400
    settings.save()
    token = Token.objects.create(user=staff_user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    for slug, end_users, tickets, agents in (("alfa", 800, 2100, 5), ("bravo", 1200, 900, 6)):
        response = public_client.post(
            "/api/v1/usage/",
            {"account": slug, "month": "2026-09-14", "end_users": end_users, "tickets": tickets, "agents": agents},
            **auth,
        )
        assert response.status_code == 201
    # alfa: 420 tickets per agent ≥ 400; bravo: 150 per agent and 1,200 end users < 5,000
    assert [row.account.slug for row in enterprise_candidates(month=date(2026, 9, 1))] == ["alfa"]
    over = public_client.get("/api/v1/usage/", {"over": 1, "month": "2026-09-01"}, **auth).json()
    assert [row["account"] for row in over] == ["alfa"]
    job = get_job("subscriptions_enterprise_candidates")
    at = datetime(2026, 10, 2, 7, 20, tzinfo=UTC)
    assert job.func(at=at, dry_run=False).counts == {"flagged": 1}
    assert job.func(at=at, dry_run=False).counts == {}
    assert AuditEvent.objects.filter(account_id=account_a.pk, action="enterprise_candidate").count() == 1
    public_client.force_login(staff_user)
    page = public_client.get("/admin/subscriptions/accountusage/", {"over": "yes"})
    assert (
        page.status_code == 200 and "Alfa Support ApS" in page.content.decode() and "Bravo" not in page.content.decode()
    )
