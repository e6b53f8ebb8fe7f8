import pytest
from django.urls import reverse

from communities.models import Community
from membership.models import AuditEntry, Membership, User

from ..factories import CommunityFactory, UserFactory

URL = reverse("communities:create")
QUEUE = reverse("communities:proposed")
VALID = {
    "name": "Safer Discharge",
    "purpose": "Getting people home safely.",
    "visibility": "public",
    "join_policy": "open",
    "topics": "discharge, patient flow,  Discharge ,",
}


@pytest.fixture
def platform_facilitator(db):
    return UserFactory(platform_role=User.PlatformRole.FACILITATOR)


def _proposed(**kwargs):
    founder = UserFactory()
    return CommunityFactory(status=Community.Status.PROPOSED, created_by=founder, **kwargs)


def test_signed_out_visitors_are_asked_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_under_the_open_policy_a_new_community_opens_at_once(client, outsider, settings):
    settings.COMMUNITY_CREATION_POLICY = "open"
    client.force_login(outsider)

    response = client.post(URL, VALID, follow=True)

    community = Community.objects.get(name="Safer Discharge")
    assert response.redirect_chain[-1][0] == reverse("communities:home", args=[community.slug])
    assert community.status == Community.Status.ACTIVE
    assert sorted(community.topics.names()) == ["discharge", "patient flow"]
    assert Membership.objects.get(community=community, user=outsider).level == "core"
    assert "is open. You are its first core member." in response.content.decode()


def test_under_the_approval_policy_a_members_community_waits_for_a_facilitator(
    client, outsider, settings
):
    settings.COMMUNITY_CREATION_POLICY = "approval"
    client.force_login(outsider)

    response = client.post(URL, VALID, follow=True)

    community = Community.objects.get(name="Safer Discharge")
    assert community.status == Community.Status.PROPOSED
    body = response.content.decode()
    assert response.status_code == 200
    assert "A facilitator will review Safer Discharge" in body
    assert "waiting for a facilitator to approve it" in body


def test_the_form_says_before_submitting_that_a_facilitator_will_review(client, outsider):
    client.force_login(outsider)

    body = client.get(URL).content.decode()

    assert "A facilitator reviews each new community before it opens." in body
    assert "Propose the community" in body


def test_a_facilitators_community_opens_at_once_under_the_approval_policy(
    client, platform_facilitator
):
    client.force_login(platform_facilitator)

    client.post(URL, VALID)

    assert Community.objects.get(name="Safer Discharge").status == Community.Status.ACTIVE


def test_a_proposed_community_is_unknown_to_others_until_approved(client, outsider):
    community = _proposed()
    home = reverse("communities:home", args=[community.slug])

    assert client.get(home).status_code == 404
    client.force_login(outsider)
    assert client.get(home).status_code == 404
    client.force_login(community.created_by)
    assert client.get(home).status_code == 200


def test_missing_fields_are_shown_as_errors_and_typed_values_are_kept(client, outsider):
    client.force_login(outsider)

    response = client.post(URL, {**VALID, "name": "", "purpose": "Kept purpose"})

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["Enter a name for the community."]
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Kept purpose" in body
    assert not Community.objects.exists()


def test_too_many_topics_are_refused(client, outsider):
    client.force_login(outsider)

    response = client.post(URL, {**VALID, "topics": ", ".join(f"t{n}" for n in range(11))})

    assert response.context["form"].errors["topics"] == ["List at most 10 topics."]


def test_only_facilitators_see_the_approval_queue(client, outsider, platform_facilitator):
    waiting = _proposed(name="Waiting Room")
    CommunityFactory(name="Already Open")

    assert client.get(QUEUE).status_code == 302
    client.force_login(outsider)
    assert client.get(QUEUE).status_code == 403
    client.force_login(platform_facilitator)
    response = client.get(QUEUE)

    assert response.status_code == 200
    assert [row["community"] for row in response.context["rows"]] == [waiting]
    assert "Already Open" not in response.content.decode()


def test_an_empty_queue_says_what_it_will_hold(client, platform_facilitator):
    client.force_login(platform_facilitator)

    assert "Nothing is waiting for approval" in client.get(QUEUE).content.decode()


def test_a_facilitator_approves_a_proposed_community(client, platform_facilitator):
    community = _proposed(name="Waiting Room")
    client.force_login(platform_facilitator)

    response = client.post(reverse("communities:approve", args=[community.slug]), follow=True)

    community.refresh_from_db()
    assert community.status == Community.Status.ACTIVE
    assert "Waiting Room is approved and open." in response.content.decode()


