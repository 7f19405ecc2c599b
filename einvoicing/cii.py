"""UN/CEFACT CII D16B for Factur-X, EN 16931 profile (BIL-14)."""


def cii_xml(model) -> bytes:
    raise NotImplementedError
