"""The payment processor interface (BIL-7) and the built-in sandbox processor.

The portal hands card details straight to `tokenize_card()` and keeps only what comes back: a
token, the brand, the last 4 digits and the expiry. The number and the CVC are never stored or
logged. Every charge carries an idempotency key: the same key sent twice moves money once.

Sandbox test cards (any future expiry, any 3-digit CVC):

| number              | behaviour                          |
|---------------------|------------------------------------|
| 4242 4242 4242 4242 | Visa, always succeeds              |
| 5555 5555 5555 4444 | Mastercard, always succeeds        |
| 4000 0000 0000 0002 | always declined: refused when saved |
| 4000 0000 0000 0341 | saved, every charge is declined    |
| 4000 0000 0000 9995 | saved, insufficient funds          |

A card is verified when it is saved (`verify`, a zero-amount authorisation, as processors do):
a card the bank always declines is refused then, not at the first charge.
A card is also declined once its expiry month has passed. PayPal-style agreements: any e-mail
succeeds, except one whose local part ends in `+decline`.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from django.db import IntegrityError, transaction

from billing.subscriptions.choices import PaymentKind
from billing.subscriptions.sandbox_books import SandboxToken, SandboxTransaction

# Failure codes, shared by every processor adapter; services translate them for people.
DECLINED = "card_declined"
INSUFFICIENT_FUNDS = "insufficient_funds"
EXPIRED = "expired_card"
INVALID_NUMBER = "invalid_number"
INVALID_CVC = "invalid_cvc"
INVALID_EXPIRY = "invalid_expiry"


class GatewayRefusal(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class TokenizedMethod:
    kind: str
    token: str
    brand: str = ""
    last4: str = ""
    exp_month: int | None = None
    exp_year: int | None = None
    payer_email: str = ""


@dataclass(frozen=True)
class ChargeResult:
    succeeded: bool
    reference: str
    code: str = ""


class Gateway(Protocol):
    name: str

    def tokenize_card(
        self, *, number: str, exp_month: int, exp_year: int, cvc: str, at: datetime
    ) -> TokenizedMethod: ...

    def paypal_agreement(self, *, email: str, at: datetime) -> TokenizedMethod: ...

    def verify(self, *, token: str, at: datetime) -> ChargeResult:
        """A zero-amount authorisation of a new card: does the bank accept it at all?"""
        ...

    def charge(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str, at: datetime
    ) -> ChargeResult: ...

    def refund(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str, at: datetime
    ) -> ChargeResult: ...


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number]
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def card_brand(number: str) -> str:
    if number.startswith("4"):
        return "Visa"
    if number[:2] in {"51", "52", "53", "54", "55"} or "2221" <= number[:4] <= "2720":
        return "Mastercard"
    if number[:2] in {"34", "37"}:
        return "American Express"
    return "Card"


def expired(exp_month: int, exp_year: int, at: datetime) -> bool:
    """A card is valid until the end of its expiry month."""
    return (at.year, at.month) > (exp_year, exp_month)


# The sandbox card's behaviour, kept on its token. "always_declined" fails the zero-amount
# verification too; the others pass it and fail only when money is asked for.
ALWAYS_DECLINED = "always_declined"
SANDBOX_BEHAVIOUR = {
    "4000000000000002": ALWAYS_DECLINED,
    "4000000000000341": DECLINED,
    "4000000000009995": INSUFFICIENT_FUNDS,
}


class SandboxGateway:
    """A processor that lives in this database, for development, tests and demos."""

    name = "sandbox"

    def tokenize_card(self, *, number: str, exp_month: int, exp_year: int, cvc: str, at: datetime) -> TokenizedMethod:
        digits = "".join(ch for ch in number if ch.isdigit())
        if not 12 <= len(digits) <= 19 or not luhn_ok(digits):
            raise GatewayRefusal(INVALID_NUMBER)
        if not (cvc.isdigit() and len(cvc) in (3, 4)):
            raise GatewayRefusal(INVALID_CVC)
        if not 1 <= exp_month <= 12 or exp_year < 2000:
            raise GatewayRefusal(INVALID_EXPIRY)
        if expired(exp_month, exp_year, at):
            raise GatewayRefusal(EXPIRED)
        token = SandboxToken.objects.create(
            token=f"tok_{secrets.token_hex(12)}",
            kind=PaymentKind.CARD,
            behaviour=SANDBOX_BEHAVIOUR.get(digits, "ok"),
            brand=card_brand(digits),
            last4=digits[-4:],
            exp_month=exp_month,
            exp_year=exp_year,
            created_at=at,
        )
        return TokenizedMethod(
            kind=PaymentKind.CARD,
            token=token.token,
            brand=token.brand,
            last4=token.last4,
            exp_month=exp_month,
            exp_year=exp_year,
        )

    def paypal_agreement(self, *, email: str, at: datetime) -> TokenizedMethod:
        behaviour = DECLINED if email.split("@")[0].endswith("+decline") else "ok"
        token = SandboxToken.objects.create(
            token=f"ba_{secrets.token_hex(12)}", kind=PaymentKind.PAYPAL, behaviour=behaviour, created_at=at
        )
        return TokenizedMethod(kind=PaymentKind.PAYPAL, token=token.token, payer_email=email)

    def _move(
        self, *, kind: str, token: str, amount: Decimal, currency: str, idempotency_key: str, at: datetime
    ) -> ChargeResult:
        existing = SandboxTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return ChargeResult(existing.succeeded, existing.reference, existing.code)
        held = SandboxToken.objects.filter(token=token).first()
        if held is None:
            code = DECLINED
        elif kind == "refund":
            code = ""
        elif held.kind == PaymentKind.CARD and expired(held.exp_month or 0, held.exp_year or 0, at):
            code = EXPIRED
        else:
            code = {"ok": "", ALWAYS_DECLINED: DECLINED}.get(held.behaviour, held.behaviour)
        try:
            with transaction.atomic():
                row = SandboxTransaction.objects.create(
                    idempotency_key=idempotency_key,
                    token=token,
                    kind=kind,
                    amount=amount,
                    currency=currency,
                    succeeded=not code,
                    code=code,
                    reference=f"{'re' if kind == 'refund' else 'ch'}_{secrets.token_hex(10)}",
                    created_at=at,
                )
        except IntegrityError:  # the same request, sent at the same moment by someone else
            row = SandboxTransaction.objects.get(idempotency_key=idempotency_key)
        return ChargeResult(row.succeeded, row.reference, row.code)

    def verify(self, *, token: str, at: datetime) -> ChargeResult:
        held = SandboxToken.objects.filter(token=token).first()
        if held is None or held.behaviour == ALWAYS_DECLINED:
            code = DECLINED
        elif held.kind == PaymentKind.CARD and expired(held.exp_month or 0, held.exp_year or 0, at):
            code = EXPIRED
        else:
            code = ""
        row = SandboxTransaction.objects.create(
            idempotency_key=f"verify:{token}",
            token=token,
            kind="verify",
            amount=Decimal("0.00"),
            currency="",
            succeeded=not code,
            code=code,
            reference=f"seti_{secrets.token_hex(10)}",
            created_at=at,
        )
        return ChargeResult(row.succeeded, row.reference, row.code)

    def charge(self, *, token: str, amount: Decimal, currency: str, idempotency_key: str, at: datetime) -> ChargeResult:
        return self._move(
            kind="charge", token=token, amount=amount, currency=currency, idempotency_key=idempotency_key, at=at
        )

    def refund(self, *, token: str, amount: Decimal, currency: str, idempotency_key: str, at: datetime) -> ChargeResult:
        return self._move(
            kind="refund", token=token, amount=amount, currency=currency, idempotency_key=idempotency_key, at=at
        )


_GATEWAYS: dict[str, Gateway] = {"sandbox": SandboxGateway()}


def gateway_for(name: str = "sandbox") -> Gateway:
    return _GATEWAYS[name]
