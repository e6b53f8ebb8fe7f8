"""Production: no default secrets, HTTPS only, hashed static files.

Fails at start-up when a required variable is missing rather than running unsafely.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, CELERY_BROKER_URL, DATABASES, env, mfa_required_for_roles

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: environ raises ImproperlyConfigured
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# The embedded defaults are for a laptop: a deployment names its database and broker.
# Without a default env.db raises when DATABASE_URL is missing; base.py has already
# read it into DATABASES with its options (no JIT, health-checked connections), which
# a fresh env.db() here would drop.
env.db("DATABASE_URL")
if CELERY_BROKER_URL.startswith("filesystem://"):
    raise ImproperlyConfigured(
        "Set REDIS_URL or CELERY_BROKER_URL: the filesystem broker is for local runs only."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a near-permanent promise for the domain and all its subdomains;
    # a health system opts in deliberately, so the check's reminder is silenced.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_MAX_AGE"] = CONN_MAX_AGE
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

# allauth's rate limits count failed sign-ins in the cache: a cache of one process
# (or one machine's disk) would give each web process its own count, multiplying the
# limits. Redis (REDIS_URL or CACHE_URL), Memcached or the database cache only.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.dummy.DummyCache",
)
if CACHES["default"]["BACKEND"] in PER_PROCESS_CACHES:
    raise ImproperlyConfigured(
        "Set REDIS_URL or CACHE_URL to a shared cache (Redis): the rate limits on "
        "signing in must be counted across every web process."
    )
# Two-factor for every privileged role unless the deployment says otherwise
# (MFA_REQUIRED_FOR_ROLES="" turns it off).
MFA_REQUIRED_FOR_ROLES = mfa_required_for_roles(default=["admin", "facilitator", "leader"])
