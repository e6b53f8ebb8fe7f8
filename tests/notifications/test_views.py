"""The notification centre: list, follow, mark read (with and without htmx)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from membership import services as membership_services
from membership.models import JoinRequest, Notification

from ..factories import CommunityFactory
from .factories import NotificationFactory

LIST = reverse("notifications:list")
MARK_ALL = reverse("notifications:mark_all_read")
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_list_shows_my_notifications_newest_first_as_sentences(client, outsider):
    NotificationFactory(recipient=outsider, title="Older thread", actor__display_name="Ann")
    NotificationFactory(recipient=outsider, title="Newer thread", actor__display_name="Bo")
    NotificationFactory(title="Someone else's")
    client.force_login(outsider)

    body = client.get(LIST).content.decode()

    assert body.index("Bo replied to “Newer thread”") < body.index("Ann replied to “Older thread”")
    assert "Someone else&#x27;s" not in body and "Someone else's" not in body
    assert '<span class="nav-count">2</span>' in body


@pytest.mark.parametrize("kind", Notification.Kind.values)
def test_every_kind_has_its_own_sentence(client, outsider, kind):
    NotificationFactory(recipient=outsider, kind=kind, title="Quarterly review")
    client.force_login(outsider)

    page = client.get(LIST)

    sentence = page.context["notifications"][0]
    assert "Quarterly review" in page.content.decode()
    assert sentence.kind == kind


def test_following_a_notification_marks_it_read_and_goes_there(client, outsider):
    found = NotificationFactory(recipient=outsider, url="/communities/?q=x")
    client.force_login(outsider)

    response = client.get(reverse("notifications:open", args=[found.pk]))

    found.refresh_from_db()
    assert response["Location"] == "/communities/?q=x"
    assert found.read_at is not None


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_following_never_leaves_the_site(client, outsider, url):
    found = NotificationFactory(recipient=outsider, url=url)
    client.force_login(outsider)

    response = client.get(reverse("notifications:open", args=[found.pk]))

    assert response["Location"] == LIST


def test_someone_elses_notification_is_missing(client, outsider):
    theirs = NotificationFactory()
    client.force_login(outsider)

    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_read_without_javascript_redirects(client, outsider):
    found = NotificationFactory(recipient=outsider)
    client.force_login(outsider)

    response = client.post(reverse("notifications:mark_read", args=[found.pk]))

    found.refresh_from_db()
    assert response["Location"] == LIST
    assert found.read_at is not None


def test_mark_one_read_with_htmx_answers_the_row_and_the_badge(client, outsider):
    found, _other = NotificationFactory.create_batch(2, recipient=outsider)
    client.force_login(outsider)

    response = client.post(reverse("notifications:mark_read", args=[found.pk]), **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="notification-{found.pk}"' in body
    assert 'id="nav-notifications-count" hx-swap-oob="true"' in body
    assert '<span class="nav-count">1</span>' in body


def test_mark_all_read_with_htmx_answers_the_list_and_an_empty_badge(client, outsider):
    NotificationFactory.create_batch(3, recipient=outsider)
    client.force_login(outsider)

    response = client.post(MARK_ALL, **HTMX)

    body = response.content.decode()
    assert "All notifications are marked read." in body
    assert 'id="notification-list"' in body
    assert 'hx-swap-oob="true"></span>' in body
    assert not Notification.objects.filter(recipient=outsider, read_at=None).exists()


def test_mark_all_read_without_javascript_redirects(client, outsider):
    NotificationFactory.create_batch(2, recipient=outsider)
    other = NotificationFactory()
    client.force_login(outsider)

    response = client.post(MARK_ALL)

    assert response["Location"] == LIST
    assert not Notification.objects.filter(recipient=outsider, read_at=None).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_page_carries_htmx_attributes_and_plain_forms(client, outsider):
    NotificationFactory(recipient=outsider)
    client.force_login(outsider)

    body = client.get(LIST).content.decode()

    assert f'hx-post="{MARK_ALL}"' in body and f'action="{MARK_ALL}"' in body
    assert 'hx-headers=\'{"X-CSRFToken"' in body


def test_show_more_appends_older_rows_and_works_as_a_link(client, outsider):
    NotificationFactory.create_batch(25, recipient=outsider)
    client.force_login(outsider)

    first = client.get(LIST)
    cursor = first.context["page"].next_cursor
    more = client.get(LIST, {"before": cursor}, **HTMX)
    plain = client.get(LIST, {"before": cursor})

    assert len(first.context["notifications"]) == 20
    assert "Show more" in first.content.decode()
    assert "<html" not in more.content.decode()
    assert more.content.decode().count('<li class="notification') == 5
    assert "<html" in plain.content.decode()
    assert client.get(LIST, {"before": "bad"}).status_code == 400


def test_an_empty_centre_says_what_it_will_hold(client, outsider):
    client.force_login(outsider)

    assert "No notifications" in client.get(LIST).content.decode()


@pytest.mark.parametrize("rows", [3, 30])
def test_notification_centre_query_count_is_fixed(
    client, outsider, django_assert_num_queries, rows
):
    somewhere = CommunityFactory(name="Somewhere")
    NotificationFactory.create_batch(rows, recipient=outsider, community=somewhere)
    client.force_login(outsider)

    # session, user, the page of rows, the unread count, the nav counts
    with django_assert_num_queries(5):
        assert client.get(LIST).status_code == 200


def test_a_decision_on_a_join_request_notifies_the_requester(community, core, outsider):
    request = JoinRequest.objects.create(user=outsider, community=community)

    membership_services.join_request_approve(join_request=request, actor=core)

    found = Notification.objects.get(recipient=outsider)
    assert found.kind == Notification.Kind.JOIN_DECISION
    assert found.url == reverse("communities:home", args=[community.slug])
    assert found.actor == core


def test_a_declined_request_notifies_the_requester_too(community, core, outsider):
    request = JoinRequest.objects.create(user=outsider, community=community)

    membership_services.join_request_decline(join_request=request, actor=core, reason="Full")

    assert Notification.objects.get(recipient=outsider).kind == Notification.Kind.JOIN_DECISION


def test_read_notifications_are_not_counted(client, outsider):
    NotificationFactory(recipient=outsider, read_at=timezone.now())
    client.force_login(outsider)

    assert 'class="nav-count"' not in client.get(LIST).content.decode()
