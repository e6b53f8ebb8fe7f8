"""Each response can report its SQL count and time (QUERY_TIMING)."""

import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..factories import CommunityFactory, UserFactory


@pytest.fixture
def timed(settings):
    settings.MIDDLEWARE = ["copplatform.timing.QueryTimingMiddleware", *settings.MIDDLEWARE]


def test_the_header_counts_the_queries_the_page_ran(client, db, timed, caplog):
    CommunityFactory.create_batch(2)
    client.force_login(UserFactory())
    url = reverse("communities:directory")
    with (
        CaptureQueriesContext(connection) as captured,
        caplog.at_level(logging.INFO, logger="copplatform.timing"),
    ):
        response = client.get(url)

    header = response["Server-Timing"]
    match = re.fullmatch(r'db;desc="(\d+) queries";dur=([\d.]+), total;dur=([\d.]+)', header)
    assert match, header
    assert int(match.group(1)) == len(captured.captured_queries) > 0
    assert float(match.group(3)) >= float(match.group(2))
    assert f"GET {url} 200: {len(captured.captured_queries)} queries" in caplog.text


def test_it_is_off_unless_asked_for(client, db):
    response = client.get(reverse("communities:directory"))

    assert "Server-Timing" not in response
