"""allauth's rate limits on signing in, at their exact thresholds (ACCOUNT_RATE_LIMITS).

Per account: 5 failed sign-ins within 5 minutes are answered as wrong passwords; the
6th attempt is refused even with the right password, from any address, until the
window passes. Per address: 10 failed sign-ins a minute, whatever the accounts; the
11th is refused. The admin site signs in through the same page. The counts live in
the cache, which production requires to be shared: here a real Redis holds them.
"""

import datetime as dt

import pytest
import redis
import time_machine
from django.urls import reverse

from ..factories import PASSWORD, UserFactory

WRONG = "The email address and/or password you specified are not correct."
LIMITED = "Too many failed login attempts. Try again later."

START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


def _sign_in(client, email, password, ip="198.51.100.7"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _assert_wrong_password(response):
    assert response.status_code == 200
    html = response.content.decode()
    assert WRONG in html
    assert LIMITED not in html


def _assert_limited(response):
    assert response.status_code == 200
    assert LIMITED in response.content.decode()


def test_five_failures_for_an_account_are_allowed_and_the_sixth_is_refused_even_if_right(
    client, db
):
    UserFactory(email="target@example.org")

    with time_machine.travel(START, tick=False):
        # From five different addresses: the limit is the account's, not an address's.
        for attempt in range(5):
            response = _sign_in(
                client, "target@example.org", f"guess-{attempt}", ip=f"203.0.113.{attempt + 1}"
            )
            _assert_wrong_password(response)

        sixth = _sign_in(client, "Target@Example.org", PASSWORD, ip="203.0.113.99")

    _assert_limited(sixth)
    assert not _signed_in(client)


def test_an_account_is_open_again_five_minutes_after_its_failures(client, db):
    user = UserFactory(email="target@example.org")
    with time_machine.travel(START, tick=False):
        for attempt in range(5):
            _sign_in(client, user.email, f"guess-{attempt}")

    with time_machine.travel(START + dt.timedelta(minutes=4, seconds=59), tick=False):
        _assert_limited(_sign_in(client, user.email, PASSWORD))
    with time_machine.travel(START + dt.timedelta(minutes=5, seconds=1), tick=False):
        response = _sign_in(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_ten_failures_from_one_address_are_allowed_and_the_eleventh_is_refused(client, db):
    users = [UserFactory(email=f"member{n}@example.org") for n in range(12)]

    with time_machine.travel(START, tick=False):
        # One failure on each of ten accounts: no account reaches its own limit.
        for user in users[:10]:
            _assert_wrong_password(_sign_in(client, user.email, "not-the-password"))

        eleventh = _sign_in(client, users[10].email, PASSWORD)
        from_elsewhere = _sign_in(client, users[11].email, PASSWORD, ip="192.0.2.44")

    _assert_limited(eleventh)
    # Another address is not affected.
    assert from_elsewhere.status_code == 302
    assert _signed_in(client)


def test_an_address_is_open_again_a_minute_after_its_failures(client, db):
    users = [UserFactory(email=f"member{n}@example.org") for n in range(11)]
    with time_machine.travel(START, tick=False):
        for user in users[:10]:
            _sign_in(client, user.email, "not-the-password")

    with time_machine.travel(START + dt.timedelta(seconds=61), tick=False):
        response = _sign_in(client, users[10].email, PASSWORD)

    assert response.status_code == 302


def test_successful_sign_ins_do_not_use_up_the_failure_allowance(client, db):
    user = UserFactory(email="busy@example.org")

    with time_machine.travel(START, tick=False):
        for _ in range(6):
            assert _sign_in(client, user.email, PASSWORD).status_code == 302
            client.post(reverse("account_logout"))
        for attempt in range(5):
            _assert_wrong_password(_sign_in(client, user.email, f"guess-{attempt}"))


# --- the admin site ----------------------------------------------------------------


def test_the_admin_sign_in_page_sends_to_the_rate_limited_sign_in_page(client, db):
    response = client.get(reverse("admin:login") + "?next=/admin/")

    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2F"


def test_posting_a_password_to_the_admin_sign_in_page_signs_nobody_in(client, admin_user):
    response = client.post(
        reverse("admin:login"), {"username": admin_user.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not _signed_in(client)


def test_an_admin_account_is_locked_by_failures_like_any_other(client, admin_user):
    with time_machine.travel(START, tick=False):
        for attempt in range(5):
            _assert_wrong_password(_sign_in(client, admin_user.email, f"guess-{attempt}"))
        refused = _sign_in(client, admin_user.email, PASSWORD)

    _assert_limited(refused)
    assert client.get(reverse("admin:index")).status_code == 302
    assert not _signed_in(client)


def test_a_signed_in_member_who_is_not_staff_is_refused_the_admin_site(client, db):
    member = UserFactory()
    _sign_in(client, member.email, PASSWORD)

    assert client.get(reverse("admin:login")).status_code == 403
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_signed_in_through_the_site_reach_the_admin(client, admin_user):
    response = _sign_in(client, admin_user.email, PASSWORD)

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


# --- on a shared cache ---------------------------------------------------------------


@pytest.fixture
def redis_cache(settings, private_redis):
    """The cache on a private Redis, as in production (REDIS_URL)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
        }
    }
    return redis.Redis.from_url(private_redis.url)


def test_failures_are_counted_in_redis_where_every_web_process_sees_them(client, db, redis_cache):
    UserFactory(email="target@example.org")

    for attempt in range(5):
        _assert_wrong_password(_sign_in(client, "target@example.org", f"guess-{attempt}"))

    keys = [key.decode() for key in redis_cache.keys("*allauth:rl:allauth.account:login_failed*")]
    # One count for the address, one for the account: in Redis, where every web
    # process reads them.
    assert len(keys) == 2
    _assert_limited(_sign_in(client, "target@example.org", PASSWORD))
    assert not _signed_in(client)

    # Nothing else holds the counts: without them in Redis the account opens again.
    redis_cache.flushdb()
    assert _sign_in(client, "target@example.org", PASSWORD).status_code == 302
