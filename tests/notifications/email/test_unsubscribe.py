"""The signed unsubscribe link every email carries: a GET only asks, a POST (our
button, or a mail client's RFC 8058 one-click POST with no session and no CSRF token)
applies it; a bad token is a 400 page; every scope does what it says, once or twice."""

import pytest
from django.test import Client
from django.urls import reverse

from membership.models import Membership, NotificationSettings
from membership.notifications.models import NewsKind
from membership.notifications.preferences import unsubscribe_token

from ...factories import CommunityFactory, MembershipFactory, UserFactory

ONE_CLICK = "List-Unsubscribe=One-Click"


def _url(user, scope="all"):
    return reverse("email:unsubscribe", args=[unsubscribe_token(user.pk, scope)])


@pytest.fixture
def person(db):
    person = UserFactory(email="reader@example.org")
    MembershipFactory(user=person, community=CommunityFactory(name="Wound care"))
    MembershipFactory(user=person, community=CommunityFactory(name="Falls prevention"))
    Membership.objects.filter(user=person).update(email_frequency="daily")
    return person


def _state(person):
    row = NotificationSettings.objects.filter(user=person).first()
    memberships = {
        m.community.name: (m.email_frequency, m.announcement_email)
        for m in Membership.objects.filter(user=person).select_related("community")
    }
    return (row.frequency, sorted(row.news_kinds)) if row else None, memberships


def test_opening_the_link_asks_first_and_changes_nothing(client, person):
    before = _state(person)

    response = client.get(_url(person))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Stop sending reader@example.org:" in page
    assert "all news and reminder emails" in page
    assert '<button type="submit">Unsubscribe</button>' in page
    assert _state(person) == before


def test_the_button_on_the_page_unsubscribes(client, person):
    url = _url(person)
    client.get(url)

    response = client.post(url)

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert _state(person)[0] == ("none", [k for k in sorted(NewsKind.values) if k != "reminders"])


def test_a_mail_clients_one_click_post_needs_no_session_and_no_csrf_token(person):
    mail_client = Client(enforce_csrf_checks=True)
    community = Membership.objects.filter(user=person).first().community

    response = mail_client.post(
        _url(person, f"community:{community.pk}"),
        data=ONE_CLICK,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in mail_client.session
    assert Membership.objects.get(user=person, community=community).email_frequency == "none"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
        lambda token: "x" + token,  # payload
        lambda token: "not-a-token-at-all",
        lambda token: token.split(":")[0],  # no signature
    ],
)
def test_a_tampered_or_garbled_token_is_a_400_page_that_changes_nothing(client, person, mangle):
    token = unsubscribe_token(person.pk, "all")
    url = reverse("email:unsubscribe", args=[mangle(token)])
    before = _state(person)

    for response in (client.get(url), client.post(url, data=ONE_CLICK, content_type="text/plain")):
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert _state(person) == before


def test_a_token_signed_for_another_purpose_is_refused(client, person):
    from django.core import signing

    forged = signing.dumps({"u": person.pk, "s": "all"}, salt="some.other.salt", compress=True)

    assert client.post(reverse("email:unsubscribe", args=[forged])).status_code == 400


def test_a_token_for_an_inactive_or_deleted_member_is_a_400(client, person):
    url = _url(person)
    person.is_active = False
    person.save(update_fields=["is_active"])

    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert not NotificationSettings.objects.filter(user=person).exists()

    gone = reverse("email:unsubscribe", args=[unsubscribe_token(999_999, "all")])
    assert client.post(gone).status_code == 400


def test_all_stops_digests_reminders_and_announcements_everywhere(client, person):
    NotificationSettings.objects.create(user=person, frequency="instant")

    assert client.post(_url(person, "all")).status_code == 200

    overall, memberships = _state(person)
    assert overall == ("none", sorted(k for k in NewsKind.values if k != "reminders"))
    # Every community follows the overall "none", and sends no announcements.
    assert memberships == {"Wound care": ("", False), "Falls prevention": ("", False)}


def test_community_stops_only_that_communitys_email(client, person):
    wound = Membership.objects.get(user=person, community__name="Wound care")

    response = client.post(_url(person, f"community:{wound.community_id}"))

    assert "email from Wound care" in response.content.decode()
    overall, memberships = _state(person)
    assert overall is None  # the overall choice is untouched
    assert memberships == {"Wound care": ("none", True), "Falls prevention": ("daily", True)}


def test_announcements_stops_only_that_communitys_announcements(client, person):
    falls = Membership.objects.get(user=person, community__name="Falls prevention")

    response = client.post(_url(person, f"announcements:{falls.community_id}"))

    assert "announcement emails from Falls prevention" in response.content.decode()
    overall, memberships = _state(person)
    assert overall is None
    assert memberships == {"Wound care": ("daily", True), "Falls prevention": ("daily", False)}


def test_reminders_stops_reminders_and_nothing_else(client, person):
    NotificationSettings.objects.create(user=person, frequency="daily")

    response = client.post(_url(person, "reminders"))

    assert "reminder emails" in response.content.decode()
    overall, memberships = _state(person)
    assert overall == ("daily", sorted(k for k in NewsKind.values if k != "reminders"))
    assert memberships == {"Wound care": ("daily", True), "Falls prevention": ("daily", True)}


def test_a_community_the_member_left_is_named_generically_and_changes_nothing(client, person):
    elsewhere = CommunityFactory(name="Never joined")

    response = client.post(_url(person, f"community:{elsewhere.pk}"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "email from this community" in page and "Never joined" not in page
    assert not Membership.objects.filter(community=elsewhere).exists()


@pytest.mark.parametrize("scope", ["all", "community:{id}", "announcements:{id}", "reminders"])
def test_unsubscribing_twice_is_the_same_as_once(client, person, scope):
    community_id = Membership.objects.filter(user=person).first().community_id
    url = _url(person, scope.format(id=community_id))

    assert client.post(url).status_code == 200
    once = _state(person)
    assert client.post(url, data=ONE_CLICK, content_type="text/plain").status_code == 200

    assert _state(person) == once
