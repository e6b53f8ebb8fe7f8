"""Discussion pages: the list, a thread, starting, replying, editing, reports and the
moderation queue, as people see them."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.discussions import services
from communities.models import Report, Thread

from ..factories import CommunityFactory, MembershipFactory, UserFactory
from ..keyset import walk
from .factories import PostFactory, ThreadFactory, WorkingGroupFactory, WorkingGroupMemberFactory

Kind = Thread.Kind


def _list_url(community, **query):
    return reverse("discussions:list", args=[community.slug])


def _thread_url(thread):
    return reverse("discussions:thread", args=[thread.community.slug, thread.pk])


def _titles(response):
    return [thread.title for thread in response.context["threads"]]


def _ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


# --- the list -------------------------------------------------------------------------


def test_pinned_first_then_latest_activity_and_filter_by_kind(client, community):
    ThreadFactory(community=community, title="Old", last_activity_at=_ago(60))
    ThreadFactory(community=community, title="Pinned", is_pinned=True, last_activity_at=_ago(90))
    ThreadFactory(community=community, title="Fresh", last_activity_at=_ago(1), kind=Kind.QUESTION)
    ThreadFactory(community=community, title="Hidden", is_hidden=True)
    ThreadFactory(community=community, title="Removed", deleted_at=timezone.now())

    response = client.get(_list_url(community))
    assert _titles(response) == ["Pinned", "Fresh", "Old"]

    response = client.get(_list_url(community), {"kind": "question"})
    assert _titles(response) == ["Fresh"]
    assert _titles(client.get(_list_url(community), {"kind": "nonsense"})) == [
        "Pinned",
        "Fresh",
        "Old",
    ]


def test_moderators_also_see_hidden_threads_marked(client, community, core):
    ThreadFactory(community=community, title="Hidden", is_hidden=True)
    client.force_login(core)

    response = client.get(_list_url(community))

    assert _titles(response) == ["Hidden"]
    assert "Hidden by a moderator" in response.content.decode()


def test_pagination_keeps_the_filter(client, community):
    for n in range(25):
        ThreadFactory(community=community, kind=Kind.QUESTION, title=f"Q{n}")

    ThreadFactory(community=community, kind=Kind.DISCUSSION, title="Not a question")
    response = client.get(_list_url(community), {"kind": "question"})
    body = response.content.decode()

    # Keyset pages: the next page's link keeps the filter and carries the cursor.
    next_link = re.search(r'href="(\?kind=question&amp;before=[^"]+)" rel="next"', body)
    assert next_link, body
    second = client.get(_list_url(community) + html.unescape(next_link.group(1)))
    titles = _titles(response) + _titles(second)
    assert sorted(titles) == sorted(f"Q{n}" for n in range(25))
    assert 'rel="next"' not in second.content.decode()
    # Past page 1, a link back to it, still filtered.
    assert 'href="?kind=question" rel="first"' in second.content.decode()


def test_unread_marker_until_the_member_reads_the_thread(client, community, replier, active):
    thread = services.thread_create(
        community=community, author=active, kind=Kind.DISCUSSION, title="Hello", body="Hi"
    )
    client.force_login(replier)
    assert "New</strong>" in client.get(_list_url(community)).content.decode()

    client.get(_thread_url(thread))
    body = client.get(_list_url(community)).content.decode()
    assert "New</strong>" not in body and "New replies" not in body

    services.reply_create(thread=thread, author=active, body="More")
    assert "New replies" in client.get(_list_url(community)).content.decode()


def test_an_empty_list_says_what_it_will_hold(client, community, active):
    client.force_login(active)
    body = client.get(_list_url(community)).content.decode()
    assert "No discussions yet" in body
    assert "Start the first discussion" in body


# --- a thread -----------------------------------------------------------------------------


def test_a_removed_reply_shows_a_placeholder_and_hidden_ones_only_to_moderators(
    client, community, active, core
):
    thread = ThreadFactory(community=community, author=active)
    PostFactory(thread=thread, body="Deleted words", deleted_at=timezone.now())
    PostFactory(thread=thread, body="Hidden words", is_hidden=True)
    PostFactory(thread=thread, body="Visible words")

    body = client.get(_thread_url(thread)).content.decode()
    assert "Removed: the author deleted this reply." in body
    assert "Deleted words" not in body
    assert "Hidden words" not in body and "Hidden by a moderator" not in body
    assert "Visible words" in body

    client.force_login(core)
    body = client.get(_thread_url(thread)).content.decode()
    assert "Hidden words" in body and "Hidden by a moderator" in body


def test_a_hidden_thread_is_not_found_except_by_moderators(client, community, active, core):
    thread = ThreadFactory(community=community, author=active, is_hidden=True)
    client.force_login(active)
    assert client.get(_thread_url(thread)).status_code == 404
    client.force_login(core)
    assert client.get(_thread_url(thread)).status_code == 200


def test_a_removed_thread_shows_removed(client, community, active):
    thread = ThreadFactory(community=community, author=active, title="Gone", body="Old words")
    services.thread_delete(thread=thread, actor=active)

    body = client.get(_thread_url(thread)).content.decode()

    assert "Removed: the author deleted this thread." in body
    assert "Old words" not in body and "Gone" not in body


def test_the_accepted_answer_is_shown_first(client, community, active, replier):
    thread = ThreadFactory(community=community, author=active, kind=Kind.QUESTION)
    PostFactory(thread=thread, body="First guess")
    answer = PostFactory(thread=thread, author=replier, body="The right answer")
    services.answer_accept(thread=thread, post=answer, actor=active)

    body = client.get(_thread_url(thread)).content.decode()

    assert body.index("Accepted answer") < body.index("First guess")
    assert body.index("The right answer") < body.index("First guess")


def test_replies_are_paginated(client, community):
    thread = ThreadFactory(community=community)
    for n in range(31):
        PostFactory(thread=thread, body=f"answer-{n:02d}")

    first = client.get(_thread_url(thread)).content.decode()
    second = client.get(_thread_url(thread), {"page": 2}).content.decode()

    assert "answer-29" in first and "answer-30" not in first
    assert "answer-30" in second


def test_an_edited_post_links_to_its_history(client, community, active):
    thread = services.thread_create(
        community=community, author=active, kind=Kind.DISCUSSION, title="T", body="Before"
    )
    services.thread_edit(thread=thread, editor=active, title="T", body="After")

    body = client.get(_thread_url(thread)).content.decode()
    history_url = reverse("discussions:thread_history", args=[community.slug, thread.pk])
    assert history_url in body

    history = client.get(history_url).content.decode()
    assert history.index("After") < history.index("Before")


# --- starting and replying --------------------------------------------------------------------


def test_starting_a_thread(client, community, active):
    client.force_login(active)
    url = reverse("discussions:create", args=[community.slug])

    response = client.post(url, {"kind": "question", "title": "How?", "body": "Tell me"})

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _thread_url(thread)
    assert (thread.kind, thread.author) == (Kind.QUESTION, active)


def test_a_thread_form_with_errors_answers_400_keeping_input(client, community, active):
    client.force_login(active)
    url = reverse("discussions:create", args=[community.slug])

    response = client.post(url, {"kind": "question", "title": "", "body": "Kept words"})

    assert response.status_code == 400
    assert "Kept words" in response.content.decode()
    assert not Thread.objects.exists()


def test_announcement_is_not_offered_to_active_members(client, community, active, core):
    url = reverse("discussions:create", args=[community.slug])
    client.force_login(active)
    assert client.post(url, {"kind": "announcement", "title": "x", "body": "y"}).status_code == 400
    client.force_login(core)
    assert 'value="announcement"' in client.get(url).content.decode()


def test_starting_a_thread_in_a_working_group(client, community, active):
    group = WorkingGroupFactory(community=community, slug="leaflet")
    WorkingGroupMemberFactory(group=group, user=active)
    client.force_login(active)
    url = reverse("discussions:create", args=[community.slug]) + "?group=leaflet"

    assert client.get(url).status_code == 200
    client.post(url, {"kind": "discussion", "title": "Draft", "body": "v1"})

    assert Thread.objects.get().group == group
    other = WorkingGroupFactory(slug="elsewhere")
    bad = reverse("discussions:create", args=[community.slug]) + f"?group={other.slug}"
    assert client.get(bad).status_code == 404


def test_non_group_members_may_not_start_a_group_thread(client, community, active):
    WorkingGroupFactory(community=community, slug="leaflet")
    client.force_login(active)
    url = reverse("discussions:create", args=[community.slug]) + "?group=leaflet"
    assert client.get(url).status_code == 403


def test_replying_and_a_reply_with_errors(client, community, active, replier):
    thread = ThreadFactory(community=community, author=active)
    client.force_login(replier)
    url = reverse("discussions:reply", args=[community.slug, thread.pk])

    response = client.post(url, {"body": ""})
    assert response.status_code == 400

    response = client.post(url, {"body": "Thanks"})
    assert response.status_code == 302
    assert thread.posts.get().body == "Thanks"


def test_a_too_long_reply_answers_400_keeping_input(client, community, active, replier):
    thread = ThreadFactory(community=community, author=active)
    client.force_login(replier)
    url = reverse("discussions:reply", args=[community.slug, thread.pk])
    body = "kept " * 4001

    response = client.post(url, {"body": body})

    assert response.status_code == 400
    assert "kept kept" in response.content.decode()


def test_a_locked_thread_refuses_a_reply_with_a_clear_message(client, community, replier):
    thread = ThreadFactory(community=community, is_locked=True)
    client.force_login(replier)

    response = client.post(
        reverse("discussions:reply", args=[community.slug, thread.pk]), {"body": "Hi"}
    )

    assert response.status_code == 403
    assert "This thread is locked" in response.content.decode()
    assert not thread.posts.exists()


def test_editing_a_reply_with_errors_answers_400(client, community, replier):
    post = PostFactory(thread=ThreadFactory(community=community), author=replier)
    client.force_login(replier)
    url = reverse("discussions:reply_edit", args=[community.slug, post.thread_id, post.pk])

    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "Better"}).status_code == 302
    post.refresh_from_db()
    assert post.body == "Better" and post.edited_at is not None


def test_a_reply_in_another_thread_is_not_found(client, community, replier):
    post = PostFactory(author=replier, thread=ThreadFactory(community=community))
    other = ThreadFactory(community=community)
    client.force_login(replier)
    url = reverse("discussions:reply_edit", args=[community.slug, other.pk, post.pk])
    assert client.get(url).status_code == 404


def test_a_thread_of_another_community_is_not_found(client, community):
    thread = ThreadFactory(community=CommunityFactory())
    url = reverse("discussions:thread", args=[community.slug, thread.pk])
    assert client.get(url).status_code == 404


# --- reports and the moderation queue ----------------------------------------------------------


def test_reporting_needs_a_reason_and_only_once(client, community, active, replier):
    thread = ThreadFactory(community=community, author=active)
    client.force_login(replier)
    url = reverse("discussions:thread_report", args=[community.slug, thread.pk])

    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Spam"}).status_code == 302
    response = client.post(url, {"reason": "Spam again"})
    assert response.status_code == 400
    assert "already reported" in response.content.decode()
    assert Report.objects.count() == 1


def test_the_queue_resolves_a_report_hiding_the_content(client, community, active, replier, core):
    thread = ThreadFactory(community=community, author=active)
    post = PostFactory(thread=thread, author=active, body="Offending words")
    report = services.report_create(reporter=replier, thread=thread, post=post, reason="Rude")
    client.force_login(core)
    queue = reverse("discussions:moderation", args=[community.slug])

    body = client.get(queue).content.decode()
    assert "Offending words" in body and "Rude" in body

    decide = reverse("discussions:report_decide", args=[community.slug, report.pk])
    assert client.post(decide, {"decision": "maybe"}).status_code == 400
    response = client.post(decide, {"decision": "resolve", "hide_content": "on"})

    assert response.status_code == 302
    report.refresh_from_db()
    post.refresh_from_db()
    assert report.status == "resolved" and report.decided_by == core and post.is_hidden
    assert "1 open report" not in client.get(queue).content.decode()


def test_a_report_of_another_community_is_not_found(client, community, core):
    other = CommunityFactory()
    thread = ThreadFactory(community=other)
    report = Report.objects.create(community=other, thread=thread, reason="x")
    client.force_login(core)
    url = reverse("discussions:report_decide", args=[community.slug, report.pk])
    assert client.post(url, {"decision": "dismiss"}).status_code == 404


def test_moving_a_thread_through_the_form(client, community, active, core):
    group = WorkingGroupFactory(community=community, name="Leaflet")
    thread = ThreadFactory(community=community, author=active)
    client.force_login(core)
    url = reverse("discussions:thread_move", args=[community.slug, thread.pk])

    assert client.post(url, {"destination": "g:999999"}).status_code == 400
    assert client.post(url, {"destination": f"c:{community.pk}"}).status_code == 400
    assert client.post(url, {"destination": f"g:{group.pk}"}).status_code == 302
    thread.refresh_from_db()
    assert thread.group == group


def test_unknown_moderation_action_is_a_bad_request(client, community, core):
    thread = ThreadFactory(community=community)
    client.force_login(core)
    url = reverse("discussions:thread_moderate", args=[community.slug, thread.pk])
    assert client.post(url, {"action": "explode"}).status_code == 400
    assert client.post(url, {"action": "lock"}).status_code == 302
    thread.refresh_from_db()
    assert thread.is_locked


# --- the community home --------------------------------------------------------------------------


def test_latest_three_announcements_on_the_community_home(client, community, core):
    for n in range(4):
        ThreadFactory(community=community, kind=Kind.ANNOUNCEMENT, title=f"News {n}")
    ThreadFactory(community=community, kind=Kind.ANNOUNCEMENT, title="Hidden news", is_hidden=True)

    body = client.get(reverse("communities:home", args=[community.slug])).content.decode()

    assert "Announcements" in body
    assert [f"News {n}" in body for n in range(4)] == [False, True, True, True]
    assert "Hidden news" not in body


def test_a_private_community_home_shows_no_announcement_to_outsiders(client, outsider):
    private = CommunityFactory(visibility="private")
    ThreadFactory(community=private, kind=Kind.ANNOUNCEMENT, title="Members only news")
    client.force_login(outsider)
    body = client.get(reverse("communities:home", args=[private.slug])).content.decode()
    assert "Members only news" not in body


# --- query budgets -------------------------------------------------------------

# Signed-in pages include the navigation's unread counts (1); the thread page also
# reads reactions (1) and its poll (up to 2).
LIST_QUERIES = 6  # keyset pages: no count of the threads
THREAD_QUERIES = 11  # a return visit marks the thread read in one UPDATE


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_the_same_with_few_or_many_threads(
    client, community, replier, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        ThreadFactory(community=community, author=UserFactory(), kind=Kind.QUESTION)
    client.force_login(replier)
    client.get(_list_url(community))

    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(_list_url(community))
    assert len(response.context["threads"]) == min(rows, 20)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_thread_page_costs_the_same_with_few_or_many_replies(
    client, community, active, replier, rows, django_assert_max_num_queries
):
    thread = ThreadFactory(community=community, author=active, kind=Kind.QUESTION)
    posts = [PostFactory(thread=thread, author=UserFactory()) for _ in range(rows)]
    thread.accepted_post = posts[0]
    thread.save()
    MembershipFactory(community=community)
    client.force_login(active)
    client.get(_thread_url(thread))

    with django_assert_max_num_queries(THREAD_QUERIES):
        response = client.get(_thread_url(thread))
    assert len(response.context["replies"]) == rows


def test_deleting_asks_first_then_shows_removed(client, community, replier):
    post = PostFactory(thread=ThreadFactory(community=community), author=replier, body="Mine")
    client.force_login(replier)
    url = reverse("discussions:reply_delete", args=[community.slug, post.thread_id, post.pk])

    response = client.get(url)
    assert response.status_code == 200
    assert "Delete your reply?" in response.content.decode()
    post.refresh_from_db()
    assert not post.is_removed

    assert client.post(url).status_code == 302
    body = client.get(_thread_url(post.thread)).content.decode()
    assert "Removed: the author deleted this reply." in body and "Mine" not in body


QUEUE_QUERIES = 9  # incl. the navigation's unread counts


@pytest.mark.parametrize("rows", [3, 30])
def test_the_moderation_queue_costs_the_same_with_few_or_many_reports(
    client, community, core, rows, django_assert_max_num_queries
):
    for n in range(rows):
        thread = ThreadFactory(community=community, author=UserFactory())
        post = PostFactory(thread=thread, author=UserFactory()) if n % 2 else None
        Report.objects.create(
            community=community, thread=thread, post=post, reporter=UserFactory(), reason="x"
        )
        Report.objects.create(
            community=community,
            thread=thread,
            reporter=UserFactory(),
            reason="y",
            status="dismissed",
            decided_by=core,
            decided_at=timezone.now(),
        )
        services.thread_set_pinned(thread=thread, actor=core, pinned=True)
    client.force_login(core)
    url = reverse("discussions:moderation", args=[community.slug])
    client.get(url)

    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(url)
    assert len(response.context["rows"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_thread_list_pages_cost_the_same_for_1_or_50_threads_down_to_the_last(
    client, community, replier, rows
):
    for n in range(rows):
        ThreadFactory(community=community, title=f"T{n:02}", is_pinned=n % 9 == 0)
    client.force_login(replier)

    pages, counts = walk(client, _list_url(community), _titles)

    # Keyset pages: the third page costs what the first does, nothing counts the list.
    assert len(pages) == -(-rows // 20)
    assert sorted(title for page in pages for title in page) == [f"T{n:02}" for n in range(rows)]
    assert counts == [LIST_QUERIES] * len(pages)


def test_a_malformed_thread_list_cursor_is_a_400(client, community, replier):
    client.force_login(replier)

    assert client.get(_list_url(community), {"before": "nonsense"}).status_code == 400
