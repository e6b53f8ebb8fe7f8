"""Knowledge brokerage: every share into another community and every link to
another community's thread or item is recorded as a BrokerageEvent."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from communities.discussions import services as discussions
from facilitation.alignment.services import brokerage_record_links, internal_links
from facilitation.models import BrokerageEvent
from knowledge import services as knowledge
from knowledge.models import KnowledgeItem

from ...discussions.factories import ThreadFactory
from ...factories import CommunityFactory, FacilitatorAssignmentFactory, MembershipFactory
from ...knowledge.factories import make_item

Kind = BrokerageEvent.Kind


@pytest.fixture
def home(db):
    return CommunityFactory(name="Falls Network", slug="falls")


@pytest.fixture
def other(db):
    return CommunityFactory(name="Frailty Forum", slug="frailty")


def _writer(*communities):
    """A member who may start threads and add knowledge in each community."""
    person = MembershipFactory(community=communities[0], level="active").user
    for community in communities[1:]:
        MembershipFactory(community=community, level="active", user=person)
    return person


# --- shares ----------------------------------------------------------------------------


def test_a_share_records_an_event_from_the_home_community(home, other):
    author = _writer(home, other)
    item = make_item(home, author=author)

    knowledge.item_share(item=item, actor=author, community=other, confirmed=True)

    event = BrokerageEvent.objects.get()
    assert (event.kind, event.source_community, event.target_community) == (
        Kind.SHARE,
        home,
        other,
    )
    assert (event.item, event.actor) == (item, author)


def test_a_refused_share_records_nothing(home, other):
    author = _writer(home, other)
    item = make_item(home, author=author)
    knowledge.item_share(item=item, actor=author, community=other, confirmed=True)

    with pytest.raises(ValidationError):
        knowledge.item_share(item=item, actor=author, community=other, confirmed=True)

    assert BrokerageEvent.objects.count() == 1


def test_a_facilitator_sharing_through_the_share_page_is_recorded(client, home, other):
    facilitator = FacilitatorAssignmentFactory(community=home).user
    FacilitatorAssignmentFactory(community=other, user=facilitator)
    item = make_item(home)
    client.force_login(facilitator)

    client.post(reverse("knowledge:share", args=[item.pk]), {"community": other.pk, "confirm": "1"})

    assert BrokerageEvent.objects.filter(kind=Kind.SHARE, target_community=other).count() == 1


# --- links -----------------------------------------------------------------------------


def test_internal_link_patterns_match_the_real_addresses(home):
    thread_path = reverse("discussions:thread", args=["frailty", 12])
    item_path = reverse("knowledge:item", args=[34])

    threads, items = internal_links(f"See [this]({thread_path}) and <{item_path}>.")

    assert threads == {12: "frailty"}
    assert items == {34}


@override_settings(SITE_URL="https://cop.example.org", ALLOWED_HOSTS=["cop.example.org"])
def test_only_addresses_on_this_site_count(db):
    text = (
        "https://cop.example.org/knowledge/1/ and https://elsewhere.org/knowledge/2/ "
        "and https://elsewhere.org/c/x/discussions/3/ and /knowledge/library/ "
        "and foo/knowledge/4/ and /knowledge/5x"
    )

    assert internal_links(text) == ({}, {1})


def test_a_thread_linking_to_another_communitys_thread_records_a_link(home, other):
    writer = _writer(home, other)
    linked = ThreadFactory(community=other)
    url = "http://localhost:8000" + reverse("discussions:thread", args=[other.slug, linked.pk])

    thread = discussions.thread_create(
        community=home, author=writer, kind="discussion", title="Falls", body=f"As in {url} ."
    )

    event = BrokerageEvent.objects.get()
    assert (event.kind, event.source_community, event.target_community) == (Kind.LINK, other, home)
    assert (event.thread, event.actor) == (linked, writer)
    assert event.thread != thread


def test_a_reply_and_an_item_linking_to_another_communitys_item_record_links(home, other):
    writer = _writer(home, other)
    linked = make_item(other)
    path = reverse("knowledge:item", args=[linked.pk])
    thread = ThreadFactory(community=home)

    discussions.reply_create(thread=thread, author=writer, body=f"[the checklist]({path})")
    knowledge.item_create(
        community=home, actor=writer, kind="story", title="Ours", summary=f"Adapted from {path}"
    )

    events = BrokerageEvent.objects.filter(kind=Kind.LINK, item=linked)
    assert events.count() == 2
    assert {(e.source_community_id, e.target_community_id) for e in events} == {(other.pk, home.pk)}


def test_links_within_the_same_community_are_not_brokerage(home):
    writer = _writer(home)
    same_thread = ThreadFactory(community=home)
    same_item = make_item(home)
    text = (
        f"{reverse('discussions:thread', args=[home.slug, same_thread.pk])} and "
        f"{reverse('knowledge:item', args=[same_item.pk])}"
    )

    discussions.thread_create(
        community=home, author=writer, kind="discussion", title="Here", body=text
    )

    assert not BrokerageEvent.objects.exists()


def test_links_to_what_the_writer_may_not_read_are_not_recorded(home):
    writer = _writer(home)
    private = CommunityFactory(visibility="private")
    secret_thread = ThreadFactory(community=private)
    secret_item = make_item(private)
    text = (
        f"{reverse('discussions:thread', args=[private.slug, secret_thread.pk])} "
        f"{reverse('knowledge:item', args=[secret_item.pk])}"
    )

    discussions.thread_create(
        community=home, author=writer, kind="discussion", title="Guess", body=text
    )

    assert not BrokerageEvent.objects.exists()


def test_a_thread_address_with_the_wrong_community_is_ignored(home, other):
    writer = _writer(home)
    linked = ThreadFactory(community=other)

    brokerage_record_links(
        actor=writer, community=home, text=f"/c/somewhere-else/discussions/{linked.pk}/"
    )

    assert not BrokerageEvent.objects.exists()


def test_each_linked_thing_is_recorded_once_per_post(home, other):
    writer = _writer(home)
    linked = ThreadFactory(community=other)
    path = reverse("discussions:thread", args=[other.slug, linked.pk])

    brokerage_record_links(actor=writer, community=home, text=f"{path} {path} {path}")

    assert BrokerageEvent.objects.count() == 1


def test_text_without_internal_links_costs_no_query(home, django_assert_num_queries):
    writer = _writer(home)

    with django_assert_num_queries(0):
        brokerage_record_links(actor=writer, community=home, text="See https://nhs.uk/x/ too")


def test_many_links_cost_a_fixed_number_of_queries(home, other, django_assert_num_queries):
    writer = _writer(home)
    threads = ThreadFactory.create_batch(5, community=other)
    items = [make_item(other, title=f"Item {n}") for n in range(3)]
    text = " ".join(
        [reverse("discussions:thread", args=[other.slug, t.pk]) for t in threads]
        + [reverse("knowledge:item", args=[i.pk]) for i in items]
    )

    # threads, readable community ids (items), items, one insert
    with django_assert_num_queries(4):
        events = brokerage_record_links(actor=writer, community=home, text=text)

    assert len(events) == 8
    assert KnowledgeItem.objects.count() == 3
