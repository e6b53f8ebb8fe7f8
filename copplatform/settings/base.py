"""Settings shared by every environment, read from the environment.

Defaults are safe for a first run on a laptop: SQLite, an embedded Celery broker on
the file system, email printed to the console, files on local disk, DEBUG off.
`production.py` removes the defaults that must never reach a real deployment.
Every variable is documented in the README's configuration table.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is a convenience for developers; real deployments set variables.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Where the embedded defaults keep their files (SQLite, uploads, broker, cache).
DATA_DIR = Path(env("DATA_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# Only for local runs; production.py requires a real one from the environment.
SECRET_KEY = env("SECRET_KEY", default="insecure-local-only-key-change-me-for-any-deployment")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env("SITE_URL", default="http://localhost:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
SITE_NAME = env("SITE_NAME", default="Communities of Practice")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Lists each member's sessions (/accounts/sessions/) so they can be ended.
    "allauth.usersessions",
    "guardian",
    "taggit",
    "simple_history",
    "django_filters",
    "django_htmx",
    "csp",
    "communities",
    "membership",
    "knowledge",
    "facilitation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times on every page in the viewer's time zone (events).
    "communities.events.middleware.ViewerTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session timeouts (membership/sessions.py).
    "membership.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Roles in MFA_REQUIRED_FOR_ROLES set up two-factor before anything else.
    "membership.mfa.RequireMfaMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]
# A Server-Timing header and a log line per request: SQL count and time (see
# copplatform/timing.py). First, so it times the whole stack.
QUERY_TIMING = env.bool("QUERY_TIMING", default=DEBUG)
if QUERY_TIMING:
    MIDDLEWARE.insert(0, "copplatform.timing.QueryTimingMiddleware")

# `/bench/floor/`: the bare base layout for a signed-in user, the floor `make bench`
# reads every page against (copplatform/floor.py). Off except in benchmark runs.
BENCH_FLOOR_PAGE = env.bool("BENCH_FLOOR_PAGE", default=False)

# Net allocations between young garbage collections in a serving process (CPython's
# default is 700; copplatform/runtime.py says why a server wants more).
GC_YOUNG_THRESHOLD = env.int("GC_YOUNG_THRESHOLD", default=50_000)

ROOT_URLCONF = "copplatform.urls"
# Lets templates/django/forms/ override how every form field renders.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "copplatform.wsgi.application"

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
                "copplatform.context_processors.site",
                "membership.messaging.context_processors.nav_counts",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the permission filters (EXISTS subqueries over the permission rows) give
    # list queries large cost estimates, so PostgreSQL compiled them on every request,
    # 100+ ms for a query that runs in 10 (measured on the knowledge list, bench/).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(
        filter(None, [DATABASES["default"]["OPTIONS"].get("options", ""), "-c jit=off"])
    )
# Persistent connections are checked before a request reuses them, so a database
# restart costs only the requests made while it is down (tests/faults/).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
# Shared between web, worker and beat, so the default is on disk, not in memory.
REDIS_URL = env("REDIS_URL", default="")
CACHES = {
    "default": env.cache(
        "CACHE_URL",
        default=REDIS_URL or f"filecache://{DATA_DIR / 'cache'}",
    ),
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis outage reads as an empty cache instead of an error page (copplatform/cache.py).
    CACHES["default"]["BACKEND"] = "copplatform.cache.FailSafeRedisCache"
    _cache_timeout = env.float("CACHE_REDIS_TIMEOUT", default=0.5)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout}
    )

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "membership.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Signed-out visitors are answered by membership/permissions.py, not by a guardian
# "AnonymousUser" row (which would be an account with an invalid email address).
ANONYMOUS_USER_NAME = None
TAGGIT_CASE_INSENSITIVE = True

# Starting a community: "open" lets any signed-in user start one; "approval" makes
# it wait for a facilitator or platform admin first.
COMMUNITY_CREATION_POLICY = env("COMMUNITY_CREATION_POLICY", default="approval")
# How long an emailed invitation stays valid.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "membership.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "membership.forms.SignupExtraForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Empty means anyone may sign up; a health system lists its own domains here.
ACCOUNT_ALLOWED_EMAIL_DOMAINS = [
    domain.lower().lstrip("@") for domain in env.list("ACCOUNT_ALLOWED_EMAIL_DOMAINS", default=[])
]
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# --- Account security: rate limits, sessions, required two-factor -------------
# Documented in docs/security.md. allauth's rate limits, spelled out rather than left
# to its defaults, so a reviewer reads the numbers here; the shared cache above backs
# them (production refuses a per-process one). Failed sign-ins: 10 a minute from one
# address, 5 in 5 minutes for one account (the 6th is refused, right password or not).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
# Behind proxies that append X-Forwarded-For, how many of them to trust: the client
# address (for the per-address limits) is read that many places from the right.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Changing the email address or turning two-factor on or off asks for the password
# again (ACCOUNT_REAUTHENTICATION_REQUIRED; signing in does not count); once entered,
# it holds for this many seconds.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("ACCOUNT_REAUTHENTICATION_TIMEOUT", default=300)
# Sessions end after SESSION_IDLE_TIMEOUT_SECONDS without a request and, at the latest,
# SESSION_ABSOLUTE_TIMEOUT_SECONDS after signing in (membership/sessions.py). The
# cookie and the stored session last as long as the idle timeout; activity renews them
# at most once every SESSION_ACTIVITY_REFRESH_SECONDS, so a busy member costs one
# session write a minute, not one per request.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=2 * 60 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=12 * 60 * 60)
SESSION_ACTIVITY_REFRESH_SECONDS = min(60, SESSION_IDLE_TIMEOUT_SECONDS // 10 or 1)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_SECONDS
# Platform roles ("admin", "facilitator", "leader") that must use two-factor
# authentication: without it they are sent to set it up before any other page
# (membership/mfa.py), and may not turn it off.
MFA_ROLES = ("admin", "facilitator", "leader")


def mfa_required_for_roles(default: list[str]) -> frozenset[str]:
    """MFA_REQUIRED_FOR_ROLES, checked: a misspelt role fails at start-up rather than
    silently leaving that role without two-factor."""
    roles = {r.strip().lower() for r in env.list("MFA_REQUIRED_FOR_ROLES", default=default)}
    roles.discard("")
    unknown = roles - set(MFA_ROLES)
    if unknown:
        raise ImproperlyConfigured(
            f"MFA_REQUIRED_FOR_ROLES: unknown role(s) {', '.join(sorted(unknown))}; "
            f"use any of {', '.join(MFA_ROLES)}."
        )
    return frozenset(roles)


MFA_REQUIRED_FOR_ROLES = mfa_required_for_roles(default=[])
MFA_ADAPTER = "membership.mfa.MfaAdapter"

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="America/Toronto")
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(DATA_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Objects are private; code asks for short-lived signed URLs when it serves one.
    DEFAULT_FILE_STORAGE_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_FILE_STORAGE_BACKEND = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
    }
# Knowledge files: the largest upload accepted, the lifetime of a signed download
# URL on S3, and how long after a review an item is due for the next one.
KNOWLEDGE_MAX_UPLOAD_MB = env.int("KNOWLEDGE_MAX_UPLOAD_MB", default=20)
KNOWLEDGE_DOWNLOAD_URL_EXPIRE = env.int("KNOWLEDGE_DOWNLOAD_URL_EXPIRE", default=60)
KNOWLEDGE_REVIEW_MONTHS = env.int("KNOWLEDGE_REVIEW_MONTHS", default=12)
STORAGES = {
    "default": DEFAULT_FILE_STORAGE_BACKEND,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Email ------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_HOST
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CoP Platform <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# The right-hand side of the Message-IDs the platform gives its emails.
EMAIL_MESSAGE_ID_DOMAIN = env(
    "EMAIL_MESSAGE_ID_DOMAIN", default=urlsplit(SITE_URL).hostname or "localhost"
)

# --- Celery -----------------------------------------------------------------
# Redis when configured; otherwise kombu's filesystem transport, which needs no
# server and still lets a separate worker and beat run (it polls about once a second).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_DIR = DATA_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The transport does not create its folders; this is the local default only.
    for folder in ("queue", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Longer than any countdown we use; reminders come from due dates plus beat.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Email engine (membership/notifications/delivery.py): records per batch task (and
# per SMTP connection); how long a claim may stay unconfirmed before the sweep
# reports it as in doubt; the local hour digests go out.
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=100)
NOTIFICATIONS_CLAIM_LEASE_SECONDS = env.int("NOTIFICATIONS_CLAIM_LEASE_SECONDS", default=600)
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
# Reminders: a question with no reply after this many days is brought to the core members.
NOTIFICATIONS_UNANSWERED_DAYS = env.int("NOTIFICATIONS_UNANSWERED_DAYS", default=3)
# More modules whose @delivery.register calls define kinds of email, imported with
# delivery.BUILDER_MODULES (the test settings add a stand-in kind for the fault tests).
NOTIFICATIONS_EXTRA_BUILDER_MODULES: list[str] = []
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Every periodic task, in one place, each with when it runs and why.
CELERY_BEAT_SCHEDULE = {
    # Every minute (CELERY_HEARTBEAT_SECONDS): proves beat and a worker are alive;
    # /healthz reports how long ago the last beat reached a worker.
    "heartbeat": {
        "task": "copplatform.heartbeat",
        "schedule": env.float("CELERY_HEARTBEAT_SECONDS", default=60.0),
    },
    # Mondays 06:00: engagement-based level suggestions for core members to review.
    "level-suggestions": {
        "task": "membership.refresh_level_suggestions",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon"),
    },
    # Daily 07:00: moderators are told of knowledge items due for review.
    "knowledge-reviews-due": {
        "task": "knowledge.notify_reviews_due",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every 15 minutes: in-app reminders to those going to a meeting in the next 24
    # hours (each person once per meeting). Reminder emails are planned by
    # "plan-reminders" below.
    "event-reminders": {
        "task": "events.send_event_reminders",
        "schedule": crontab(minute="*/15"),
    },
    # Every 15 minutes: digests for members whose local digest hour (DIGEST_HOUR, in
    # their time zone, after their quiet hours) has come and who have none yet.
    "plan-digests": {
        "task": "notifications.plan_digests",
        "schedule": crontab(minute="*/15"),
    },
    # Every 15 minutes: reminders whose time, from due dates in the database, has come.
    "plan-reminders": {
        "task": "notifications.plan_reminders",
        "schedule": crontab(minute="*/15"),
    },
    # Every 5 minutes: resume emails a stopped worker or quiet hours left waiting, and
    # report any claimed by a worker that died mid-send.
    "delivery-sweep": {
        "task": "notifications.sweep",
        "schedule": crontab(minute="*/5"),
    },
    # Hourly at :20: every community's snapshot (the facilitator dashboard's signals
    # and the leader report's monthly counts), so those pages never compute them
    # while someone waits; the pages say when the figures were computed.
    "community-snapshots": {
        "task": "facilitation.refresh_all_snapshots",
        "schedule": crontab(minute=20),
    },
}

# --- Security headers -------------------------------------------------------
# No file from outside the site: scripts, styles and fonts are all vendored.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
