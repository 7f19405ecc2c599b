"""One of the concurrent issuers of test_concurrency.py: a separate process with its own database
connection. Issues `count` invoices; every `fail_every`-th attempt fails after its number was
taken (inside the issuing transaction), which must give the number back.

    python -m billing.tests.issue_worker ACCOUNT_ID COUNT FAIL_EVERY START_AT
"""

import json
import os
import sys
import time
from decimal import Decimal


def main() -> None:
    account_id, count, fail_every, start_at = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.db import transaction

    from accounts.models import Account
    from billing.services.documents import invoice_issue
    from billing.tax import LineInput

    account = Account.objects.get(pk=account_id)
    lines = [LineInput("Helpdesk subscription, per agent", Decimal("2"), Decimal("39.00"))]
    issued, failed, attempt = [], 0, 0
    while time.time() < start_at:  # start together, so the issuers really contend
        time.sleep(0.005)
    while len(issued) < count:
        attempt += 1
        if fail_every and attempt % fail_every == 0:
            # a failure after the number was taken, before commit: the number must come back
            try:
                with transaction.atomic():
                    invoice_issue(account=account, lines=lines, notify=False, render_pdf=False)
                    raise RuntimeError("forced failure")
            except RuntimeError:
                failed += 1
            continue
        issued.append(invoice_issue(account=account, lines=lines, notify=False, render_pdf=False).sequence)
    print(json.dumps({"issued": issued, "failed": failed}))


if __name__ == "__main__":
    main()
