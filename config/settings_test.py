"""Test settings: the real PostgreSQL and Redis, on Redis databases of their own so a running
`make run` worker never picks up a test's task."""

from config.settings import *  # noqa: F403
from config.settings import env

# A key of the tests' own: never the built-in one (refused outside DEBUG) nor a developer's file.
SECRET_KEY = "test-only-key-3f9c1e7a5b2d48e6a0c4f1b9d7e2a6c8-not-for-any-deployment"
SECRET_KEY_FALLBACKS: list[str] = []

REDIS_URL = env("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CACHES["default"]["LOCATION"] = env("TEST_CACHE_URL", "redis://127.0.0.1:6379/15")  # noqa: F405
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Per test database: two runs at the same time (different KONTO_DB_NAME) number FA-000001 each,
# and one run's stored PDF must not replace the other's under the same name.
# (A test worker process is handed the test database's name, test_<name>: the same directory.)
MEDIA_ROOT = BASE_DIR / "var" / f"test-media-{DATABASES['default']['NAME'].removeprefix('test_')}"  # noqa: F405
UPLOAD_ROOT = BASE_DIR / "var" / "test-uploads"  # noqa: F405
# Tests never reach the network: the real VIES adapter is pointed at a closed local port, so
# "VIES unavailable" is what every test sees unless it hands the service an offline adapter.
BILLING_VIES_URL = "http://127.0.0.1:9/check-vat-number"
BILLING_VIES_TIMEOUT = 1.0
# No warm pool unless a test fills one (tests/test_acc_pool.py): a sign-up in a test clones.
ACCOUNT_POOL_SIZE = int(env("ACCOUNT_POOL_SIZE", "0"))
# The host cache is off in tests (billing tests change accounts with UPDATEs no signal sees);
# tests/test_tenant_lookup.py turns it on.
TENANT_HOST_CACHE_SECONDS = 0
# Whole public pages are not cached in tests (a page stored by one test would answer the next
# test's rolled-back data); subprocessors/tests/test_public_page_cache.py turns it on.
PUBLIC_PAGE_CACHE_SECONDS = 0
