"""Golden documents (issue 11, done-when 2; BIL-9, BIL-11, BIL-15, BIL-16): for each buyer kind and
both languages an invoice and its credit note are issued through the real services, rendered by
the real PDF renderer, read back as text (pypdf) and checked field by field against Art. 226 of
Directive 2006/112/EC: number, issue date, seller and buyer names, addresses and VAT ids, supply
period, quantity, description, unit price, net per rate, rate, VAT, total, the legal basis of the
tax treatment, the VAT in euro where another currency charges VAT, and the credit note's
reference to its invoice. A PNG of each page is kept under var/test-artifacts/golden/."""

import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from pypdf import PdfReader

from billing.ecb import ecb_parse, ecb_rates_store
from billing.models import TaxTreatment
from billing.pdf import document_pdf_bytes, document_pdf_store
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_issue
from billing.services.profiles import billing_profile_update
from billing.tax import LineInput
from billing.tax_notes import tax_note
from billing.tax_registration import TaxRegime, TaxRegistration
from billing.vies import OfflineViesAdapter

pytestmark = pytest.mark.django_db

RECORDED = Path(__file__).parent / "data" / "ecb-eurofxref-daily-2026-03-02.xml"
ISSUED = timezone.make_aware(datetime(2026, 3, 2, 17, 0))  # after the ECB's file of the day
ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "golden"
DESCRIPTION = "Helpdesk Team, per agent, March 2026"
VOEC, UK_VAT = "VOEC 2012345", "GB980780684"


@dataclass(frozen=True)
class Kind:
    country: str
    currency: str
    unit_price: str
    treatment: str
    rate: str
    company: str = ""
    vat_number: str = ""
    vies_valid: bool = False
    extra: dict = field(default_factory=dict)
    legal: tuple[str, ...] = ()  # fixed words the legal basis must contain, in any language


KINDS = {
    "dk_company_reverse_charge": Kind(
        "DK",
        "DKK",
        "290.00",
        TaxTreatment.REVERSE_CHARGE,
        "0",
        "Skift ApS",
        "DK31415926",
        True,
        legal=("Reverse charge", "Prenesenie daňovej povinnosti", "196", "2006/112"),
    ),
    "dk_consumer": Kind("DK", "DKK", "290.00", TaxTreatment.EU_CONSUMER, "25", legal=("OSS",)),
    "sk_company": Kind(
        "SK",
        "EUR",
        "39.00",
        TaxTreatment.DOMESTIC,
        "23",
        "Tatra Podpora s.r.o.",
        "SK2020273893",
        True,
        extra={"company_id": "35757442", "tax_number": "2020273893"},
    ),
    "de_consumer": Kind("DE", "EUR", "39.00", TaxTreatment.EU_CONSUMER, "19", legal=("OSS",)),
    "no_company": Kind(
        "NO",
        "NOK",
        "390.00",
        TaxTreatment.OUTSIDE_EU_BUSINESS,
        "0",
        "Fjord Support AS",
        "NO974760673MVA",
        legal=("Article 44", "článku 44", "2006/112"),
    ),
    "no_consumer_voec": Kind("NO", "NOK", "390.00", TaxTreatment.NO_VOEC, "25", legal=(VOEC, "VOEC")),
    "uk_consumer": Kind("GB", "GBP", "29.00", TaxTreatment.UK_VAT, "20", legal=(UK_VAT,)),
}
ADDRESS = {
    "DK": ("Havnegade 12", "1058", "København K"),
    "SK": ("Obchodná 12", "811 06", "Bratislava"),
    "DE": ("Lindenstraße 5", "10969", "Berlin"),
    "NO": ("Storgata 1", "0155", "Oslo"),
    "GB": ("12 Baker Street", "NW1 6XE", "London"),
}


