"""The health system's strategic priorities: listed to everyone signed in with the
communities serving each (only those the viewer may list), kept by platform admins."""

import pytest
from django.urls import reverse

from facilitation.alignment import services
from facilitation.models import StrategicPriority

from ...factories import CommunityFactory, MembershipFactory, UserFactory
from .factories import PriorityFactory

URL = reverse("alignment:priorities")


def test_signed_out_people_are_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_lists_current_priorities_with_the_communities_serving_them(client, outsider):
    serving = CommunityFactory(name="Falls Network")
    priority = PriorityFactory(name="Safer transitions of care")
    priority.communities.add(serving)
    PriorityFactory(name="Old priority", is_active=False)
    client.force_login(outsider)

    body = client.get(URL).content.decode()

    assert "Safer transitions of care" in body
    assert "Falls Network" in body
    assert "Old priority" not in body
    assert reverse("alignment:priority_create") not in body


def test_hidden_communities_are_named_only_to_those_who_may_know_them(client, outsider):
    hidden = CommunityFactory(name="Quiet Oyster Team", visibility="hidden")
    PriorityFactory(name="Mental health access").communities.add(hidden)
    member = MembershipFactory(community=hidden).user

    client.force_login(outsider)
    assert "Quiet Oyster Team" not in client.get(URL).content.decode()
    client.force_login(member)
    assert "Quiet Oyster Team" in client.get(URL).content.decode()


def test_admins_see_retired_priorities_and_the_tools(client, admin_user):
    PriorityFactory(name="Old priority", is_active=False)
    client.force_login(admin_user)

    body = client.get(URL).content.decode()

    assert "Old priority" in body
    assert reverse("alignment:priority_create") in body


def test_an_admin_adds_a_priority_last_in_the_order(client, admin_user):
    PriorityFactory(name="First", position=4)
    client.force_login(admin_user)

    response = client.post(
        reverse("alignment:priority_create"),
        {"name": "  Patient   partnership ", "description": "Patients as partners."},
    )

    assert response.status_code == 302
    created = StrategicPriority.objects.get(name="Patient partnership")
    assert created.position == 5
    assert created.is_active


def test_a_duplicate_name_answers_400_and_keeps_the_input(client, admin_user):
    PriorityFactory(name="Mental health access")
    client.force_login(admin_user)

    response = client.post(
        reverse("alignment:priority_create"),
        {"name": "mental health access", "description": "Kept text"},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "There is already a priority with this name." in body
    assert "Kept text" in body


def test_an_empty_name_answers_400(client, admin_user):
    client.force_login(admin_user)

    response = client.post(reverse("alignment:priority_create"), {"name": ""})

    assert response.status_code == 400


@pytest.mark.parametrize("url_name", ["alignment:priority_create", "alignment:priority_edit"])
def test_people_who_are_not_admins_may_not_edit(client, db, url_name):
    priority = PriorityFactory()
    client.force_login(UserFactory(platform_role="facilitator"))
    kwargs = {"priority_id": priority.pk} if url_name.endswith("edit") else {}

    assert client.get(reverse(url_name, kwargs=kwargs)).status_code == 403


def test_an_admin_retires_a_priority_and_its_links_stay(client, admin_user):
    community = CommunityFactory()
    priority = PriorityFactory(name="Wait times")
    priority.communities.add(community)
    client.force_login(admin_user)

    response = client.post(
        reverse("alignment:priority_edit", args=[priority.pk]),
        {"name": "Wait times", "description": "Done."},
    )

    assert response.status_code == 302
    priority.refresh_from_db()
    assert not priority.is_active
    assert list(priority.communities.all()) == [community]


def test_an_admin_reorders_priorities(client, admin_user):
    first, _second, third = (PriorityFactory(name=n) for n in ("A first", "B second", "C third"))
    client.force_login(admin_user)

    client.post(reverse("alignment:priority_move", args=[third.pk]), {"direction": "up"})

    names = list(StrategicPriority.objects.values_list("name", flat=True))
    assert names == ["A first", "C third", "B second"]
    response = client.post(reverse("alignment:priority_move", args=[first.pk]), {"direction": "x"})
    assert response.status_code == 400


def test_moving_the_first_up_keeps_the_order(db, admin_user):
    first, _second = PriorityFactory(name="A"), PriorityFactory(name="B")

    services.priority_move(priority=first, actor=admin_user, direction="up")

    assert list(StrategicPriority.objects.values_list("name", flat=True)) == ["A", "B"]


@pytest.mark.parametrize("rows", [1, 30])
def test_the_priorities_page_costs_the_same_with_1_or_30_rows(
    client, db, django_assert_num_queries, rows
):
    viewer = UserFactory()
    communities = CommunityFactory.create_batch(3)
    for _n in range(rows):
        priority = PriorityFactory()
        priority.communities.add(*communities)
    client.force_login(viewer)

    # session, user, priorities, their listable communities, nav unread counts
    with django_assert_num_queries(5):
        response = client.get(URL)

    assert len(response.context["current"]) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_the_admin_priorities_page_costs_the_same(
    client, admin_user, django_assert_num_queries, rows
):
    for n in range(rows):
        PriorityFactory(is_active=n % 2 == 0).communities.add(CommunityFactory())
    client.force_login(admin_user)

    with django_assert_num_queries(5):
        client.get(URL)
