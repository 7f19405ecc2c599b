"""UBL 2.1 Invoice / CreditNote following Peppol BIS Billing 3.0 (BIL-14)."""


def ubl_xml(model) -> bytes:
    raise NotImplementedError
