import pytest
from django.db import OperationalError
from django.urls import reverse

from copplatform.celery import app as celery_app


def test_healthz_reports_ok_when_database_and_broker_answer(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "ok"


def test_healthz_is_503_when_the_broker_is_unreachable(client, db):
    # A real connection attempt to a closed port, not a mock. Celery resolves
    # broker_write_url from broker_url at start-up, so that is the one to change.
    original = celery_app.conf.broker_write_url
    celery_app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get(reverse("healthz"))
    finally:
        celery_app.conf.broker_write_url = original

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unavailable"


def test_healthz_is_503_when_the_database_fails(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr("copplatform.health.connection.cursor", broken_cursor)
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_healthz_only_answers_get(client, db, method):
    assert getattr(client, method)(reverse("healthz")).status_code == 405
