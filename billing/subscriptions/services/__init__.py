"""Services that move subscriptions and money, one module per concern (import from the module):

- `prices` — BIL-4: a new price, ≥ 30 days after the notice e-mail to every Owner.
- `payment_methods` — BIL-7: a card or PayPal becomes the processor's token.
- `start` — ACC-4, BIL-1: billing details + payment method → the paid plan starts, billed at once.
- `changes` — BIL-2, BIL-3: preview and apply a change of plan, seats or cycle.
- `charges` — claiming and paying a charge (BIL-1), the receipt and invoice (BIL-6), a failed
  renewal's retries and suspension (BIL-12); the dunning job itself is `billing.subscriptions.dunning`.
- `renewals` — BIL-1: the billing run.
- `shared_login_surcharge` — ACC-8; `lifetime` — LTD-4/5; `prepaid` — BIL-10.
- `amounts` — the tax decision and totals (BIL-9); `refusals` — errors and decline codes;
  `audit_and_mail` — the audit row and the Owner's e-mail.
"""
