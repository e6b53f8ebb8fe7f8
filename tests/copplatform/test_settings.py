"""Settings read from the environment, checked in fresh processes.

Django reads settings once per process, so every case starts `python` anew with an
environment built from this one minus anything the settings read (CI sets several of
them). DATA_DIR always points at the test's tmp_path, so nothing lands in the repo.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# Variables the settings read that would change what these tests observe.
STRIPPED_NAMES = {
    "ALLOWED_HOSTS",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CONN_MAX_AGE",
    "DATABASE_URL",
    "DATA_DIR",
    "DEBUG",
    # Set by the browser tests' conftest in the same process; never in a deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "MEDIA_ROOT",
    "REDIS_URL",
    "SECRET_KEY",
    "STATIC_ROOT",
}
STRIPPED_PREFIXES = ("AWS_", "SECURE_")

PRODUCTION = "copplatform.settings.production"
BASE = "copplatform.settings.base"

PRINT_SETTINGS = """
import json
import os
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from copplatform.celery import app

storage = storages["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "DATABASE_ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DATABASE_NAME": str(settings.DATABASES["default"]["NAME"]),
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "CELERY_BROKER_TRANSPORT_OPTIONS": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    "celery_app_broker_url": app.conf.broker_url,
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
    "STORAGES_DEFAULT": settings.STORAGES["default"],
    "default_storage_class": f"{type(storage).__module__}.{type(storage).__qualname__}",
    "default_storage_endpoint_url": getattr(storage, "endpoint_url", None),
    "default_storage_acl": getattr(storage, "default_acl", None),
}, default=str))
"""


def random_secret_key() -> str:
    return secrets.token_urlsafe(64)[:64]


def clean_env(data_dir: Path, settings_module: str, **extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in STRIPPED_NAMES and not name.startswith(STRIPPED_PREFIXES)
    }
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env["DATA_DIR"] = str(data_dir)
    # Nothing here may talk to AWS, not even the instance-metadata address.
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    # A developer's own .env must not change what these tests see.
    env["DJANGO_READ_DOT_ENV_FILE"] = "false"
    env.update(extra)
    return env


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_env(
        tmp_path,
        PRODUCTION,
        ALLOWED_HOSTS="cop.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/0",
        **extra,
    )


def base_settings(tmp_path: Path, **extra: str) -> dict:
    result = run_python(["-c", PRINT_SETTINGS], clean_env(tmp_path, BASE, **extra))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- production ----------------------------------------------------------------------------


def test_production_settings_pass_the_deployment_checklist_without_warnings(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=random_secret_key())

    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = run_python(["manage.py", "check"], production_env(tmp_path))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "secret_key",
    [
        pytest.param("too-short-but-random-" + secrets.token_hex(8), id="short"),
        pytest.param("insecure-" + secrets.token_hex(32), id="insecure-prefix"),
        pytest.param("insecure-local-only-key-change-me-for-any-deployment", id="base-default"),
    ],
)
def test_production_settings_refuse_a_weak_secret_key(tmp_path, secret_key):
    env = production_env(tmp_path, SECRET_KEY=secret_key)

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be a random value" in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [("DATABASE_URL", "DATABASE_URL"), ("REDIS_URL", "filesystem broker is for local runs")],
)
def test_production_settings_refuse_the_embedded_database_and_broker(tmp_path, missing, message):
    env = production_env(tmp_path, SECRET_KEY=random_secret_key())
    del env[missing]

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_refuse_to_start_without_allowed_hosts(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=random_secret_key())
    del env["ALLOWED_HOSTS"]

    result = run_python(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


# --- base defaults -------------------------------------------------------------------------


def test_base_settings_without_environment_are_safe_local_defaults(tmp_path):
    values = base_settings(tmp_path)

    assert values["DEBUG"] is False
    assert values["DATABASE_ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASE_NAME"] == str(tmp_path / "db.sqlite3")
    assert values["CELERY_BROKER_URL"] == "filesystem://"
    assert values["celery_app_broker_url"] == "filesystem://"
    assert values["CELERY_BROKER_TRANSPORT_OPTIONS"]["data_folder_in"] == str(
        tmp_path / "broker" / "queue"
    )
    assert (tmp_path / "broker" / "queue").is_dir()
    assert (tmp_path / "broker" / "control").is_dir()
    assert values["STORAGES_DEFAULT"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert (
        values["default_storage_class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    )


def test_s3_bucket_switches_default_storage_to_private_s3(tmp_path):
    values = base_settings(
        tmp_path,
        AWS_STORAGE_BUCKET_NAME="media-bucket",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9",
    )

    default = values["STORAGES_DEFAULT"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "media-bucket"
    assert default["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9"
    assert default["OPTIONS"]["default_acl"] == "private"
    assert default["OPTIONS"]["querystring_auth"] is True
    # The storage really builds with those options (building it contacts nothing).
    assert values["default_storage_class"] == "storages.backends.s3.S3Storage"
    assert values["default_storage_endpoint_url"] == "http://127.0.0.1:9"
    assert values["default_storage_acl"] == "private"


def test_redis_url_becomes_the_celery_broker_when_no_broker_url_is_set(tmp_path):
    values = base_settings(tmp_path, REDIS_URL="redis://127.0.0.1:6379/3")

    assert values["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/3"
    assert values["celery_app_broker_url"] == "redis://127.0.0.1:6379/3"
    assert "visibility_timeout" in values["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert not (tmp_path / "broker").exists()


# --- faults (tests/faults/) --------------------------------------------------------------

PRINT_FAULT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
database, cache = settings.DATABASES["default"], settings.CACHES["default"]
print(json.dumps({
    "CONN_MAX_AGE": database["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": database.get("CONN_HEALTH_CHECKS", False),
    "DATABASE_OPTIONS": database.get("OPTIONS", {}),
    "CACHE_BACKEND": cache["BACKEND"],
    "CACHE_OPTIONS": cache.get("OPTIONS", {}),
}))
"""


def test_production_reuses_database_connections_checked_and_a_fail_safe_redis_cache(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=random_secret_key())
    env["DATABASE_URL"] = "postgres://copplatform@db.example.org:5432/copplatform"

    result = run_python(["-c", PRINT_FAULT_SETTINGS], env)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["CONN_MAX_AGE"] == 60
    assert values["CONN_HEALTH_CHECKS"] is True
    # base.py's PostgreSQL options survive production's check for DATABASE_URL.
    assert "-c jit=off" in values["DATABASE_OPTIONS"]["options"]
    assert values["CACHE_BACKEND"] == "copplatform.cache.FailSafeRedisCache"
    assert values["CACHE_OPTIONS"] == {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
