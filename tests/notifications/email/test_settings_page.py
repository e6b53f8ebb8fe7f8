"""A member's email settings page: one form for the overall choices, quiet hours,
time zone and a row per community; saved with post/redirect/get; bad input kept."""

from datetime import time

import pytest
from django.urls import reverse

from membership.models import Membership, NotificationSettings
from membership.notifications.models import Frequency, NewsKind

from ...factories import CommunityFactory, MembershipFactory, UserFactory

SETTINGS = reverse("email:settings")


def _post_body(memberships=(), **overrides):
    body = {
        "frequency": "daily",
        "news_kinds": ["discussions", "events"],
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "time_zone": "Europe/London",
    }
    for membership in memberships:
        body[f"community_{membership.pk}_frequency"] = ""
        body[f"community_{membership.pk}_announcements"] = "on"
    body.update(overrides)
    return body


def test_signed_out_people_are_asked_to_sign_in(client, db):
    response = client.get(SETTINGS)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_member_who_never_chose_sees_the_defaults_and_each_community(client, db):
    person = UserFactory(time_zone="America/Toronto")
    zebra = MembershipFactory(user=person, community__name="Zebra crossings").community
    apple = MembershipFactory(user=person, community__name="Apple growers").community
    client.force_login(person)

    response = client.get(SETTINGS)

    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="weekly" required id="id_frequency_2" checked' in page
    for kind in NewsKind.values:
        assert f'value="{kind}"' in page
    assert page.count('name="news_kinds"') == page.count("checked") - 1 - 2  # + weekly, 2 rows
    assert '<option value="America/Toronto" selected>' in page
    # Communities by name, each row an anchor for the community page's link.
    assert page.index("Apple growers") < page.index("Zebra crossings")
    assert f'id="community-{apple.pk}"' in page and f'id="community-{zebra.pk}"' in page
    assert "Same as my overall choice" in page
    assert not NotificationSettings.objects.exists()  # looking changes nothing


def test_saving_stores_every_choice_and_redirects_with_a_message(client, db):
    person = UserFactory()
    first, second = MembershipFactory.create_batch(2, user=person)
    client.force_login(person)
    body = _post_body([first, second])
    body[f"community_{first.pk}_frequency"] = "instant"
    del body[f"community_{second.pk}_announcements"]  # unticked

    response = client.post(SETTINGS, body)

    assert response.status_code == 302 and response["Location"] == SETTINGS
    row = NotificationSettings.objects.get(user=person)
    assert row.frequency == Frequency.DAILY
    assert row.news_kinds == ["discussions", "events"]
    assert (row.quiet_start, row.quiet_end) == (time(22, 0), time(7, 0))
    person.refresh_from_db()
    assert person.time_zone == "Europe/London"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.email_frequency, first.announcement_email) == ("instant", True)
    assert (second.email_frequency, second.announcement_email) == ("", False)
    followed = client.get(response["Location"])
    assert "Your email settings have been saved." in followed.content.decode()
    assert 'value="daily" required id="id_frequency_1" checked' in followed.content.decode()


def test_no_news_kinds_and_no_quiet_hours_are_valid_choices(client, db):
    person = UserFactory()
    NotificationSettings.objects.create(user=person, quiet_start=time(22, 0), quiet_end=time(7, 0))
    client.force_login(person)

    body = _post_body(frequency="none", quiet_start="", quiet_end="")
    del body["news_kinds"]
    response = client.post(SETTINGS, body)

    assert response.status_code == 302
    row = NotificationSettings.objects.get(user=person)
    assert (row.frequency, row.news_kinds, row.quiet_start, row.quiet_end) == (
        "none",
        [],
        None,
        None,
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("22:00", "", "Give both the start and the end of your quiet hours, or neither."),
        ("", "07:00", "Give both the start and the end of your quiet hours, or neither."),
        ("09:00", "09:00", "Quiet hours must end at a different time than they start."),
        ("25:00", "07:00", "Enter a time like 22:00."),
    ],
)
def test_bad_quiet_hours_are_a_400_that_keeps_what_was_typed(client, db, start, end, message):
    person = UserFactory()
    membership = MembershipFactory(user=person)
    client.force_login(person)
    body = _post_body([membership], quiet_start=start, quiet_end=end, frequency="instant")
    body[f"community_{membership.pk}_frequency"] = "none"

    response = client.post(SETTINGS, body)

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert "There is a problem" in page
    assert 'value="instant" required id="id_frequency_0" checked' in page
    assert f'value="{start}"' in page if start else True
    assert '<option value="none" selected>' in page
    assert '<option value="Europe/London" selected>' in page
    assert not NotificationSettings.objects.exists()
    membership.refresh_from_db()
    assert membership.email_frequency == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list."),
        ("frequency", "hourly", "Select a valid choice."),
        ("news_kinds", "gossip", "Select a valid choice."),
    ],
)
def test_choices_not_on_the_list_are_refused(client, db, field, value, message):
    person = UserFactory()
    client.force_login(person)

    response = client.post(SETTINGS, _post_body(**{field: value}))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not NotificationSettings.objects.exists()


