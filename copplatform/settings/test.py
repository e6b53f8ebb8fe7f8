"""Test overlay: fast hashing, eager Celery by default, isolated broker queues.

Services still come from the environment: CI sets DATABASE_URL and CELERY_BROKER_URL
to PostgreSQL and Redis; off CI the suite uses SQLite and the filesystem broker.
Tests about the worker turn eager mode off and start a real one.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="copplatform-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="copplatform-static-"))
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # noqa: F405

# Each pytest-xdist process gets its own queue, so parallel workers never take
# each other's tasks from a shared Redis.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
CELERY_TASK_DEFAULT_QUEUE = f"test-{_XDIST_WORKER}"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(tempfile.mkdtemp(prefix=f"copplatform-broker-{_XDIST_WORKER}-"))
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir()
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

# Templates only tests use (a stand-in kind of email for the delivery engine).
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]  # noqa: F405
