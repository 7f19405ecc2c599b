"""Export (GDPR-6) of one person present in N account schemas, then their erasure.

Creates N accounts (named `pbl-<i>`, or `pbf-<i>` with --full-schemas; reused between runs), puts
the person in every one (joined on another day in each, with login records and PayPal agreements
in some: see `person_ensure`), and times: collecting the data (JSON) next to walking each schema,
the PDF next to the same PDF with every record in full, the full export (JSON + PDF with the
Art. 15 cover letter, stored, link mailed) and the erasure. Drops the accounts at the end unless
--keep. Prints the figures; not part of the test run.

Cloning a full account schema costs ~2.5 s here when the machine is shared, so by default each
bench account's schema holds the template's tables, empty (`CREATE TABLE … LIKE … INCLUDING ALL`,
no foreign keys), with the person in `users_user`; `--full-schemas` clones complete schemas instead.

    .venv/bin/python bench/bench_privacy_export.py [N] [--keep] [--full-schemas]
"""

import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("KONTO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import ProtectedError  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from accounts.models import Account  # noqa: E402
from accounts.services import account_create, public_tenant_ensure, schema_name_for, template_schema_ensure  # noqa: E402
from accounts.users.models import Role, User  # noqa: E402
from accounts.workspace.models import LoginRecord  # noqa: E402
from billing.subscriptions.choices import PaymentKind  # noqa: E402
from billing.subscriptions.models import PaymentMethod  # noqa: E402
from config.clock import now  # noqa: E402
from privacy import readable  # noqa: E402
from privacy.demo import processing_records_ensure  # noqa: E402
from privacy.links import verify_token  # noqa: E402
from privacy.models import PrivacyRequest, RequestKind  # noqa: E402
from privacy.pdf import export_pdf_render  # noqa: E402
from privacy.services.erasure import erasure_run  # noqa: E402
from privacy.services.export import export_create, subject_data_collect  # noqa: E402
from privacy.services.intake import request_file  # noqa: E402
from privacy.services.places import in_schema, places_walk  # noqa: E402
from privacy.services.verification import verify_by_link  # noqa: E402

PREFIX = "pbl-"  # light accounts; full ones are "pbf-<i>"
PERSON = "bench.person@example.org"


def light_schema_ensure(schema: str) -> None:
    """Every table of the template, empty and without foreign keys (cheap to create): the export
    reads whichever tables the registered sources need."""
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [settings.TENANT_BASE_SCHEMA],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                f'CREATE TABLE IF NOT EXISTS "{schema}"."{table}" '
                f'(LIKE "{settings.TENANT_BASE_SCHEMA}"."{table}" INCLUDING ALL)'
            )


def light_account(i: int) -> Account:
    """An account row whose schema has the template's tables, empty."""
    account = Account(schema_name=schema_name_for(f"{PREFIX}{i}"), name=f"Bench {i}", slug=f"{PREFIX}{i}")
    account.auto_create_schema = False
    light_schema_ensure(account.schema_name)
    account.save()
    return account


def person_ensure(account: Account, i: int) -> None:
    """The person as a real member of many teams: joined on another day in each account, an
    agent in most and an admin in every seventh, last seen in most; a login record in every tenth
    account and a PayPal agreement they pay with in every twenty-fifth (the billing sources). So
    the export's rows differ from account to account, as they would."""
    at = now() - timedelta(days=i, minutes=7 * i)
    with tenant_context(account):
        if not User.objects.filter(email=PERSON).exists():
            role = Role.ADMIN if i % 7 == 0 else Role.AGENT
            user = User.objects.create_user(PERSON, None, full_name="Bench Person", role=role)
            User.objects.filter(pk=user.pk).update(
                date_joined=at, last_login=at + timedelta(hours=i % 24) if i % 5 else None
            )
            if i % 10 == 0:
                LoginRecord.objects.create(
                    user=user, at=at, last_seen_at=at, device_id=f"d{i}", ip=f"10.0.{i % 250}.7", network="10.0.0.0/16"
                )
    if i % 25 == 0 and not PaymentMethod.objects.filter(account=account, payer_email=PERSON).exists():
        PaymentMethod.objects.create(
            account=account,
            kind=PaymentKind.PAYPAL,
            token=f"B-{i}",
            payer_email=PERSON,
            is_current=False,
            created_at=at,
        )


