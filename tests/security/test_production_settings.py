"""Production settings for accounts and sessions, each read in a fresh process.

The deployment checklist itself (`manage.py check --deploy --fail-level WARNING`) runs
in tests/copplatform/test_settings.py; here a real request goes through the production
middleware: HTTP is redirected to HTTPS, HTTPS answers carry HSTS and only secure
cookies, and the cache behind the rate limits must be shared.
"""

import json
from pathlib import Path

import pytest

from ..copplatform.test_settings import (
    BASE,
    clean_env,
    production_env,
    random_secret_key,
    run_python,
)

# Variables this module's settings read: a developer's or CI's values must not leak in.
OWN_PREFIXES = ("SESSION_", "MFA_", "ALLAUTH_", "ACCOUNT_")


def _without_own(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if not k.startswith(OWN_PREFIXES)}


def _production(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = _without_own(production_env(tmp_path, SECRET_KEY=random_secret_key()))
    env.update(extra)
    return env


PRINT_ACCOUNT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE,
    "SESSION_IDLE_TIMEOUT_SECONDS": settings.SESSION_IDLE_TIMEOUT_SECONDS,
    "SESSION_ABSOLUTE_TIMEOUT_SECONDS": settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "MFA_REQUIRED_FOR_ROLES": sorted(settings.MFA_REQUIRED_FOR_ROLES),
    "ALLAUTH_TRUSTED_PROXY_COUNT": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
    "ACCOUNT_RATE_LIMITS": settings.ACCOUNT_RATE_LIMITS,
}))
"""

# A request through the whole production middleware stack, with Django's test client.
# Only the static files' manifest (made by collectstatic at build time) is swapped for
# plain names.
PRODUCTION_REQUESTS = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
plain_static = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
override_settings(STORAGES=plain_static).enable()
client = Client(HTTP_HOST="cop.example.org")
plain = client.get("/accounts/login/")
secure = client.get("/accounts/login/", secure=True)
cookies = {name: dict(morsel) for name, morsel in secure.cookies.items()}
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "secure_status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security"),
    "cookies": cookies,
}))
"""


def _run_json(script: str, env: dict[str, str]) -> dict:
    result = run_python(["-c", script], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production_values(tmp_path_factory):
    return _run_json(PRINT_ACCOUNT_SETTINGS, _production(tmp_path_factory.mktemp("production")))


def test_production_forces_https_with_hsts_and_secure_cookies(production_values):
    values = production_values

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 60 * 60 * 24 * 365
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True


def test_a_production_request_over_http_is_redirected_and_https_answers_carry_hsts(tmp_path):
    answers = _run_json(PRODUCTION_REQUESTS, _production(tmp_path))

    assert answers["plain_status"] == 301
    assert answers["plain_location"] == "https://cop.example.org/accounts/login/"
    assert answers["secure_status"] == 200
    assert answers["hsts"] == "max-age=31536000; includeSubDomains"
    # The sign-in page sets the CSRF cookie: only ever sent over HTTPS.
    assert answers["cookies"]["csrftoken"]["secure"] is True


def test_production_rate_limits_use_redis_and_require_two_factor_for_privileged_roles(
    production_values,
):
    values = production_values

    # Django's Redis cache, or a subclass of it.
    assert values["CACHE_BACKEND"].endswith("RedisCache")
    assert values["ACCOUNT_RATE_LIMITS"]["login_failed"] == "10/m/ip,5/5m/key"
    assert values["MFA_REQUIRED_FOR_ROLES"] == ["admin", "facilitator", "leader"]


@pytest.mark.parametrize(
    "cache_url",
    [
        pytest.param("locmemcache://", id="locmem"),
        pytest.param("filecache:///tmp/copplatform-cache", id="file"),
    ],
)
def test_production_refuses_a_cache_that_is_not_shared_between_processes(tmp_path, cache_url):
    result = run_python(["manage.py", "check"], _production(tmp_path, CACHE_URL=cache_url))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "shared cache" in result.stderr


def test_production_lets_a_deployment_turn_required_two_factor_off(tmp_path):
    values = _run_json(PRINT_ACCOUNT_SETTINGS, _production(tmp_path, MFA_REQUIRED_FOR_ROLES=""))

    assert values["MFA_REQUIRED_FOR_ROLES"] == []


def test_timeouts_roles_and_proxies_come_from_the_environment(tmp_path):
    env = _without_own(
        clean_env(
            tmp_path,
            BASE,
            SESSION_IDLE_TIMEOUT_SECONDS="900",
            SESSION_ABSOLUTE_TIMEOUT_SECONDS="28800",
            MFA_REQUIRED_FOR_ROLES="Facilitator, admin",
            ALLAUTH_TRUSTED_PROXY_COUNT="1",
        )
    )
    env.update(
        SESSION_IDLE_TIMEOUT_SECONDS="900",
        SESSION_ABSOLUTE_TIMEOUT_SECONDS="28800",
        MFA_REQUIRED_FOR_ROLES="Facilitator, admin",
        ALLAUTH_TRUSTED_PROXY_COUNT="1",
    )

    values = _run_json(PRINT_ACCOUNT_SETTINGS, env)

    assert values["SESSION_IDLE_TIMEOUT_SECONDS"] == 900
    # The cookie and the stored session last as long as the idle timeout.
    assert values["SESSION_COOKIE_AGE"] == 900
    assert values["SESSION_ABSOLUTE_TIMEOUT_SECONDS"] == 28800
    assert values["MFA_REQUIRED_FOR_ROLES"] == ["admin", "facilitator"]
    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1


def test_base_defaults_time_sessions_out_and_require_no_two_factor(tmp_path):
    values = _run_json(PRINT_ACCOUNT_SETTINGS, _without_own(clean_env(tmp_path, BASE)))

    assert values["SESSION_IDLE_TIMEOUT_SECONDS"] == 2 * 60 * 60
    assert values["SESSION_COOKIE_AGE"] == 2 * 60 * 60
    assert values["SESSION_ABSOLUTE_TIMEOUT_SECONDS"] == 12 * 60 * 60
    assert values["MFA_REQUIRED_FOR_ROLES"] == []
    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0


def test_a_misspelt_role_in_mfa_required_for_roles_stops_start_up(tmp_path):
    env = _without_own(clean_env(tmp_path, BASE))
    env["MFA_REQUIRED_FOR_ROLES"] = "facilitator,leaders"

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "MFA_REQUIRED_FOR_ROLES: unknown role(s) leaders" in result.stderr
