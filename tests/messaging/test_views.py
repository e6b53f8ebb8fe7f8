"""Messaging pages: inbox, conversation, starting, replying, blocking, reporting."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from membership.messaging import services
from membership.models import (
    Block,
    Conversation,
    ConversationParticipant,
    Message,
    MessageReport,
)

from ..factories import MembershipFactory, UserFactory
from ..xss import FORM_PAYLOADS, assert_inert, assert_links_safe
from .factories import conversation_between, people_sharing_a_community

INBOX = reverse("messaging:inbox")
NEW = reverse("messaging:new")


def _conversation_url(conversation):
    return reverse("messaging:conversation", args=[conversation.pk])


def _region(html: str, css_class: str) -> str:
    match = re.search(rf'<(ol|ul) class="{css_class}">(.*?)</\1>', html, re.S)
    assert match, f"no {css_class} on the page"
    return match.group(2)


def test_messages_are_not_in_the_admin_site():
    for model in (Conversation, ConversationParticipant, Message, Block, MessageReport):
        assert not admin.site.is_registered(model), model.__name__


def test_the_inbox_marks_unread_conversations_and_the_nav_counts_them(client, peripheral, core):
    conversation_between(peripheral, [core], body="Are you free on **Tuesday**?")
    client.force_login(core)

    body = client.get(INBOX).content.decode()

    assert "Are you free on Tuesday?" in body
    assert "is-unread" in body
    assert '<span class="nav-count">1</span>' in body


def test_opening_a_conversation_shows_markdown_oldest_first_and_marks_it_read(
    client, peripheral, core
):
    conversation = conversation_between(
        peripheral, [core], body="First *one*", replies=[(peripheral, "Second one")]
    )
    client.force_login(core)

    body = client.get(_conversation_url(conversation)).content.decode()

    assert body.index("First <em>one</em>") < body.index("Second one")
    assert client.get(INBOX).context["rows"][0]["conversation"].is_unread is False


def test_admins_and_other_members_get_404_for_a_conversation(
    client, peripheral, core, admin_user, community
):
    conversation = conversation_between(peripheral, [core])
    other_member = MembershipFactory(community=community).user
    for person in (admin_user, other_member):
        client.force_login(person)
        assert client.get(_conversation_url(conversation)).status_code == 404


def test_the_inbox_paginates_by_latest_message(client, peripheral, community):
    others = [MembershipFactory(community=community).user for _ in range(22)]
    for other in others:
        conversation_between(other, [peripheral])
    client.force_login(peripheral)

    first = client.get(INBOX)
    second = client.get(INBOX, {"before": first.context["page"].next_cursor})

    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 2
    assert client.get(INBOX, {"before": "nonsense"}).status_code == 400


def test_a_long_conversation_pages_back_to_earlier_messages(client, peripheral, core):
    conversation = conversation_between(
        peripheral, [core], body="The very first", replies=[(core, f"Reply {n}") for n in range(35)]
    )
    client.force_login(core)

    latest = client.get(_conversation_url(conversation))
    earlier = client.get(
        _conversation_url(conversation), {"before": latest.context["page"].next_cursor}
    )

    assert "The very first" not in latest.content.decode()
    assert "Reply 34" in latest.content.decode()
    assert "The very first" in earlier.content.decode()


def test_starting_a_conversation_sends_and_opens_it(client, peripheral, core):
    client.force_login(peripheral)

    response = client.post(NEW, {"recipients": [core.pk], "body": "Hello Core"})

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _conversation_url(conversation)
    assert conversation.messages.get().body == "Hello Core"


def test_the_picker_offers_only_reachable_people_and_honours_to(client, peripheral, core, outsider):
    client.force_login(peripheral)

    response = client.get(NEW, {"to": core.pk})

    field = response.context["form"]["recipients"]
    assert set(field.field.queryset) == {core}
    assert response.context["form"].initial["recipients"] == [core.pk]
    assert client.get(NEW, {"to": outsider.pk}).context["form"].initial["recipients"] == []


def test_a_stranger_cannot_be_chosen_by_posting_their_id(client, peripheral, outsider):
    client.force_login(peripheral)

    response = client.post(NEW, {"recipients": [outsider.pk], "body": "Sneaky"})

    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_a_start_without_recipients_answers_400_and_keeps_the_text(client, peripheral, core):
    client.force_login(peripheral)

    response = client.post(NEW, {"body": "Kept words", "subject": "Kept subject"})

    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "Kept words" in body and "Kept subject" in body


def test_too_many_recipients_answer_400(client, community):
    starter, *others = people_sharing_a_community(9, community)
    client.force_login(starter)

    response = client.post(NEW, {"recipients": [o.pk for o in others], "body": "Everyone"})

    assert response.status_code == 400
    assert "at most" in response.content.decode()


def test_an_empty_reply_answers_400_and_a_good_one_redirects(client, peripheral, core):
    conversation = conversation_between(peripheral, [core])
    client.force_login(core)
    url = reverse("messaging:reply", args=[conversation.pk])

    bad = client.post(url, {"body": "   "})
    too_long = client.post(url, {"body": "x" * 5001})
    good = client.post(url, {"body": "Sounds good"})

    assert bad.status_code == 400
    assert too_long.status_code == 400
    assert "x" * 5001 in too_long.content.decode()
    assert good.status_code == 302
    assert conversation.messages.filter(body="Sounds good").exists()


def test_a_blocked_person_sees_replies_closed_and_a_reply_is_refused(client, peripheral, core):
    conversation = conversation_between(peripheral, [core])
    client.force_login(core)
    client.post(
        reverse("messaging:block", args=[peripheral.pk]), {"next": _conversation_url(conversation)}
    )
    client.force_login(peripheral)

    page = client.get(_conversation_url(conversation)).content.decode()
    response = client.post(reverse("messaging:reply", args=[conversation.pk]), {"body": "Hey"})

    assert "Replies are closed here" in page
    assert response.status_code == 400
    assert conversation.messages.count() == 1


def test_the_blocked_people_page_lists_and_unblocks(client, peripheral, core):
    client.force_login(core)
    client.post(reverse("messaging:block", args=[peripheral.pk]))

    listed = client.get(reverse("messaging:blocked")).content.decode()
    client.post(reverse("messaging:unblock", args=[peripheral.pk]))

    assert peripheral.name in listed
    assert not Block.objects.exists()


def test_block_never_redirects_off_site(client, peripheral, core):
    client.force_login(core)

    response = client.post(
        reverse("messaging:block", args=[peripheral.pk]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("messaging:blocked")


def test_muting_removes_the_unread_badge(client, peripheral, core):
    conversation = conversation_between(peripheral, [core])
    client.force_login(core)
    client.post(reverse("messaging:mute", args=[conversation.pk]), {"muted": "1"})
    services.message_send(conversation=conversation, sender=peripheral, body="Another")

    body = client.get(INBOX).content.decode()

    assert 'class="nav-count"' not in body
    assert "Muted" in body


def test_leaving_takes_the_conversation_out_of_the_inbox(client, peripheral, core):
    conversation = conversation_between(peripheral, [core])
    client.force_login(core)

    client.post(reverse("messaging:leave", args=[conversation.pk]))

    assert client.get(INBOX).context["rows"] == []
    assert client.get(_conversation_url(conversation)).status_code == 404


def test_the_report_queue_shows_only_the_reported_message(client, peripheral, core, facilitator):
    conversation = conversation_between(
        peripheral, [core], body="Private plans", replies=[(peripheral, "Unkind words")]
    )
    unkind = conversation.messages.get(body="Unkind words")
    client.force_login(core)
    report_url = reverse("messaging:report", args=[conversation.pk, unkind.pk])
    assert client.post(report_url, {"reason": ""}).status_code == 400
    assert client.post(report_url, {"reason": "Hurtful"}).status_code == 302
    client.force_login(facilitator)

    body = client.get(reverse("messaging:reports")).content.decode()

    assert "Unkind words" in body and "Hurtful" in body
    assert "Private plans" not in body


def test_members_cannot_see_the_report_queue(client, core):
    client.force_login(core)

    assert client.get(reverse("messaging:reports")).status_code == 403


def test_a_profile_offers_a_message_link_only_to_people_who_may_message(
    client, peripheral, core, outsider
):
    profile = reverse("membership:profile", args=[core.pk])
    link = f"{NEW}?to={core.pk}"

    client.force_login(peripheral)
    assert link in client.get(profile).content.decode()
    client.force_login(outsider)
    assert link not in client.get(profile).content.decode()


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_message_bodies_are_inert(client, peripheral, core, payload):
    client.force_login(peripheral)
    client.post(NEW, {"recipients": [core.pk], "body": payload})
    conversation = Conversation.objects.get()
    client.force_login(core)

    page = client.get(_conversation_url(conversation)).content.decode()
    inbox = client.get(INBOX).content.decode()

    bodies = "".join(re.findall(r'<div class="message-body">(.*?)</div>', page, re.S))
    assert bodies
    assert_inert(_region(page, "message-list"))
    assert_links_safe(bodies)
    assert_inert(_region(inbox, "conversation-list"))


# --- query budgets ---------------------------------------------------------------

INBOX_QUERIES = 5  # session, user, conversations, their people, nav counts
CONVERSATION_QUERIES = 9
REPORTS_QUERIES = 4


@pytest.mark.parametrize("rows", [3, 30])
def test_inbox_query_count_is_fixed(client, community, django_assert_num_queries, rows):
    me = MembershipFactory(community=community).user
    for _ in range(rows):
        other = MembershipFactory(community=community).user
        conversation_between(other, [me, MembershipFactory(community=community).user])
    client.force_login(me)

    with django_assert_num_queries(INBOX_QUERIES):
        assert client.get(INBOX).status_code == 200


@pytest.mark.parametrize("rows", [3, 40])
def test_conversation_query_count_is_fixed(
    client, peripheral, core, django_assert_num_queries, rows
):
    conversation = conversation_between(
        peripheral, [core], replies=[(core, f"Reply {n}") for n in range(rows)]
    )
    client.force_login(core)

    with django_assert_num_queries(CONVERSATION_QUERIES):
        assert client.get(_conversation_url(conversation)).status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_report_queue_query_count_is_fixed(
    client, community, facilitator, django_assert_num_queries, rows
):
    for _ in range(rows):
        sender, reporter = people_sharing_a_community(2, community)
        message = conversation_between(sender, [reporter]).messages.get()
        services.message_report(message=message, reporter=reporter, reason="Rude")
    client.force_login(facilitator)

    with django_assert_num_queries(REPORTS_QUERIES):
        assert client.get(reverse("messaging:reports")).status_code == 200


def test_new_message_form_for_someone_with_no_one_to_write_to(client, db):
    client.force_login(UserFactory())

    body = client.get(NEW).content.decode()

    assert "No one to write to yet" in body
