"""One settings module for every environment; everything that differs comes from environment variables.

The embedded default (no variables set) is a development setup: SQLite under var/, tasks run in-process,
SMS go to the dev outbox. Production sets DEBUG=false, SECRET_KEY, DATABASE_URL, REDIS_URL and the rest
(see README.md, "Configuration").
"""

import base64
import hashlib
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_ratelimit",
    "signing_platform",
    "signing_platform.accounts",
    "signing_platform.sms",
    "employers",
    "schools",
    "students",
    "contracts",
    "exports",
]

MIDDLEWARE = [
    # First: the client address and scheme every later middleware and view uses (see TRUSTED_PROXIES).
    "signing_platform.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "signing_platform.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "signing_platform.nul_bytes.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "signing_platform.web.NotFoundMiddleware",
]

ROOT_URLCONF = "signing_platform.urls"
WSGI_APPLICATION = "signing_platform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials", "signing_platform.templatetags.platform_tags"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "signing_platform.context_processors.platform",
            ],
        },
    },
]

FORM_RENDERER = "signing_platform.forms.FormRenderer"

# Database: PostgreSQL in production (DATABASE_URL), a SQLite file for the embedded default.
if not env_str("DATABASE_URL"):
    (BASE_DIR / "var").mkdir(exist_ok=True)  # the embedded default's SQLite file lives here (not in git)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests of the dev server may write at once; wait for the lock instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
# Behind PgBouncer in transaction mode a connection belongs to the app only for one transaction: no server-side
# cursors (they outlive it) and no prepared statements (psycopg prepares repeated queries on the server otherwise).
DATABASE_TRANSACTION_POOLING = env_bool("DATABASE_TRANSACTION_POOLING", False)
# A streaming read replica: the heavy read-only pages (reviewer history, statistics, exports) read from it
# (signing_platform/replica.py); everything else, and anything inside a transaction, uses the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    if DATABASE_TRANSACTION_POOLING and _database["ENGINE"] == "django.db.backends.postgresql":
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
        _database.setdefault("OPTIONS", {})["prepare_threshold"] = None
