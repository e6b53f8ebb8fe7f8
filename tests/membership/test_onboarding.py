"""Pre-CoP support: the welcome page, the getting-started checklist (with and
without htmx), and the core members' view of everyone's progress."""

import pytest
from django.urls import reverse

from communities.models import Community
from membership import services
from membership.models import Membership, OnboardingProgress, OnboardingStep

from ..factories import CommunityFactory, MembershipFactory

Visibility = Community.Visibility
Level = Membership.Level


@pytest.fixture
def visibility():
    return Visibility.PUBLIC


@pytest.fixture
def community(db, visibility):
    """The personas' community, at the visibility a test asks for (public by default),
    with the default getting-started steps."""
    community = CommunityFactory(
        name="Safer Prescribing",
        slug="safer-prescribing",
        visibility=visibility,
        welcome_message="We are glad you are here.",
    )
    community.charter.aims = "Halve prescribing errors on discharge."
    community.charter.participation = "Come to the monthly call; post in any thread."
    community.charter.save()
    services.onboarding_steps_create_defaults(community=community)
    return community


@pytest.fixture
def steps(community):
    return list(OnboardingStep.objects.filter(community=community))


def _welcome_url(community):
    return reverse("membership:welcome", args=[community.slug])


def _step_url(community, step):
    return reverse("membership:onboarding_step", args=[community.slug, step.pk])


def _progress_url(community):
    return reverse("membership:onboarding_progress", args=[community.slug])


def _membership(user, community):
    return Membership.objects.get(user=user, community=community)


def _sign_in(client, request, actor):
    if actor != "signed_out":
        client.force_login(request.getfixturevalue(actor))


# --- who may use each page ------------------------------------------------------

LOGIN = "login"
WELCOME_ACCESS = {
    "signed_out": {"public": LOGIN, "private": LOGIN, "hidden": LOGIN},
    "outsider": {"public": 403, "private": 403, "hidden": 404},
    "peripheral": {"public": 200, "private": 200, "hidden": 200},
    "core": {"public": 200, "private": 200, "hidden": 200},
    "facilitator": {"public": 200, "private": 200, "hidden": 200},
    "admin_user": {"public": 200, "private": 200, "hidden": 200},
}
# Ticking a step needs a checklist of one's own: members only.
STEP_ACCESS = {
    "signed_out": {"public": LOGIN, "private": LOGIN, "hidden": LOGIN},
    "outsider": {"public": 403, "private": 403, "hidden": 404},
    "peripheral": {"public": 302, "private": 302, "hidden": 302},
    "core": {"public": 302, "private": 302, "hidden": 302},
    "facilitator": {"public": 403, "private": 403, "hidden": 403},
    "admin_user": {"public": 403, "private": 403, "hidden": 403},
}
PROGRESS_ACCESS = {
    "signed_out": {"public": LOGIN, "private": LOGIN, "hidden": LOGIN},
    "outsider": {"public": 403, "private": 403, "hidden": 404},
    "peripheral": {"public": 403, "private": 403, "hidden": 403},
    "core": {"public": 200, "private": 200, "hidden": 200},
    "facilitator": {"public": 200, "private": 200, "hidden": 200},
    "admin_user": {"public": 200, "private": 200, "hidden": 200},
}