def test_a_bad_community_frequency_is_refused_beside_its_row(client, db):
    person = UserFactory()
    membership = MembershipFactory(user=person, community__name="Ward rounds")
    client.force_login(person)
    body = _post_body([membership])
    body[f"community_{membership.pk}_frequency"] = "hourly"

    response = client.post(SETTINGS, body)

    assert response.status_code == 400
    assert f'href="#id_community_{membership.pk}_frequency"' in response.content.decode()


def test_a_community_joined_after_the_page_was_shown_keeps_its_choices(client, db):
    person = UserFactory()
    shown = MembershipFactory(user=person)
    client.force_login(person)
    body = _post_body([shown])
    joined_later = MembershipFactory(user=person)
    Membership.objects.filter(pk=joined_later.pk).update(email_frequency="instant")

    assert client.post(SETTINGS, body).status_code == 302

    joined_later.refresh_from_db()
    assert (joined_later.email_frequency, joined_later.announcement_email) == ("instant", True)


def test_fields_naming_someone_elses_membership_change_nothing(client, db):
    person = UserFactory()
    theirs = MembershipFactory()
    client.force_login(person)
    body = _post_body()
    body[f"community_{theirs.pk}_frequency"] = "none"

    assert client.post(SETTINGS, body).status_code == 302

    theirs.refresh_from_db()
    assert (theirs.email_frequency, theirs.announcement_email) == ("", True)


def test_the_settings_navigation_and_each_community_home_link_here(client, db):
    person = UserFactory()
    community = CommunityFactory()
    MembershipFactory(user=person, community=community)
    client.force_login(person)

    nav = client.get(reverse("membership:profile_edit")).content.decode()
    home = client.get(reverse("communities:home", args=[community.slug])).content.decode()
    own = client.get(SETTINGS).content.decode()

    assert f'href="{SETTINGS}"' in nav
    assert f'href="{SETTINGS}#community-{community.pk}">Email from this community</a>' in home
    assert f'href="{SETTINGS}" aria-current="page">Email</a>' in own


def test_a_non_member_sees_no_community_email_link_on_a_community_home(client, db):
    community = CommunityFactory()
    client.force_login(UserFactory())

    home = client.get(reverse("communities:home", args=[community.slug])).content.decode()

    assert "Email from this community" not in home


@pytest.mark.parametrize("memberships", [1, 12])
def test_the_page_and_a_save_take_the_same_queries_however_many_communities(
    client, db, django_assert_num_queries, memberships
):
    person = UserFactory()
    rows = MembershipFactory.create_batch(memberships, user=person)
    NotificationSettings.objects.create(user=person)
    client.force_login(person)

    # session, user, settings row, memberships with communities, the nav counts
    with django_assert_num_queries(5):
        assert client.get(SETTINGS).status_code == 200
    # the same four reads; then a savepoint, update_or_create of the settings row
    # (savepoint, select, update, release), the time zone, one update for every
    # membership, release
    with django_assert_num_queries(12):
        assert client.post(SETTINGS, _post_body(rows)).status_code == 302
    assert Membership.objects.filter(user=person, announcement_email=True).count() == memberships
