"""ACC-1 at scale (issue 14): a new account gets a schema from the warm pool, renamed inside the
sign-up's transaction; an empty or outdated pool falls back to one clone of the template."""

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections, transaction
from django_tenants.utils import schema_exists, tenant_context

from accounts.models import Account, PooledSchema
from accounts.pool import (
    pool_empty,
    pool_fill,
    schema_clone_function,
    template_migrations,
    template_script,
    template_script_forget,
)
from accounts.services import account_create, schema_name_for
from accounts.users.models import Role, User
from tests.acc_helpers import client_for, ensure_free_mail, origin, signup_form


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
    template_script(template_migrations())  # built once per process and migration state
    # 23: address checks, row, pool look-up, the template's migration count, its script (one
    # round trip), host, audit, Owner, and one `SET search_path` per schema switch
    # (TENANT_LIMIT_SET_CALLS). The old path re-created the clone function and ran
    # `migrate --fake` on top (content types and permissions again).
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


# --- The empty pool's clone: the template's script against django-tenants' clone function ---

CATALOG = {
    # information_schema's ordinal_position counts dropped columns; a copy has none, so the
    # position is compared as the column's rank
    "columns": """SELECT table_name, column_name,
            row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position), column_default, is_nullable,
            data_type, character_maximum_length, numeric_precision, numeric_scale, datetime_precision,
            collation_name, udt_name, is_identity, identity_generation, identity_start, identity_increment,
            identity_maximum, identity_minimum, identity_cycle, is_generated, generation_expression
        FROM information_schema.columns WHERE table_schema = %(schema)s""",
    "relations": """SELECT relname, relkind, relpersistence, relowner::regrole::text, relreplident,
            reloptions::text, relhasindex, relchecks
        FROM pg_class WHERE relnamespace = to_regnamespace(%(schema)s)""",
    "indexes": "SELECT tablename, indexname, replace(indexdef, ' ON ' || %(schema)s || '.', ' ON ') "
    "FROM pg_indexes WHERE schemaname = %(schema)s",
    "constraints": """SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid), condeferrable,
            condeferred, convalidated, conindid::regclass::text
        FROM pg_constraint WHERE connamespace = to_regnamespace(%(schema)s)""",
    "sequences": """SELECT sequencename, data_type::text, start_value, min_value, max_value, increment_by, cycle,
            cache_size, last_value
        FROM pg_sequences WHERE schemaname = %(schema)s""",
    "sequence owners": """SELECT d.objid::regclass::text, d.refobjid::regclass::text, a.attname, d.deptype
        FROM pg_depend d JOIN pg_class c ON c.oid = d.objid AND c.relkind = 'S'
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE c.relnamespace = to_regnamespace(%(schema)s) AND d.refclassid = 'pg_class'::regclass""",
    # a foreign key's internal triggers are named by oid: named here by their constraint
    "triggers": """SELECT t.tgrelid::regclass::text, coalesce(k.conname, t.tgname), t.tgfoid::regproc::text,
            t.tgtype, t.tgenabled, t.tgisinternal, t.tgdeferrable, t.tginitdeferred, t.tgconstrrelid::regclass::text
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid LEFT JOIN pg_constraint k ON k.oid = t.tgconstraint
        WHERE c.relnamespace = to_regnamespace(%(schema)s)""",
    "functions": "SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = to_regnamespace(%(schema)s)",
    "grants": "SELECT relname, relacl::text FROM pg_class WHERE relnamespace = to_regnamespace(%(schema)s)",
}


def catalog(schema: str) -> dict[str, list]:
    """What a schema is made of, names relative to the schema, and every row of every table."""
    found: dict[str, list] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # the schema alone in the search path: its own objects print unqualified
        cursor.execute("SELECT current_setting('search_path'), set_config('search_path', %s, true)", [schema])
        saved = cursor.fetchone()[0]
        for key, sql in CATALOG.items():
            cursor.execute(sql, {"schema": schema})
            found[key] = sorted(cursor.fetchall(), key=repr)
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(%s) AND relkind = 'r'", [schema]
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT * FROM "{table}"')
            found[f"rows of {table}"] = sorted(cursor.fetchall(), key=repr)
        cursor.execute("SELECT set_config('search_path', %s, true)", [saved])
    return found


def without_owner(found: dict[str, list]) -> dict[str, list]:
    """A new account's schema as it was before its Owner was added (the only row and sequence
    value account_create adds)."""
    found = dict(found)
    assert [row[4] for row in found.pop("rows of users_user")] in ([], ["owner@pool-compare.dk"])
    found["sequences"] = [
        row[:-1] + ((None,) if row[0] == "users_user_id_seq" else row[-1:]) for row in found["sequences"]
    ]
    return found


