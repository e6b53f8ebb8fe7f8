"""Search: finds what the viewer may read, and nothing else; counts only that;
ranks title hits first; highlights safely; pages in a constant number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, WorkingGroup, WorkingGroupMember
from knowledge import search
from membership.models import Membership

from ..factories import CommunityFactory, MembershipFactory, UserFactory
from ..xss import FORM_PAYLOADS, assert_inert
from .factories import GlossaryTermFactory, PostFactory, ThreadFactory

SECRET = "ZEBRA-CROSSING-SECRET"
URL = "/search/"


def _results_section(response) -> str:
    """The results (the page around them has the search form, which is markup)."""
    page = response.content.decode()
    start = page.index('<section aria-labelledby="results-title"')
    return page[start : page.index("</section>", start)]


def _hits(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200, response.content.decode()[:500]
    return response, [hit.title for hit in response.context["hits"]]


@pytest.fixture
def private(db):
    return CommunityFactory(name="Quiet Room", visibility=Community.Visibility.PRIVATE)


# --- the query --------------------------------------------------------------------


def test_the_url_is_named_search():
    assert reverse("search:search") == URL


def test_a_query_is_split_into_words_and_excluded_words():
    parsed = search.parse_query('  "safer  tapering" or -codeine HbA1c ')

    assert parsed.text == '"safer tapering" or -codeine HbA1c'
    assert parsed.terms == ("safer", "tapering", "hba1c")
    assert parsed.excluded == ("codeine",)


def test_a_query_of_only_punctuation_is_blank():
    assert search.parse_query('" - "').is_blank


def test_an_excerpt_is_escaped_and_marks_every_hit():
    snippet = search.excerpt_around("<b>Taper</b> slowly; taper & wait", ["taper"])

    assert str(snippet) == (
        "&lt;b&gt;<mark>Taper</mark>&lt;/b&gt; slowly; <mark>taper</mark> &amp; wait"
    )


def test_a_long_excerpt_starts_near_the_first_hit():
    text = "word " * 200 + "target here " + "tail " * 200

    snippet = str(search.excerpt_around(text, ["target"]))

    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<mark>target</mark>" in snippet
    assert len(snippet) < search.SNIPPET_CHARS + 40


def test_a_headline_keeps_only_our_markers_as_markup():
    marked = search.highlight_marked("<b>x</b> \x02<script>\x03 \x02stray <i>")

    assert str(marked) == "&lt;b&gt;x&lt;/b&gt; <mark>&lt;script&gt;</mark> stray &lt;i&gt;"


# --- the page -------------------------------------------------------------------


def test_without_a_query_the_page_is_the_search_form(client, db):
    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="q"' in page
    assert "results-title" not in page


def test_an_empty_query_shows_the_form_again(client, db):
    response = client.get(URL, {"q": "   "})

    assert response.status_code == 200
    assert "results-title" not in response.content.decode()


def test_a_too_long_query_answers_400_with_a_message_and_keeps_the_text(client, db):
    text = "word " * 60

    response = client.get(URL, {"q": text})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Search for fewer words: at most 200 characters." in page
    assert "word word word" in page


def test_a_query_without_words_finds_nothing_and_says_so(client, community):
    ThreadFactory(community=community, title="Anything")

    response, titles = _hits(client, '" -')

    assert titles == []
    assert "Nothing found" in response.content.decode()


def test_a_thread_is_found_by_a_word_in_its_body_with_the_word_highlighted(client, community):
    ThreadFactory(
        community=community,
        title="Tapering plans",
        body="We tried a slower **deprescribing** schedule over twelve weeks.",
    )
    ThreadFactory(community=community, title="Unrelated", body="Rota swaps.")

    response, titles = _hits(client, "deprescribing")

    assert titles == ["Tapering plans"]
    page = response.content.decode()
    assert "<mark>deprescribing</mark>" in page
    assert "1 result for" in page
    assert community.name in page


def test_every_word_must_match(client, community):
    ThreadFactory(community=community, title="Insulin pumps", body="Alarm settings.")
    ThreadFactory(community=community, title="Insulin pens", body="Needle sizes.")

    _response, titles = _hits(client, "insulin alarm")

    assert titles == ["Insulin pumps"]


def test_a_minus_leaves_a_word_out(client, community):
    ThreadFactory(community=community, title="Insulin pumps", body="Alarm settings.")
    ThreadFactory(community=community, title="Insulin pens", body="Needle sizes.")

    _response, titles = _hits(client, "insulin -alarm")

    assert titles == ["Insulin pens"]


def test_a_title_hit_ranks_above_a_body_hit(client, community):
    older = timezone.now() - timezone.timedelta(days=3)
    ThreadFactory(
        community=community,
        title="Weekly call notes",
        body="We talked about naloxone kits and training.",
    )
    ThreadFactory(
        community=community,
        title="Naloxone kits in pharmacies",
        body="Where to find them.",
        last_activity_at=older,
    )

    _response, titles = _hits(client, "naloxone")

    assert titles == ["Naloxone kits in pharmacies", "Weekly call notes"]


def test_with_many_matches_title_hits_still_come_first(client, community, monkeypatch):
    # Past the count's bound every match is still ranked.
    monkeypatch.setattr(search, "COUNT_LIMIT", 1)
    ThreadFactory(community=community, title="Weekly notes", body="About naloxone kits.")
    ThreadFactory(
        community=community,
        title="Naloxone kits",
        body="Where to find them.",
        last_activity_at=timezone.now() - timezone.timedelta(days=3),
    )
    reply_only = ThreadFactory(
        community=community,
        title="Older call",
        body="Nothing.",
        last_activity_at=timezone.now() - timezone.timedelta(days=9),
    )
    PostFactory(thread=reply_only, body="naloxone again")

    _response, titles = _hits(client, "naloxone")

    assert titles == ["Naloxone kits", "Weekly notes", "Older call"]


def test_a_reply_finds_its_thread_but_a_hidden_or_deleted_reply_does_not(client, community):
    found = ThreadFactory(community=community, title="Discharge letters")
    PostFactory(thread=found, body="Our pharmacist adds a medication reconciliation box.")
    hidden = ThreadFactory(community=community, title="Hidden reply here")
    PostFactory(thread=hidden, body="reconciliation rant", is_hidden=True)
    deleted = ThreadFactory(community=community, title="Deleted reply here")
    PostFactory(thread=deleted, body="reconciliation", deleted_at=timezone.now())

    response, titles = _hits(client, "reconciliation")

    assert titles == ["Discharge letters"]
    assert "<mark>reconciliation</mark>" in response.content.decode()


def test_glossary_terms_are_found_platform_wide_and_in_readable_communities(
    client, community, private
):
    GlossaryTermFactory(term="HbA1c", definition="A blood test of average sugar levels.")
    GlossaryTermFactory(
        term="Sugar diary", definition="Notes of sugar readings.", community=community
    )
    GlossaryTermFactory(term="Sugar secret", definition=f"{SECRET} sugar", community=private)

    response, titles = _hits(client, "sugar")

    assert sorted(titles) == ["HbA1c", "Sugar diary"]
    page = response.content.decode()
    assert SECRET not in page
    assert reverse("glossary:platform") + "#term-" in page


# --- never more than the viewer may see -------------------------------------------


def test_a_private_communitys_thread_is_found_by_members_only(client, private, outsider):
    ThreadFactory(community=private, title="Quokka plans", body=f"{SECRET} quokka budget")
    member = MembershipFactory(community=private).user
    public = CommunityFactory()
    ThreadFactory(community=public, title="Public quokka", body="quokka sightings")

    for viewer in (None, outsider):
        client.logout()
        if viewer:
            client.force_login(viewer)
        response, titles = _hits(client, "quokka")
        assert titles == ["Public quokka"]
        assert response.context["page_obj"].total.number == 1
        assert SECRET not in response.content.decode()
        assert "1 result for" in response.content.decode()

    client.force_login(member)
    response, titles = _hits(client, "quokka")
    assert sorted(titles) == ["Public quokka", "Quokka plans"]
    assert response.context["page_obj"].total.number == 2


def test_the_secret_words_themselves_find_nothing_for_an_outsider(client, private, outsider):
    ThreadFactory(community=private, title="Budget", body=f"{SECRET} figures")
    client.force_login(outsider)

    response, titles = _hits(client, SECRET)

    assert titles == []
    assert response.context["page_obj"].total.number == 0


def test_hidden_and_deleted_threads_are_not_found(client, community, outsider):
    ThreadFactory(community=community, title="Walrus open")
    ThreadFactory(community=community, title="Walrus hidden", is_hidden=True)
    ThreadFactory(community=community, title="Walrus deleted", deleted_at=timezone.now())
    core = MembershipFactory(community=community, level=Membership.Level.CORE).user

    for viewer in (outsider, core):
        client.force_login(viewer)
        response, titles = _hits(client, "walrus")
        assert titles == ["Walrus open"]
        assert response.context["page_obj"].total.number == 1


def test_closed_working_group_threads_are_found_by_its_members_only(client, community, outsider):
    group = WorkingGroup.objects.create(
        community=community, name="Audit", slug="audit", is_closed=True
    )
    ThreadFactory(community=community, group=group, title="Pelican audit", body=SECRET)
    peripheral = MembershipFactory(community=community).user
    insider = MembershipFactory(community=community).user
    WorkingGroupMember.objects.create(group=group, user=insider)

    for viewer in (None, outsider, peripheral):
        client.logout()
        if viewer:
            client.force_login(viewer)
        response, titles = _hits(client, "pelican")
        assert titles == []
        assert SECRET not in response.content.decode()

    client.force_login(insider)
    _response, titles = _hits(client, "pelican")
    assert titles == ["Pelican audit"]


def test_a_hidden_community_is_neither_searched_nor_offered_as_a_filter(client, outsider):
    hidden = CommunityFactory(name="Unlisted Oyster Team", visibility=Community.Visibility.HIDDEN)
    ThreadFactory(community=hidden, title="Oyster rota")
    client.force_login(outsider)

    response, titles = _hits(client, "oyster")

    assert titles == []
    assert "Unlisted Oyster Team" not in response.content.decode()


# --- filters --------------------------------------------------------------------


def test_the_community_filter_narrows_to_that_community(client, community):
    other = CommunityFactory(name="Other place")
    ThreadFactory(community=community, title="Falls here")
    ThreadFactory(community=other, title="Falls there")
    GlossaryTermFactory(term="Falls", definition="Falls risk.")

    _response, titles = _hits(client, "falls", community=community.slug)

    assert titles == ["Falls here"]


def test_the_community_filter_offers_the_viewers_own_communities_and_keeps_the_choice(
    client, community
):
    # Not every readable community (hundreds on a large platform): the viewer's own,
    # and the one chosen, escaped.
    other = CommunityFactory(name="Falls & <b>Frailty</b>", slug="falls-frailty")
    elsewhere = CommunityFactory(name="Readable Elsewhere")
    client.force_login(MembershipFactory(community=community).user)

    response, _titles = _hits(client, "falls", community=other.slug)
    page = response.content.decode()

    assert f'<option value="{other.slug}" selected>Falls &amp; &lt;b&gt;Frailty' in page
    assert f'<option value="{community.slug}">{community.name}</option>' in page
    assert '<option value="">All communities you can read</option>' in page
    assert "<b>Frailty</b>" not in page
    assert elsewhere.name not in page
    assert other.name not in _hits(client, "falls")[0].content.decode()


def test_a_readable_community_that_is_not_offered_still_filters(client, community):
    # A community's own "search this community" box names it, member or not.
    elsewhere = CommunityFactory(name="Readable Elsewhere")
    ThreadFactory(community=elsewhere, title="Gannet colony")
    ThreadFactory(community=community, title="Gannet rota")
    client.force_login(MembershipFactory(community=community).user)

    response, titles = _hits(client, "gannet", community=elsewhere.slug)

    assert titles == ["Gannet colony"]
    form = response.context["form"]
    assert elsewhere.slug not in [c.slug for c in form.fields["community"].offered]
    assert f'<option value="{elsewhere.slug}" selected>' in response.content.decode()


def test_a_community_the_viewer_may_not_read_is_refused_like_one_that_does_not_exist(
    client, private, outsider
):
    ThreadFactory(community=private, title="Heron", body=SECRET)
    client.force_login(outsider)

    unreadable = client.get(URL, {"q": "heron", "community": private.slug})
    missing = client.get(URL, {"q": "heron", "community": "no-such-place"})

    assert unreadable.status_code == missing.status_code == 400
    assert SECRET not in unreadable.content.decode()
    assert unreadable.context["form"].errors == missing.context["form"].errors


def test_the_kind_filter_keeps_one_kind(client, community):
    ThreadFactory(community=community, title="Deprescribing clinic")
    GlossaryTermFactory(term="Deprescribing", definition="Stopping medicines safely.")

    _response, threads = _hits(client, "deprescribing", kind="thread")
    _response, terms = _hits(client, "deprescribing", kind="glossary")
    everything = client.get(URL, {"q": "deprescribing"}).context["page_obj"].total.number

    assert threads == ["Deprescribing clinic"]
    assert terms == ["Deprescribing"]
    assert everything == 2


def test_an_unknown_kind_answers_400(client, db):
    assert client.get(URL, {"q": "x", "kind": "spaceship"}).status_code == 400


def test_topic_and_stage_filters_leave_out_sources_that_do_not_have_them(community):
    ThreadFactory(community=community, title="Ibis notes")
    GlossaryTermFactory(term="Ibis", definition="A bird.")
    query = search.parse_query("ibis")
    anyone = UserFactory()

    plain = search.search(user=anyone, query=query, filters=search.SearchFilters())
    by_topic = search.search(user=anyone, query=query, filters=search.SearchFilters(topic="birds"))
    by_stage = search.search(user=anyone, query=query, filters=search.SearchFilters(stage="apply"))

    assert plain.count() == 2
    assert by_topic.count() == 0
    assert by_stage.count() == 0


# --- pages and budget -------------------------------------------------------------


def test_results_are_paged_without_repeats_or_gaps(client, community):
    for n in range(23):
        ThreadFactory(community=community, title=f"Heron {n}")
    for n in range(4):
        GlossaryTermFactory(term=f"Heron term {n}", definition="heron")

    first, titles_1 = _hits(client, "heron")
    _second, titles_2 = _hits(client, "heron", page=2)

    assert first.context["page_obj"].total.number == 27
    assert len(titles_1) == 20
    assert len(titles_2) == 7
    assert len(set(titles_1) | set(titles_2)) == 27
    assert 'rel="next"' in first.content.decode()


def test_past_the_count_limit_pages_neither_repeat_nor_skip_and_title_hits_lead(
    client, community, monkeypatch
):
    # Past the count's bound every match is still ranked: the order does not depend
    # on the page asked.
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    now = timezone.now()
    for n in range(20):
        ThreadFactory(
            community=community,
            title=f"Notes {n}",
            body="About the ibis count.",
            last_activity_at=now - timezone.timedelta(hours=n),
        )
    for n in range(4):
        ThreadFactory(
            community=community,
            title=f"Ibis survey {n}",
            body="Nothing else.",
            last_activity_at=now - timezone.timedelta(days=30 + n),
        )

    first, titles_1 = _hits(client, "ibis")
    _second, titles_2 = _hits(client, "ibis", page=2)

    assert first.context["page_obj"].total == search.ResultTotal(number=3, exact=False)
    assert len(titles_1) == 20
    assert len(titles_2) == 4
    assert len(set(titles_1) | set(titles_2)) == 24
    # The title hits come before every newer text-only hit.
    assert all(title.startswith("Ibis survey") for title in titles_1[:3])


@pytest.mark.parametrize("rows", [3, 30])
def test_past_the_count_limit_the_number_of_queries_stays_the_same(
    client, community, django_assert_max_num_queries, monkeypatch, rows
):
    monkeypatch.setattr(search, "COUNT_LIMIT", 2)
    _make_rows(community, rows)
    member = MembershipFactory(community=community).user
    client.force_login(member)

    with django_assert_max_num_queries(13):
        response = client.get(URL, {"q": "egret"})

    # Threads and glossary terms each past the limit of 2: "more than 4".
    assert response.context["page_obj"].total == search.ResultTotal(number=4, exact=False)
    assert len(response.context["hits"]) == min(rows * 3, 20)


def _make_rows(community, count):
    for n in range(count):
        thread = ThreadFactory(community=community, title=f"Egret {n}", body="egret sightings")
        PostFactory(thread=thread, body="an egret reply")
        # Found only by its reply: the snippet comes from the reply.
        quiet = ThreadFactory(community=community, title=f"Quiet {n}", body="nothing here")
        PostFactory(thread=quiet, body="an egret in a reply")
        GlossaryTermFactory(term=f"Egret {n}", definition="egret", community=community)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_number_of_queries_does_not_grow_with_rows(
    client, community, django_assert_max_num_queries, rows
):
    _make_rows(community, rows)
    member = MembershipFactory(community=community).user
    client.force_login(member)

    # Session, user, the community filter's choices; per source a count, the best
    # candidates and the page's rows; on SQLite one more for snippets from replies;
    # the navigation's unread counts; the readable communities' ids for the items source
    # (once: counting and fetching share it; 12 on PostgreSQL, bench/).
    with django_assert_max_num_queries(13):
        response = client.get(URL, {"q": "egret"})

    assert response.status_code == 200
    assert response.context["page_obj"].total.number == rows * 3
    assert len(response.context["hits"]) == min(rows * 3, 20)


def _heading(response) -> str:
    page = response.content.decode()
    start = page.index('<h2 id="results-title"')
    return page[page.index(">", start) + 1 : page.index("</h2>", start)]


def test_the_heading_counts_exactly_up_to_the_bound_and_says_more_than_past_it(
    client, community, monkeypatch
):
    # The count stops at COUNT_LIMIT + 1 a source: its cost no longer grows with
    # the matches, and the heading says so.
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    for n in range(3):
        ThreadFactory(community=community, title=f"Plover {n}")

    exact = client.get(URL, {"q": "plover"})
    ThreadFactory(community=community, title="Plover 3")
    more = client.get(URL, {"q": "plover"})
    hidden = CommunityFactory(visibility=Community.Visibility.HIDDEN)
    ThreadFactory(community=hidden, title="Plover secret")
    one = client.get(URL, {"q": "plover", "community": community.slug, "kind": "thread"})

    assert _heading(exact) == "3 results for “plover”"
    assert exact.context["page_obj"].total == search.ResultTotal(number=3, exact=True)
    assert _heading(more) == "More than 3 results for “plover”"
    assert more.context["page_obj"].total == search.ResultTotal(number=3, exact=False)
    assert len(more.context["hits"]) == 4
    # Counted over what the viewer may see only.
    assert _heading(one) == "More than 3 results for “plover”"


@pytest.mark.parametrize("limit", [3, 25])
def test_past_the_bound_next_links_walk_every_match_once(client, community, monkeypatch, limit):
    # 25: the first page is within the count's bound, the next ones past it; the
    # order must not change between them.
    monkeypatch.setattr(search, "COUNT_LIMIT", limit)
    now = timezone.now()
    for n in range(41):
        ThreadFactory(
            community=community,
            title=f"Notes {n}" if n % 5 else f"Curlew {n}",
            body="The curlew count." if n % 5 else "Nothing else.",
            last_activity_at=now - timezone.timedelta(hours=n),
        )
    for n in range(4):
        GlossaryTermFactory(term=f"Curlew term {n}", definition="A curlew.")

    seen, pages, params = [], [], {"q": "curlew"}
    while True:
        response, titles = _hits(client, **params)
        pages.append(response)
        seen += titles
        page_obj = response.context["page_obj"]
        if not page_obj.has_next:
            break
        params = {"q": "curlew", "page": page_obj.next_page_number()}

    assert [len(page.context["hits"]) for page in pages] == [20, 20, 5]
    assert len(seen) == len(set(seen)) == 45
    first, middle, last = (page.content.decode() for page in pages)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="next"' in middle and 'rel="prev"' in middle
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert "More than" in _heading(pages[0])


@pytest.mark.parametrize(
    ("page", "number"),
    [("abc", 1), ("0", 1), ("-2", 1), ("2.0", 1), ("", 1), ("2", 2), ("9", 2), ("9" * 40, 2)],
)
def test_odd_or_too_large_page_numbers_answer_a_page(client, community, page, number):
    # Past the end: the last page (the candidates fetched for it are every match).
    for n in range(23):
        ThreadFactory(community=community, title=f"Avocet {n}")

    response, titles = _hits(client, "avocet", page=page)

    assert response.context["page_obj"].number == number
    assert len(titles) == (20 if number == 1 else 3)


def test_the_search_helper_reads_page_numbers():
    assert search.page_number(None) == 1
    assert search.page_number(" 3 ") == 3
    assert search.page_number("٣") == 1
    assert search.page_number("1" * 50) == search.MAX_PAGE


def test_the_number_of_queries_is_the_same_for_one_match_and_many(client, community, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(search, "COUNT_LIMIT", 5)
    client.force_login(MembershipFactory(community=community).user)
    ThreadFactory(community=community, title="Dunlin 0")
    GlossaryTermFactory(term="Dunlin", definition="A wader.")
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"q": "dunlin"})
    for n in range(1, 40):
        ThreadFactory(community=community, title=f"Dunlin {n}")
        GlossaryTermFactory(term=f"Dunlin {n}", definition="A wader.")
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, {"q": "dunlin", "page": 2})

    assert response.context["page_obj"].total == search.ResultTotal(number=10, exact=False)
    assert len(many) == len(one)


# --- XSS --------------------------------------------------------------------------


def test_payloads_in_titles_bodies_and_replies_stay_inert_in_results(client, community):
    for index, payload in enumerate(FORM_PAYLOADS):
        thread = ThreadFactory(
            community=community, title=f"Kestrel {payload}"[:200], body=f"kestrel {payload}"
        )
        PostFactory(thread=thread, body=f"kestrel {payload}")
        GlossaryTermFactory(
            term=f"Kestrel {index} {payload}"[:120], definition=f"kestrel {payload}"
        )

    pages = []
    for number in (1, 2, 3, 4):
        response = client.get(URL, {"q": "kestrel", "page": number})
        assert response.status_code == 200
        pages.append(response)
        assert_inert(_results_section(response))

    assert pages[0].context["page_obj"].total.number == 2 * len(FORM_PAYLOADS)
    shown = sum(len(page.context["hits"]) for page in pages)
    assert shown == 2 * len(FORM_PAYLOADS)


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_a_payload_as_the_query_stays_inert(client, community, payload):
    ThreadFactory(community=community, title=f"Kestrel {payload}"[:200], body=f"kestrel {payload}")

    response = client.get(URL, {"q": f"kestrel {payload}"[:200]})

    assert response.status_code == 200
    assert_inert(_results_section(response))
