"""Emails name authors by their display name, "A member" without one, and "Former
member" once the account is gone: never by their email address."""

from communities.discussions import services as discussions
from communities.models import Thread
from membership.models import Membership

from ..factories import MembershipFactory
from ..notifications.email.digest_world import (
    MONDAY_AFTERNOON,
    TUESDAY_DIGEST,
    at,
    messages_to,
    on_daily,
    run_digests,
    text_of,
)


def test_a_digest_never_names_an_author_by_their_email_address(
    community, smtp_server, django_capture_on_commit_callbacks
):
    reader = on_daily(MembershipFactory(community=community).user)
    nameless = MembershipFactory(
        community=community, level=Membership.Level.ACTIVE, user__display_name=""
    ).user
    gone = MembershipFactory(community=community, level=Membership.Level.ACTIVE).user
    with at(MONDAY_AFTERNOON):
        for author, title in ((nameless, "Nameless thread"), (gone, "Thread of someone gone")):
            discussions.thread_create(
                community=community, author=author, kind="discussion", title=title, body="?"
            )
    Thread.objects.filter(author=gone).update(author=None)

    run_digests(TUESDAY_DIGEST, django_capture_on_commit_callbacks)

    [message] = messages_to(smtp_server, reader)
    text = text_of(message)
    assert "Nameless thread (A member)" in text
    assert nameless.email not in message.as_string()
    assert "Thread of someone gone (Former member)" in text