def unnamed(found: dict[str, list]) -> dict[str, list]:
    """Constraints and indexes by what they are, not what they are called."""
    found = dict(found)
    found["constraints"] = sorted(((t, c, d, *rest[:3]) for t, _, c, d, *rest in found["constraints"]), key=repr)
    found["indexes"] = sorted((t, d.split(" ON ", 1)[1]) for t, _, d in found["indexes"])
    found["relations"] = sorted(((kind, *rest) for _, kind, *rest in found["relations"] if kind == "i"), key=repr) + [
        r for r in found["relations"] if r[1] != "i"
    ]
    return found


@pytest.mark.django_db
def test_acc1_empty_pool_account_schema_is_the_template_as_the_old_clone_made_it(accounts_ready):
    # given an empty pool, an account is created (its schema from the template's script)
    assert PooledSchema.objects.count() == 0 and template_script(template_migrations()) is not None
    account = create("pool-compare")
    # and a schema cloned the old way, by django-tenants' clone function
    schema_clone_function(target="pool_old_way")
    new, old, template = (
        without_owner(catalog(schema)) for schema in (account.schema_name, "pool_old_way", settings.TENANT_BASE_SCHEMA)
    )
    # then the account's schema is the template: columns, types, defaults, identity sequences
    # (type, options, values, owning column), every constraint and index by name and
    # definition, foreign-key triggers, grants, and every row (migrations, content types,
    # permissions)
    assert new["rows of django_migrations"] and new["rows of auth_permission"]
    assert new == template
    # and the same as the old clone in columns, sequence values and owners, triggers and rows
    for key in ("columns", "sequence owners", "triggers", "functions", *(k for k in new if k.startswith("rows of"))):
        assert new[key] == old[key], key
    assert [s[:1] + s[2:] for s in new["sequences"]] == [s[:1] + s[2:] for s in old["sequences"]]
    # and in constraints and indexes by definition; only their names differ where the clone
    # renamed the template's (CREATE TABLE ... LIKE names unique constraints "<columns>_key",
    # the template has Django's "..._uniq"), as the clone also typed integer identity sequences
    # bigint and granted the owner explicitly what it has by default
    assert unnamed(new)["constraints"] == unnamed(old)["constraints"]
    assert unnamed(new)["indexes"] == unnamed(old)["indexes"]
    renamed = {c[1] for c in new["constraints"]} ^ {c[1] for c in old["constraints"]}
    assert renamed and all(name.endswith(("_uniq", "_key")) for name in renamed)


@pytest.mark.django_db
def test_acc1_signup_with_an_empty_pool_lets_the_owner_in(public_client, django_capture_on_commit_callbacks):
    # given an empty pool, a visitor signs up on the public host
    assert PooledSchema.objects.count() == 0
    ensure_free_mail("gmail.com")
    cache.clear()  # the per-IP sign-up counter
    form = signup_form(full_name="Pia Pool", email="pia@poolhavn-service.dk", company="Poolhavn Service ApS")
    with django_capture_on_commit_callbacks(execute=True):
        response = public_client.post("/signup/", form)
    assert response.status_code == 302
    account = Account.objects.get(slug="poolhavn-service")
    # when the Owner sets a password through the welcome link and logs in on the new host
    client = client_for(account)
    path = response["Location"].removeprefix(origin("poolhavn-service.localhost"))
    done = client.post(path, {"new_password1": "blue-fjord-lantern-42", "new_password2": "blue-fjord-lantern-42"})
    assert done.status_code == 302
    fresh = client_for(account)
    login = fresh.post(
        "/min-konto/login/", {"username": "pia@poolhavn-service.dk", "password": "blue-fjord-lantern-42"}
    )
    # then Min konto opens, and the team page lists the Owner
    assert login.status_code == 302 and fresh.get("/min-konto/").status_code == 200
    team = fresh.get("/min-konto/users/")
    assert team.status_code == 200 and "pia@poolhavn-service.dk" in team.content.decode()
    assert usable(account)
    cache.clear()


@pytest.mark.django_db
def test_acc1_template_with_more_than_tables_is_cloned_by_the_clone_function(accounts_ready):
    """The script knows tables, identity sequences, constraints and indexes; a template with
    anything else (here a view, made inside the test's transaction) is cloned object by object."""
    template = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE VIEW "{template}".pool_view AS SELECT count(*) AS n FROM "{template}".django_migrations'
        )
    template_script_forget()
    try:
        assert template_script(template_migrations()) is None
        account = create("pool-view")
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT n FROM "{account.schema_name}".pool_view')
            assert cursor.fetchone()[0] == template_migrations()
    finally:
        template_script_forget()  # the view goes with the test's rollback
