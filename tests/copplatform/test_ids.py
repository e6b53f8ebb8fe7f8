"""Ids from addresses and forms (copplatform/db.py): a number no row can have, or a
character str.isdigit() accepts and int() refuses, is "not found" or a form error,
never a 500. Found by tests/permissions/test_fuzz.py."""

import pytest
from django.urls import reverse

from copplatform.db import MAX_ID, parse_id
from membership.models import User

from ..factories import UserFactory

TOO_BIG = "99999999999999999999"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (str(MAX_ID), MAX_ID),
        ("0", None),
        (TOO_BIG, None),
        ("\u00b2", None),
        ("1" * 20_000, None),
        ("\u0661", None),
        ("-3", None),
        (" 4", None),
        ("", None),
    ],
)
def test_parse_id_takes_ascii_digits_within_the_database_range(text, expected):
    assert parse_id(text) == expected


def test_an_in_lookup_with_a_number_too_big_for_the_column_matches_no_row(db):
    person = UserFactory()

    assert list(User.objects.filter(pk__in=[int(TOO_BIG)])) == []
    assert list(User.objects.filter(pk__in=[int(TOO_BIG), person.pk])) == [person]


def test_a_form_choice_too_big_for_the_database_is_a_form_error(client, db):
    from membership.messaging.forms import ConversationStartForm

    me = UserFactory()
    form = ConversationStartForm(
        {"recipients": [TOO_BIG], "body": "Hello"}, reachable=User.objects.exclude(pk=me.pk)
    )

    assert not form.is_valid()
    assert "recipients" in form.errors


def test_an_invitation_link_with_a_superscript_digit_is_not_found(client, db):
    response = client.get(reverse("membership:invitation", args=["\u00b2.abc"]))

    assert response.status_code == 404


def test_a_new_message_for_a_superscript_digit_opens_the_empty_form(client, db):
    client.force_login(UserFactory())

    response = client.get(reverse("messaging:new") + "?to=%C2%B2")

    assert response.status_code == 200


def test_a_page_link_with_a_superscript_digit_is_a_bad_request(client, db):
    client.force_login(UserFactory())

    response = client.get(reverse("notifications:list") + "?before=2026-01-01T00:00:00Z_%C2%B2")

    assert response.status_code == 400


def test_a_page_link_with_thousands_of_digits_is_a_page_past_every_row(client, db):
    client.force_login(UserFactory())

    response = client.get(
        reverse("notifications:list"), {"before": "2026-01-01T00:00:00+00:00_" + "1" * 20_000}
    )

    assert response.status_code == 200


def test_a_charter_comparison_of_revisions_no_table_can_hold_is_not_found(client, db):
    from ..factories import CommunityFactory

    community = CommunityFactory(visibility="public")
    url = reverse("communities:charter_compare", args=[community.slug])

    response = client.get(url, {"from": TOO_BIG, "to": "1"})

    assert response.status_code == 404
