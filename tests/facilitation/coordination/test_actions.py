"""Cross-community actions: each target community is asked again, every write goes
through the service that owns it, and each community acted in is logged once."""

import pytest
from django.core.exceptions import ValidationError

from communities.models import Thread
from facilitation.coordination import bulk_invite, services
from facilitation.models import BrokerageEvent, WorkLogEntry
from knowledge.models import ItemShare
from membership.models import Invitation, JoinRequest, Membership
from membership.notifications.models import Notification

from ...factories import CommunityFactory, MembershipFactory, UserFactory
from ...knowledge.factories import make_item
from .factories import facilitator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    return [CommunityFactory(name="Wound care"), CommunityFactory(name="Falls prevention")]


# --- announcements ------------------------------------------------------------------------


def test_one_announcement_reaches_each_chosen_community(two):
    facilitator = facilitator_of(*two)
    members = [MembershipFactory(community=c).user for c in two]
    threads = services.announcement_send_many(
        actor=facilitator, communities=two, title="Spring meeting", body="**Come** along."
    )
    assert {t.community for t in threads} == set(two)
    assert all(t.kind == Thread.Kind.ANNOUNCEMENT for t in threads)
    events = BrokerageEvent.objects.filter(kind=BrokerageEvent.Kind.ANNOUNCEMENT)
    assert {(e.target_community, e.source_community, e.thread) for e in events} == {
        (t.community, None, t) for t in threads
    }
    # The discussions service notified every member (and queued the emails).
    assert (
        Notification.objects.filter(
            recipient__in=members, kind=Notification.Kind.ANNOUNCEMENT
        ).count()
        == 2
    )
    sources = set(
        WorkLogEntry.objects.filter(facilitator=facilitator).values_list("source", flat=True)
    )
    assert sources == {f"announcement:{t.pk}" for t in threads}


def test_an_announcement_to_a_community_one_may_not_announce_in_sends_nothing(two):
    facilitator = facilitator_of(two[0])
    with pytest.raises(ValidationError) as error:
        services.announcement_send_many(
            actor=facilitator, communities=two, title="Hello", body="Everyone"
        )
    assert "Falls prevention" in str(error.value)
    assert not Thread.objects.exists() and not BrokerageEvent.objects.exists()


def test_a_failure_in_one_community_rolls_the_whole_announcement_back(two, monkeypatch):
    from communities.discussions import services as discussions

    facilitator = facilitator_of(*two)
    real = discussions.thread_create
    calls = []

    def fail_second(**kwargs):
        calls.append(kwargs["community"])
        if len(calls) == 2:
            raise ValidationError("The database went away.")
        return real(**kwargs)

    monkeypatch.setattr(discussions, "thread_create", fail_second)
    with pytest.raises(ValidationError):
        services.announcement_send_many(
            actor=facilitator, communities=two, title="Hello", body="Everyone"
        )
    assert not Thread.objects.exists()
    assert not BrokerageEvent.objects.exists() and not WorkLogEntry.objects.exists()


def test_a_core_member_cannot_announce_across_communities(community, core):
    with pytest.raises(ValidationError):
        services.announcement_send_many(
            actor=core, communities=[community], title="Hello", body="Everyone"
        )


def test_an_admin_announces_anywhere_without_a_work_log_entry(two, admin_user):
    threads = services.announcement_send_many(
        actor=admin_user, communities=two, title="Hello", body="Everyone"
    )
    assert len(threads) == 2 and not WorkLogEntry.objects.exists()


# --- shares ---------------------------------------------------------------------------------


def test_sharing_into_several_communities_reports_each_one(two):
    home = CommunityFactory(name="Home", visibility="public")
    facilitator = facilitator_of(home, *two)
    item = make_item(home, title="Pressure ulcer bundle")
    ItemShare.objects.create(item=item, community=two[1], shared_by=facilitator)
    results = services.item_share_many(
        item=item, actor=facilitator, communities=two, confirmed=False
    )
    assert [(o.community, o.status) for o in results.outcomes] == [
        (two[0], "shared"),
        (two[1], "already"),
    ]
    entry = WorkLogEntry.objects.get(facilitator=facilitator)
    assert entry.kind == WorkLogEntry.Kind.BROKERAGE and entry.community == two[0]


def test_sharing_a_private_communitys_item_waits_for_confirmation(two):
    home = CommunityFactory(name="Home", visibility="private")
    facilitator = facilitator_of(home, *two)
    item = make_item(home)
    results = services.item_share_many(
        item=item, actor=facilitator, communities=two, confirmed=False
    )
    assert {o.status for o in results.outcomes} == {"needs_confirmation"}
    assert not ItemShare.objects.exists()
    results = services.item_share_many(
        item=item, actor=facilitator, communities=two, confirmed=True
    )
    assert {o.status for o in results.outcomes} == {"shared"}
    assert ItemShare.objects.filter(item=item).count() == 2


