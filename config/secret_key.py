"""Where SECRET_KEY comes from, and the refusal of the built-in one outside DEBUG.

Order: KONTO_SECRET_KEY; else the development key file (KONTO_SECRET_KEY_FILE, default
var/secret-key, written by `make` with a random key; an empty KONTO_SECRET_KEY_FILE means no
file); else the built-in constant below, which is public (it is in this repository) and
therefore accepted only with KONTO_DEBUG=1. Anyone holding it could forge every signed link.
"""

import os
from pathlib import Path

BUILTIN_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY_CHECK_ID = "kontoportal.E001"


def secret_key_from_env(base_dir: Path) -> str:
    key = os.environ.get("KONTO_SECRET_KEY", "").strip()
    if key:
        return key
    path = os.environ.get("KONTO_SECRET_KEY_FILE", str(base_dir / "var" / "secret-key")).strip()
    if path and Path(path).is_file():
        key = Path(path).read_text(encoding="utf-8").strip()
    return key or BUILTIN_SECRET_KEY


def secret_key_fallbacks_from_env() -> list[str]:
    """Old keys still accepted for signatures and tokens while a new key is rolled out."""
    return [key.strip() for key in os.environ.get("KONTO_SECRET_KEY_FALLBACKS", "").split(",") if key.strip()]
