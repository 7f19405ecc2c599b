"""E-invoice cost per document (BIL-14): building the EN 16931 model and both syntaxes, validating
them (UBL XSD + CEN EN 16931 rules, CII XSD + CEN EN 16931 rules) and embedding the CII into a
PDF/A-3 — next to the plain PDF render alone, in the same run on the same documents.

Runs in a database of its own (`<KONTO_DB_NAME>_bench`, created and migrated on first use) and
a temporary MEDIA_ROOT: issued numbers are legal facts, so a bench never takes numbers from the
portal's real series. Prints the figures; not part of the test run.

    .venv/bin/python bench/bench_einvoice.py [DOCUMENTS]
"""

import os
import statistics
import sys
import time
from decimal import Decimal

from _bench_db import bench_prepare, database_ensure  # noqa: E402 — bench/ is this script's folder

bench_prepare("_bench", media="bench-einvoice-")

import django  # noqa: E402

database_ensure()
django.setup()

from django.core.management import call_command  # noqa: E402

from accounts.models import Account, AccountKind  # noqa: E402
from billing.models import Document  # noqa: E402
from billing.pdf import document_html, html_to_pdf  # noqa: E402
from billing.reference import demo_seller_ensure, vat_rates_load  # noqa: E402
from billing.services.documents import invoice_issue  # noqa: E402
from billing.services.profiles import billing_profile_update  # noqa: E402
from billing.tax import LineInput  # noqa: E402
from billing.vies import OfflineViesAdapter  # noqa: E402
from einvoicing.archive import einvoice_build  # noqa: E402
from einvoicing.pdfa import hybrid_pdf  # noqa: E402


def setup(n: int) -> list[Document]:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    vat_rates_load()
    demo_seller_ensure()
    account = Account.objects.filter(slug="bench-einvoice").first()
    if account is None:
        account = Account(
            schema_name="bench_einvoice",
            name="Bench E-faktura s.r.o.",
            slug="bench-einvoice",
            kind=AccountKind.CUSTOMER,
            language="da",
        )
        account.auto_create_schema = False  # invoicing lives in the public schema only
        account.save()
    billing_profile_update(
        account=account,
        actor="bench",
        data={
            "company": "Bench E-faktura s.r.o.",
            "name": "Bench Buyer",
            "street": "Hlavná 5",
            "postcode": "040 01",
            "city": "Košice",
            "country": "SK",
            "email": "bench@einvoice.example",
            "vat_number": "SK2020000004",
            "company_id": "35792469",
            "tax_number": "2020000004",
        },
        vies=OfflineViesAdapter(valid={"SK2020000004"}),
    )
    lines = [
        LineInput("Helpdesk subscription, per agent", Decimal("5"), Decimal("39.00")),
        LineInput("Extra storage, 50 GB", Decimal("1"), Decimal("9.90")),
    ]
    return [invoice_issue(account=account, lines=lines, notify=False, render_pdf=False) for _ in range(n + 1)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    documents = setup(n)
    warm = documents[0]
    html_to_pdf(document_html(warm))  # imports, fonts
    hybrid_pdf(einvoice=einvoice_build(warm), html=document_html(warm))  # XSLT compilation
    plain, build, embed = [], [], []
    for document in documents[1:]:
        html = document_html(document)
        started = time.perf_counter()
        html_to_pdf(html)
        plain.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        einvoice = einvoice_build(document)
        build.append((time.perf_counter() - started) * 1000)
        assert einvoice.is_valid, einvoice.fatal_findings
        started = time.perf_counter()
        hybrid_pdf(einvoice=einvoice, html=html)
        embed.append((time.perf_counter() - started) * 1000)
    total = [b + e for b, e in zip(build, embed, strict=True)]
    print(f"{n} Slovak business invoices, medians per document:")
    print(f"  plain PDF render alone (WeasyPrint):                 {statistics.median(plain):6.0f} ms")
    print(f"  build model + UBL + CII, validate both (XSD + CEN):  {statistics.median(build):6.0f} ms")
    print(f"  PDF/A-3 render + embed factur-x.xml + XMP:           {statistics.median(embed):6.0f} ms")
    print(f"  e-invoice path in all (build + validate + embed):    {statistics.median(total):6.0f} ms")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
