"""Lifetime-deal codes (LTD-1, LTD-2): staff import batches and act on shared codes.
Redemption itself is part of sign-up (accounts.signup)."""

from datetime import datetime

from django.db import transaction

from accounts.lifecycle import account_suspend, audit
from accounts.models import Account, AccountStatus, LifetimeCode, LifetimeCodeBatch
from config.clock import now


def lifetime_codes_import(*, name: str, redeem_by: datetime, rows: list[str], staff: str) -> LifetimeCodeBatch:
    """LTD-2: import a batch of codes with its redemption deadline. All or nothing."""
    codes = [row.strip() for row in rows if row.strip() and row.strip().lower() != "code"]
    with transaction.atomic():
        batch = LifetimeCodeBatch.objects.create(name=name, redeem_by=redeem_by, imported_at=now())
        LifetimeCode.objects.bulk_create([LifetimeCode(batch=batch, code=code) for code in dict.fromkeys(codes)])
    return batch


def lifetime_code_sharing_suspend(*, code: LifetimeCode, actor: str) -> Account:
    """LTD-1: an account found sharing its code is suspended."""
    account = code.account
    assert account is not None
    with transaction.atomic():
        audit(account=account, actor=actor, action="lifetime_code_shared", data={"code": code.code})
        if account.status != AccountStatus.SUSPENDED:
            account_suspend(account=account, actor=actor, reason=f"Lifetime code {code.code} shared (LTD-1)")
    return account
