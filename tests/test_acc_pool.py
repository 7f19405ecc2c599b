"""ACC-1 at scale (issue 14): a new account gets a schema from the warm pool, renamed inside the
sign-up's transaction; an empty or outdated pool falls back to one clone of the template."""

import threading

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_exists, tenant_context

from accounts.models import Account, PooledSchema
from accounts.pool import pool_empty, pool_fill, template_migrations
from accounts.services import account_create, schema_name_for
from accounts.users.models import Role, User


def schema_migrations(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema}".django_migrations')
        return cursor.fetchone()[0]


def create(slug: str) -> Account:
    return account_create(
        name=f"Pool {slug}", slug=slug, owner_email=f"owner@{slug}.dk", owner_name="Pia Pool", language="da"
    )


def usable(account: Account) -> bool:
    """The Owner is there and the team can grow: the schema's sequences work after the rename."""
    with tenant_context(account):
        User.objects.create_user(f"second@{account.slug}.dk", None, full_name="Second", role=Role.AGENT)
        return User.objects.filter(role=Role.OWNER).count() == 1 and User.objects.count() == 2


@pytest.mark.django_db
def test_acc1_new_account_takes_a_pooled_schema_and_leaves_the_pool_one_shorter(accounts_ready):
    # given two schemas cloned ahead of any sign-up
    assert pool_fill(size=2)["cloned"] == 2
    oldest = PooledSchema.objects.order_by("id").first().schema_name
    # when an account is created
    account = create("pool-taken")
    # then it got the oldest pooled schema under its own name, with the template's migrations
    assert not schema_exists(oldest) and schema_exists(account.schema_name)
    assert PooledSchema.objects.count() == 1
    assert schema_migrations(account.schema_name) == template_migrations()
    assert usable(account)


@pytest.mark.django_db
def test_acc1_empty_pool_falls_back_to_one_clone_of_the_template(accounts_ready, django_assert_max_num_queries):
    assert PooledSchema.objects.count() == 0
    # 23: address checks, row, pool look-up, clone-function check, clone, host, audit, Owner, and
    # one `SET search_path` per schema switch (TENANT_LIMIT_SET_CALLS). The old path re-created
    # the clone function and ran `migrate --fake` on top (content types and permissions again).
    with django_assert_max_num_queries(23):
        account = create("pool-empty")
    assert schema_migrations(account.schema_name) == template_migrations()
    assert usable(account)


@pytest.mark.django_db
def test_acc1_pooled_schema_from_before_a_migration_is_never_handed_out(accounts_ready):
    # given a pooled schema cloned when the template had one migration fewer
    pool_fill(size=1)
    PooledSchema.objects.update(migrations=template_migrations() - 1)
    stale = PooledSchema.objects.get().schema_name
    # when an account is created, it gets a fresh clone, not the outdated schema
    account = create("pool-stale")
    assert schema_exists(stale) and schema_migrations(account.schema_name) == template_migrations()
    # and the rebuild after the migration drops the outdated schema and clones a current one
    counts = pool_fill(size=1, reinstall=True)
    assert (counts["dropped"], counts["cloned"]) == (1, 1) and not schema_exists(stale)
    assert PooledSchema.objects.get().migrations == template_migrations()


@pytest.mark.django_db(transaction=True)
def test_acc1_pool_never_hands_out_one_schema_twice_to_simultaneous_signups(accounts_ready):
    """Six sign-ups at once against a pool of three: every one succeeds with a schema of its own;
    the three pooled schemas are each renamed once, the other three sign-ups clone."""
    pool_fill(size=3)
    pooled = set(PooledSchema.objects.values_list("schema_name", flat=True))
    slugs = [f"pool-rush-{i}" for i in range(6)]
    start = threading.Barrier(len(slugs))
    errors: list[BaseException] = []

    def signup(slug: str) -> None:
        try:
            connection.set_schema_to_public()
            start.wait()
            create(slug)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=signup, args=(slug,)) for slug in slugs]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [repr(e) for e in errors] == []
        accounts = list(Account.objects.filter(slug__in=slugs))
        assert len({a.schema_name for a in accounts}) == 6 and all(schema_exists(a.schema_name) for a in accounts)
        assert PooledSchema.objects.count() == 0 and not any(schema_exists(name) for name in pooled)
        for account in accounts:
            with tenant_context(account):
                assert User.objects.get(role=Role.OWNER).email == f"owner@{account.slug}.dk"
    finally:
        # The rows go with the transactional test's flush; the schemas are dropped here.
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            for slug in slugs:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name_for(slug)}" CASCADE')
        pool_empty()
