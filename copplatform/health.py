"""/healthz: is this instance able to serve? Checks the database and the broker."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import HEARTBEAT_CACHE_KEY
from .celery import app as celery_app

logger = logging.getLogger(__name__)


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database unreachable")
        return False


def check_broker() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("health check: broker unreachable")
        return False


@never_cache
@require_GET
def healthz(request):
    checks = {
        "database": "ok" if check_database() else "unavailable",
        "broker": "ok" if check_broker() else "unavailable",
    }
    healthy = all(v == "ok" for v in checks.values())
    # Informational: a stale heartbeat means beat or the workers are down, which
    # delays mail but does not stop this instance serving pages.
    checks["last_worker_heartbeat"] = cache.get(HEARTBEAT_CACHE_KEY)
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
