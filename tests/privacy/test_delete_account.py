"""Deleting an account: allauth asks for the password again, the member types their
address; afterwards no row holds their email or name, their community content shows
"Former member", and they cannot sign in. A community's only core member or
facilitator must hand over first."""

import pytest
from django.db import connection
from django.urls import reverse

from communities.discussions.services import thread_url
from communities.models import Action, Community, Post, Rsvp, Thread
from knowledge.models import KnowledgeItem
from membership.models import Conversation, Membership, Message, User

from ..events.factories import meeting_of
from ..factories import PASSWORD, FacilitatorAssignmentFactory, MembershipFactory
from .world import EMAIL, NAME, ORGANISATION, OTHERS_SECRET, World

DELETE = reverse("privacy:delete_account")


@pytest.fixture
def world(community):
    return World(community)


def reauthenticated(client, user):
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def rows_containing(*needles: str) -> list[str]:
    """Every text column of every table scanned for the needles (case-insensitive)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            description = connection.introspection.get_table_description(cursor, table)
            quote = connection.ops.quote_name
            columns = [quote(column.name) for column in description]
            cursor.execute(f"SELECT {', '.join(columns)} FROM {quote(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row if value is not None).lower()
                found += [f"{table}: {needle}" for needle in needles if needle.lower() in text]
    return found


def test_deletion_asks_for_the_password_again_first(client, world):
    client.force_login(world.pat)
    response = client.get(DELETE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    # A POST without reauthentication deletes nothing either.
    client.post(DELETE, {"confirmation": EMAIL})
    assert User.objects.filter(pk=world.pat.pk).exists()


def test_a_wrong_typed_confirmation_is_refused_with_a_400(client, world):
    reauthenticated(client, world.pat)
    response = client.post(DELETE, {"confirmation": "someone@else.org"})
    assert response.status_code == 400
    assert "Type your email address exactly" in response.content.decode()
    assert client.post(DELETE, {}).status_code == 400
    assert User.objects.filter(pk=world.pat.pk).exists()


def test_deleting_leaves_no_personal_data_and_keeps_community_content(client, world):
    thread, reply, item = world.thread, world.reply, world.item
    waiting = world.third
    occurrence = meeting_of(world.thread.community.events.get(title="Ola's clinic"))
    assert Rsvp.objects.get(occurrence=occurrence, user=waiting).response == "waiting"
    members_before = Community.objects.get(pk=world.community.pk).member_count
    needles = (EMAIL, NAME, ORGANISATION, "quill-deprescribing", "QUILL-SENT")
    # The scan finds each of them before (it is not blind to any).
    assert {hit.split(": ", 1)[1] for hit in rows_containing(*needles)} == set(needles)
    reauthenticated(client, world.pat)

    response = client.post(DELETE, {"confirmation": f"  {EMAIL.upper()} "})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not User.objects.filter(pk=world.pat.pk).exists()
    assert rows_containing(*needles) == []
    # Their community content stays, as a former member's.
    assert Thread.objects.get(pk=thread.pk).author is None
    assert Post.objects.get(pk=reply.pk).body == "QUILL-REPLY"
    assert KnowledgeItem.objects.get(pk=item.pk).authors.count() == 0
    assert Post.objects.get(pk=world.mentioning.pk).body == "Thanks @Former member, agreed."
    assert Community.objects.get(pk=world.community.pk).member_count == members_before - 1
    assert Action.objects.get(pk=world.action.pk).owner is None
    # Their place at a meeting went to the first person waiting.
    assert Rsvp.objects.get(occurrence=occurrence, user=waiting).response == "going"
    # Other people's conversations are untouched; theirs with Pat keeps Ola's words.
    assert Message.objects.filter(body=OTHERS_SECRET).exists()
    assert Message.objects.filter(body="OLA-RECEIVED hi Pat").exists()
    assert Conversation.objects.count() == 2

    reader = world.friend
    client.force_login(reader)
    page = client.get(thread_url(thread))
    assert "Former member" in page.content.decode()
    item_page = client.get(item.get_absolute_url()).content.decode()
    assert "Former member" in item_page and NAME not in item_page
    meeting = client.get(meeting_of(world.event).get_absolute_url()).content.decode()
    assert "Draft the QUILL-ACTION protocol</strong> · Former member" in meeting


def test_a_deleted_member_cannot_sign_in(client, world):
    reauthenticated(client, world.pat)
    client.post(DELETE, {"confirmation": EMAIL})
    client.logout()
    response = client.post(reverse("account_login"), {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_other_sessions_of_the_member_end_too(client, world):
    from django.test import Client

    elsewhere = Client()
    elsewhere.force_login(world.pat)
    reauthenticated(client, world.pat)
    client.post(DELETE, {"confirmation": EMAIL})
    assert elsewhere.get(reverse("privacy:your_data")).status_code == 302


def test_the_only_core_member_must_hand_over_first(client, community):
    chair = MembershipFactory(community=community, level=Membership.Level.CORE).user
    MembershipFactory(community=community)
    reauthenticated(client, chair)

    page = client.get(DELETE)
    assert "You are the only core member of Safer Prescribing" in page.content.decode()
    response = client.post(DELETE, {"confirmation": chair.email})

    assert response.status_code == 409
    assert User.objects.filter(pk=chair.pk).exists()
    assert Membership.objects.filter(user=chair).exists()


def test_the_only_facilitator_must_ask_for_another_first(client, community):
    facilitator = FacilitatorAssignmentFactory(community=community).user
    reauthenticated(client, facilitator)
    response = client.post(DELETE, {"confirmation": facilitator.email})
    assert response.status_code == 409
    assert "only facilitator of Safer Prescribing" in response.content.decode()
    FacilitatorAssignmentFactory(community=community)
    response = client.post(DELETE, {"confirmation": facilitator.email})
    assert response.status_code == 302
    assert not User.objects.filter(pk=facilitator.pk).exists()


def test_a_core_member_among_others_may_leave(client, community):
    chair = MembershipFactory(community=community, level=Membership.Level.CORE).user
    MembershipFactory(community=community, level=Membership.Level.CORE)
    reauthenticated(client, chair)
    assert client.post(DELETE, {"confirmation": chair.email}).status_code == 302
