"""Revocation is immediate: a community turned private, or a member removed, loses
access on the very next request, in-app notification, instant email and digest.

Emails are checked on a real local SMTP server: records planned before the change
and sent after it carry nothing of the community (builders ask the permission
authority again at send time)."""

import pytest
from django.urls import reverse

from communities.discussions import services as discussions
from communities.discussions.services import thread_url
from communities.events.services import calendar_feed_regenerate
from communities.models import Community
from communities.services import community_update_settings
from membership.models import DeliveryRecord, Membership, Notification, NotificationSettings
from membership.notifications import delivery, instant
from membership.notifications.digests import plan_digests
from membership.notifications.selectors import unread_count
from membership.services import facilitator_unassign, membership_leave, membership_remove

from ..events.factories import make_event
from ..factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from ..knowledge.factories import make_item, text_upload
from ..notifications.email.digest_world import MONDAY_AFTERNOON, TUESDAY_DIGEST, at
from ..search.factories import GlossaryTermFactory

TOPIC = "Lanthanum rota secrets"
Status = DeliveryRecord.Status


class Place:
    """A community with content of every kind, its core member, and URLs to it."""

    def __init__(self, visibility):
        self.community = CommunityFactory(
            name="Harbour Ward",
            slug="harbour-ward",
            visibility=visibility,
            join_policy="open" if visibility == "public" else "request",
        )
        self.core = MembershipFactory(community=self.community, level=Membership.Level.CORE).user
        self.thread = discussions.thread_create(
            community=self.community,
            author=self.core,
            kind="discussion",
            title=TOPIC,
            body="Who covers nights?",
        )
        self.item = make_item(
            self.community,
            author=self.core,
            kind="document",
            title=f"{TOPIC} checklist",
            upload=text_upload("rota.txt", "nights\n"),
        )
        self.event = make_event(self.community, self.core, title=f"{TOPIC} huddle")
        GlossaryTermFactory(term=f"{TOPIC} term", community=self.community, created_by=self.core)
        slug = self.community.slug
        meeting = self.event.occurrences.first()
        self.content_urls = [
            reverse("discussions:list", args=[slug]),
            thread_url(self.thread),
            reverse("knowledge:repertoire", args=[slug]),
            reverse("knowledge:item", args=[self.item.pk]),
            reverse("knowledge:download", args=[self.item.pk]),
            reverse("events:list", args=[slug]),
            self.event.get_absolute_url(),
            reverse("events:event_ics", args=[slug, self.event.pk]),
            meeting.get_absolute_url(),
            reverse("events:occurrence_ics", args=[slug, self.event.pk, meeting.pk]),
            reverse("knowledge:history", args=[self.item.pk]),
            reverse("activity:community_feed", args=[slug]),
            reverse("glossary:community", args=[slug]),
        ]
        self.search_url = reverse("search:search") + "?q=Lanthanum"

    def answers(self, client) -> dict[str, int]:
        return {url: client.get(url).status_code for url in self.content_urls}

    def turn_private(self):
        community_update_settings(
            community=self.community,
            actor=self.core,
            changes={"visibility": Community.Visibility.PRIVATE, "join_policy": "request"},
        )


def refused(answers: dict[str, int]) -> dict[str, int]:
    """The URLs that did not answer 403 or 404."""
    return {url: status for url, status in answers.items() if status not in (403, 404)}


def body(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- the next request ----------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [True, False], ids=["outsider", "signed-out"])
def test_a_community_turned_private_is_closed_to_outsiders_on_the_next_request(
    client, db, signed_in
):
    place = Place("public")
    if signed_in:
        client.force_login(UserFactory())
    before = place.answers(client)
    assert all(200 <= status < 400 for status in before.values()), before
    assert TOPIC in body(client, place.search_url)

    place.turn_private()

    assert refused(place.answers(client)) == {}
    assert TOPIC not in body(client, place.search_url)


def test_a_removed_member_is_shut_out_on_the_next_request(client, db):
    place = Place("private")
    member = MembershipFactory(community=place.community).user
    # Members (not outsiders) are offered people to mention: that stops too.
    place.content_urls.append(
        reverse("discussions:mention_suggestions", args=[place.community.slug]) + "?q=a"
    )
    feed = calendar_feed_regenerate(user=member)
    feed_url = reverse("events:calendar_feed", args=[feed.token])
    client.force_login(member)
    assert all(status < 400 for status in place.answers(client).values())
    assert TOPIC in body(client, place.search_url)
    assert TOPIC in client.get(feed_url).content.decode()

    membership_remove(
        membership=Membership.objects.get(user=member, community=place.community),
        actor=place.core,
        reason="Moved to another service.",
    )

    assert refused(place.answers(client)) == {}
    assert TOPIC not in body(client, place.search_url)
    assert TOPIC not in body(client, reverse("activity:home_feed"))
    calendar = client.get(feed_url)
    assert calendar.status_code == 200 and TOPIC not in calendar.content.decode()


# --- in-app notifications ------------------------------------------------------------


def mentioned(place, person) -> Notification:
    discussions.reply_create(
        thread=place.thread, author=place.core, body=f"@{person.display_name} can you cover?"
    )
    return Notification.objects.get(recipient=person, kind=Notification.Kind.MENTION)


def assert_notification_gone(client, notification):
    page = body(client, reverse("notifications:list"))
    assert TOPIC not in page
    opened = client.get(reverse("notifications:open", args=[notification.pk]))
    assert opened.status_code == 404
    # Nor counted in the navigation's badge (the only notification they had).
    home = body(client, reverse("home"))
    assert "unread notification" not in home


