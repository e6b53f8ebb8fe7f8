"""A daily digest run through a real Celery worker (Redis in CI, the filesystem
transport off CI) to a real local SMTP server: plan_digests commits the plan, the
worker dispatches and sends the batches."""

import time

import pytest
from django.utils import timezone

from communities.discussions import services as discussions
from communities.models import Community
from membership.models import DeliveryRecord, Membership, User
from membership.notifications.digests import DAILY, plan_digests
from membership.services import membership_leave

from ...factories import CommunityFactory, MembershipFactory
from .digest_world import email_settings, on_daily, text_of

pytestmark = pytest.mark.services
Status = DeliveryRecord.Status


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _zone_past_the_digest_hour() -> str:
    """A fixed-offset zone where it is now midday, so the digest is due without
    moving the clock (the worker runs on the real one)."""
    hour = timezone.now().hour
    offset = (12 - hour) % 24
    if offset > 14:
        offset -= 24
    # POSIX sign: Etc/GMT-5 is five hours ahead of UTC.
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def test_a_daily_digest_run_reaches_the_right_members_through_the_worker(
    celery_worker, smtp_server
):
    zone = _zone_past_the_digest_hour()
    public = CommunityFactory(name="Safer Prescribing", slug="safer-prescribing")
    ward = CommunityFactory(
        name="Quiet Ward", slug="quiet-ward", visibility=Community.Visibility.PRIVATE
    )
    empty = CommunityFactory(name="Empty Room", slug="empty-room")
    writer = MembershipFactory(community=public, level=Membership.Level.CORE).user
    MembershipFactory(user=writer, community=ward, level=Membership.Level.CORE)
    email_settings(writer, frequency="none")

    def daily_member(*communities):
        person = MembershipFactory(community=communities[0], user__time_zone=zone).user
        for community in communities[1:]:
            MembershipFactory(user=person, community=community)
        return on_daily(person)

    reader = daily_member(public, ward)
    public_only = daily_member(public)
    nothing_new = daily_member(empty)
    left_ward = daily_member(empty, ward)
    membership_leave(user=left_ward, community=ward)

    discussions.thread_create(
        community=public, author=writer, kind="discussion", title="Tapering plans", body="x"
    )
    discussions.thread_create(
        community=ward, author=writer, kind="discussion", title="Night handover", body="x"
    )
    # Everyone else (the writer, guardian's anonymous user) stays out of this run.
    User.objects.exclude(pk__in=[reader.pk, public_only.pk, nothing_new.pk, left_ward.pk]).update(
        is_active=False
    )

    planned = plan_digests()

    assert planned == 4
    records = DeliveryRecord.objects.filter(kind=DAILY)
    assert _wait_for(lambda: not records.filter(status=Status.PENDING).exists()), (
        "the worker did not finish the run"
    )
    assert _wait_for(lambda: len(smtp_server.messages) == 2)
    by_address = {message["To"]: text_of(message) for message in smtp_server.messages}
    assert set(by_address) == {reader.email, public_only.email}
    assert "Tapering plans" in by_address[reader.email]
    assert "Night handover" in by_address[reader.email]
    assert "Tapering plans" in by_address[public_only.email]
    assert "Night handover" not in by_address[public_only.email]
    statuses = dict(records.values_list("user_id", "status"))
    assert statuses == {
        reader.pk: Status.SENT,
        public_only.pk: Status.SENT,
        nothing_new.pk: Status.SKIPPED,
        left_ward.pk: Status.SKIPPED,
    }
