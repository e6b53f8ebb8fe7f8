"""The demo facilitator runs several communities: one clearly at risk, one healthy;
seeding twice changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from communities.models import Community, Post, Thread
from facilitation.dashboard.selectors import dashboard_rows
from facilitation.dashboard.signals import Period
from facilitation.models import CommunitySnapshot, RiskThresholds
from membership import permissions
from membership.models import User

pytestmark = pytest.mark.django_db


def test_demo_has_an_at_risk_and_a_healthy_community():
    call_command("seed_demo", force=True, stdout=StringIO())
    counts = (Thread.objects.count(), Post.objects.count())
    call_command("seed_demo", force=True, stdout=StringIO())
    assert (Thread.objects.count(), Post.objects.count()) == counts

    facilitator = User.objects.get(email="facilitator@example.org")
    rows = dashboard_rows(
        permissions.communities_facilitated_by(facilitator),
        period=Period.last_days(30),
        thresholds=RiskThresholds.current(),
    )
    assert len(rows) >= 3
    flags = {row.community.slug: [f.key for f in row.flags] for row in rows}
    assert rows[0].community.slug == "mental-health-peer-support"
    assert {"monologue", "unanswered", "core", "interaction"} <= set(flags[rows[0].community.slug])
    assert flags["safer-opioid-prescribing"] == []
    healthy = next(r for r in rows if r.community.slug == "safer-opioid-prescribing")
    assert healthy.core_weekly == [3] * 6
    assert healthy.median_first_reply_hours.current > 0
    # The seeders end with every community's snapshot: `make run` shows figures at once.
    assert CommunitySnapshot.objects.count() == Community.objects.count()