def test_a_removed_members_notifications_about_the_community_are_no_longer_shown(client, db):
    place = Place("private")
    member = MembershipFactory(community=place.community, user__display_name="Rae Removed").user
    notification = mentioned(place, member)
    client.force_login(member)
    assert TOPIC in body(client, reverse("notifications:list"))
    assert "unread notification" in body(client, reverse("home"))

    membership_remove(
        membership=Membership.objects.get(user=member, community=place.community),
        actor=place.core,
        reason="Moved to another service.",
    )

    assert_notification_gone(client, notification)
    assert unread_count(user=member) == 0


def test_notifications_about_a_community_turned_private_leave_former_members(client, db):
    place = Place("public")
    leaver = MembershipFactory(community=place.community, user__display_name="Lee Leaver").user
    notification = mentioned(place, leaver)
    membership_leave(user=leaver, community=place.community)
    client.force_login(leaver)
    # Public content: still theirs to read after leaving.
    assert TOPIC in body(client, reverse("notifications:list"))

    place.turn_private()

    assert_notification_gone(client, notification)


def test_a_join_decision_stays_while_the_community_is_listed(client, db):
    place = Place("private")
    person = UserFactory()
    Notification.objects.create(
        recipient=person,
        kind=Notification.Kind.JOIN_DECISION,
        community=place.community,
        title="Your request to join Harbour Ward was declined",
        url="/",
    )
    client.force_login(person)
    assert "Harbour Ward was declined" in body(client, reverse("notifications:list"))


# --- email: planned before, sent after -------------------------------------------------


def on(person, frequency):
    NotificationSettings.objects.update_or_create(user=person, defaults={"frequency": frequency})
    return person


def about_topic(smtp_server, person) -> list:
    return [
        message
        for message in smtp_server.messages
        if message["To"] == person.email
        and (TOPIC in message.as_string() or "Harbour Ward" in message.as_string())
    ]


def test_a_removed_member_gets_no_pending_email_nor_digest_about_the_community(db, smtp_server):
    with at(MONDAY_AFTERNOON):
        place = Place("private")
        instant_reader = on(MembershipFactory(community=place.community).user, "instant")
        daily_reader = on(MembershipFactory(community=place.community).user, "daily")
        stays = on(MembershipFactory(community=place.community).user, "instant")
        elsewhere = CommunityFactory(name="Elsewhere")
        MembershipFactory(user=daily_reader, community=elsewhere)
        reply = discussions.reply_create(thread=place.thread, author=place.core, body="Nights?")
        announcement = discussions.thread_create(
            community=place.community,
            author=place.core,
            kind="announcement",
            title=f"{TOPIC}: new rota",
            body="From Monday.",
        )
        instant.plan_instant(event="thread", object_id=place.thread.pk)
        instant.plan_instant(event="reply", object_id=reply.pk)
        instant.plan_instant(event="item_published", object_id=place.item.pk)
        instant.plan_instant(event="announcement", object_id=announcement.pk)
        # Planned while a member: each kind of instant email is waiting for them.
        assert set(
            DeliveryRecord.objects.filter(user=instant_reader).values_list("kind", flat=True)
        ) == {instant.THREAD, instant.REPLY, instant.ITEM, instant.ANNOUNCEMENT}
    with at(TUESDAY_DIGEST):
        plan_digests()
        assert DeliveryRecord.objects.filter(user=daily_reader, kind="digest_daily").exists()
        for person in (instant_reader, daily_reader):
            membership_remove(
                membership=Membership.objects.get(user=person, community=place.community),
                actor=place.core,
                reason="Moved to another service.",
            )
        smtp_server.messages.clear()  # the removal notices are not what is checked here
        delivery.sweep()

    assert about_topic(smtp_server, instant_reader) == []
    assert about_topic(smtp_server, daily_reader) == []
    for person in (instant_reader, daily_reader):
        records = DeliveryRecord.objects.filter(user=person).exclude(kind="digest_daily")
        assert records.exists() and set(records.values_list("status", flat=True)) == {
            Status.SKIPPED
        }
    # Not over-revoked: a member who stayed gets all four.
    assert len(about_topic(smtp_server, stays)) == 4


def test_pending_email_about_a_community_turned_private_reaches_members_only(db, smtp_server):
    with at(MONDAY_AFTERNOON):
        place = Place("public")
        member = on(MembershipFactory(community=place.community).user, "instant")
        leaver = on(MembershipFactory(community=place.community).user, "instant")
        reply = discussions.reply_create(thread=place.thread, author=place.core, body="Nights?")
        assert instant.plan_instant(event="reply", object_id=reply.pk) == 2
        membership_leave(user=leaver, community=place.community)
        place.turn_private()
        delivery.sweep()

    assert len(about_topic(smtp_server, member)) == 1
    assert about_topic(smtp_server, leaver) == []


def test_a_facilitator_taken_off_a_community_is_shut_out_on_the_next_request(client, db):
    place = Place("private")
    facilitator = FacilitatorAssignmentFactory(community=place.community).user
    client.force_login(facilitator)
    assert all(status < 400 for status in place.answers(client).values())

    facilitator_unassign(user=facilitator, community=place.community, actor=None)

    assert refused(place.answers(client)) == {}
    assert TOPIC not in body(client, place.search_url)
