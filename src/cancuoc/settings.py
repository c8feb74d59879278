"""Settings read from the environment.

SQLite (a file in the working directory) is the default so that one can check out the code
and run it; set ``DATABASE_URL=postgres://…`` for PostgreSQL.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from cancuoc.lib.env import envbool, envfloat, envint, envjson, envsecret

BASE_DIR = Path(__file__).resolve().parent


# CANCUOC_ENV=production turns on everything `manage.py check --deploy` asks for.
PRODUCTION = os.getenv("CANCUOC_ENV", "") == "production"
DEBUG = envbool("DEBUG", "False")
if PRODUCTION and not envsecret("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY or SECRET_KEY_FILE must be set: CANCUOC_ENV=production")
# The fallback key is for the demo and tests only.
SECRET_KEY = envsecret("SECRET_KEY") or "cancuoc-insecure-demo-key-change-me"
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

SESSION_COOKIE_AGE = 8 * 3600  # one working shift
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if os.getenv("BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "cancuoc.accounts.admin_config.CancuocAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # administrators' one-time enrolment codes (accounts.totp)
    "csp",
    "cancuoc.web",  # error pages, and the API viewer's page (before ninja, which it overrides)
    "ninja",  # the API viewer's files served from here (the CSP allows no CDN)
    "cancuoc.accounts",
    "cancuoc.geo",
    "cancuoc.registry",
    "cancuoc.planning",
    "cancuoc.forecasting",  # no models: the forecast, plans and target split (its own catalogue)
    "cancuoc.intake",
    "cancuoc.scheduling",
    "cancuoc.imports",
    "cancuoc.dedup",
    "cancuoc.outreach",
    "cancuoc.synth",
    "cancuoc.reports",
    "cancuoc.jobs",  # background jobs: the queue, the worker, the job pages
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cancuoc.lib.language.ChosenLanguageMiddleware",  # Vietnamese unless chosen
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cancuoc.accounts.totp.StaleSessionMiddleware",  # before django-otp's
    "django_otp.middleware.OTPMiddleware",
    "cancuoc.accounts.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "cancuoc.web.errors.DomainErrorMiddleware",  # last: the first to see a view's exception
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling first
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cancuoc.urls"
WSGI_APPLICATION = "cancuoc.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

_default_db = f"sqlite:///{Path(os.getenv('CANCUOC_DB_PATH', 'cancuoc.sqlite3')).resolve()}"
DATABASES = {"default": dj_database_url.parse(os.getenv("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while a load writes; IMMEDIATE avoids lock upgrades.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs more than it saves on the short, indexed queries of worklists.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Keep a worker's connection between requests (a new PostgreSQL backend per request
    # costs more than most of our requests); checked before reuse after an error.
    DATABASES["default"]["CONN_MAX_AGE"] = envint("CONN_MAX_AGE", "60", minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = envbool("CONN_HEALTH_CHECKS", "False")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve PostgreSQL; SQLite ignores the extra columns, as intended.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Machine values (ids, codes, keys in forms and URLs) are never grouped; figures shown to
# people are grouped explicitly with |intcomma: 1.795.521 in Vietnamese, 1,795,521 in English.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["cancuoc.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Strings of cancuoc.lib (not an app, so Django would not find its catalogue by itself).
LOCALE_PATHS = [BASE_DIR / "lib" / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = os.getenv("STATIC_ROOT") or None  # set it for collectstatic in production
# Static files are served by WhiteNoise from the apps' folders: no collectstatic step and no
# CDN (government networks are often closed).
WHITENOISE_USE_FINDERS = True
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"

# Login throttling (django-axes): 5 failures lock the username from that address for 15 min.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Officers log in with a TOTP second factor; the demo turns this off.
CANCUOC_REQUIRE_2FA = envbool("CANCUOC_REQUIRE_2FA", "True")
OTP_TOTP_ISSUER = "cancuoc"
# Second-factor enrolment (issue 15, item 7): where the second factor is required, an officer
# sets up the authenticator app after logging in with an administrator's one-time enrolment
# code (`cancuoc token enrol USER`), valid this many hours; sessions made before the second
# factor was required are ended (accounts.totp).
CANCUOC_ENROLMENT_CODE_HOURS = envint("CANCUOC_ENROLMENT_CODE_HOURS", "72")

# Content-Security-Policy: everything from this site only, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Every handler masks personal data (cancuoc.lib.redact: IDs, phones, names, exception
# messages; query strings in access logs). Django's own handlers are replaced: its console
# (under DEBUG) and its mail to ADMINS wrote tracebacks and requests unmasked; its "django"
# records go to the root's console, runserver's access log to a masked copy of its handler.
# Under gunicorn: --logger-class cancuoc.lib.redact.GunicornLog (README).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "cancuoc.lib.redact.RedactPersonalData"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes notes every successful login at INFO; failures and lockouts are warnings.
        # WeasyPrint narrates every step of a PDF at INFO.
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# Which easy/hard rules classify a worklist case (registry.difficulty), and their parameters.
CANCUOC_HARD_CASE_RULES = os.getenv(
    "CANCUOC_HARD_CASE_RULES", "absent,elderly,no_phone,missing_data,remote_village"
).split(",")
CANCUOC_ELDERLY_AGE = envint("CANCUOC_ELDERLY_AGE", "80")
# The date pages count "as of" when none is asked for (ISO date); empty means today.
CANCUOC_AS_OF = os.getenv("CANCUOC_AS_OF", "")
# The file gateway's outbox (outreach.gateways.FileGateway), one JSON line per SMS.
CANCUOC_SMS_OUTBOX = os.getenv("CANCUOC_SMS_OUTBOX", "sms-outbox.jsonl")
# The secret in the URL the SMS provider posts delivery reports to (/sms/bao-cao/SECRET/);
# empty: no reports taken.
CANCUOC_SMS_REPORT_SECRET = envsecret("CANCUOC_SMS_REPORT_SECRET")
# Where citizens reach the site: appointment slips print it as a QR code.
CANCUOC_PUBLIC_URL = os.getenv("CANCUOC_PUBLIC_URL", "http://127.0.0.1:8000")

# Retention (Decree 356/2025: keep personal data no longer than needed). Audit rows older than
# this are moved to a compressed archive file by `cancuoc retention apply`; never less than a
# year (PostgreSQL refuses to delete younger rows whatever the setting). Import files kept
# for re-import and inspection are deleted after their own period.
CANCUOC_AUDIT_RETENTION_DAYS = max(envint("CANCUOC_AUDIT_RETENTION_DAYS", "1825"), 365)
CANCUOC_IMPORT_RETENTION_DAYS = envint("CANCUOC_IMPORT_RETENTION_DAYS", "90")
CANCUOC_ARCHIVE_DIR = Path(os.getenv("CANCUOC_ARCHIVE_DIR", "archive")).resolve()
CANCUOC_IMPORT_DIR = Path(os.getenv("CANCUOC_IMPORT_DIR", "imports")).resolve()
# Files jobs make (appointment slips, weekly reports), served through area-scoped views.
CANCUOC_FILES_DIR = Path(os.getenv("CANCUOC_FILES_DIR", "files")).resolve()
# Audit chain (issue 15, item 9: audit gaps). The key of the audit rows' HMAC, kept outside
# the database: CANCUOC_AUDIT_KEY, or better a file readable by the application only
# (CANCUOC_AUDIT_KEY_FILE, at least 32 bytes); neither set: derived from SECRET_KEY, for the
# demo and development only (a warning is logged). The signed head of the chain (last row,
# its hash, the row count) is rewritten after every committed audit write to this file, which
# must live outside the database too; by default next to the SQLite file, or in the archive
# directory named after the PostgreSQL database (one head per database).
CANCUOC_AUDIT_KEY = os.getenv("CANCUOC_AUDIT_KEY", "")
CANCUOC_AUDIT_KEY_FILE = os.getenv("CANCUOC_AUDIT_KEY_FILE", "")
_audit_head = (
    f"{DATABASES['default']['NAME']}-audit-head.json"
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    else CANCUOC_ARCHIVE_DIR / f"audit-head-{DATABASES['default']['NAME']}.json"
)
CANCUOC_AUDIT_HEAD_FILE = Path(os.getenv("CANCUOC_AUDIT_HEAD_FILE", str(_audit_head))).resolve()
# Files of this many rows or more are read and parsed in a second process while the first
# writes (imports/pipeline.py); 0: always.
CANCUOC_IMPORT_FORK_FROM_ROWS = envint("CANCUOC_IMPORT_FORK_FROM_ROWS", "20000")
# Files uploaded in the admin are imported in the request; larger ones go through the command.
CANCUOC_IMPORT_UPLOAD_MAX_MB = envint("CANCUOC_IMPORT_UPLOAD_MAX_MB", "20")
# Hostile import files (issue 15, imports: file limits), checked before a file is read
# (imports/limits.py; docs/import-format.md, "Limits"): an XLSX's size once unpacked, its
# shared strings (read whole), each part's compression ratio; rows (fewer for an upload,
# imported in the request), columns, and a cell's length (longer rejects the row).
CANCUOC_IMPORT_MAX_UNCOMPRESSED_MB = envint("CANCUOC_IMPORT_MAX_UNCOMPRESSED_MB", "512")
CANCUOC_IMPORT_MAX_SHARED_STRINGS_MB = envint("CANCUOC_IMPORT_MAX_SHARED_STRINGS_MB", "64")
CANCUOC_IMPORT_MAX_COMPRESSION_RATIO = envint("CANCUOC_IMPORT_MAX_COMPRESSION_RATIO", "200")
CANCUOC_IMPORT_MAX_ROWS = envint("CANCUOC_IMPORT_MAX_ROWS", "5000000")
CANCUOC_IMPORT_UPLOAD_MAX_ROWS = envint("CANCUOC_IMPORT_UPLOAD_MAX_ROWS", "300000")
CANCUOC_IMPORT_MAX_COLUMNS = envint("CANCUOC_IMPORT_MAX_COLUMNS", "200")
CANCUOC_IMPORT_MAX_CELL_CHARS = envint("CANCUOC_IMPORT_MAX_CELL_CHARS", "1000")
# Duplicate detection (dedup): pairs scored at or above the first match weight (log2 of the
# odds; 6.64 is a match probability of 0.99) are merged without review, those between the
# two wait in the review queue. bench/dedup.py prints precision and recall by threshold.
CANCUOC_DEDUP_AUTO_MERGE_WEIGHT = envfloat("CANCUOC_DEDUP_AUTO_MERGE_WEIGHT", "6.64")
CANCUOC_DEDUP_REVIEW_WEIGHT = envfloat("CANCUOC_DEDUP_REVIEW_WEIGHT", "0")

# Public pages and client addresses (issue 15, items 6 and 10; docs/design-notes.md, "Public
# pages: cached, throttled, bounded"). The cache keeps the public schedule's pages and counts
# requests per address: empty is one process's memory (the demo); production sets
# ``redis://host:6379/1`` (needs the ``redis`` package) or ``db`` (a table made by
# ``cancuoc createcachetable``) so that every worker shares the pages and the counts.
CANCUOC_CACHE_URL = os.getenv("CANCUOC_CACHE_URL", "")
if CANCUOC_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CANCUOC_CACHE_URL,
        }
    }
elif CANCUOC_CACHE_URL == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cancuoc_cache",
        }
    }
elif CANCUOC_CACHE_URL:
    raise ImproperlyConfigured("CANCUOC_CACHE_URL must be empty, redis://… or db")
CANCUOC_PUBLIC_CACHE_SECONDS = envint("CANCUOC_PUBLIC_CACHE_SECONDS", "900")
CANCUOC_PUBLIC_PAGES_PER_MINUTE = envint("CANCUOC_PUBLIC_PAGES_PER_MINUTE", "30")
# Reverse proxies (IPs or CIDRs, comma separated) whose X-Forwarded-For is believed: the
# client address is then the right-most one in it that is not such a proxy
# (cancuoc.lib.client_address). Empty: REMOTE_ADDR, and the header is ignored.
CANCUOC_TRUSTED_PROXIES = [
    entry.strip() for entry in os.getenv("CANCUOC_TRUSTED_PROXIES", "").split(",") if entry.strip()
]
for _proxy in CANCUOC_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"CANCUOC_TRUSTED_PROXIES: {_error}") from _error
AXES_CLIENT_IP_CALLABLE = "cancuoc.lib.client_address.client_ip"

# Structured settings, as JSON in the variable or in the file NAME_FILE (README, Settings):
# the SMS gateway (with its credentials), unit prices of the planner, extra column headers
# of the import.
CANCUOC_SMS_HTTP = envjson("CANCUOC_SMS_HTTP", None)
CANCUOC_UNIT_PRICES = envjson("CANCUOC_UNIT_PRICES", {})
CANCUOC_IMPORT_COLUMNS = envjson("CANCUOC_IMPORT_COLUMNS", {})

# A deployment's own settings, outside the repository (as healthchecks does): last, so that
# it may change anything above.
if (BASE_DIR / "local_settings.py").exists():
    from .local_settings import *  # noqa: F403
