"""The one Celery app. Configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copplatform.settings.base")

app = Celery("copplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

HEARTBEAT_CACHE_KEY = "celery:last-heartbeat"


@worker_process_init.connect
def _settle_pool_process(**_kwargs):
    """Each prefork pool process, once forked, keeps the garbage collector as a web
    worker does (copplatform/runtime.py): a digest run allocates rows by the thousand,
    and every full collection would walk all of Django's start-up objects again."""
    from copplatform import runtime

    runtime.settle()


@app.task(name="copplatform.heartbeat", ignore_result=True)
def heartbeat():
    """Record that beat scheduled a task and a worker ran it (read by /healthz)."""
    from django.core.cache import cache
    from django.utils import timezone

    cache.set(HEARTBEAT_CACHE_KEY, timezone.now().isoformat(), timeout=None)
