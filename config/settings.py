"""Settings for Kontoportal. Everything a deployment changes comes from environment variables
(see README, "Configuration")."""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.secret_key import secret_key_fallbacks_from_env, secret_key_from_env

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"KONTO_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


# KONTO_SECRET_KEY, else the development key `make` writes to var/secret-key; the built-in key
# is refused outside DEBUG by a system check (config/checks.py, config/secret_key.py).
SECRET_KEY = secret_key_from_env(BASE_DIR)
# Old keys, comma-separated, still accepted while a new key is rolled out.
SECRET_KEY_FALLBACKS = secret_key_fallbacks_from_env()
DEBUG = env_bool("DEBUG", False)

# Accounts are served at <slug>.<BASE_DOMAIN>; staff and the public pages at BASE_DOMAIN.
BASE_DOMAIN = env("BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", "127.0.0.1"]
# Port shown in links when the portal runs on a development port (make run: 8000).
PUBLIC_PORT = env("PUBLIC_PORT", "8000")
PUBLIC_SCHEME = env("PUBLIC_SCHEME", "http")

SHARED_APPS = [
    "django_tenants",
    # What every app needs once (transitions, reactions, the support-access guard, the one audit trail).
    "core",
    "accounts",
    "accounts.users",
    # The staff console (customer page, search, today's queue); before the admin so its
    # admin/index.html adds the console box.
    "console",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Beat's schedule lives in the public schema only; per-account work is fanned out.
    "django_celery_beat",
    "billing",
    "billing.subscriptions",
    # Invoices and credit notes as EN 16931 e-invoices (UBL/Peppol, CII/Factur-X): public schema.
    "einvoicing",
    "privacy",
    "subprocessors",
    # Failed logins of every host are counted in the public schema (ACC-2; accounts/lockout.py).
    "axes",
]
# What belongs to a customer's own team lives in its schema.
TENANT_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "accounts.users",
    "accounts.workspace",
    # Unused inside an account, but their (empty) tables must exist there: deleting an account's
    # user cascades to every table that references users.User, and with the search path
    # "acct_x, public" a missing table would resolve to the public one and delete the admin log
    # entries and API tokens of the staff user who happens to have the same id.
    "django.contrib.admin",
    "rest_framework.authtoken",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "accounts.Account"
TENANT_DOMAIN_MODEL = "accounts.Domain"
# New accounts are cloned from a migrated template schema: ~0.2 s instead of running every
# migration (bench/bench_account_create.py measures both).
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_BASE_SCHEMA = "kp_template"
# Schemas cloned from the template ahead of sign-ups (accounts/pool.py): a sign-up renames one
# instead of cloning while the visitor waits (bench/bench_account_create.py). 0: no pool.
ACCOUNT_POOL_SIZE = int(env("ACCOUNT_POOL_SIZE", "20"))
# `SET search_path` only when the schema changes, not before every query (django-tenants forgets
# the setting on rollback and reconnect, so it is never trusted after PostgreSQL dropped it).
TENANT_LIMIT_SET_CALLS = True
# How long a process keeps a host's account (accounts/host_cache.py); a change to an account or
# host name reaches every process at once through a generation number in Redis. 0: no cache.
TENANT_HOST_CACHE_SECONDS = int(env("TENANT_HOST_CACHE_SECONDS", "30"))
# How long a whole public page may be served from Redis (config/page_cache.py); publishing a
# registry version or a policy empties the store at once. 0: no page cache.
PUBLIC_PAGE_CACHE_SECONDS = int(env("PUBLIC_PAGE_CACHE_SECONDS", "300"))
# migrate_schemas skips account schemas with nothing to migrate and migrates the others in
# parallel processes (config/migrate.py; KONTO_MIGRATE_EXECUTOR=standard for one process).
GET_EXECUTOR_FUNCTION = "config.migrate.get_executor"
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(env("MIGRATE_PROCESSES", "2"))
TENANT_MULTIPROCESSING_CHUNKS = 10
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    # Anonymous GETs of the public registry and policy pages, answered whole from Redis before
    # anything else runs (config/page_cache.py); a hit is not counted by django-prometheus.
    "config.page_cache.PublicPageCacheMiddleware",
    # Request counts and latency for /metrics (first and last, to time the whole stack).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # django-tenants' host → account lookup, cached per process (accounts/host_cache.py).
    "accounts.host_cache.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL byte in the path, query, cookies or body: 400 before any view or session lookup.
    "config.bad_input.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.NorwegianAliasMiddleware",
    "config.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Suspended/cancelled/closed accounts: only the page that explains it (ACC-5, ACC-7, ACC-10).
    "accounts.middleware.AccountAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Turns axes' lockout flag into the lockout page (keep it last).
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.context.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": env("DB_NAME", "kontoportal"),
        "USER": env("DB_USER", "postgres"),
        "PASSWORD": env("DB_PASSWORD", "postgres"),
        "HOST": env("DB_HOST", "127.0.0.1"),
        "PORT": env("DB_PORT", "5432"),
        # Persistent connections roughly double throughput (bench/bench_registry.py); 0 closes
        # each request's connection.
        "CONN_MAX_AGE": int(env("DB_CONN_MAX_AGE", "60")),
        # No `SELECT 1` before each request's first query: a connection the database dropped
        # (restart, failover) fails that one request, and Django discards a connection that saw
        # an error at the request's end, so the next request connects afresh.
        # KONTO_DB_HEALTH_CHECKS=1 trades a round trip per request for not failing that request.
        "CONN_HEALTH_CHECKS": env_bool("DB_HEALTH_CHECKS", False),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("CACHE_URL", "redis://127.0.0.1:6379/1"),
        # One key space per schema, so one account's cache never answers another's.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

