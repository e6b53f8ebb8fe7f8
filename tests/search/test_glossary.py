"""The glossary: A to Z pages for the platform and each community, kept by
facilitators (platform terms) and moderators (a community's terms)."""

import pytest
from django.urls import reverse

from communities.models import Community
from knowledge.models import GlossaryTerm
from membership.models import Membership

from ..factories import CommunityFactory, MembershipFactory
from ..xss import FORM_PAYLOADS, assert_inert, assert_links_safe
from .factories import GlossaryTermFactory

SECRET = "ZEBRA-CROSSING-SECRET"


def _main(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


@pytest.fixture
def member(community):
    return MembershipFactory(community=community, level=Membership.Level.ACTIVE).user


# --- reading --------------------------------------------------------------------


def test_the_platform_glossary_lists_platform_terms_a_to_z(client, community):
    GlossaryTermFactory(
        term="Patient partner", definition="Someone who brings **lived** experience."
    )
    GlossaryTermFactory(term="deprescribing", definition="Stopping medicines safely.")
    GlossaryTermFactory(term="5-a-day", definition="Fruit and vegetables.")
    GlossaryTermFactory(term="Taper", definition="Our own word.", community=community)

    response = client.get(reverse("glossary:platform"))

    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group.letter for group in groups] == ["#", "D", "P"]
    assert [t.term for group in groups for t in group.terms] == [
        "5-a-day",
        "deprescribing",
        "Patient partner",
    ]
    page = _main(response)
    assert "<strong>lived</strong>" in page
    assert "Taper" not in page
    assert page.count("<h1") == 1


def test_a_communitys_glossary_shows_its_terms_and_the_platforms(client, community):
    GlossaryTermFactory(term="HbA1c", definition="Average blood sugar.")
    mine = GlossaryTermFactory(term="Taper", definition="Reduce slowly.", community=community)
    other = CommunityFactory()
    GlossaryTermFactory(term="Elsewhere", definition="Not ours.", community=other)

    response = client.get(reverse("glossary:community", args=[community.slug]))

    assert response.status_code == 200
    page = _main(response)
    assert "HbA1c" in page and "Taper" in page
    assert "Elsewhere" not in page
    assert "Platform-wide" in page
    assert f'id="term-{mine.pk}"' in page


def test_a_private_communitys_glossary_is_for_its_readers(client, outsider):
    private = CommunityFactory(visibility=Community.Visibility.PRIVATE)
    GlossaryTermFactory(term="Code word", definition=SECRET, community=private)
    member = MembershipFactory(community=private).user

    client.force_login(outsider)
    refused = client.get(reverse("glossary:community", args=[private.slug]))
    client.force_login(member)
    allowed = client.get(reverse("glossary:community", args=[private.slug]))

    assert refused.status_code == 403
    assert SECRET not in refused.content.decode()
    assert allowed.status_code == 200
    assert SECRET in allowed.content.decode()


def test_an_empty_glossary_says_what_it_will_hold(client, db):
    response = client.get(reverse("glossary:platform"))

    assert "No terms yet" in response.content.decode()


def test_editing_links_show_only_to_those_who_may_edit(client, community, member, core):
    term = GlossaryTermFactory(term="Taper", definition="Reduce slowly.", community=community)
    edit_url = reverse("glossary:community_edit", args=[community.slug, term.pk])
    url = reverse("glossary:community", args=[community.slug])

    client.force_login(member)
    assert edit_url not in client.get(url).content.decode()
    client.force_login(core)
    assert edit_url in client.get(url).content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_glossary_page_costs_the_same_with_few_or_many_terms(
    client, community, member, django_assert_max_num_queries, rows
):
    for n in range(rows):
        GlossaryTermFactory(term=f"Platform {n}")
        GlossaryTermFactory(term=f"Ours {n}", community=community)
    client.force_login(member)

    # Session, user, the community, the viewer's permissions on it, the terms.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("glossary:community", args=[community.slug]))

    assert response.context["term_count"] == rows * 2


# --- keeping it -----------------------------------------------------------------


def test_a_facilitator_adds_edits_and_deletes_a_platform_term(client, facilitator):
    client.force_login(facilitator)

    added = client.post(
        reverse("glossary:platform_add"),
        {"term": "Learning health system", "definition": "A system that learns from its data."},
    )
    term = GlossaryTerm.objects.get()
    assert term.community is None and term.created_by == facilitator
    assert added["Location"] == f"{reverse('glossary:platform')}#term-{term.pk}"

    edited = client.post(
        reverse("glossary:platform_edit", args=[term.pk]),
        {"term": "Learning health system", "definition": "It learns from everyday care."},
    )
    term.refresh_from_db()
    assert edited.status_code == 302
    assert term.definition == "It learns from everyday care."

    assert client.get(reverse("glossary:platform_delete", args=[term.pk])).status_code == 200
    deleted = client.post(reverse("glossary:platform_delete", args=[term.pk]))
    assert deleted.status_code == 302
    assert not GlossaryTerm.objects.exists()