def accounts_ensure(n: int, full: bool) -> list[Account]:
    prefix = "pbf-" if full else PREFIX
    existing = {a.slug: a for a in Account.objects.filter(slug__startswith=prefix)}
    started = time.perf_counter()
    created = 0
    for i in range(n):
        slug = f"{prefix}{i}"
        if slug not in existing:
            if full:
                existing[slug] = account_create(
                    name=f"Bench full {i}", slug=slug, owner_email=f"owner{i}@bench.example", owner_name="Bench Owner"
                )
            else:
                existing[slug] = light_account(i)
            created += 1
        elif not full:
            light_schema_ensure(existing[slug].schema_name)  # made by an older run with fewer tables
        person_ensure(existing[slug], i)
        if (i + 1) % 50 == 0:
            print(f"  {i + 1}/{n} accounts ready", flush=True)
    print(f"setup: {created} accounts created, {n - created} reused, {time.perf_counter() - started:.1f} s")
    return [existing[f"{prefix}{i}"] for i in range(n)]


def drop(account: Account) -> None:
    PaymentMethod.objects.filter(account=account, kind=PaymentKind.PAYPAL, token__startswith="B-").delete()
    PaymentMethod.objects.filter(account=account, kind=PaymentKind.PAYPAL, token="", brand="").delete()
    try:
        account.delete(force_drop=True)
    except ProtectedError:
        # A fully created account has an append-only history that keeps its row: drop the
        # schema and mark the row deleted, as closing an account does.
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{account.schema_name}" CASCADE')
        Account.objects.filter(pk=account.pk).update(status="closed", deleted_at=now())


def walk_collect(email: str) -> list[tuple[str, str]]:
    """The baseline: every account source run inside every account's schema (the export before
    `collect_across`), in the same run."""
    found = []
    for source, schema, account in places_walk():
        with in_schema(account):
            if source.collect(email):
                found.append((source.key, schema))
    return found


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def verified(kind: str) -> PrivacyRequest:
    request = request_file(kind=kind, email=PERSON, full_name="Bench Person", language="da")
    return verify_by_link(token=verify_token(request))


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "500"))
    keep = "--keep" in sys.argv
    full = "--full-schemas" in sys.argv
    public_tenant_ensure()
    template_schema_ensure()
    processing_records_ensure()
    accounts = accounts_ensure(n, full)
    customers = Account.objects.customers().count()

    started = time.perf_counter()
    walked = walk_collect(PERSON)
    baseline = time.perf_counter() - started

    started = time.perf_counter()
    data = subject_data_collect(PERSON)
    collect = time.perf_counter() - started
    assert len(walked) == len(data["data"]), (len(walked), len(data["data"]))
    places = [p for p in data["data"] if p["source"] == "accounts.user"]
    assert len(places) >= n, (len(places), n)

    probe = verified(RequestKind.ACCESS)  # the cover letter needs a request (a fresh database has none)
    started = time.perf_counter()
    pdf = export_pdf_render(request=probe, data=data)
    pdf_only = time.perf_counter() - started

    # The PDF's baseline, same data: every record in full (values alike in every record repeated
    # in each, as before they were printed once above the records).
    many, readable.MANY = readable.MANY, sys.maxsize
    try:
        started = time.perf_counter()
        pdf_full = export_pdf_render(request=probe, data=data)
        pdf_baseline = time.perf_counter() - started
    finally:
        readable.MANY = many

    started = time.perf_counter()
    export = export_create(request=verified(RequestKind.ACCESS), actor=None)
    full_export = time.perf_counter() - started
    json_kb = export.json_file.size / 1024
    pdf_kb = export.pdf_file.size / 1024

    started = time.perf_counter()
    erasure_run(request=verified(RequestKind.ERASURE), actor=None)
    erasure = time.perf_counter() - started

    started = time.perf_counter()
    after = subject_data_collect(PERSON)
    second = time.perf_counter() - started
    assert not [p for p in after["data"] if p["source"] == "accounts.user"]

    kind = "full cloned" if full else "template tables, empty"
    print(f"one person in {n} account schemas ({kind}; {customers} customer accounts walked):")
    print(f"  collect (JSON data only):        {collect:.2f} s  ({collect / customers * 1000:.1f} ms per schema)")
    print(f"  baseline, walking each schema:   {baseline:.2f} s  ({baseline / customers * 1000:.1f} ms per schema)")
    print(f"  PDF render alone:                {pdf_only:.2f} s  ({pages(pdf)} pages)")
    print(f"  baseline, every record in full:  {pdf_baseline:.2f} s  ({pages(pdf_full)} pages)")
    print(
        f"  full export (JSON + PDF, stored): {full_export:.2f} s  target <= 10 s  (JSON {json_kb:.0f} KiB, PDF {pdf_kb:.0f} KiB)"
    )
    print(f"  baseline, walk + PDF in full:    {baseline + pdf_baseline:.2f} s  (before storing)")
    print(f"  erasure (one step per schema):   {erasure:.2f} s")
    print(f"  second collect after erasure:    {second:.2f} s")

    if not keep:
        started = time.perf_counter()
        for account in accounts:
            drop(account)
        print(f"dropped {len(accounts)} bench accounts in {time.perf_counter() - started:.1f} s")
    connection.set_schema_to_public()


if __name__ == "__main__":
    main()
