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
# A Celery worker a test starts in a process of its own (tests/notifications/email/
# workers.py) sets TEST_CELERY_WORKER=1: no eager mode, and TEST_BROKER_DIR gives it
# the broker folders of the test process that started it.
_REAL_WORKER = os.environ.get("TEST_CELERY_WORKER") == "1"
if _REAL_WORKER:
    CELERY_TASK_ALWAYS_EAGER = False
    # A killed pool child's task goes back to the queue after this wait (10 s by
    # default): one second keeps the fault tests short.
    CELERY_WORKER_LOST_WAIT = 1.0
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(
        os.environ.get("TEST_BROKER_DIR")
        or tempfile.mkdtemp(prefix=f"copplatform-broker-{_XDIST_WORKER}-")
    )
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    if _REAL_WORKER:
        # The transport polls an empty queue; a tenth of a second keeps tests short.
        CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"] = 0.1

# SQLite: the test database is a file (one per xdist process; pytest-django adds the
# _gwN suffix), not memory, so a worker in another process sees it. WAL lets it read
# while the worker writes; no fsync (a test database need not survive a crash).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"copplatform-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        **DATABASES["default"].get("OPTIONS", {}),  # noqa: F405
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF",
    }

# The stand-in kind of email the fault tests send, registered in the worker too.
NOTIFICATIONS_EXTRA_BUILDER_MODULES = ["tests.notifications.email.workers"]

# Templates only tests use (a stand-in kind of email for the delivery engine).
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "tests" / "templates"]  # noqa: F405
