"""A community declares the priorities it serves and its learning-cycle stages;
its home page shows them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from facilitation.alignment import selectors, services
from facilitation.models import CommunityLearningStage

from ...factories import CommunityFactory, MembershipFactory
from .factories import PriorityFactory


def _url(community):
    return reverse("alignment:community_alignment", args=[community.slug])


def test_a_core_member_sets_priorities_and_stages(client, community, core):
    wanted, _other = PriorityFactory(name="Mental health access"), PriorityFactory()
    client.force_login(core)

    response = client.post(
        _url(community), {"priorities": [wanted.pk], "stages": ["identify", "evaluate"]}
    )

    assert response.status_code == 302
    assert list(community.priorities.all()) == [wanted]
    stages = set(community.learning_stages.values_list("stage", flat=True))
    assert stages == {"identify", "evaluate"}


def test_saving_again_replaces_the_stages(db, community, core):
    services.alignment_set(community=community, actor=core, priorities=[], stages=["share"])

    services.alignment_set(community=community, actor=core, priorities=[], stages=["generate"])

    assert list(CommunityLearningStage.objects.values_list("stage", flat=True)) == ["generate"]


def test_retired_priorities_declared_earlier_are_kept(db, community, core):
    retired = PriorityFactory(is_active=False)
    retired.communities.add(community)
    current = PriorityFactory()

    services.alignment_set(community=community, actor=core, priorities=[current], stages=[])

    assert set(community.priorities.all()) == {retired, current}


def test_an_unknown_stage_answers_400_and_keeps_the_choice(client, community, core):
    priority = PriorityFactory()
    client.force_login(core)

    response = client.post(_url(community), {"priorities": [priority.pk], "stages": ["nap"]})

    assert response.status_code == 400
    assert response.context["form"]["priorities"].value() == [str(priority.pk)]


def test_members_who_do_not_manage_may_not_set_alignment(client, community, peripheral):
    client.force_login(peripheral)

    assert client.get(_url(community)).status_code == 403
    with pytest.raises(ValidationError):
        services.alignment_set(community=community, actor=peripheral, priorities=[], stages=[])


def test_a_hidden_community_alignment_is_404_to_outsiders(client, outsider):
    hidden = CommunityFactory(visibility="hidden")
    client.force_login(outsider)

    assert client.get(_url(hidden)).status_code == 404


def test_the_community_home_shows_priorities_and_stages(client, community, outsider):
    PriorityFactory(name="Safer transitions of care").communities.add(community)
    PriorityFactory(name="Retired one", is_active=False).communities.add(community)
    CommunityLearningStage.objects.create(community=community, stage="implement")
    client.force_login(outsider)

    body = client.get(reverse("communities:home", args=[community.slug])).content.decode()

    assert "Safer transitions of care" in body
    assert "Implement change" in body
    assert "Retired one" not in body
    assert reverse("alignment:stories", args=[community.slug]) in body
    assert _url(community) not in body


def test_managers_get_the_link_to_set_alignment(client, community, core):
    client.force_login(core)

    body = client.get(reverse("communities:home", args=[community.slug])).content.decode()

    assert _url(community) in body


def test_community_alignment_is_read_in_one_query(db, django_assert_num_queries):
    community = CommunityFactory()
    for n in range(5):
        PriorityFactory(name=f"P{n}", position=5 - n).communities.add(community)
    for stage in ("share", "identify"):
        CommunityLearningStage.objects.create(community=community, stage=stage)

    with django_assert_num_queries(1):
        found = selectors.community_alignment(community=community)

    assert [p.name for p in found["priorities"]] == ["P4", "P3", "P2", "P1", "P0"]
    assert [value for value, _label in found["stages"]] == ["identify", "share"]


def test_the_alignment_form_shows_current_choices(client, community, core):
    chosen = PriorityFactory(name="Chosen one")
    chosen.communities.add(community)
    MembershipFactory(community=community)
    client.force_login(core)

    response = client.get(_url(community))

    assert response.status_code == 200
    assert response.context["form"].initial["priorities"][0].pk == chosen.pk


@pytest.mark.parametrize("rows", [1, 30])
def test_the_alignment_form_costs_the_same_with_1_or_30_priorities(
    client, community, core, django_assert_num_queries, rows
):
    for n in range(rows):
        PriorityFactory(name=f"P{n}").communities.add(community)
    client.force_login(core)

    # session, user, community, permissions, declared alignment, nav unread counts,
    # whether any priority is current (the empty notice), priorities offered
    with django_assert_num_queries(8):
        response = client.get(_url(community))

    assert len(response.context["form"].fields["priorities"].choices) == rows