def _assert_answer(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("actor", list(WELCOME_ACCESS))
def test_who_may_see_the_welcome_page(client, request, community, visibility, actor):
    _sign_in(client, request, actor)

    _assert_answer(client.get(_welcome_url(community)), WELCOME_ACCESS[actor][visibility])


@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("actor", list(STEP_ACCESS))
def test_who_may_tick_a_step(client, request, community, steps, visibility, actor):
    _sign_in(client, request, actor)

    response = client.post(_step_url(community, steps[0]), {"done": "1"})

    _assert_answer(response, STEP_ACCESS[actor][visibility])
    ticked = OnboardingProgress.objects.filter(step=steps[0]).exists()
    assert ticked == (response.status_code == 302 and actor != "signed_out")


@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("actor", list(PROGRESS_ACCESS))
def test_who_may_see_everyones_progress(client, request, community, visibility, actor):
    _sign_in(client, request, actor)

    _assert_answer(client.get(_progress_url(community)), PROGRESS_ACCESS[actor][visibility])


def test_an_unknown_community_is_not_found(client, peripheral):
    client.force_login(peripheral)

    assert client.get(reverse("membership:welcome", args=["nowhere"])).status_code == 404
    assert client.get(reverse("membership:onboarding_progress", args=["nowhere"])).status_code == (
        404
    )


# --- the welcome page ---------------------------------------------------------


def test_the_welcome_page_explains_purpose_participation_levels_and_my_place(client, community):
    me = MembershipFactory(
        community=community, level=Level.ACTIVE, role=Membership.Role.PATIENT_PARTNER
    ).user
    client.force_login(me)

    response = client.get(_welcome_url(community))

    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "We are glad you are here." in page
    assert "Sharing what works." in page  # the charter's purpose
    assert "Halve prescribing errors on discharge." in page
    assert "Come to the monthly call; post in any thread." in page
    for level in ("Core", "Active", "Peripheral"):
        assert f"<dt>{level}</dt>" in page
    assert "Peripheral members are welcome" in page
    assert "You take part as: <strong>Active</strong>" in page
    assert "Your formal role: <strong>Patient partner</strong>" in page
    assert reverse("membership:profile_edit") in page
    assert reverse("membership:members", args=[community.slug]) in page
    assert reverse("glossary:community", args=[community.slug]) in page


def test_the_checklist_shows_my_progress_inside_a_live_region(client, peripheral, community, steps):
    services.onboarding_step_set(
        membership=_membership(peripheral, community), step=steps[1], done=True
    )
    client.force_login(peripheral)

    response = client.get(_welcome_url(community))

    assert [step.is_done for step in response.context["steps"]] == [
        False,
        True,
        False,
        False,
        False,
    ]
    page = response.content.decode()
    assert 'aria-live="polite"' in page
    assert "You have done 1 of 5 steps." in page
    assert page.count("Mark as not done") == 1
    assert page.count("Mark as done") == 4
    assert f'hx-post="{_step_url(community, steps[0])}"' in page


def test_only_core_members_get_a_link_to_everyones_progress(client, community, core, peripheral):
    client.force_login(peripheral)
    assert _progress_url(community) not in client.get(_welcome_url(community)).content.decode()

    client.force_login(core)
    assert _progress_url(community) in client.get(_welcome_url(community)).content.decode()


def test_a_facilitator_who_is_not_a_member_sees_the_steps_without_buttons(
    client, facilitator, community
):
    client.force_login(facilitator)

    page = client.get(_welcome_url(community)).content.decode()

    assert "Read the ground rules" in page
    assert "Mark as done" not in page
    assert "not a member" in page


def test_a_community_without_steps_says_so(client, peripheral, community):
    OnboardingStep.objects.filter(community=community).delete()
    client.force_login(peripheral)

    assert "No getting-started steps yet" in client.get(_welcome_url(community)).content.decode()


# --- ticking steps --------------------------------------------------------------


def test_ticking_a_step_without_javascript_records_it_and_returns_to_the_page(
    client, peripheral, community, steps
):
    client.force_login(peripheral)

    response = client.post(_step_url(community, steps[2]), {"done": "1"})

    assert response.status_code == 302
    assert response.url == _welcome_url(community) + f"#step-{steps[2].pk}"
    membership = _membership(peripheral, community)
    assert OnboardingProgress.objects.filter(membership=membership, step=steps[2]).exists()
    assert membership.onboarding_started_at is not None
    page = client.get(response.url).content.decode()
    assert "Marked as done: Fill in your profile" in page


def test_unticking_a_step_without_javascript_removes_it(client, peripheral, community, steps):
    membership = _membership(peripheral, community)
    services.onboarding_step_set(membership=membership, step=steps[0], done=True)
    client.force_login(peripheral)

    response = client.post(_step_url(community, steps[0]), {"done": "0"}, follow=True)

    assert not OnboardingProgress.objects.filter(membership=membership).exists()
    assert "Marked as not done" in response.content.decode()


def test_ticking_a_step_with_htmx_swaps_only_that_step_and_the_summary(
    client, peripheral, community, steps
):
    client.force_login(peripheral)

    response = client.post(_step_url(community, steps[0]), {"done": "1"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.templates[0].name == "membership/people/_step_fragment.html"
    fragment = response.content.decode()
    assert "<h1" not in fragment
    assert f'<li id="step-{steps[0].pk}">' in fragment
    assert "Mark as not done" in fragment
    assert 'name="done" value="0"' in fragment
    assert f'id="step-{steps[0].pk}-button"' in fragment
    assert 'id="onboarding-summary" hx-swap-oob="true"' in fragment
    assert "You have done 1 of 5 steps." in fragment
    assert OnboardingProgress.objects.filter(step=steps[0]).exists()


def test_unticking_with_htmx_offers_to_mark_it_done_again(client, peripheral, community, steps):
    services.onboarding_step_set(
        membership=_membership(peripheral, community), step=steps[0], done=True
    )
    client.force_login(peripheral)

    response = client.post(_step_url(community, steps[0]), {"done": "0"}, HTTP_HX_REQUEST="true")

    fragment = response.content.decode()
    assert "Mark as done" in fragment
    assert "You have done 0 of 5 steps." in fragment
    assert not OnboardingProgress.objects.filter(step=steps[0]).exists()


def test_a_step_of_another_community_or_an_unknown_step_is_not_found(client, peripheral, community):
    elsewhere = CommunityFactory()
    services.onboarding_steps_create_defaults(community=elsewhere)
    foreign_step = OnboardingStep.objects.filter(community=elsewhere).first()
    client.force_login(peripheral)

    assert client.post(_step_url(community, foreign_step), {"done": "1"}).status_code == 404
    unknown = reverse("membership:onboarding_step", args=[community.slug, 999_999])
    assert client.post(unknown, {"done": "1"}).status_code == 404
    assert not OnboardingProgress.objects.exists()


@pytest.mark.parametrize("done", ["", "yes", "2"])
def test_a_step_needs_done_1_or_0(client, peripheral, community, steps, done):
    client.force_login(peripheral)

    response = client.post(_step_url(community, steps[0]), {"done": done})

    assert response.status_code == 400
    assert not OnboardingProgress.objects.exists()


def test_ticking_a_step_needs_a_post(client, peripheral, community, steps):
    client.force_login(peripheral)

    assert client.get(_step_url(community, steps[0])).status_code == 405


# --- everyone's progress ------------------------------------------------------


def test_progress_lists_those_not_started_first_and_highlights_them(client, core, community, steps):
    started = MembershipFactory(community=community, user__display_name="Aaron Started")
    services.onboarding_step_set(membership=started, step=steps[0], done=True)
    services.onboarding_step_set(membership=started, step=steps[1], done=True)
    MembershipFactory(community=community, user__display_name="Zoe Waiting")
    client.force_login(core)

    response = client.get(_progress_url(community))

    rows = list(response.context["page_obj"])
    names = [row.user.name for row in rows]
    assert names.index("Zoe Waiting") < names.index("Aaron Started")
    assert names[-1] == "Aaron Started"
    by_name = {row.user.name: row for row in rows}
    assert by_name["Aaron Started"].steps_done == 2
    assert by_name["Zoe Waiting"].steps_done == 0
    page = response.content.decode()
    assert "2 of 5" in page
    assert "<mark><strong>Not started</strong></mark>" in page
    assert "2 of 3 members have not started the checklist." in page
    assert page.count("<h1") == 1


def _add_members(community, steps, count, *, start=0):
    for number in range(start, start + count):
        membership = MembershipFactory(
            community=community, user__display_name=f"Member {number:03}"
        )
        for step in steps[: number % 4]:
            services.onboarding_step_set(membership=membership, step=step, done=True)


# session, user, community, the viewer's permissions on it, member counts, step count,
# paginator count, the page of members with their users and steps done
PROGRESS_QUERIES = 9  # with the nav unread counts


def test_progress_costs_the_same_queries_for_few_and_many_members(
    client, core, community, steps, django_assert_num_queries
):
    client.force_login(core)
    _add_members(community, steps, 2)
    client.get(_progress_url(community))

    with django_assert_num_queries(PROGRESS_QUERIES):
        few = client.get(_progress_url(community))
    _add_members(community, steps, 40, start=2)
    with django_assert_num_queries(PROGRESS_QUERIES):
        many = client.get(_progress_url(community))

    assert len(few.context["page_obj"]) == 3
    assert len(many.context["page_obj"]) == 30
