"""Invoicing throughput: issuing invoices without PDF (per second), and PDF rendering (median ms
per invoice: the portal's renderer — template, WeasyPrint with the shared FontConfiguration,
SHA-256, storage — next to WeasyPrint rendering the same HTML directly).

Runs in a database of its own (`<KONTO_DB_NAME>_bench`, created and migrated on first use) and
a temporary MEDIA_ROOT: issued numbers are legal facts, so a bench must never take numbers from
the portal's real series. Prints the figures; not part of the test run.

    .venv/bin/python bench/bench_invoicing.py [INVOICES] [PDFS]
"""

import os
import statistics
import sys
import time
from decimal import Decimal

from _bench_db import bench_prepare, database_ensure  # noqa: E402 — bench/ is this script's folder

bench_prepare("_bench", media="bench-invoicing-")

import django  # noqa: E402

database_ensure()
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Account, AccountKind  # noqa: E402
from billing.models import Document  # noqa: E402
from billing.pdf import document_html, document_pdf_store, font_config  # noqa: E402
from billing.reference import demo_seller_ensure, vat_rates_load  # noqa: E402
from billing.services.documents import invoice_issue  # noqa: E402
from billing.services.profiles import billing_profile_update  # noqa: E402
from billing.tax import LineInput  # noqa: E402
from billing.vies import OfflineViesAdapter  # noqa: E402


def setup() -> Account:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    with connection.cursor() as cursor:  # a bench database: start from an empty ledger (and what refers to it)
        cursor.execute("TRUNCATE billing_document, billing_customdelivery, billing_documentcounter CASCADE")
    vat_rates_load()
    demo_seller_ensure()
    account = Account.objects.filter(slug="bench-invoicing").first()
    if account is None:
        account = Account(
            schema_name="bench_invoicing",
            name="Bench Invoicing ApS",
            slug="bench-invoicing",
            kind=AccountKind.CUSTOMER,
            language="da",
        )
        account.auto_create_schema = False  # invoicing lives in the public schema only
        account.save()
    billing_profile_update(
        account=account,
        actor="bench",
        data={
            "company": "Bench Invoicing ApS",
            "name": "Bench Buyer",
            "street": "Testvej 1",
            "postcode": "8000",
            "city": "Aarhus C",
            "country": "DK",
            "email": "bench@invoicing.example",
            "vat_number": "",
        },
        vies=OfflineViesAdapter(down=True),
    )
    return account


def bench_issue(account: Account, n: int) -> float:
    lines = [
        LineInput("Helpdesk subscription, per agent", Decimal("5"), Decimal("39.00")),
        LineInput("Extra storage, 50 GB", Decimal("1"), Decimal("9.90")),
    ]
    invoice_issue(account=account, lines=lines, notify=False, render_pdf=False)  # warm
    started = time.perf_counter()
    for _ in range(n):
        invoice_issue(account=account, lines=lines, notify=False, render_pdf=False)
    return time.perf_counter() - started


def bench_pdf(n: int) -> tuple[list[float], list[float], list[float]]:
    from weasyprint import HTML

    documents = list(Document.objects.exclude(status="draft").order_by("id")[: n + 1])
    html = document_html(documents[0])
    HTML(string=html).write_pdf(font_config=font_config())  # warm: imports, fonts
    portal, shared, plain = [], [], []
    for document in documents[1:]:
        started = time.perf_counter()
        document_pdf_store(document_id=document.pk)
        portal.append((time.perf_counter() - started) * 1000)
    for _ in range(n):
        started = time.perf_counter()
        HTML(string=html).write_pdf(font_config=font_config())
        shared.append((time.perf_counter() - started) * 1000)
    for _ in range(n):
        started = time.perf_counter()
        HTML(string=html).write_pdf()
        plain.append((time.perf_counter() - started) * 1000)
    return portal, shared, plain


def main() -> None:
    invoices = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    pdfs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    account = setup()
    elapsed = bench_issue(account, invoices)
    print(
        f"issue without PDF: {invoices} invoices in {elapsed:.1f} s = {invoices / elapsed:.0f} invoices/s "
        f"({elapsed / invoices * 1000:.1f} ms each, one process, commit per invoice)"
    )
    portal, shared, plain = bench_pdf(pdfs)
    print(
        f"PDF, portal renderer (template + WeasyPrint + SHA-256 + storage), median of {pdfs}: "
        f"{statistics.median(portal):.0f} ms"
    )
    print(
        f"PDF, WeasyPrint on the same HTML, shared FontConfiguration, median of {pdfs}: "
        f"{statistics.median(shared):.0f} ms"
    )
    print(
        f"PDF, WeasyPrint on the same HTML, default font handling, median of {pdfs}: {statistics.median(plain):.0f} ms"
    )
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
