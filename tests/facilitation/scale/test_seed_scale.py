"""The scale data set (manage.py seed_scale): right counts, reproducible, consistent
with what the services keep in step, and never touching anyone else's rows."""

from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Max, Q

from communities.models import Community, Post, Thread
from facilitation import scale
from facilitation.models import StrategicPriority
from knowledge.models import KnowledgeItem
from membership.models import (
    CommunityUserObjectPermission,
    FacilitatorAssignment,
    Membership,
    User,
)
from membership.services import permissions_sync
from tests.factories import MembershipFactory

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SCALE_USERS = Q(email__endswith="@" + scale.DOMAIN)
SCALE_COMMUNITIES = Q(slug__startswith=scale.SLUG_PREFIX)


def _perm_rows(pairs):
    rows = CommunityUserObjectPermission.objects.filter(
        user_id__in={user for user, _c in pairs},
        content_object_id__in={community for _u, community in pairs},
    ).values_list("user_id", "content_object_id", "permission__codename")
    return sorted(row for row in rows if (row[0], row[1]) in pairs)


def _snapshot():
    """The data set by natural keys (ids differ from run to run)."""
    return {
        "users": sorted(
            User.objects.filter(SCALE_USERS).values_list(
                "email", "display_name", "stakeholder_type", "platform_role", "date_joined"
            )
        ),
        "communities": sorted(
            Community.objects.filter(SCALE_COMMUNITIES).values_list(
                "slug", "name", "visibility", "stage", "member_count", "last_activity_at"
            )
        ),
        "memberships": sorted(
            Membership.objects.filter(community__slug__startswith=scale.SLUG_PREFIX).values_list(
                "user__email", "community__slug", "level", "role", "created_at"
            )
        ),
        "threads": sorted(
            Thread.objects.filter(community__slug__startswith=scale.SLUG_PREFIX).values_list(
                "community__slug", "title", "author__email", "reply_count", "created_at"
            )
        ),
        "posts": Post.objects.filter(thread__community__slug__startswith=scale.SLUG_PREFIX).count(),
        "items": sorted(
            KnowledgeItem.objects.filter(community__slug__startswith=scale.SLUG_PREFIX).values_list(
                "title", "status", "created_at"
            )
        ),
    }


@pytest.fixture
def demo(db):
    """Someone else's data: must come through every scale run unchanged."""
    membership = MembershipFactory(level=Membership.Level.CORE)
    return membership


@pytest.mark.django_db
def test_seed_scale_makes_the_xs_set_and_leaves_other_rows_alone(demo, capsys):
    before = (User.objects.count(), Community.objects.count(), Membership.objects.count())
    call_command("seed_scale", "--size", "xs")
    out = capsys.readouterr().out
    assert "facilitator@scale.example.org" in out
    assert "membership.CommunityUserObjectPermission" in out

    size = scale.SIZES["XS"]
    assert User.objects.filter(SCALE_USERS).count() == size.users
    assert Community.objects.filter(SCALE_COMMUNITIES).count() == size.communities
    assert KnowledgeItem.objects.filter(community__slug__startswith="scale-").count() >= size.items
    assert Thread.objects.filter(community__slug__startswith="scale-").count() > 50
    assert Post.objects.filter(thread__community__slug__startswith="scale-").count() > 300
    # Every visibility and level is there.
    assert set(
        Community.objects.filter(SCALE_COMMUNITIES).values_list("visibility", flat=True)
    ) >= {"public", "private"}
    assert set(
        Membership.objects.filter(community__slug__startswith="scale-").values_list(
            "level", flat=True
        )
    ) == {"core", "active", "peripheral"}
    # The known accounts.
    facilitator = User.objects.get(email=scale.FACILITATOR_EMAIL)
    assert facilitator.facilitator_assignments.count() == size.known_facilitator_communities
    assert User.objects.get(email=scale.MEMBER_EMAIL).memberships.count() >= 4
    assert User.objects.get(email=scale.LEADER_EMAIL).platform_role == "leader"
    assert not User.objects.get(email=scale.LEADER_EMAIL).has_usable_password()

    # Nobody else's rows changed.
    demo.refresh_from_db()
    assert demo.level == "core"
    outside = (
        User.objects.exclude(SCALE_USERS).count(),
        Community.objects.exclude(SCALE_COMMUNITIES).count(),
        Membership.objects.exclude(community__slug__startswith="scale-").count(),
    )
    assert outside == before


