"""Questions a lower app asks and a higher app answers, without the lower app importing it.

`accounts` is the base app: it must not import billing or privacy, yet its middleware must know
whether a suspended account can pay its way back, its inactivity job whether an account pays, its
mailer whether a marketing mail may go. Each question is declared here, once, with the answer
that is safe when no app has registered one (fail closed); the app that knows registers its
answer at start-up (from its AppConfig.ready), the way core.transitions' reactions and
core.support_access's guard are registered:

    # billing/hooks.py, imported by BillingConfig.ready()
    hooks.has_paid_subscription.register(has_paid_subscription)

    # accounts/lifecycle.py
    if hooks.has_paid_subscription(account): ...
"""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Hook(Generic[T]):
    """One question with at most one answering function; `default` answers while none is registered."""

    def __init__(self, name: str, *, default: T) -> None:
        self.name = name
        self.default = default
        self._answer: Callable[..., T] | None = None

    def register(self, answer: Callable[..., T]) -> Callable[..., T]:
        """Register `answer` (usable as a decorator). Registering the same function again is harmless;
        a second, different answer is a wiring mistake and raises."""
        if self._answer is not None and self._answer is not answer:
            raise RuntimeError(f"hook {self.name!r} already answered by {self._answer!r}")
        self._answer = answer
        return answer

    @property
    def registered(self) -> bool:
        return self._answer is not None

    def __call__(self, *args: Any, **kwargs: Any) -> T:
        if self._answer is None:
            return self.default
        return self._answer(*args, **kwargs)


# ACC-11: an account with a paid subscription is never deleted for inactivity. Unknown → keep it.
has_paid_subscription: Hook[bool] = Hook("has_paid_subscription", default=True)

# BIL-12 / LTD-8: a suspended account whose suspension an unpaid charge caused may still reach the
# payment method and billing details, to pay its way back. Unknown → no exception to the lock.
suspended_for_payment: Hook[bool] = Hook("suspended_for_payment", default=False)

# Marketing mail (GDPR consent, restriction, objection): may it go to this address? Unknown → no.
marketing_allowed: Hook[bool] = Hook("marketing_allowed", default=False)

# The one-click unsubscribe link a marketing mail carries.
unsubscribe_url: Hook[str] = Hook("unsubscribe_url", default="")

# BIL-14: the PDF of an issued document as the e-invoicing app makes it from billing's HTML (a
# PDF/A-3 with the CII embedded as factur-x.xml), or None when it makes none. Unknown → None:
# billing renders its plain PDF.
document_pdf: Hook[bytes | None] = Hook("document_pdf", default=None)

# BIL-14: a document's PDF is stored (after the commit): the e-invoicing app queues its delivery.
document_pdf_stored: Hook[None] = Hook("document_pdf_stored", default=None)

# BIL-14: what a reader of a document (Min konto, the staff API) is told about its e-invoice:
# {"delivery_status", "delivery_status_label", "delivery_reason", "ubl_url", "cii_url", "valid"};
# None when there is none (yet). `for_staff` picks the staff links over the Owner's.
document_einvoice: Hook[dict | None] = Hook("document_einvoice", default=None)
# The same for a page of documents at once, {document id: what document_einvoice answers}, so a
# list (Min konto's billing history) costs two queries, not two per row. Unknown → nothing.
documents_einvoice: Hook[dict[int, dict | None]] = Hook("documents_einvoice", default={})

# A mail attachment named by reference (accounts.mailer.mail_send(attachments=...)), resolved when
# the mail is delivered: (filename, bytes, mimetype), or None when the file is not there (the
# mail is retried). Unknown → None.
mail_attachment: Hook[tuple[str, bytes, str] | None] = Hook("mail_attachment", default=None)

# BIL-6 / BIL-14: the e-mail a card-paid invoice goes out with is the payment's receipt, sent once
# the invoice's PDF is stored, with the PDF attached. True when such a receipt was sent; False →
# billing sends its own document e-mail. Unknown → False.
document_receipt_send: Hook[bool] = Hook("document_receipt_send", default=False)
