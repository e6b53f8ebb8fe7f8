"""Test overlay: fast hashing, eager Celery by default, a cache of our own.

Services still come from the environment: CI sets DATABASE_URL and CELERY_BROKER_URL
to PostgreSQL and Redis; off CI the suite uses SQLite and the filesystem broker.
Tests about the worker turn eager mode off and start a real one.
"""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="copplatform-media-"))
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # noqa: F405
