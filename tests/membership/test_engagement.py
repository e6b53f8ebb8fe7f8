"""Level suggestions follow the documented rule; nothing changes a level by itself."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.services import charter_update
from membership import engagement, services
from membership.models import LevelSuggestion, Membership
from membership.tasks import refresh_level_suggestions

from ..factories import MembershipFactory

NOW = timezone.now()
LONG_AGO = NOW - timedelta(days=engagement.MIN_TENURE_DAYS + 1)
RECENTLY = NOW - timedelta(days=5)


@pytest.mark.parametrize(
    ("level", "contributions", "joined", "expected"),
    [
        ("peripheral", 3, RECENTLY, "to_active"),
        ("peripheral", 2, LONG_AGO, None),
        ("active", 10, LONG_AGO, "to_core"),
        ("active", 10, RECENTLY, None),  # too new to be suggested for core
        ("active", 0, LONG_AGO, "quiet"),
        ("core", 0, LONG_AGO, "quiet"),
        ("core", 0, RECENTLY, None),
        ("peripheral", 0, LONG_AGO, None),  # reading quietly is fine for peripheral members
        ("core", 12, LONG_AGO, None),
    ],
)
def test_the_rule(level, contributions, joined, expected):
    result = engagement.suggestion_for(
        level=level, contributions=contributions, joined_at=joined, now=NOW
    )

    assert (result[0] if result else None) == expected


def _contribute(membership, times):
    charter = membership.community.charter
    for n in range(times):
        charter_update(
            charter=charter,
            actor=membership.user,
            sections={"aims": f"aim {n}"},
            change_note="",
            reviewed=False,
        )


def test_refresh_raises_a_suggestion_once_and_changes_no_level(db):
    membership = MembershipFactory(level="peripheral")
    _contribute(membership, 3)

    assert engagement.suggestions_refresh(community=membership.community) == 1
    assert engagement.suggestions_refresh(community=membership.community) == 0

    membership.refresh_from_db()
    assert membership.level == "peripheral"
    suggestion = LevelSuggestion.objects.get()
    assert (suggestion.kind, suggestion.reason) == (
        "to_active",
        "3 contributions in the last 90 days",
    )


def test_accepting_a_suggestion_changes_the_level_and_dismissing_does_not(db):
    first = MembershipFactory(level="peripheral")
    second = MembershipFactory(level="peripheral", community=first.community)
    core = MembershipFactory(level="core", community=first.community).user
    accept = LevelSuggestion.objects.create(membership=first, kind="to_active", reason="r")
    dismiss = LevelSuggestion.objects.create(membership=second, kind="to_active", reason="r")

    services.suggestion_accept(suggestion=accept, actor=core)
    services.suggestion_dismiss(suggestion=dismiss, actor=core)

    assert Membership.objects.get(pk=first.pk).level == "active"
    assert Membership.objects.get(pk=second.pk).level == "peripheral"


def test_a_dismissed_suggestion_is_not_raised_again_at_once(db):
    membership = MembershipFactory(level="peripheral")
    core = MembershipFactory(level="core", community=membership.community).user
    _contribute(membership, 3)
    engagement.suggestions_refresh(community=membership.community)
    services.suggestion_dismiss(suggestion=LevelSuggestion.objects.get(), actor=core)

    assert engagement.suggestions_refresh(community=membership.community) == 0


def test_the_weekly_task_refreshes_every_active_community(db):
    membership = MembershipFactory(level="peripheral")
    _contribute(membership, 4)

    refresh_level_suggestions.delay()

    assert LevelSuggestion.objects.filter(membership=membership, kind="to_active").exists()
