"""The benchmark's floor page (copplatform/floor.py): routed only when asked for."""

import importlib
import json

import pytest
from django.urls import clear_url_caches

import copplatform.urls

from ..factories import UserFactory
from .test_settings import BASE, clean_env, run_python

FLOOR = "/bench/floor/"


@pytest.fixture
def floor_on(settings):
    settings.BENCH_FLOOR_PAGE = True
    importlib.reload(copplatform.urls)
    clear_url_caches()
    yield
    settings.BENCH_FLOOR_PAGE = False
    importlib.reload(copplatform.urls)
    clear_url_caches()


def test_the_floor_is_not_routed_by_default(client, db):
    client.force_login(UserFactory())

    assert client.get(FLOOR).status_code == 404


def test_the_floor_renders_the_bare_layout_for_a_signed_in_user(
    client, db, floor_on, django_assert_num_queries
):
    client.force_login(UserFactory(display_name="Floor Walker"))
    client.get(FLOOR)

    # session, user, the navigation's unread counts: what every signed-in page pays
    with django_assert_num_queries(3):
        response = client.get(FLOOR)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Benchmark floor" in body
    assert 'id="main"' in body  # the base layout, navigation and all


def test_the_floor_sends_a_signed_out_visitor_to_sign_in(client, db, floor_on):
    response = client.get(FLOOR)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


SHOW = """
import django, json
django.setup()
from django.conf import settings
print(json.dumps({"floor": settings.BENCH_FLOOR_PAGE,
                  "options": settings.DATABASES["default"].get("OPTIONS", {})}))
"""


@pytest.mark.parametrize(("value", "expected"), [(None, False), ("true", True)])
def test_bench_floor_page_comes_from_the_environment(tmp_path, value, expected):
    extra = {"BENCH_FLOOR_PAGE": value} if value else {}
    env = clean_env(tmp_path, BASE, **extra)
    if value is None:
        env.pop("BENCH_FLOOR_PAGE", None)
    result = run_python(["-c", SHOW], env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["floor"] is expected


def test_postgresql_connections_run_without_jit(tmp_path):
    env = clean_env(tmp_path, BASE, DATABASE_URL="postgres://someone@127.0.0.1:5432/somewhere")
    result = run_python(["-c", SHOW], env)

    assert result.returncode == 0, result.stderr
    assert "-c jit=off" in json.loads(result.stdout.strip().splitlines()[-1])["options"]["options"]
