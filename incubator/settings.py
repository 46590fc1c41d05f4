"""Settings for the incubator pipeline tracker, read from the environment.

Every value has a safe default: DEBUG is off unless set, and a development secret key is only
used when DEBUG is on. See README.md ("Configuration") for the variables.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The test run (pytest) gets a fast hasher and a throwaway key, and no HTTPS hardening.
RUNNING_TESTS = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
TESTING = env_bool("TESTING", RUNNING_TESTS)
if TESTING and not DEBUG and not RUNNING_TESTS:
    # A server (or a command) started with TESTING=1 left in its environment would quietly
    # drop the HTTPS redirect, HSTS and secure cookies and hash passwords with MD5.
    raise ImproperlyConfigured(
        "TESTING=1 is for the test suite only: with DEBUG off it would switch off the "
        "production hardening and use the tests' fast password hasher. Unset TESTING "
        "(or set DEBUG=1 for development)."
    )

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Serving (wsgi.py / asgi.py) refuses to start with DEBUG off unless both are set in the
# environment; management commands work without them on an ephemeral key.
SECRET_KEY_FROM_ENV = bool(SECRET_KEY)
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
    else:
        SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")


# The reverse proxies (load balancers) in front of the app: comma-separated addresses or
# networks (CIDR). A request from one of them is attributed to the right-most address of its
# X-Forwarded-For that is not a trusted proxy (portfolio.security.client_address); with none
# set, X-Forwarded-For is ignored and the peer's address counts. See docs/deploy.md.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (CIDR)."
        ) from None


def require_production_settings() -> None:
    """Called by the WSGI/ASGI entry points: never serve with DEBUG off and no real key."""
    if DEBUG:
        return
    if not SECRET_KEY_FROM_ENV:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set in the environment when DEBUG is off."
        )


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "portfolio",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy: only the site's own scripts and styles (portfolio/csp.py).
    "portfolio.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # An evidence file over EVIDENCE_MAX_BYTES is dropped while it is read (bar R11).
    "portfolio.evidence_uploads.EvidenceUploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refused requests (401/403) go to the "security" log.
    "portfolio.security.SecurityLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Who made each change, for the audit trail (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login lockout (django-axes): last, so it answers for the login views it watches.
    "axes.middleware.AxesMiddleware",
]

# Axes first: a locked-out username+IP is refused before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the session's user read by a prebuilt query (issue 17)
    "portfolio.session_auth.ModelBackend",
]

ROOT_URLCONF = "incubator.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "incubator.wsgi.application"
ASGI_APPLICATION = "incubator.asgi.application"

# Database: DATABASE_URL, default a SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction begins, so two concurrent
    # commitments serialize instead of failing with "database is locked" on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not shared-cache memory) so threads in tests see real SQLite locking.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}

# --- State shared by every worker and app server (docs/deploy.md, "Several app servers") ---
# The cache holds the API's rate-limit counters (and the admin's import previews): the
# database's cache table by default (created by migration 0009, nothing to install), Redis
# when REDIS_URL is set (Django's own RedisCache, with the `redis` package of the lock
# files). Never per-process
# memory: each worker would keep its own count. Sessions live in the database; login
# lockouts too (django-axes' database handler).
CACHE_TABLE = "django_cache"
REDIS_URL = os.environ.get("REDIS_URL", "")
if TESTING and not env_bool("TEST_SHARED_CACHE"):
    # The in-process test suite counts each request's SQL (bars P1, P5): its rate-limit
    # counters stay in memory. The shared stores are tested for real by the tests that
    # switch the cache to the table (tests/test_shared_state.py) and by the two-server test,
    # whose servers run this configuration without TESTING (and with REDIS_URL, if set).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    try:
        import redis  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured(
            "REDIS_URL is set but the `redis` package is not installed; install it "
            "(pip install redis) or unset REDIS_URL to use the database cache."
        ) from None
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "incubator"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# The report cache (portfolio/selectors/report_cache.py): the reports' and the dashboards'
# computations kept in the cache above, keyed by their parameters and the data version that
# every write changes (docs/deploy.md, "Report cache: invalidation rule"). REPORT_CACHE=0
# computes every time (the benchmark's cold figures, debugging); entries live
# REPORT_CACHE_SECONDS at most (an entry of an older data version is never read again).
REPORT_CACHE = env_bool("REPORT_CACHE", True)
REPORT_CACHE_SECONDS = int(os.environ.get("REPORT_CACHE_SECONDS", "") or 3600)
# Database sessions with their user, read by one prebuilt query (portfolio/session_auth.py)
SESSION_ENGINE = "portfolio.session_auth"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: its password_changed hook revokes the user's API tokens.
    {"NAME": "portfolio.security.RevokeApiTokensOnPasswordChange"},
]

# Internationalization: Chinese by default, English on request.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG and not TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Milestone evidence (issue 15, docs/deploy.md "Evidence files"): founders' documents,
    # served only through the checked download view, never by URL. Several app servers share
    # one database, so they must share this store too: EVIDENCE_DIR on a shared mount, or an
    # S3-compatible backend (EVIDENCE_STORAGE_BACKEND, e.g. "storages.backends.s3.S3Storage"
    # from django-storages, with EVIDENCE_STORAGE_OPTIONS as a JSON object).
    "evidence": {
        "BACKEND": os.environ.get(
            "EVIDENCE_STORAGE_BACKEND", "portfolio.evidence_storage.PrivateFileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ["EVIDENCE_STORAGE_OPTIONS"])
        if os.environ.get("EVIDENCE_STORAGE_OPTIONS")
        else {"location": os.environ.get("EVIDENCE_DIR", str(BASE_DIR / "var" / "evidence"))},
    },
}
# The largest evidence file accepted (10 MB): a larger one is refused naming ``file``.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:pipeline"  # founders go on to /founder/ from there
LOGOUT_REDIRECT_URL = "login"

# The audit trail (django-simple-history) is read-only: a revert from the history page would
# write around the services and their rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

REST_FRAMEWORK = {
    # Token first, so an anonymous request is answered 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portfolio.api.auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "portfolio.api.auth.TokenScopePermission",
        "rest_framework.permissions.IsAuthenticated",
    ],
    # Rate limits (docs/deploy.md, "Throttling"); over the limit the answer is 429.
    "DEFAULT_THROTTLE_CLASSES": [
        "portfolio.api.throttles.ExportRateThrottle",
        "portfolio.api.throttles.TokenBurstRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "exports": os.environ.get("THROTTLE_EXPORTS", "30/minute"),
        "token-burst": os.environ.get("THROTTLE_TOKEN_BURST", "300/minute"),
    },
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's JSON, written by orjson (the same bytes; portfolio/api/renderers.py)
    "DEFAULT_RENDERER_CLASSES": [
        "portfolio.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # DRF's, answering a request without preferences at once (portfolio/api/renderers.py)
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "portfolio.api.renderers.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "portfolio.api.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "portfolio.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portfolio.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    # Browsable-API forms never render a <select> of more than 100 options.
    "HTML_SELECT_CUTOFF": 100,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Quantum incubator pipeline API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema needs a login like the API; only the docs page shell is public.
    "SERVE_PERMISSIONS": ["portfolio.api.auth.TokenScopePermission", "portfolio.api.auth.HasARole"],
    "ENUM_NAME_OVERRIDES": {
        "MilestoneKindEnum": "portfolio.models.choices.MilestoneKind",
        "StartupStatusEnum": "portfolio.models.choices.StartupStatus",
        "LpKindEnum": "portfolio.models.choices.LpKind",
        "PopulationEnum": "portfolio.models.choices.Population",
        "RowPopulationEnum": ["incubator", "tracked"],  # a startup row: never "all"
        "ExpenseCategoryEnum": "portfolio.models.choices.ExpenseCategory",
        "DistributionKindEnum": "portfolio.models.choices.DistributionKind",
        "ValuationMethodEnum": "portfolio.models.choices.ValuationMethod",
        "TechAreaEnum": "portfolio.models.choices.TechArea",
        "LocalBasisEnum": "portfolio.models.choices.LocalBasis",
        "PolicyTestStatusEnum": ["met", "failed", "unknown"],  # the policy pack's tests
        "FacilityKindEnum": "portfolio.models.facilities.FacilityKind",
        "SpaceKindEnum": "portfolio.models.operations.SpaceKind",
        "MentorKindEnum": "portfolio.models.operations.MentorKind",
        "IpKindEnum": "portfolio.models.transfers.IpKind",
        "ApplicationStatusEnum": "portfolio.models.incubation.ApplicationStatus",
        "IntroOutcomeEnum": "portfolio.models.incubation.IntroOutcome",
    },
}

# Bulk imports (admin and command line): uploads larger than this are refused before they
# are read (bar R11; portfolio/services/importing.py bounds the rest).
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "security": {
            "()": "incubator.logformat.Formatter",
            "format": "%(asctime)s %(levelname)s security %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security_console": {"class": "logging.StreamHandler", "formatter": "security"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Failed logins, lockouts, refused permissions and API token use (portfolio/security.py).
        # Never a password or a full token: tokens appear by their prefix and id only.
        "security": {
            "handlers": ["security_console"],
            "level": os.environ.get("SECURITY_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # django-axes reports the same events; the security logger is the one to watch.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Logins: lockout after repeated failures (django-axes, see docs/deploy.md) ---------------
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(hours=1)
# Locked per username and IP together: a stranger cannot lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address (not the proxy's): portfolio.security.client_address, the same
# function as the security log's and the API rate limits'. Lockouts live in the database
# (axes' database handler), so every app server sees the same ones.
AXES_CLIENT_IP_CALLABLE = "portfolio.security.client_address"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Production hardening (see docs/deploy.md) ------------------------------------------------
# Defaults are strict whenever DEBUG is off; each can be relaxed from the environment, e.g.
# SECURE_SSL_REDIRECT=0 behind a proxy that already redirects, or for `make serve` on
# localhost.
PRODUCTION = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a TLS-terminating proxy that sets this header (and strips it from clients).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))  # a working day
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
X_FRAME_OPTIONS = "DENY"

# --- Email (founder invitations; later the KPI reminders) ------------------------------------
# EMAIL_URL (incubator/email_url.py): smtp+tls://user:password@host:587, smtps://..., smtp://...,
# console://, file:///dir. Without it: the console with DEBUG on (`make demo` prints the mails),
# else Django's SMTP defaults (localhost:25). docs/deploy.md, "Email".
if os.environ.get("EMAIL_URL"):
    from incubator.email_url import email_settings

    globals().update(email_settings(os.environ["EMAIL_URL"]))
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "incubator@localhost")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# The site's address in links sent by mail (the invitation); empty: taken from the request
# that sends it (the admin), or http://127.0.0.1:8000 outside a request.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# How long an invitation's set-password link works (Django's password-reset tokens; the app
# sends no other such link). A used link stops working at once.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("INVITE_LINK_DAYS", "7")) * 24 * 3600
