"""A real Celery worker takes tasks from the real broker: Redis in CI, the
filesystem transport off CI (the embedded default `make run` uses)."""

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from copplatform.celery import HEARTBEAT_CACHE_KEY, heartbeat

pytestmark = pytest.mark.services


def _wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_broker_is_the_one_this_environment_configures(celery_worker):
    from copplatform.celery import app

    expected = "redis" if settings.CELERY_BROKER_URL.startswith("redis") else "filesystem"
    assert app.connection_for_write().transport_cls == expected


def test_sign_up_email_is_delivered_by_the_worker_to_the_smtp_server(
    client, celery_worker, smtp_server
):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "via.worker@example.org",
            "display_name": "Via Worker",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert response.status_code == 302
    assert _wait_for(lambda: smtp_server.messages), "the worker delivered no email"
    assert smtp_server.messages[0]["To"] == "via.worker@example.org"
    assert "confirm-email" in smtp_server.messages[0].get_body(("plain",)).get_content()


def test_heartbeat_task_runs_on_the_worker(celery_worker):
    cache.delete(HEARTBEAT_CACHE_KEY)

    heartbeat.delay()

    assert _wait_for(lambda: cache.get(HEARTBEAT_CACHE_KEY) is not None)
