"""Knowledge items in search: found by those who may read them, never by others, and
the topic and stage filters narrow to items."""

import pytest

from communities.models import Community
from knowledge.models import KnowledgeItem

from ..factories import CommunityFactory, UserFactory
from ..knowledge.factories import make_item
from ..xss import PAYLOADS, assert_inert
from .factories import ThreadFactory

URL = "/search/"
Status = KnowledgeItem.Status


def _titles(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return response, [hit.title for hit in response.context["hits"]]


def test_a_published_item_is_found_by_a_word_in_its_solution(client, db):
    community = CommunityFactory()
    make_item(
        community,
        kind=KnowledgeItem.Kind.ANSWER,
        title="Weekend discharges",
        problem="Beds stay full.",
        solution="A pharmacist reconciles medicines on Fridays.",
    )
    client.force_login(UserFactory())

    _response, titles = _titles(client, "pharmacist")

    assert titles == ["Weekend discharges"]


def test_private_and_draft_items_are_not_found_and_not_counted(client, db):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    public = CommunityFactory()
    make_item(private, title="Members only heron plan")
    make_item(public, title="Draft heron plan", status=Status.DRAFT)
    make_item(public, title="Published heron plan")
    client.force_login(UserFactory())

    response, titles = _titles(client, "heron")

    assert titles == ["Published heron plan"]
    assert response.context["page_obj"].total.number == 1


def test_topic_and_stage_filters_keep_items_only(client, db):
    community = CommunityFactory()
    evaluating = make_item(
        community, title="Audit of kestrel rounds", stage=KnowledgeItem.Stage.EVALUATING
    )
    evaluating.topics.add("audit")
    make_item(community, title="Kestrel rounds story", stage=KnowledgeItem.Stage.IMPLEMENTING)
    ThreadFactory(community=community, title="Kestrel rounds thread")
    client.force_login(UserFactory())

    _response, everything = _titles(client, "kestrel")
    _response, by_stage = _titles(client, "kestrel", stage="evaluating")
    _response, by_topic = _titles(client, "kestrel", topic="audit")

    assert len(everything) == 3
    assert by_stage == ["Audit of kestrel rounds"]
    assert by_topic == ["Audit of kestrel rounds"]


@pytest.mark.parametrize("payload", PAYLOADS[:12])
def test_a_payload_in_an_item_comes_back_inert(client, db, payload):
    community = CommunityFactory()
    make_item(community, title=f"Osprey {payload}"[:200], summary=f"osprey {payload}")
    client.force_login(UserFactory())

    response, titles = _titles(client, "osprey")

    assert len(titles) == 1
    page = response.content.decode()
    results = page[page.index('<section aria-labelledby="results-title"') :]
    assert_inert(results.split("</section>", 1)[0])
