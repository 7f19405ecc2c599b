"""BIL-8: when a re-issue replaces an invoice, whatever pointed at the old invoice must point at
the new one. The apps above billing that keep such pointers (a subscription's charge, BIL-17)
answer this hook; billing never imports them (tests/test_layering.py).

    # billing/subscriptions/invoice_links.py, imported by SubscriptionsConfig.ready()
    invoice_replaced.register(charge_invoice_replace)
"""

from core.hooks import Hook

# Called with old=, new= (the issued invoices) and actor=, inside the re-issue's transaction: a
# failure rolls the re-issue back. Nobody registered → nothing points at invoices.
invoice_replaced: Hook[None] = Hook("invoice_replaced", default=None)
