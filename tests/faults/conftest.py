"""Fixtures for the fault and load tests: the data the load reads and writes and the
PostgreSQL guard (the private Redis is tests/conftest.py's `private_redis`).

The site runs in gunicorn processes, so everything it reads is committed first
(transactional_db) and the database is the test database pytest made, or a private
cluster holding a copy of it.
"""

import os

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from membership.models import Membership

from ..discussions.factories import ThreadFactory
from ..factories import CommunityFactory, MembershipFactory
from ..notifications.email.workers import database_url
from .servers import World

IN_CI = os.environ.get("CI", "").lower() == "true"


def database_is_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def postgres_required(transactional_db):
    """These tests need PostgreSQL (50 writers lock SQLite; a cluster is stopped).
    CI always has it; off CI, run them with DATABASE_URL=postgres://..."""
    if not database_is_postgres():
        if IN_CI:
            pytest.fail("CI must run the fault and load tests on PostgreSQL")
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


def make_world(*, members: int = 10, threads: int = 3) -> World:
    """A public community with `members` active members signed in (a session each)
    and `threads` threads they may reply to; committed, for another process."""
    community = CommunityFactory(name="Safer Prescribing Faults", slug="safer-faults")
    people = [
        MembershipFactory(community=community, level=Membership.Level.ACTIVE).user
        for _ in range(members)
    ]
    topics = [
        ThreadFactory(community=community, author=people[0], title=f"Load thread {n}")
        for n in range(threads)
    ]
    sessions = []
    for person in people:
        client = Client()
        client.force_login(person)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    thread_pages = [reverse("discussions:thread", args=[community.slug, t.pk]) for t in topics]
    return World(
        cookie_name=settings.SESSION_COOKIE_NAME,
        sessions=sessions,
        pages=[
            reverse("communities:home", args=[community.slug]),
            reverse("discussions:list", args=[community.slug]),
            *thread_pages,
        ],
        reply_paths=[reverse("discussions:reply", args=[community.slug, t.pk]) for t in topics],
        extra={"community": community, "people": people, "database_url": database_url()},
    )


@pytest.fixture
def world(transactional_db):
    return make_world()
