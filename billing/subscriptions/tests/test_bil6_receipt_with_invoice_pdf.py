"""BIL-6 / BIL-14: a card payment gets one e-mail, the receipt, and it carries the invoice issued
for it as the stored PDF (the receipt waits for the PDF's render); the invoice's own document
e-mail is not sent besides it, and a second render sends nothing more."""

import hashlib

import time_machine

from accounts.models import Account, MailLog
from billing.models import Invoice
from billing.pdf import document_pdf_store
from billing.subscriptions.models import Charge, Plan
from billing.subscriptions.services.start import subscription_start
from billing.subscriptions.tests.test_payments import T0, add_card


@time_machine.travel(T0, tick=False)
def test_bil6_card_receipt_is_the_one_mail_and_carries_the_invoice_pdf(
    trial_account_a: Account, plans: dict[str, Plan], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    # given an Owner who starts a paid plan with a card
    add_card(trial_account_a)
    with django_capture_on_commit_callbacks(execute=True):
        subscription_start(account=trial_account_a, plan=plans["team"], seats=1, cycle="monthly", actor="o")
    invoice = Invoice.objects.get(pk=Charge.objects.get(account=trial_account_a).invoice_id)
    # the receipt waits for the invoice's PDF
    assert not MailLog.objects.filter(account=trial_account_a, template="subscriptions_receipt").exists()
    # when the worker renders it (twice: a second task finds it done)
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            invoice = document_pdf_store(document_id=invoice.pk)
    # then one receipt, in the Owner's language, naming the invoice and carrying its stored PDF
    (receipt,) = MailLog.objects.filter(account=trial_account_a, template="subscriptions_receipt")
    assert not MailLog.objects.filter(account=trial_account_a, template="billing_document_issued").exists()
    (mail,) = [m for m in mailoutbox if m.subject == receipt.subject]
    assert mail.to == ["owner@alfa.dk"] and invoice.number in mail.body
    assert "Fakturaen er vedhæftet denne e-mail som PDF." in mail.body, mail.body
    ((name, content, mimetype),) = mail.attachments
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert hashlib.sha256(content).hexdigest() == invoice.pdf_sha256


@time_machine.travel(T0, tick=False)
def test_bil6_receipt_goes_at_once_when_no_pdf_is_rendered(
    trial_account_a: Account, plans: dict[str, Plan], settings, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    # given invoices of charges rendered by nobody (a deployment that switched them off)
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    add_card(trial_account_a)
    with django_capture_on_commit_callbacks(execute=True):
        subscription_start(account=trial_account_a, plan=plans["team"], seats=1, cycle="monthly", actor="o")
    # then the receipt does not wait for a PDF that will not come
    (receipt,) = MailLog.objects.filter(account=trial_account_a, template="subscriptions_receipt")
    (mail,) = [m for m in mailoutbox if m.subject == receipt.subject]
    assert not mail.attachments and "vedhæftet" not in mail.body