def test_each_share_target_is_checked_again(two):
    home = CommunityFactory(name="Home", visibility="public")
    hidden = CommunityFactory(name="Hidden", visibility="hidden")
    facilitator = facilitator_of(home, two[0])
    item = make_item(home)
    results = services.item_share_many(
        item=item, actor=facilitator, communities=[two[0], hidden], confirmed=True
    )
    assert [o.status for o in results.outcomes] == ["shared", "refused"]
    assert not ItemShare.objects.filter(community=hidden).exists()


# --- join requests ---------------------------------------------------------------------------


def test_approving_requests_across_communities(two):
    facilitator = facilitator_of(*two)
    requests = [JoinRequest.objects.create(user=UserFactory(), community=c) for c in two]
    decisions = services.join_requests_decide(
        actor=facilitator, join_requests=requests, approve=True
    )
    assert all(d.ok for d in decisions)
    assert Membership.objects.filter(community__in=two).count() == 2
    assert WorkLogEntry.objects.filter(facilitator=facilitator).count() == 2


def test_declining_needs_a_reason_and_tells_it(two):
    facilitator = facilitator_of(*two)
    join_request = JoinRequest.objects.create(user=UserFactory(), community=two[0])
    with pytest.raises(ValidationError):
        services.join_requests_decide(
            actor=facilitator, join_requests=[join_request], approve=False, reason="  "
        )
    services.join_requests_decide(
        actor=facilitator, join_requests=[join_request], approve=False, reason="Full this term."
    )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert join_request.reason == "Full this term."
    assert WorkLogEntry.objects.get().kind == WorkLogEntry.Kind.MODERATION


def test_a_request_in_a_community_one_does_not_manage_is_refused(two):
    facilitator = facilitator_of(two[0])
    foreign = JoinRequest.objects.create(user=UserFactory(), community=two[1])
    [decision] = services.join_requests_decide(
        actor=facilitator, join_requests=[foreign], approve=True
    )
    assert not decision.ok
    foreign.refresh_from_db()
    assert foreign.status == JoinRequest.Status.PENDING


def test_a_request_answered_meanwhile_is_reported_not_raised(two):
    facilitator = facilitator_of(*two)
    join_request = JoinRequest.objects.create(user=UserFactory(), community=two[0])
    services.join_requests_decide(actor=facilitator, join_requests=[join_request], approve=True)
    [decision] = services.join_requests_decide(
        actor=facilitator, join_requests=[join_request], approve=True
    )
    assert not decision.ok and "already" in decision.message


# --- bulk invitations ------------------------------------------------------------------------


def test_bulk_invite_sends_the_valid_rows_and_logs_once(community):
    facilitator = facilitator_of(community)
    MembershipFactory(community=community, user__email="member@example.org")
    raw = b"email,level\nnew.one@example.org,active\nmember@example.org,\nbad-address,\n"
    rows = bulk_invite.parse_upload(raw, community=community, default_level="peripheral")
    sent, skipped = services.bulk_invite_send(actor=facilitator, community=community, rows=rows)
    assert [i.email for i in sent] == ["new.one@example.org"]
    assert sent[0].level == "active" and skipped == []
    assert WorkLogEntry.objects.get().source == f"bulk-invite:{sent[0].pk}"


def test_bulk_invite_skips_a_row_that_became_invalid_after_the_preview(community):
    facilitator = facilitator_of(community)
    rows = bulk_invite.parse_upload(
        b"late@example.org\nfine@example.org\n", community=community, default_level="peripheral"
    )
    Invitation.objects.create(
        community=community,
        email="late@example.org",
        nonce="z" * 32,
        expires_at="2099-01-01T00:00Z",
    )
    sent, skipped = services.bulk_invite_send(actor=facilitator, community=community, rows=rows)
    assert [i.email for i in sent] == ["fine@example.org"]
    assert [r.email for r in skipped] == ["late@example.org"]
    assert "open invitation" in skipped[0].errors[0]


def test_bulk_invite_needs_a_community_one_manages(community):
    facilitator = facilitator_of(CommunityFactory())
    rows = bulk_invite.parse_upload(b"a@example.org", community=community, default_level="active")
    with pytest.raises(ValidationError):
        services.bulk_invite_send(actor=facilitator, community=community, rows=rows)
    assert not Invitation.objects.exists()
