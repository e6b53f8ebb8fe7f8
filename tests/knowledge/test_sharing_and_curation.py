"""Curation (review, publish, feature, library), brokerage between communities, and
turning a discussion into knowledge."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Activity, Post, Thread
from knowledge import services
from knowledge.models import ItemShare, KnowledgeItem
from membership.models import Notification

from ..factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from .factories import contributor, curator, make_item

Status = KnowledgeItem.Status


def _status(client, item, status):
    return client.post(reverse("knowledge:status", args=[item.pk]), {"status": status})


def test_draft_to_review_to_published(client, community):
    author = contributor(community)
    core = curator(community)
    item = make_item(community, author=author, status=Status.DRAFT)

    client.force_login(author)
    assert _status(client, item, "published").status_code == 403
    assert _status(client, item, "in_review").status_code == 302
    client.force_login(core)
    assert _status(client, item, "published").status_code == 302

    item.refresh_from_db()
    assert item.status == "published"
    assert item.published_at is not None
    due = item.review_due_at - item.published_at
    assert timedelta(days=360) < due < timedelta(days=370)
    activity = Activity.objects.get(verb=Activity.Verb.ITEM_PUBLISHED)
    assert activity.community == community and activity.url == item.get_absolute_url()
    assert [v.change_note for v in item.history.order_by("history_id")][-2:] == [
        "Submitted for review",
        "Published",
    ]


def test_unpublishing_takes_the_item_out_of_the_feeds(community):
    core = curator(community)
    item = make_item(community, publisher=core)

    services.item_set_status(item=item, actor=core, status=Status.DRAFT)

    assert not Activity.objects.filter(target_id=item.pk, verb="item_published").exists()


def test_drafts_are_for_authors_and_moderators(client, community, peripheral, outsider):
    author = contributor(community)
    other_author = contributor(community)
    item = make_item(community, author=author, status=Status.DRAFT, summary="Draft words")
    url = reverse("knowledge:item", args=[item.pk])

    client.force_login(author)
    assert client.get(url).status_code == 200
    client.force_login(curator(community))
    assert client.get(url).status_code == 200
    for person in (peripheral, other_author, outsider):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 403
        assert "Draft words" not in response.content.decode()
    client.logout()
    assert client.get(url).status_code == 403
    listing = client.get(reverse("knowledge:repertoire", args=[community.slug]))
    assert "Draft words" not in listing.content.decode()


def test_mark_reviewed_sets_the_dates(client, community):
    core = curator(community)
    item = make_item(community, publisher=core)
    client.force_login(core)

    client.post(reverse("knowledge:review", args=[item.pk]))

    item.refresh_from_db()
    assert item.last_reviewed_at is not None
    assert item.review_due_at > timezone.now() + timedelta(days=360)


def test_items_due_for_review(community, settings):
    from knowledge.selectors import items_due_for_review

    core = curator(community)
    due = make_item(community, title="Due", publisher=core)
    make_item(community, title="Not due", publisher=core)
    make_item(community, title="Draft", status=Status.DRAFT)
    KnowledgeItem.objects.filter(pk=due.pk).update(review_due_at=timezone.now() - timedelta(days=1))

    assert [item.title for item in items_due_for_review()] == ["Due"]
    assert list(items_due_for_review(community=CommunityFactory())) == []


def test_review_reminders_reach_moderators_once(community):
    from knowledge.tasks import notify_reviews_due

    core = curator(community)
    item = make_item(community, publisher=core)
    KnowledgeItem.objects.filter(pk=item.pk).update(
        review_due_at=timezone.now() - timedelta(days=1)
    )

    first = notify_reviews_due()
    second = notify_reviews_due()

    assert first >= 1 and second == 0
    notes = Notification.objects.filter(kind=Notification.Kind.REVIEW_DUE)
    assert set(notes.values_list("recipient_id", flat=True)) >= {core.pk}


def test_featuring_and_the_platform_library(client, community):
    private = CommunityFactory(visibility="private", name="Private Team")
    core = curator(private)
    item = make_item(private, publisher=core, title="Handover sheet")
    reader = UserFactory()
    client.force_login(reader)
    assert client.get(reverse("knowledge:item", args=[item.pk])).status_code == 403

    client.force_login(core)
    client.post(reverse("knowledge:feature", args=[item.pk]), {"featured": "1"})
    client.post(reverse("knowledge:library_toggle", args=[item.pk]), {"in_library": "1"})
    item.refresh_from_db()
    assert item.is_featured and item.in_library

    client.force_login(reader)
    library = client.get(reverse("knowledge:library")).content.decode()
    assert "Handover sheet" in library and "From Private Team" in library
    assert client.get(reverse("knowledge:item", args=[item.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("knowledge:item", args=[item.pk])).status_code == 403
    assert "/accounts/login/" in client.get(reverse("knowledge:library"))["Location"]


def test_a_draft_cannot_be_featured_or_put_in_the_library(community):
    core = curator(community)
    item = make_item(community, status=Status.DRAFT)

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.item_set_featured(item=item, actor=core, featured=True)
    with pytest.raises(ValidationError):
        services.item_set_in_library(item=item, actor=core, in_library=True)


# --- brokerage --------------------------------------------------------------------


def test_an_author_shares_into_a_community_where_they_contribute(client, community):
    author = contributor(community, display_name="Sam Sharer")
    other = CommunityFactory(name="Neighbours")
    MembershipFactory(community=other, user=author, level="active")
    co_author = contributor(community)
    item = make_item(community, author=author, title="Discharge checklist")
    item.authors.add(co_author)
    client.force_login(author)

    page = client.get(reverse("knowledge:share", args=[item.pk])).content.decode()
    response = client.post(
        reverse("knowledge:share", args=[item.pk]), {"community": other.pk, "note": "Try it"}
    )

    assert "Neighbours" in page
    assert response.status_code == 302
    share = ItemShare.objects.get()
    assert (share.community, share.shared_by, share.note) == (other, author, "Try it")
    assert Activity.objects.filter(community=other, verb="item_shared").exists()
    notified = Notification.objects.filter(kind="item_shared")
    assert list(notified.values_list("recipient_id", flat=True)) == [co_author.pk]
    listing = client.get(reverse("knowledge:repertoire", args=[other.slug])).content.decode()
    assert "Discharge checklist" in listing and "From Safer Prescribing" in listing
    detail = client.get(reverse("knowledge:item", args=[item.pk])).content.decode()
    assert "Shared into Neighbours by Sam Sharer" in detail


def test_authors_cannot_share_where_they_may_not_contribute(community):
    from django.core.exceptions import ValidationError

    author = contributor(community)
    other = CommunityFactory()
    MembershipFactory(community=other, user=author, level="peripheral")
    item = make_item(community, author=author)

    with pytest.raises(ValidationError):
        services.item_share(item=item, actor=author, community=other, confirmed=True)
    assert not ItemShare.objects.exists()


def test_a_private_item_goes_public_only_after_an_explicit_confirmation(client, outsider):
    private = CommunityFactory(visibility="private", name="Night Shift Leads")
    public = CommunityFactory(name="Open Forum")
    author = contributor(private)
    MembershipFactory(community=public, user=author, level="active")
    item = make_item(private, author=author, title="Night handover", summary="Private words")
    client.force_login(author)
    url = reverse("knowledge:share", args=[item.pk])

    step = client.post(url, {"community": public.pk, "note": ""})

    html = step.content.decode()
    assert step.status_code == 200
    assert "What becomes visible" in html and "Open Forum" in html and "Night handover" in html
    assert not ItemShare.objects.exists()

    done = client.post(url, {"community": public.pk, "note": "", "confirm": "True"})

    assert done.status_code == 302
    assert ItemShare.objects.filter(item=item, community=public).exists()
    client.force_login(outsider)
    detail = client.get(reverse("knowledge:item", args=[item.pk]))
    assert detail.status_code == 200 and "Private words" in detail.content.decode()
    assert "From Night Shift Leads" in detail.content.decode()


def test_a_hidden_communitys_item_shared_out_never_names_it(client, outsider):
    hidden = CommunityFactory(visibility="hidden", name="Unlisted Oyster Team")
    public = CommunityFactory(name="Open Forum")
    facilitator = FacilitatorAssignmentFactory(community=hidden).user
    FacilitatorAssignmentFactory(community=public, user=facilitator)
    item = make_item(hidden, publisher=facilitator, title="Template")
    services.item_share(item=item, actor=facilitator, community=public, confirmed=True)
    client.force_login(outsider)

    detail = client.get(reverse("knowledge:item", args=[item.pk])).content.decode()
    listing = client.get(reverse("knowledge:repertoire", args=[public.slug])).content.decode()

    assert "Template" in detail and "From another community" in detail
    assert "Unlisted Oyster Team" not in detail and "Unlisted Oyster Team" not in listing
    assert client.get(reverse("knowledge:history", args=[item.pk])).status_code == 200


def test_peripheral_members_and_leaders_may_not_share(client, community, peripheral, leader):
    item = make_item(community)
    for person in (peripheral, leader):
        client.force_login(person)
        assert client.get(reverse("knowledge:share", args=[item.pk])).status_code == 403


def test_sharing_the_same_item_twice_is_refused(community):
    from django.core.exceptions import ValidationError

    facilitator = FacilitatorAssignmentFactory(community=community).user
    other = CommunityFactory()
    item = make_item(community)
    services.item_share(item=item, actor=facilitator, community=other, confirmed=True)

    with pytest.raises(ValidationError):
        services.item_share(item=item, actor=facilitator, community=other, confirmed=True)


# --- from discussion to knowledge --------------------------------------------------


def _question(community, *, answer: str | None):
    asker = contributor(community)
    thread = Thread.objects.create(
        community=community,
        kind="question",
        title="Patients refuse to taper",
        body="They say **no**.",
        author=asker,
    )
    if answer:
        post = Post.objects.create(thread=thread, author=asker, body=answer)
        thread.accepted_post = post
        thread.save()
    return thread


def test_a_question_becomes_an_answer_to_a_recurring_problem(client, community):
    core = curator(community)
    thread = _question(community, answer="Start from their goals.")
    url = reverse("knowledge:from_thread", args=[community.slug, thread.pk])
    client.force_login(core)

    form = client.get(url).content.decode()

    assert 'value="answer" selected' in form
    assert "They say **no**." in form and "Start from their goals." in form
    assert 'value="Patients refuse to taper"' in form

    response = client.post(
        url,
        {
            "kind": "answer",
            "title": "Patients refuse to taper",
            "summary": "What helps.",
            "problem": "They say no.",
            "solution": "Start from their goals.",
            "intent": "draft",
        },
    )
    item = KnowledgeItem.objects.get()
    assert response.status_code == 302
    assert item.source_thread == thread
    assert "From the discussion" in client.get(item.get_absolute_url()).content.decode()


def test_a_discussion_becomes_a_story(client, community):
    core = curator(community)
    thread = Thread.objects.create(
        community=community,
        kind="discussion",
        title="Our first month",
        body="We tried huddles.",
        author=core,
    )
    client.force_login(core)

    form = client.get(
        reverse("knowledge:from_thread", args=[community.slug, thread.pk])
    ).content.decode()

    assert 'value="story" selected' in form and "We tried huddles." in form


def test_threads_of_another_community_or_removed_are_not_found(client, community):
    core = curator(community)
    elsewhere = _question(CommunityFactory(), answer=None)
    removed = _question(community, answer=None)
    Thread.objects.filter(pk=removed.pk).update(deleted_at=timezone.now())
    client.force_login(core)

    for thread in (elsewhere, removed):
        url = reverse("knowledge:from_thread", args=[community.slug, thread.pk])
        assert client.get(url).status_code == 404


def test_engagement_counts_published_items(community):
    from membership.engagement import contributions_by_member

    author = contributor(community)
    make_item(community, author=author)
    make_item(community, author=author, title="Second")
    make_item(community, author=author, title="Draft", status=Status.DRAFT)

    counts = contributions_by_member(community, timezone.now() - timedelta(days=90))

    assert counts[author.pk] == 2


def test_a_published_item_cannot_go_back_to_review(client, community):
    core = curator(community)
    item = make_item(community, publisher=core)
    client.force_login(core)

    page = client.get(item.get_absolute_url()).content.decode()

    assert "Submit for review" not in page
    assert _status(client, item, "in_review").status_code == 403