def test_non_facilitators_are_refused_whatever_the_address(client, outsider):
    community = _proposed()
    open_one = CommunityFactory()
    client.force_login(outsider)

    # The same answer for a proposal, an open community and no community at all.
    for slug in (community.slug, open_one.slug, "no-such-community"):
        assert client.post(reverse("communities:approve", args=[slug])).status_code == 403
        response = client.post(reverse("communities:decline", args=[slug]), {"reason": "x"})
        assert response.status_code == 403
    community.refresh_from_db()
    assert community.status == Community.Status.PROPOSED


def test_deciding_an_unknown_address_is_not_found_for_facilitators(client, platform_facilitator):
    client.force_login(platform_facilitator)

    assert client.post(reverse("communities:approve", args=["no-such"])).status_code == 404


def test_the_founder_cannot_approve_their_own_proposal(client, db):
    community = _proposed()
    client.force_login(community.created_by)

    response = client.post(reverse("communities:approve", args=[community.slug]))

    assert response.status_code == 403
    community.refresh_from_db()
    assert community.status == Community.Status.PROPOSED


def test_approving_is_post_only(client, platform_facilitator):
    community = _proposed()
    client.force_login(platform_facilitator)

    assert client.get(reverse("communities:approve", args=[community.slug])).status_code == 405


def test_declining_needs_a_reason(client, platform_facilitator):
    community = _proposed(name="Waiting Room")
    client.force_login(platform_facilitator)

    response = client.post(reverse("communities:decline", args=[community.slug]), {"reason": " "})

    assert response.status_code == 400
    body = response.content.decode()
    assert "Give a reason. The founder is told it by email." in body
    assert f'id="decline-{community.pk}-reason"' in body
    community.refresh_from_db()
    assert community.status == Community.Status.PROPOSED


def test_a_facilitator_declines_with_a_reason_kept_in_the_audit_log(client, platform_facilitator):
    community = _proposed(name="Waiting Room")
    client.force_login(platform_facilitator)

    response = client.post(
        reverse("communities:decline", args=[community.slug]),
        {"reason": "Overlaps with Safer Discharge."},
        follow=True,
    )

    community.refresh_from_db()
    assert community.status == Community.Status.DECLINED
    assert "Waiting Room was not approved." in response.content.decode()
    entry = AuditEntry.objects.get(community=community, detail="declined")
    assert entry.reason == "Overlaps with Safer Discharge."


def test_deciding_an_active_community_again_is_refused_politely(client, platform_facilitator):
    community = CommunityFactory(name="Open Already")
    client.force_login(platform_facilitator)

    response = client.post(reverse("communities:approve", args=[community.slug]), follow=True)

    assert response.status_code == 200
    assert "This community is not waiting for approval." in response.content.decode()


def test_facilitators_find_the_queue_from_the_directory(client, outsider, platform_facilitator):
    client.force_login(outsider)
    assert QUEUE not in client.get(reverse("communities:directory")).content.decode()
    client.force_login(platform_facilitator)
    assert QUEUE in client.get(reverse("communities:directory")).content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_approval_queue_query_count_is_fixed(
    client, platform_facilitator, django_assert_num_queries, rows
):
    for n in range(rows):
        _proposed().topics.set([f"topic {n}"])
    client.force_login(platform_facilitator)

    # session, user, proposals with founders, their topics
    with django_assert_num_queries(5):  # + nav unread counts
        response = client.get(QUEUE)

    assert len(response.context["rows"]) == rows


def test_the_founder_is_told_by_email_when_a_facilitator_declines_with_a_reason(
    client, db, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from communities.services import community_create, community_decline
    from membership.models import User

    from ..factories import UserFactory

    settings.COMMUNITY_CREATION_POLICY = "approval"
    founder = UserFactory(email="founder@example.org")
    proposed = community_create(
        founder=founder,
        name="Night Nurses",
        purpose="p",
        visibility="public",
        join_policy="open",
    )
    facilitator = UserFactory(platform_role=User.PlatformRole.FACILITATOR)

    with django_capture_on_commit_callbacks(execute=True):
        community_decline(community=proposed, actor=facilitator, reason="Overlaps ED Flow.")

    assert mailoutbox[-1].to == ["founder@example.org"]
    assert "Overlaps ED Flow." in mailoutbox[-1].body