AUTH_USER_MODEL = "users.User"
# AxesBackend first: it refuses a locked user+IP pair before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/min-konto/login/"
LOGIN_REDIRECT_URL = "/min-konto/"
LOGOUT_REDIRECT_URL = "/min-konto/login/"

# Host-only cookies: a session from one account's host is never sent to another's.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_NAME = "kp_language"

LANGUAGE_CODE = "da"
LANGUAGES = [("en", _("English")), ("da", _("Danish")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Copenhagen"
USE_TZ = True
# BIL-17: service periods and every date on a document are calendar days in the seller's time
# zone (config.clock.seller_date), whatever zone a screen is displayed in.
SELLER_TIME_ZONE = "Europe/Bratislava"
# The one clock (config/clock.py); core reads it by name, as core imports no project module.
CLOCK = "config.clock.now"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Uploads from the public (signed letters): outside MEDIA_ROOT and any web root, never served.
UPLOAD_ROOT = Path(env("UPLOAD_ROOT", str(BASE_DIR / "var" / "uploads")))
UPLOAD_MAX_MB = int(env("UPLOAD_MAX_MB", "10"))
# Request bodies, consistent with the upload limit: form fields and JSON stay small (2.5 MB);
# a file is spooled to disk above 2.5 MB and refused by its form above UPLOAD_MAX_MB. The front
# server's body limit (nginx client_max_body_size) is UPLOAD_MAX_MB + 1 MB for the form around it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(env("EMAIL_PORT", "1025"))
EMAIL_TIMEOUT = 5
DEFAULT_FROM_EMAIL = env("FROM_EMAIL", "Kontoportal <no-reply@kontoportal.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Shown (as a mailto link) on the suspended, stopped and closed pages: where customers write.
SUPPORT_EMAIL = env("SUPPORT_EMAIL", f"support@{BASE_DOMAIN}")
# GDPR Art. 37-39: the data protection officer, named with a contact in every Art. 15 letter.
PRIVACY_DPO = {"name": env("DPO_NAME"), "email": env("DPO_EMAIL", "dpo@kontoportal.localhost")}

CELERY_BROKER_URL = env("BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Faults (README, "Jobs under faults"): a task is acknowledged when it ends (acks_late), so the
# task of a worker that dies is delivered again: at once when only its child process died
# (reject_on_worker_lost), otherwise when Redis' visibility timeout runs out. That timeout is
# 10 minutes instead of Redis' default hour, and longer than any task may run (hard limit
# 5 minutes) or wait for a retry (60 s), so a task still running is never delivered twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Workers count every task they end for /metrics (Celery signals in config/metrics.py).
CELERY_IMPORTS = ["config.metrics"]
CELERY_TASK_SOFT_TIME_LIMIT = 270
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "600")),
    # Running workers look for such orphaned tasks every 10 s (kombu's default: every 100 s).
    "unacked_restore_throttle": 1,
    # An unreachable Redis host fails a publish in seconds instead of hanging the request.
    "socket_connect_timeout": 5,
}
# A document still without its PDF this many minutes after its issue is queued again by the
# job `billing_render_missing_pdfs` (every 5 minutes).
BILLING_PDF_REQUEUE_AFTER_MINUTES = 3
# BIL-16: the ECB's daily euro reference rates, read by the job `billing_ecb_rates`.
KONTO_ECB_URL = env("ECB_URL", "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml")
# BIL-1: the billing run's dispatcher sends the due subscriptions in batches of this size (one
# `subscriptions.billing_batch` task each); a batch calls the processor this many at a time.
KONTO_BILLING_BATCH_SIZE = int(env("BILLING_BATCH_SIZE", "500"))
KONTO_BILLING_PROCESSOR_THREADS = int(env("BILLING_PROCESSOR_THREADS", "4"))

# BIL-14: the Peppol access point. "sandbox" (built in, the default: records messages in this
# database) or the dotted path of a PeppolProvider class for an accredited access point, which
# gets the URL and API key (einvoicing/providers.py). The seller's own participant id defaults to
# its Slovak DIČ under scheme 0245 (billing/identifiers.py).
EINVOICING_PEPPOL_PROVIDER = env("PEPPOL_PROVIDER", "sandbox")
EINVOICING_PEPPOL_URL = env("PEPPOL_URL", "")
EINVOICING_PEPPOL_API_KEY = env("PEPPOL_API_KEY", "")
EINVOICING_PEPPOL_SENDER_ID = env("PEPPOL_SENDER_ID", "")
# The sandbox's behaviour (unreachable participants, rejections, bounces, outage): see providers.py.
EINVOICING_PEPPOL_SANDBOX: dict = {}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "config.pagination.PortalPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kontoportal API",
    "DESCRIPTION": "Staff API of the Kontoportal back office.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema maps every staff endpoint: staff only, like the API itself.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAdminUser"],
}

