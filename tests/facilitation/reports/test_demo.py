"""The demo leader sees a filled report, and seeding twice changes nothing."""

import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command

from communities.models import Thread
from facilitation.models import ValueStory
from membership.models import Membership, User

pytestmark = pytest.mark.django_db


def _counts():
    return (
        User.objects.count(),
        Membership.objects.count(),
        Thread.objects.count(),
        ValueStory.objects.count(),
    )


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_demo_leader_sees_a_filled_report(client):
    call_command("seed_demo", force=True, stdout=StringIO())
    before = _counts()
    call_command("seed_demo", force=True, stdout=StringIO())
    assert _counts() == before

    client.force_login(User.objects.get(email="leader@example.org"))
    page = client.get("/reports/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Regional Quality Team" not in body
    assert "and 1 hidden community" in body

    monthly = _csv(client.get("/reports/export/monthly.csv"))[1:-1]
    months_with_threads = [row for row in monthly if row[2] != "0"]
    assert len(months_with_threads) >= 5
    levels = _csv(client.get("/reports/export/levels.csv"))
    assert levels[-1][-1].isdigit() and int(levels[-1][-1]) > 50
    stories = _csv(client.get("/reports/export/stories.csv"))
    assert len(stories) > 1
    coverage = _csv(client.get("/reports/export/coverage.csv"))
    assert any("Yes" in row for row in coverage[1:])
    work = _csv(client.get("/reports/export/work-by-kind.csv"))
    assert work[-1][1] != "0"