def test_a_core_member_keeps_the_communitys_terms_but_not_the_platforms(client, community, core):
    platform_term = GlossaryTermFactory(term="HbA1c")
    client.force_login(core)

    added = client.post(
        reverse("glossary:community_add", args=[community.slug]),
        {"term": "Taper", "definition": "Reduce a dose slowly."},
    )

    assert added.status_code == 302
    assert GlossaryTerm.objects.get(term="Taper").community == community
    assert client.get(reverse("glossary:platform_add")).status_code == 403
    assert client.get(reverse("glossary:platform_edit", args=[platform_term.pk])).status_code == 403
    # A platform term is not this community's to edit, even at its address.
    assert (
        client.get(
            reverse("glossary:community_edit", args=[community.slug, platform_term.pk])
        ).status_code
        == 404
    )


def test_a_member_who_does_not_moderate_may_not_add_terms(client, community, member):
    client.force_login(member)

    response = client.post(
        reverse("glossary:community_add", args=[community.slug]),
        {"term": "Taper", "definition": "x"},
    )

    assert response.status_code == 403
    assert not GlossaryTerm.objects.exists()


def test_another_communitys_term_is_not_found_here(client, community, core):
    elsewhere = GlossaryTermFactory(community=CommunityFactory())
    client.force_login(core)

    url = reverse("glossary:community_delete", args=[community.slug, elsewhere.pk])

    assert client.post(url).status_code == 404
    assert GlossaryTerm.objects.filter(pk=elsewhere.pk).exists()


def test_a_term_already_in_the_glossary_answers_400_and_keeps_what_was_typed(
    client, community, core
):
    GlossaryTermFactory(term="Taper", community=community)
    client.force_login(core)

    response = client.post(
        reverse("glossary:community_add", args=[community.slug]),
        {"term": "TAPER", "definition": "My own words."},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "“TAPER” is already in this glossary." in page
    assert "My own words." in page
    assert GlossaryTerm.objects.count() == 1


def test_the_same_term_may_exist_in_two_communities_and_the_platform(client, community, core):
    GlossaryTermFactory(term="Taper")
    GlossaryTermFactory(term="Taper", community=CommunityFactory())
    client.force_login(core)

    response = client.post(
        reverse("glossary:community_add", args=[community.slug]),
        {"term": "Taper", "definition": "Ours."},
    )

    assert response.status_code == 302
    assert GlossaryTerm.objects.filter(term="Taper").count() == 3


def test_an_empty_definition_answers_400(client, facilitator):
    client.force_login(facilitator)

    response = client.post(reverse("glossary:platform_add"), {"term": "Empty", "definition": ""})

    assert response.status_code == 400
    assert not GlossaryTerm.objects.exists()


def test_renaming_onto_another_term_answers_400(client, facilitator):
    GlossaryTermFactory(term="HbA1c")
    other = GlossaryTermFactory(term="A1c")
    client.force_login(facilitator)

    response = client.post(
        reverse("glossary:platform_edit", args=[other.pk]), {"term": "hba1c", "definition": "x"}
    )

    assert response.status_code == 400
    other.refresh_from_db()
    assert other.term == "A1c"


@pytest.mark.parametrize("payload", FORM_PAYLOADS)
def test_a_definition_with_a_payload_renders_inert(client, community, core, payload):
    client.force_login(core)

    response = client.post(
        reverse("glossary:community_add", args=[community.slug]),
        {"term": "Payload", "definition": f"{payload}\n\n[a link](https://example.org)"},
        follow=True,
    )

    assert response.status_code == 200
    assert_inert(_main(response))
    page = response.content.decode()
    definitions = page[page.index('<dl class="glossary">') : page.index("</dl>")]
    assert "https://example.org" in definitions
    assert_links_safe(definitions.split('<p class="actions">')[0])


# --- from onboarding ----------------------------------------------------------------


def test_the_welcome_pack_links_the_communitys_glossary(client, community, member):
    client.force_login(member)

    response = client.get(reverse("membership:welcome", args=[community.slug]))

    assert reverse("glossary:community", args=[community.slug]) in response.content.decode()
