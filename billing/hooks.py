"""Billing's answers to the questions accounts asks through core.hooks (accounts never imports
billing). Imported by BillingConfig.ready()."""

from billing.pdf import pdf_attachment_resolve
from billing.subscriptions.selectors import has_paid_subscription, suspended_for_payment
from core import hooks

hooks.has_paid_subscription.register(has_paid_subscription)
hooks.suspended_for_payment.register(suspended_for_payment)
hooks.mail_attachment.register(pdf_attachment_resolve)