DATABASE_ROUTERS = ["signing_platform.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the shared cache behind rate limits. Unset: tasks in-process, local cache.
REDIS_URL = env_str("REDIS_URL")
# A frozen or unreachable Redis must not hold a request up: each cache call gives up after one short timeout
# (Django's client does not retry) and the rate limits then refuse with 系统繁忙 (signing_platform/ratelimits.py).
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "wq"),
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker rides out a broker outage of any length and resumes by itself (compose's restart: is the second line).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A request that enqueues a task must not hang when the broker is down or frozen: one attempt with short socket
# timeouts (about half a second in all), then the caller says so or leaves the message to the sweep. A stale pooled
# connection after a Redis restart needs no retry: the client reconnects it before use.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "max_retries": 1}
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_TIMEZONE = "Asia/Shanghai"
# Periodic jobs, run by the one `celery beat` process. Each is idempotent and safe to run twice at once.
CELERY_BEAT_SCHEDULE = {
    "sweep-unsent-sms": {"task": "signing_platform.sms.tasks.sweep_unsent_sms", "schedule": 60.0},
    "expire-overdue-invitations": {"task": "contracts.tasks.expire_overdue_invitations", "schedule": 60.0},
    "remind-expiring-invitations": {"task": "contracts.tasks.remind_expiring_invitations", "schedule": 600.0},
    "expire-termination-requests": {"task": "contracts.tasks.expire_termination_requests", "schedule": 300.0},
    "sweep-exports": {"task": "exports.tasks.sweep_exports", "schedule": 300.0},
}
# 导出Excel: up to this many rows a list is written and sent at once; a larger export is built by the worker and its
# file kept (privately, for the user who asked) this many hours, then deleted by the sweep.
EXPORT_DIRECT_MAX_ROWS = env_int("EXPORT_DIRECT_MAX_ROWS", 5000)
EXPORT_RETENTION_HOURS = env_int("EXPORT_RETENTION_HOURS", 24)
# Days the counterpart of a termination request (解约) has to agree or disagree before it fails (SPEC §3).
TERMINATION_RESPONSE_DAYS = env_int("TERMINATION_RESPONSE_DAYS", 15)

# django-ratelimit needs an atomic, shared cache. Django's own RedisCache is both; the in-process cache of the
# embedded default is neither, which is fine for a single development process only.
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The columns some indexes include for PostgreSQL's index-only scans; SQLite indexes the keys alone.
    SILENCED_SYSTEM_CHECKS.append("models.W040")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["signing_platform.accounts.backends.MobileOrUsernameBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "signing_platform.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins allowed before the form refuses further tries for a while.
LOGIN_FAILURES_PER_ACCOUNT = env_str("LOGIN_FAILURES_PER_ACCOUNT", "5/15m")
LOGIN_FAILURES_PER_IP = env_str("LOGIN_FAILURES_PER_IP", "30/h")

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Proxies (CIDRs) whose X-Forwarded-For / X-Real-IP / X-Forwarded-Proto are believed; from any other peer these
# headers are dropped (signing_platform/middleware.py). Django's SECURE_PROXY_SSL_HEADER is deliberately unset:
# it would believe X-Forwarded-Proto from anyone.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _cidr in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES must be comma-separated networks (CIDR), not {_cidr!r}") from None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes here for production; the dev server and tests serve from the finders instead.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))) if not DEBUG or env_str("STATIC_ROOT") else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads (licences, proofs) are personal or business data: kept outside the web root and never given a
# public URL; views stream them to the people allowed to see them.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# No URL serves this prefix (there is no media route and whitenoise serves static files only); Django merely
# needs some value, e.g. for its live test server.
MEDIA_URL = "/_private/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
UPLOAD_MAX_BYTES = 5 * 1024 * 1024

# 身份证号 are personal data: stored encrypted (a Fernet key; several comma-separated keys rotate, the first
# encrypts) and as a keyed HMAC-SHA256 for exact look-up (see signing_platform/crypto.py). Production must set both;
# the development default derives stable keys from SECRET_KEY so a local database keeps working across restarts.
ID_NUMBER_ENCRYPTION_KEY = env_str("ID_NUMBER_ENCRYPTION_KEY")
ID_NUMBER_HASH_KEY = env_str("ID_NUMBER_HASH_KEY")
if not (ID_NUMBER_ENCRYPTION_KEY and ID_NUMBER_HASH_KEY):
    if not DEBUG:
        raise ImproperlyConfigured("Set ID_NUMBER_ENCRYPTION_KEY and ID_NUMBER_HASH_KEY when DEBUG is off.")
    ID_NUMBER_ENCRYPTION_KEY = ID_NUMBER_ENCRYPTION_KEY or base64.urlsafe_b64encode(
        hashlib.sha256(f"id-number-encryption:{SECRET_KEY}".encode()).digest()
    ).decode()
    ID_NUMBER_HASH_KEY = ID_NUMBER_HASH_KEY or hashlib.sha256(f"id-number-hash:{SECRET_KEY}".encode()).hexdigest()

# SMS: a backend class path. The default writes messages to the dev outbox (a DEBUG-only 短信发件箱 page).
SMS_BACKEND = env_str("SMS_BACKEND", "signing_platform.sms.backends.OutboxBackend")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN")
SMS_CODE_TTL_SECONDS = 5 * 60
SMS_CODE_MAX_TRIES = 5
# The wait between two codes to one mobile, counted from the last send (not a fixed clock window).
SMS_RESEND_SECONDS = 60
SMS_RATE_PER_MOBILE_DAY = "10/d"
SMS_RATE_PER_IP = env_str("SMS_RATE_PER_IP", "20/h")

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

ADMINS = [("ops", addr) for addr in env_list("ADMIN_EMAILS")]

# Who runs this deployment, shown on the home page and in every page's footer (a government service shows its
# 主办单位, 服务热线 and ICP 备案号). Empty values are left out of the pages.
SITE_ORGANIZER = env_str("SITE_ORGANIZER")
SITE_HOTLINE = env_str("SITE_HOTLINE")
SITE_ICP_NUMBER = env_str("SITE_ICP_NUMBER")

# Public checks (毕业去向核验, 协议书核验): how many one client address may make, and the address printed in the QR codes
# of agreements and 去向证明 (scheme + host, e.g. https://wq.example.cn); unset, the address the request came to.
VERIFY_RATE_PER_IP = env_str("VERIFY_RATE_PER_IP", "30/h")
SITE_URL = env_str("SITE_URL").rstrip("/")
