"""Shared fixtures: services that must be real, personas, and the CI guard.

Under CI=true the suite must run on PostgreSQL, Redis and Debian's Chromium; a
missing one stops the run with an error instead of quietly falling back.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import factory.random
import pytest
from django.core.cache import cache

from membership.models import Membership, User

from .factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)

CHROMIUM = "/usr/bin/chromium"

# Fake names and values are the same on every run, so a failure can be repeated.
factory.random.reseed_random("copplatform")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=3):
            return True
    except OSError:
        return False


def pytest_sessionstart(session):
    if os.environ.get("CI", "").lower() != "true":
        return
    problems = []
    database_url = os.environ.get("DATABASE_URL", "")
    broker_url = os.environ.get("CELERY_BROKER_URL", "")
    if not database_url.startswith("postgres"):
        problems.append("DATABASE_URL must point at PostgreSQL in CI")
    elif not _reachable(database_url, 5432):
        problems.append(f"PostgreSQL unreachable at {database_url}")
    if not broker_url.startswith("redis"):
        problems.append("CELERY_BROKER_URL must point at Redis in CI")
    elif not _reachable(broker_url, 6379):
        problems.append(f"Redis unreachable at {broker_url}")
    if not shutil.which("chromium") and not os.path.exists(CHROMIUM):
        problems.append("Debian's chromium is not installed")
    if problems:
        pytest.exit("CI services missing: " + "; ".join(problems), returncode=3)


def port_for(base: int) -> int:
    """A fixed port per xdist worker, so parallel processes never collide.

    TEST_PORT_OFFSET moves the whole range, for two checkouts testing at once."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker.removeprefix("gw")) + 1 if worker.startswith("gw") else 0
    return base + index + int(os.environ.get("TEST_PORT_OFFSET", "0"))


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache; one test must not throttle the next.
    cache.clear()
    yield
    cache.clear()


# --- personas ---------------------------------------------------------------


@pytest.fixture
def community(db):
    return CommunityFactory(name="Safer Prescribing", slug="safer-prescribing")


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org", display_name="Olu Outsider")


@pytest.fixture
def peripheral(community):
    return MembershipFactory(community=community, level=Membership.Level.PERIPHERAL).user


@pytest.fixture
def core(community):
    return MembershipFactory(community=community, level=Membership.Level.CORE).user


@pytest.fixture
def facilitator(community):
    return FacilitatorAssignmentFactory(community=community).user


@pytest.fixture
def leader(db):
    return UserFactory(platform_role=User.PlatformRole.LEADER)


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


# --- real services started by the tests -------------------------------------


class _MailCollector:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []
        # Addresses this server refuses for good (550), like a mailbox that is gone.
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback; Django's SMTP backend delivers to it."""
    from aiosmtpd.controller import Controller

    collector = _MailCollector()
    port = port_for(18025)
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture
def s3_server(monkeypatch):
    """moto's S3-compatible server on loopback, with explicit throwaway credentials.

    The credentials and AWS_EC2_METADATA_DISABLED stop botocore from probing the
    instance-metadata address, which must never be contacted from here.
    """
    import subprocess
    import sys
    import time
    from pathlib import Path

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    port = port_for(15000)
    moto_server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(moto_server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while not _reachable(f"http://127.0.0.1:{port}", port):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("moto_server did not start")
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def private_redis():
    """A redis-server of the test's own (no persistence), which it may kill and
    start again without touching the machine's Redis."""
    from .notifications.email.workers import RedisServer

    if shutil.which("redis-server") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is not installed; CI needs it for the fault tests")
        pytest.skip("redis-server is not installed")
    server = RedisServer(port_for(16380)).start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (in a thread) on the configured broker.

    Redis in CI; off CI the filesystem transport in a per-process temporary folder.
    Eager mode is off while it runs, so tasks really cross the broker.
    """
    from celery.contrib.testing.worker import start_worker

    from copplatform.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = True
