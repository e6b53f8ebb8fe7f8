"""Similar from other communities, while writing a thread or an item: only content
of OTHER communities the member may read, matched on the title being typed."""

import pytest
from django.urls import reverse

from facilitation.alignment.suggestions import LIMIT, similar_content, title_words
from knowledge.models import KnowledgeItem

from ...discussions.factories import ThreadFactory
from ...factories import CommunityFactory, MembershipFactory
from ...knowledge.factories import make_item

URL = reverse("alignment:suggest")


@pytest.fixture
def here(db):
    return CommunityFactory(name="Emergency Flow", slug="ed-flow")


@pytest.fixture
def elsewhere(db):
    return CommunityFactory(name="Acute Medicine", slug="acute")


@pytest.fixture
def writer(here):
    return MembershipFactory(community=here, level="active").user


def _titles(found):
    return [suggestion.title for suggestion in found]


def test_title_words_drop_short_and_common_words():
    assert title_words("How do we reduce the wait times in ED?") == ["reduce", "wait", "times"]


def test_title_words_are_letters_and_digits_only():
    assert title_words("snake_case: it's & (wait) | times:* 'x'") == [
        "snake",
        "case",
        "wait",
        "times",
    ]


def test_a_word_still_being_typed_already_matches(here, elsewhere, writer):
    ThreadFactory(community=elsewhere, title="Emergency department boarding")

    found = similar_content(user=writer, community=here, text="Emerg")

    assert _titles(found) == ["Emergency department boarding"]


def test_suggests_threads_and_items_of_other_readable_communities(here, elsewhere, writer):
    ThreadFactory(community=elsewhere, title="Reducing wait times at triage")
    make_item(elsewhere, title="Wait times dashboard")
    ThreadFactory(community=elsewhere, title="Unrelated rota question", body="Nothing")

    found = similar_content(user=writer, community=here, text="wait times")

    assert set(_titles(found)) == {"Reducing wait times at triage", "Wait times dashboard"}
    assert {s.community_name for s in found} == {"Acute Medicine"}


def test_one_matching_word_is_enough_and_title_hits_rank_first(here, elsewhere, writer):
    ThreadFactory(community=elsewhere, title="Handover notes", body="Triage at night")
    ThreadFactory(community=elsewhere, title="Triage at night", body="Handover")

    found = similar_content(user=writer, community=here, text="Night triage staffing")

    assert _titles(found) == ["Triage at night", "Handover notes"]


def test_the_current_community_is_left_out(here, writer):
    ThreadFactory(community=here, title="Wait times here")
    make_item(here, title="Wait times tool")

    assert similar_content(user=writer, community=here, text="wait times") == []


def test_private_and_hidden_content_never_appears(here, writer):
    for visibility in ("private", "hidden"):
        closed = CommunityFactory(visibility=visibility)
        ThreadFactory(community=closed, title=f"Wait times {visibility}")
        make_item(closed, title=f"Wait times item {visibility}")

    assert similar_content(user=writer, community=here, text="wait times") == []


def test_members_of_a_private_community_see_its_content(here, writer):
    private = CommunityFactory(visibility="private")
    MembershipFactory(community=private, user=writer)
    ThreadFactory(community=private, title="Wait times, privately")

    found = similar_content(user=writer, community=here, text="wait times")

    assert _titles(found) == ["Wait times, privately"]


def test_hidden_or_removed_threads_and_drafts_are_left_out(here, elsewhere, writer):
    ThreadFactory(community=elsewhere, title="Wait times hidden", is_hidden=True)
    make_item(elsewhere, title="Wait times draft", status=KnowledgeItem.Status.DRAFT)

    assert similar_content(user=writer, community=here, text="wait times") == []


def test_a_library_item_from_a_hidden_community_does_not_name_it(here, writer):
    hidden = CommunityFactory(visibility="hidden", name="Secret Oyster Team")
    item = make_item(hidden, title="Wait times library item")
    KnowledgeItem.objects.filter(pk=item.pk).update(in_library=True)

    found = similar_content(user=writer, community=here, text="wait times")

    assert _titles(found) == ["Wait times library item"]
    assert found[0].community_name == ""


def test_results_are_bounded(here, elsewhere, writer):
    ThreadFactory.create_batch(LIMIT + 4, community=elsewhere, title="Wait times again")

    assert len(similar_content(user=writer, community=here, text="wait times")) == LIMIT


def test_the_fragment_lists_suggestions_for_htmx(client, here, elsewhere, writer):
    thread = ThreadFactory(community=elsewhere, title="Reducing wait times at triage")
    client.force_login(writer)

    response = client.get(
        URL, {"community": here.slug, "title": "wait times"}, HTTP_HX_REQUEST="true"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Similar from other communities" in body
    assert reverse("discussions:thread", args=[elsewhere.slug, thread.pk]) in body


def test_nothing_similar_gives_an_empty_fragment(client, here, writer):
    client.force_login(writer)

    response = client.get(URL, {"community": here.slug, "q": "zzzz"}, HTTP_HX_REQUEST="true")

    assert response.content.decode().strip() == ""


def test_without_htmx_the_endpoint_is_a_page(client, here, elsewhere, writer):
    ThreadFactory(community=elsewhere, title="Wait times")
    client.force_login(writer)

    response = client.get(URL, {"community": here.slug, "q": "wait"})

    assert "<h1>" in response.content.decode()


def test_bad_or_unknown_communities(client, writer, outsider):
    client.force_login(writer)
    assert client.get(URL, {"q": "wait"}).status_code == 400
    assert client.get(URL, {"q": "wait", "community": "nope"}).status_code == 404
    hidden = CommunityFactory(visibility="hidden")
    client.force_login(outsider)
    assert client.get(URL, {"q": "wait", "community": hidden.slug}).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, here):
    response = client.get(URL, {"q": "wait", "community": here.slug})

    assert response.status_code == 302


@pytest.mark.parametrize("rows", [1, 30])
def test_suggestions_cost_the_same_however_many_match(
    client, here, elsewhere, writer, django_assert_num_queries, rows
):
    ThreadFactory.create_batch(rows, community=elsewhere, title="Wait times")
    for n in range(rows):
        make_item(elsewhere, title=f"Wait times {n}")
    client.force_login(writer)

    # session, user, community, threads, readable community ids (items), items
    with django_assert_num_queries(6):
        response = client.get(URL, {"community": here.slug, "q": "wait"}, HTTP_HX_REQUEST="true")

    assert len(response.context["suggestions"]) == min(rows * 2, LIMIT)


def test_the_new_thread_and_item_forms_ask_for_suggestions(client, here, writer):
    client.force_login(writer)

    for url in (
        reverse("discussions:create", args=[here.slug]),
        reverse("knowledge:create", args=[here.slug]),
    ):
        body = client.get(url).content.decode()
        assert f'hx-get="{URL}?community={here.slug}"' in body
        assert 'id="similar-suggestions"' in body
