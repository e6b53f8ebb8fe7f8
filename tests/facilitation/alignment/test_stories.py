"""Value stories: any participant records one, core members confirm or decline it,
the author edits it while it waits; readers see the confirmed ones."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from facilitation.alignment import services
from facilitation.models import ValueStory
from membership.models import Notification

from ...factories import CommunityFactory, FacilitatorAssignmentFactory, MembershipFactory
from ...knowledge.factories import make_item
from .factories import PriorityFactory, make_story, member

Status = ValueStory.Status


def _list(community):
    return reverse("alignment:stories", args=[community.slug])


def _detail(story):
    return reverse("alignment:story", args=[story.community.slug, story.pk])


def _form(**overrides):
    data = {
        "title": "Fewer falls on ward 7",
        "applied": "The falls checklist from the network, on ward 7.",
        "changed": "Falls went from 12 to 5 a month.",
        "value_type": "realised",
    }
    data.update(overrides)
    return data


# --- recording ---------------------------------------------------------------------------


def test_a_peripheral_member_records_a_story_and_core_members_are_told(
    client, community, peripheral, core, facilitator
):
    item = make_item(community, title="Falls checklist")
    priority = PriorityFactory(name="Safer care")
    client.force_login(peripheral)

    response = client.post(
        reverse("alignment:story_create", args=[community.slug]),
        _form(items=[item.pk], priorities=[priority.pk]),
    )

    story = ValueStory.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(story)
    assert (story.status, story.author, story.community) == (Status.RECORDED, peripheral, community)
    assert list(story.items.all()) == [item]
    assert list(story.priorities.all()) == [priority]
    told = set(
        Notification.objects.filter(kind="value_story_waiting").values_list("recipient", flat=True)
    )
    assert core.pk in told and facilitator.pk in told
    assert peripheral.pk not in told


def test_an_invalid_story_answers_400_and_keeps_what_was_typed(client, community, peripheral):
    client.force_login(peripheral)

    response = client.post(
        reverse("alignment:story_create", args=[community.slug]),
        _form(changed="", applied="Kept words"),
    )

    assert response.status_code == 400
    assert "Kept words" in response.content.decode()
    assert not ValueStory.objects.exists()


def test_the_form_explains_every_kind_of_value(client, community, peripheral):
    client.force_login(peripheral)

    body = client.get(reverse("alignment:story_create", args=[community.slug])).content.decode()

    for word in ("Immediate", "Potential", "Applied", "Realised", "Reframing"):
        assert f"<strong>{word}</strong>:" in body


def test_items_offered_are_this_communitys_or_shared_into_it(community, peripheral):
    from facilitation.alignment.selectors import story_item_choices
    from knowledge import services as knowledge

    own = make_item(community, title="Own")
    other = CommunityFactory()
    author = MembershipFactory(community=other, level="active").user
    MembershipFactory(community=community, level="active", user=author)
    shared = make_item(other, author=author, title="Shared in")
    knowledge.item_share(item=shared, actor=author, community=community, confirmed=True)
    make_item(other, title="Not here")
    private = CommunityFactory(visibility="private")
    make_item(private, title="Private")

    titles = set(
        story_item_choices(user=peripheral, community=community).values_list("title", flat=True)
    )

    assert titles == {own.title, shared.title}


def test_an_item_of_another_community_is_refused(client, community, peripheral):
    elsewhere = make_item(CommunityFactory(), title="Elsewhere")
    make_item(community, title="Here")
    client.force_login(peripheral)

    response = client.post(
        reverse("alignment:story_create", args=[community.slug]), _form(items=[elsewhere.pk])
    )

    assert response.status_code == 400
    with pytest.raises(ValidationError):
        services.story_create(community=community, actor=peripheral, items=[elsewhere], **_form())


def test_outsiders_may_not_record_stories(client, community, outsider):
    client.force_login(outsider)

    assert client.get(reverse("alignment:story_create", args=[community.slug])).status_code == 403


# --- reading -------------------------------------------------------------------------------


def test_readers_see_confirmed_stories_but_waiting_ones_only_author_and_confirmers(
    client, community, core, outsider
):
    author = member(community)
    waiting = make_story(community, author=author, title="Waiting story")
    confirmed = make_story(community, title="Confirmed story", status=Status.CONFIRMED)
    make_story(community, title="Declined story", status=Status.DECLINED)
    other_member = member(community)

    for person, expected in [
        (outsider, {"Confirmed story"}),
        (other_member, {"Confirmed story"}),
        (author, {"Confirmed story", "Waiting story"}),
        (core, {"Confirmed story", "Waiting story", "Declined story"}),
    ]:
        client.force_login(person)
        body = client.get(_list(community)).content.decode()
        shown = {t for t in ("Confirmed story", "Waiting story", "Declined story") if t in body}
        assert shown == expected, person
    client.force_login(other_member)
    assert client.get(_detail(waiting)).status_code == 404
    assert client.get(_detail(confirmed)).status_code == 200
    client.force_login(author)
    assert client.get(_detail(waiting)).status_code == 200


@pytest.mark.parametrize("visibility", ["private", "hidden"])
def test_a_closed_communitys_stories_are_404_to_non_readers(client, outsider, visibility):
    closed = CommunityFactory(visibility=visibility)
    story = make_story(closed, status=Status.CONFIRMED, title="Closed SECRET story")
    client.force_login(outsider)

    response = client.get(_detail(story))

    assert response.status_code == 404
    assert b"SECRET" not in response.content
    listing = client.get(_list(closed))
    assert listing.status_code == (403 if visibility == "private" else 404)
    assert b"SECRET" not in listing.content


def test_the_detail_shows_linked_items_the_viewer_may_read(client, community, outsider):
    item = make_item(community, title="Falls checklist")
    story = make_story(community, items=[item], status=Status.CONFIRMED)
    client.force_login(outsider)

    body = client.get(_detail(story)).content.decode()

    assert "Falls checklist" in body
    assert item.get_absolute_url() in body


# --- deciding ------------------------------------------------------------------------------


def test_a_core_member_confirms_and_the_author_is_told(client, community, core):
    story = make_story(community)
    client.force_login(core)

    response = client.post(
        reverse("alignment:story_decide", args=[community.slug, story.pk]),
        {"decision": "confirm"},
    )

    story.refresh_from_db()
    assert response.status_code == 302
    assert (story.status, story.decided_by) == (Status.CONFIRMED, core)
    assert Notification.objects.filter(
        kind="value_story_confirmed", recipient=story.author
    ).exists()


def test_a_facilitator_declines_with_a_note(client, community):
    facilitator = FacilitatorAssignmentFactory(community=community).user
    story = make_story(community)
    client.force_login(facilitator)

    client.post(
        reverse("alignment:story_decide", args=[community.slug, story.pk]),
        {"decision": "decline", "note": "This was another team's project."},
    )

    story.refresh_from_db()
    assert story.status == Status.DECLINED
    assert story.decision_note == "This was another team's project."
    assert Notification.objects.filter(kind="value_story_declined").exists()


def test_a_decision_without_a_choice_answers_400(client, community, core):
    story = make_story(community)
    client.force_login(core)

    response = client.post(
        reverse("alignment:story_decide", args=[community.slug, story.pk]), {"note": "Kept note"}
    )

    assert response.status_code == 400
    assert "Kept note" in response.content.decode()


def test_a_story_is_decided_only_once(db, community, core):
    story = make_story(community)
    services.story_decide(story=story, actor=core, confirm=True)

    with pytest.raises(ValidationError):
        services.story_decide(story=ValueStory.objects.get(pk=story.pk), actor=core, confirm=False)


def test_the_author_may_not_confirm_their_own_story(client, community):
    author = member(community)
    story = make_story(community, author=author)
    client.force_login(author)

    response = client.post(
        reverse("alignment:story_decide", args=[community.slug, story.pk]),
        {"decision": "confirm"},
    )

    assert response.status_code == 403


def test_a_core_member_does_not_confirm_their_own_story(client, community, core):
    story = make_story(community, author=core)
    client.force_login(core)

    assert "Send the decision" not in client.get(_detail(story)).content.decode()
    response = client.post(
        reverse("alignment:story_decide", args=[community.slug, story.pk]),
        {"decision": "confirm"},
    )
    assert response.status_code == 403
    with pytest.raises(ValidationError):
        services.story_decide(story=story, actor=core, confirm=True)


def test_a_decided_story_cannot_be_decided_again_through_the_page(client, community, core):
    story = make_story(community, status=Status.DECLINED)
    client.force_login(core)

    response = client.post(
        reverse("alignment:story_decide", args=[community.slug, story.pk]),
        {"decision": "confirm"},
    )

    assert response.status_code == 403


# --- editing --------------------------------------------------------------------------------


def test_the_author_edits_while_the_story_waits(client, community):
    author = member(community)
    story = make_story(community, author=author)
    url = reverse("alignment:story_edit", args=[community.slug, story.pk])
    client.force_login(author)

    response = client.post(url, _form(title="Falls halved"))

    story.refresh_from_db()
    assert response.status_code == 302
    assert story.title == "Falls halved"
    assert client.post(url, _form(title="")).status_code == 400


def test_no_edits_once_decided_or_by_others(client, community, core):
    author = member(community)
    story = make_story(community, author=author)
    url = reverse("alignment:story_edit", args=[community.slug, story.pk])
    other = member(community)

    client.force_login(core)
    assert client.get(url).status_code == 403
    client.force_login(other)
    assert client.get(url).status_code == 404
    services.story_decide(story=story, actor=core, confirm=True)
    client.force_login(author)
    assert client.get(url).status_code == 403


# --- budgets --------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_the_story_list_costs_the_same_with_1_or_30_stories(
    client, community, core, django_assert_num_queries, rows
):
    priority = PriorityFactory()
    author = member(community)
    for n in range(rows):
        make_story(community, author=author, title=f"Story {n}", priorities=[priority])
    client.force_login(core)

    # session, user, community, permissions, stories, their priorities, nav unread counts
    with django_assert_num_queries(7):
        response = client.get(_list(community))

    assert len(response.context["page"].items) == min(rows, 20)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_signed_out_story_list_costs_the_same(
    client, community, django_assert_num_queries, rows
):
    author = member(community)
    for n in range(rows):
        make_story(community, author=author, title=f"Story {n}", status=Status.CONFIRMED)

    # community, stories, their priorities
    with django_assert_num_queries(3):
        client.get(_list(community))


@pytest.mark.parametrize("rows", [1, 30])
def test_the_story_page_costs_the_same_however_many_links(
    client, community, core, django_assert_num_queries, rows
):
    items = [make_item(community, title=f"Item {n}") for n in range(rows)]
    priorities = PriorityFactory.create_batch(rows)
    story = make_story(community, items=items, priorities=priorities)
    client.force_login(core)

    # session, user, community, story, permissions, readable community ids (items),
    # priorities, items, nav unread counts
    with django_assert_num_queries(9):
        response = client.get(_detail(story))

    assert len(response.context["items"]) == rows
