"""The permission matrix's world on the dashboard: the facilitator of the community and
admins find it there; the facilitator of another community does not, and nobody who
may not read it sees its private text."""

import pytest
from django.urls import reverse

from tests.permissions import expected as E
from tests.permissions.test_matrix import HIDDEN_NAME, SECRET, SECRET_MEMBER, World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("visibility", E.VISIBILITIES)
def test_the_world_community_is_on_the_right_dashboards(client, visibility):
    world = World(visibility)
    name = world.community.name
    for actor, sees in [(E.FAC_THIS, True), (E.ADMIN, True), (E.FAC_OTHER, False)]:
        client.force_login(world.actors[actor])
        body = client.get(reverse("dashboard:index")).content.decode()
        assert (name in body) is sees, actor
        assert SECRET not in body and SECRET_MEMBER not in body
        if actor == E.FAC_OTHER:
            assert HIDDEN_NAME not in body
    client.force_login(world.actors[E.FAC_THIS])
    url = reverse("dashboard:community", args=[world.community.slug])
    body = client.get(url).content.decode()
    assert "Unanswered questions" in body or "question" in body
    assert SECRET not in body and SECRET_MEMBER not in body
