"""The knowledge questions in membership/permissions.py: the list filter
`items_readable_by` agrees with `may_read_item` for every kind of person and item."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from knowledge import services
from knowledge.models import KnowledgeItem
from membership import permissions

from ..factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from .factories import contributor, make_item

Status = KnowledgeItem.Status


@pytest.fixture
def landscape(db):
    public = CommunityFactory(visibility="public", name="Public")
    private = CommunityFactory(visibility="private", name="Private")
    hidden = CommunityFactory(visibility="hidden", name="Hidden")
    author = contributor(private)
    facilitator = FacilitatorAssignmentFactory(community=hidden).user
    FacilitatorAssignmentFactory(community=public, user=facilitator)
    items = {
        "public published": make_item(public),
        "public draft": make_item(public, status=Status.DRAFT),
        "private published": make_item(private, author=author),
        "private in review": make_item(private, author=author, status=Status.IN_REVIEW),
        "private shared to public": make_item(private, author=author),
        "hidden published": make_item(hidden, publisher=facilitator),
        "hidden in library": make_item(hidden, publisher=facilitator),
    }
    MembershipFactory(community=public, user=author, level="active")
    services.item_share(
        item=items["private shared to public"], actor=author, community=public, confirmed=True
    )
    services.item_set_in_library(
        item=items["hidden in library"], actor=facilitator, in_library=True
    )
    people = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(),
        "author": author,
        "private peripheral": MembershipFactory(community=private, level="peripheral").user,
        "private core": MembershipFactory(community=private, level="core").user,
        "public core": MembershipFactory(community=public, level="core").user,
        "facilitator": facilitator,
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    return items, people


EXPECTED_READABLE = {
    "anonymous": {"public published", "private shared to public"},
    "outsider": {"public published", "private shared to public", "hidden in library"},
    "author": {
        "public published",
        "private published",
        "private in review",
        "private shared to public",
        "hidden in library",
    },
    "private peripheral": {
        "public published",
        "private published",
        "private shared to public",
        "hidden in library",
    },
    "private core": {
        "public published",
        "private published",
        "private in review",
        "private shared to public",
        "hidden in library",
    },
    "public core": {
        "public published",
        "public draft",
        "private shared to public",
        "hidden in library",
    },
    "facilitator": {
        "public published",
        "public draft",
        "private shared to public",
        "hidden published",
        "hidden in library",
    },
}


@pytest.mark.parametrize("who", sorted(EXPECTED_READABLE))
def test_the_list_filter_and_the_item_question_agree(landscape, who):
    items, people = landscape
    person = people[who]
    by_id = {item.pk: name for name, item in items.items()}

    listed = {
        by_id[pk] for pk in permissions.items_readable_by(person).values_list("pk", flat=True)
    }
    asked = {name for name, item in items.items() if permissions.may_read_item(person, item)}

    assert listed == asked == EXPECTED_READABLE[who]


def test_admins_read_everything(landscape):
    items, people = landscape

    assert permissions.items_readable_by(people["admin"]).count() == len(items)


@pytest.mark.parametrize(
    ("name", "status"),
    [("private published", 403), ("hidden published", 404), ("public draft", 403)],
)
def test_guessing_ids_answers_as_the_matrix_says(client, landscape, name, status):
    items, people = landscape
    client.force_login(people["outsider"])
    item = items[name]

    for url_name in ("item", "download", "history", "edit", "share"):
        assert client.get(reverse(f"knowledge:{url_name}", args=[item.pk])).status_code == status


def test_an_unknown_item_is_not_found(client, landscape):
    assert client.get(reverse("knowledge:item", args=[999_999])).status_code == 404