# Content-Security-Policy (django-csp) on every response, in development too: scripts only from
# this site's static files, never inline (static/js/); styles may still be inline (a few pages and
# the admin use style attributes). form-action also allows the account hosts: sign-up redirects
# to the new account's host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", f"*.{BASE_DOMAIN}:*", f"{BASE_DOMAIN}:*"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# /metrics (Prometheus text format, django-prometheus and Celery task counters; config/metrics.py)
# on the public host: for logged-in staff, and for a scraper connecting straight from one of the
# addresses or networks in KONTO_METRICS (comma-separated; "off" turns the endpoint off). A
# request relayed by a proxy (it carries X-Forwarded-For) never passes on its address alone.
METRICS_ALLOWED = env("METRICS", "127.0.0.1,::1")

# Optional error reporting: Sentry's SDK starts only when KONTO_SENTRY_DSN is set (web and worker
# alike; its Django and Celery integrations switch on by themselves). No personal data is sent:
# no user, no cookies, no request bodies.
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
    )

# ACC-2 login lockout (django-axes): after LOGIN_FAILURE_LIMIT failures for one user from one IP
# address, that pair is refused (even with the right password) for LOGIN_COOLOFF_MINUTES, or until
# staff unlock it in the admin. Min konto, the admin and the API token endpoint alike.
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.lockout_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Successful logins are recorded per account already (workspace.LoginRecord); axes keeps only
# the failed attempts, which expire with the cool-off.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # registered with an "Unlock" action by accounts/admin/lockout.py
AXES_VERBOSE = False

# Throttles on forms that mail an address or create something (django-ratelimit, counted in the
# cache; accounts/throttle.py): "<count>/<period>", period s, m, h or d. Per address and per IP.
RATE_LIMITS = {
    "password_reset_address": env("RATE_PASSWORD_RESET_ADDRESS", "3/h"),
    "password_reset_ip": env("RATE_PASSWORD_RESET_IP", "20/h"),
    "subscribe_address": env("RATE_SUBSCRIBE_ADDRESS", "2/h"),
    "subscribe_ip": env("RATE_SUBSCRIBE_IP", "20/h"),
    "signup_address": env("RATE_SIGNUP_ADDRESS", "3/d"),
    "signup_ip": env("RATE_SIGNUP_IP", "5/h"),
    "signup_check_ip": env("RATE_SIGNUP_CHECK_IP", "300/h"),
    "privacy_request_address": env("RATE_PRIVACY_REQUEST_ADDRESS", "5/h"),
    "privacy_request_ip": env("RATE_PRIVACY_REQUEST_IP", "20/h"),
    "privacy_resend_request": env("RATE_PRIVACY_RESEND", "2/h"),
    "invitation_user": env("RATE_INVITATION_USER", "30/h"),
    "find_account_address": env("RATE_FIND_ACCOUNT_ADDRESS", "3/h"),
    "find_account_ip": env("RATE_FIND_ACCOUNT_IP", "20/h"),
}
RATELIMIT_USE_CACHE = "default"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
