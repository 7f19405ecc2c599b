"""Where the person's data is: every registered source in every schema it lives in (GDPR-6)."""

from contextlib import AbstractContextManager, nullcontext

from django_tenants.utils import tenant_context

from accounts.models import Account
from privacy import registry


def in_schema(account: Account | None) -> AbstractContextManager[object]:
    return tenant_context(account) if account is not None else nullcontext()


def places_walk() -> list[tuple[registry.Source, str, Account | None]]:
    """Every (source, schema) pair: public sources once, account sources in every customer account."""
    accounts = list(Account.objects.customers().order_by("id"))
    pairs: list[tuple[registry.Source, str, Account | None]] = []
    for source in registry.sources():
        if source.scope == registry.Scope.PUBLIC:
            pairs.append((source, "public", None))
        else:
            pairs.extend((source, a.schema_name, a) for a in accounts)
    return pairs
