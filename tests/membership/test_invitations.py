"""Invitations: single-use, expiring, tied to an email address; clear answers, never 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from membership import services
from membership.models import Invitation, Membership

from ..factories import PASSWORD, CommunityFactory, MembershipFactory, UserFactory


@pytest.fixture
def inviter(community):
    return MembershipFactory(community=community, level=Membership.Level.CORE).user


def _invite(community, inviter, email="guest@example.org", level="peripheral"):
    invitation = services.invitation_create(
        community=community, email=email, level=level, message="", actor=inviter
    )
    return invitation, services.invitation_token(invitation)


def _url(token):
    return reverse("membership:invitation", args=[token])


def test_invitation_email_carries_a_working_single_use_link(
    client, community, inviter, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, token = _invite(community, inviter)
    assert mailoutbox[0].to == ["guest@example.org"]
    assert _url(token) in mailoutbox[0].body
    guest = UserFactory(email="guest@example.org")
    client.force_login(guest)

    first = client.post(_url(token))
    second = client.post(_url(token))

    assert first.status_code == 302
    assert Membership.objects.get(user=guest, community=community).level == "peripheral"
    assert second.status_code == 410
    assert "already been used" in second.content.decode()


def test_an_invitation_can_make_an_active_member(client, community, inviter):
    _invitation, token = _invite(community, inviter, level="active")
    guest = UserFactory(email="guest@example.org")
    client.force_login(guest)

    client.post(_url(token))

    assert Membership.objects.get(user=guest).level == "active"


def test_an_expired_invitation_is_refused_with_a_message(client, community, inviter):
    invitation, token = _invite(community, inviter)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(UserFactory(email="guest@example.org"))

    response = client.post(_url(token))

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not Membership.objects.filter(user__email="guest@example.org").exists()


def test_a_withdrawn_invitation_is_refused(client, community, inviter):
    invitation, token = _invite(community, inviter)
    services.invitation_revoke(invitation=invitation, actor=inviter)

    response = client.get(_url(token))

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


@pytest.mark.parametrize("suffix", ["0", "x", "", "a" * 64])
def test_a_forged_or_mangled_token_is_not_found(client, community, inviter, suffix):
    invitation, token = _invite(community, inviter)

    for bad in (f"{invitation.pk}.{suffix}", f"{token}{suffix}x", "nonsense", "999999.abc"):
        response = client.get(_url(bad))
        assert response.status_code == 404
        assert "not valid" in response.content.decode()


def test_someone_signed_in_with_another_address_is_told_which_address_to_use(
    client, community, inviter
):
    _invitation, token = _invite(community, inviter)
    client.force_login(UserFactory(email="someone.else@example.org"))

    response = client.post(_url(token))

    assert response.status_code == 400
    assert "This invitation was sent to guest@example.org" in response.content.decode()
    assert not Membership.objects.filter(user__email="someone.else@example.org").exists()


def test_a_second_open_invitation_to_the_same_address_is_refused(client, community, inviter):
    _invite(community, inviter)
    client.force_login(inviter)

    response = client.post(
        reverse("membership:invite", args=[community.slug]),
        {"email": "GUEST@example.org", "level": "peripheral", "message": "again"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "already has an open invitation" in html
    assert 'value="GUEST@example.org"' in html  # what was typed is kept
    assert Invitation.objects.count() == 1


def test_inviting_an_existing_member_is_refused(client, community, inviter, peripheral):
    client.force_login(inviter)

    response = client.post(
        reverse("membership:invite", args=[community.slug]),
        {"email": peripheral.email, "level": "peripheral"},
    )

    assert response.status_code == 400
    assert "is already a member" in response.content.decode()


def test_a_person_without_an_account_is_brought_back_to_the_invitation_after_signing_in(
    client, community, inviter
):
    _invitation, token = _invite(community, inviter)
    UserFactory(email="guest@example.org")

    page = client.get(_url(token))
    assert "Create an account" in page.content.decode()
    response = client.post(
        reverse("account_login"), {"login": "guest@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == _url(token)


def test_the_invitation_page_works_for_a_community_of_another_visibility(client, inviter):
    hidden = CommunityFactory(visibility="hidden")
    core = MembershipFactory(community=hidden, level=Membership.Level.CORE).user
    _invitation, token = _invite(hidden, core)

    response = client.get(_url(token))

    assert response.status_code == 200
    assert hidden.name in response.content.decode()