def _words(text: str) -> str:
    """Whitespace as one space (PDF text breaks lines; nb groups thousands with a no-break space)."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def _money(amount: Decimal, currency: str) -> str:
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}"


def _pdf_text(document, name: str) -> str:  # type: ignore[no-untyped-def]
    pdf = document_pdf_bytes(document_pdf_store(document_id=document.pk))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)], check=True
        )
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return _words(re.sub(r"([/-])\n", r"\1", text))  # a line the layout broke after a hyphen or slash


def _profile(account, kind: Kind) -> None:  # type: ignore[no-untyped-def]
    street, postcode, city = ADDRESS[kind.country]
    billing_profile_update(
        account=account,
        actor="test",
        data={
            "company": kind.company,
            "name": "Ida Ibsen",
            "street": street,
            "postcode": postcode,
            "city": city,
            "country": kind.country,
            "email": "faktura@kunde.example",
            "vat_number": kind.vat_number,
            **kind.extra,
        },
        vies=OfflineViesAdapter(valid={kind.vat_number} if kind.vies_valid else set()),
    )


@pytest.fixture
def golden_ready(seller):  # type: ignore[no-untyped-def]
    ecb_rates_store(**dict(zip(("day", "rates"), ecb_parse(RECORDED.read_bytes()), strict=True)))
    TaxRegistration.objects.create(regime=TaxRegime.NO_VOEC, number=VOEC, valid_from=date(2026, 1, 1))
    TaxRegistration.objects.create(regime=TaxRegime.UK_VAT, number=UK_VAT, valid_from=date(2026, 1, 1))
    return seller


@pytest.mark.parametrize("language", ["da", "nb"])
@pytest.mark.parametrize("name", list(KINDS))
def test_bil15_golden_invoice_and_credit_note_carry_every_art_226_field(
    name, language, golden_ready, account_a, account_b
):
    kind = KINDS[name]
    account = account_a if language == "da" else account_b  # alfa reads Danish, bravo Norwegian
    seller = golden_ready
    _profile(account, kind)
    with time_machine.travel(ISSUED, tick=False):
        invoice = invoice_issue(
            account=account,
            lines=[LineInput(DESCRIPTION, Decimal("3"), Decimal(kind.unit_price))],
            currency=kind.currency,
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
            include_custom_deliveries=False,
            notify=False,
            render_pdf=False,
        )
        note = credit_note_issue(invoice=invoice, reason="Duplicate", notify=False, render_pdf=False)
    assert invoice.tax_treatment == kind.treatment and invoice.vat_rate == Decimal(kind.rate)
    rate = Decimal(kind.rate)
    net = Decimal("3") * Decimal(kind.unit_price)
    vat = (net * rate / 100).quantize(Decimal("0.01"))
    for document, sign in ((invoice, 1), (note, -1)):
        text = _pdf_text(document, f"{name}-{language}-{document.kind}")
        with translation.override(language):
            expected = [
                document.number,
                ISSUED.strftime("%d.%m.%Y"),  # the issue date
                "01.03.2026 – 31.03.2026",  # the supply period
                # the seller: name, address, VAT id
                seller.legal_name,
                seller.street,
                f"{seller.postcode} {seller.city}",
                seller.vat_number,
                # the buyer: name, address (and VAT id where it has one)
                kind.company or "Ida Ibsen",
                ADDRESS[kind.country][0],
                f"{ADDRESS[kind.country][1]} {ADDRESS[kind.country][2]}",
                # the line: description, quantity, unit price, net
                DESCRIPTION,
                _money(sign * Decimal(kind.unit_price), kind.currency),
                # net per rate, the rate, the VAT, the total
                gettext("Taxable amount at %(rate)s %%") % {"rate": f"{rate:g}"},
                _money(sign * net, kind.currency),
                gettext("VAT at %(rate)s %%") % {"rate": f"{rate:g}"},
                _money(sign * vat, kind.currency),
                _money(sign * (net + vat), kind.currency),
            ]
            if kind.vat_number:
                expected.append(kind.vat_number)
            # the legal basis: the sentence in the reader's language and the fixed lines
            note_text = tax_note(
                kind.treatment, rate=rate, registration=VOEC if name.startswith("no_consumer") else UK_VAT
            )
            expected += [_words(line) for line in note_text.splitlines()] + list(kind.legal)
            if kind.currency != "EUR" and vat:
                per_eur = invoice.eur_rate
                vat_eur = (sign * vat / per_eur).quantize(Decimal("0.01"))
                expected.append(_money(vat_eur, "EUR"))  # Art. 230 / BIL-16: the VAT in euro
                expected.append(
                    f"1 EUR = {number_format(per_eur, 6, use_l10n=True, force_grouping=True)} {kind.currency}"
                )
            if document is note:
                expected.append(invoice.number)  # the credit note names the invoice it corrects
        missing = [_words(item) for item in expected if _words(item) not in text]
        assert not missing, f"{name} {language} {document.kind}: missing {missing}\n{text}"
        if kind.treatment == TaxTreatment.DOMESTIC:
            assert "2006/112" not in text  # a domestic supply needs no foreign legal basis
        if kind.currency == "EUR" or not vat:
            assert "1 EUR =" not in text