@pytest.mark.django_db
def test_counters_match_the_rows():
    scale.seed("XS", seed=3, now=NOW)
    # Every foreign key points at a row (the test's transaction never commits, so
    # the deferred checks would otherwise never run).
    connection.check_constraints()
    communities = Community.objects.filter(SCALE_COMMUNITIES).annotate(
        members=Count("memberships", distinct=True),
        latest=Max("threads__last_activity_at"),
    )
    for community in communities:
        assert community.member_count == community.members
        assert community.last_activity_at == community.latest
    threads = Thread.objects.filter(community__slug__startswith="scale-").annotate(
        visible=Count("posts", filter=Q(posts__is_hidden=False, posts__deleted_at=None)),
        latest=Max("posts__created_at", filter=Q(posts__is_hidden=False, posts__deleted_at=None)),
    )
    for thread in threads:
        assert thread.reply_count == thread.visible
        assert thread.last_activity_at == (thread.latest or thread.created_at)
    # Nobody joins before their account or the community exists.
    memberships = Membership.objects.filter(community__slug__startswith="scale-")
    assert not memberships.filter(created_at__lt=F("user__date_joined")).exists()
    assert not memberships.filter(created_at__lt=F("community__created_at")).exists()
    # The member directory sorts by a copy of each member's display name.
    assert not memberships.exclude(sort_name=F("user__display_name")).exists()
    # Times were kept as generated (auto_now_add did not overwrite them).
    assert (
        Thread.objects.filter(community__slug__startswith="scale-")
        .filter(created_at__lt=datetime(2026, 1, 1, tzinfo=UTC))
        .exists()
    )


@pytest.mark.django_db
def test_permission_rows_are_what_permissions_sync_would_leave():
    scale.seed("XS", seed=5, now=NOW)
    pairs = set(
        Membership.objects.filter(community__slug__startswith="scale-").values_list(
            "user_id", "community_id"
        )[:60]
    )
    pairs |= set(
        FacilitatorAssignment.objects.filter(community__slug__startswith="scale-").values_list(
            "user_id", "community_id"
        )
    )
    generated = _perm_rows(pairs)
    assert generated
    users = User.objects.in_bulk({user for user, _c in pairs})
    communities = Community.objects.in_bulk({community for _u, community in pairs})
    for user_id, community_id in pairs:
        permissions_sync(user=users[user_id], community=communities[community_id])
    assert _perm_rows(pairs) == generated


@pytest.mark.django_db
def test_same_seed_same_data_and_a_rerun_replaces_it(demo):
    result = scale.seed("XS", seed=11, now=NOW)
    first = _snapshot()
    first_ids = set(Community.objects.filter(SCALE_COMMUNITIES).values_list("id", flat=True))
    models = [apps.get_model(label) for label in result["tables"]]
    rows = {model: model._base_manager.count() for model in models}
    result = scale.seed("XS", seed=11, now=NOW)
    assert sum(result["deleted"].values()) > 1000
    assert _snapshot() == first
    # Nothing of the first run is left behind, in any table it wrote.
    assert {model: model._base_manager.count() for model in models} == rows
    assert not Community.objects.filter(id__in=first_ids).exists()
    assert StrategicPriority.objects.filter(name__endswith=scale.PRIORITY_SUFFIX).count() == len(
        scale.PRIORITIES
    )
    scale.seed("XS", seed=12, now=NOW)
    assert _snapshot()["threads"] != first["threads"]
    assert Membership.objects.filter(pk=demo.pk).exists()


@pytest.mark.django_db
def test_unknown_size_is_a_clear_error():
    with pytest.raises(CommandError, match="choose one of XS, S, M, L"):
        call_command("seed_scale", "--size", "XXL")
    with pytest.raises(CommandError):
        call_command("seed_scale")
