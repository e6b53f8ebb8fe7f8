"""Editing one's own profile, and seeing someone else's (only what they share)."""

import pytest
from django.urls import reverse

from communities.models import Community
from membership.models import Membership, User
from membership.people_services import MAX_EXPERTISE_TAGS

from ..factories import CommunityFactory, MembershipFactory, UserFactory

Visibility = Community.Visibility

EDIT_URL = reverse("membership:profile_edit")


def _valid_post(**overrides):
    data = {
        "display_name": "Priya Patel",
        "stakeholder_type": User.StakeholderType.PATIENT_CARER_PUBLIC,
        "organisation": "Riverside Carers Group",
        "expertise": "sepsis, patient safety, Sepsis , , lived experience",
        "bio": "Carer for my dad for ten years.",
        "share_organisation": "on",
        "share_stakeholder_type": "on",
        "share_bio": "on",
        "share_expertise": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _profile_url(person):
    return reverse("membership:profile", args=[person.pk])


@pytest.fixture
def visibility():
    return Visibility.PUBLIC


@pytest.fixture
def community(db, visibility):
    """The personas' community, at the visibility a test asks for (public by default)."""
    return CommunityFactory(
        name="Safer Prescribing", slug="safer-prescribing", visibility=visibility
    )


@pytest.fixture
def person(community):
    """A member of the personas' community whose profile is looked at."""
    return MembershipFactory(
        community=community,
        user__display_name="Sam Sharer",
        user__organisation="North Trust",
        user__bio="Pharmacist.",
    ).user


# --- editing ----------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_sign_in_to_edit_a_profile(client, db):
    response = client.get(EDIT_URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_form_starts_with_the_current_profile(client, db):
    me = UserFactory(display_name="Ada", organisation="Leeds", share_bio=False)
    me.expertise.set(["triage", "audit"])
    client.force_login(me)

    form = client.get(EDIT_URL).context["form"]

    assert form["display_name"].value() == "Ada"
    assert form["organisation"].value() == "Leeds"
    assert form["expertise"].value() == "audit, triage"
    assert form["share_bio"].value() is False
    assert form["share_expertise"].value() is True


def test_saving_a_profile_keeps_spaces_inside_tags_drops_repeats_and_confirms(client, db):
    me = UserFactory()
    client.force_login(me)

    response = client.post(EDIT_URL, _valid_post(), follow=True)

    assert response.redirect_chain[-1][0] == _profile_url(me)
    assert "Your profile has been saved." in response.content.decode()
    me.refresh_from_db()
    assert me.display_name == "Priya Patel"
    assert me.stakeholder_type == User.StakeholderType.PATIENT_CARER_PUBLIC
    assert me.organisation == "Riverside Carers Group"
    assert sorted(tag.name for tag in me.expertise.all()) == [
        "lived experience",
        "patient safety",
        "sepsis",
    ]


def test_unticked_sharing_boxes_are_saved_as_not_shared(client, db):
    me = UserFactory()
    client.force_login(me)

    client.post(
        EDIT_URL,
        _valid_post(share_organisation=None, share_bio=None, share_expertise=None),
    )

    me.refresh_from_db()
    assert (me.share_organisation, me.share_bio, me.share_expertise) == (False, False, False)
    assert me.share_stakeholder_type is True


def test_errors_are_summarised_linked_to_fields_and_values_are_kept(client, db):
    me = UserFactory(display_name="Before")
    client.force_login(me)

    response = client.post(
        EDIT_URL,
        _valid_post(display_name="  ", stakeholder_type="astronaut", organisation="Kept Org"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_display_name"' in page
    assert 'href="#id_stakeholder_type"' in page
    assert 'value="Kept Org"' in page
    me.refresh_from_db()
    assert me.display_name == "Before"


def test_too_many_areas_of_expertise_is_an_error_and_nothing_is_saved(client, db):
    me = UserFactory(organisation="Unchanged")
    client.force_login(me)
    tags = ", ".join(f"topic {number}" for number in range(MAX_EXPERTISE_TAGS + 1))

    response = client.post(EDIT_URL, _valid_post(expertise=tags))

    assert response.status_code == 400
    assert "at most" in response.content.decode()
    me.refresh_from_db()
    assert me.organisation == "Unchanged"
    assert not me.expertise.exists()


def test_an_overlong_area_of_expertise_is_an_error(client, db):
    me = UserFactory()
    client.force_login(me)

    response = client.post(EDIT_URL, _valid_post(expertise="x" * 101))

    assert response.status_code == 400
    assert response.context["form"].errors["expertise"]


# --- who may see a profile ----------------------------------------------------

# Who may see the profile of a member of a community, by the community's visibility.
PROFILE_ACCESS = {
    "signed_out": {"public": 302, "private": 302, "hidden": 302},
    "outsider": {"public": 200, "private": 404, "hidden": 404},
    "peripheral": {"public": 200, "private": 200, "hidden": 200},
    "core": {"public": 200, "private": 200, "hidden": 200},
    "facilitator": {"public": 200, "private": 200, "hidden": 200},
    "admin_user": {"public": 200, "private": 200, "hidden": 200},
}


@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("actor", list(PROFILE_ACCESS))
def test_who_may_see_a_members_profile(client, request, person, visibility, actor):
    if actor != "signed_out":
        client.force_login(request.getfixturevalue(actor))

    response = client.get(_profile_url(person))

    assert response.status_code == PROFILE_ACCESS[actor][visibility]


def test_people_may_always_see_their_own_profile(client, db):
    loner = UserFactory()
    client.force_login(loner)

    assert client.get(_profile_url(loner)).status_code == 200


def test_unknown_and_deactivated_people_are_not_found(client, outsider, community):
    gone = MembershipFactory(community=community, user__is_active=False).user
    client.force_login(outsider)

    assert client.get(_profile_url(gone)).status_code == 404
    assert client.get(reverse("membership:profile", args=[999_999])).status_code == 404


# --- what a profile shows -----------------------------------------------------


def test_a_profile_shows_only_the_fields_the_person_shares(client, outsider, person):
    person.share_organisation = False
    person.share_expertise = False
    person.stakeholder_type = User.StakeholderType.CLINICIAN
    person.save()
    person.expertise.set(["deprescribing"])
    client.force_login(outsider)

    page = client.get(_profile_url(person)).content.decode()

    assert "Sam Sharer" in page
    assert "Pharmacist." in page
    assert "Clinician" in page
    assert "North Trust" not in page
    assert "deprescribing" not in page


def test_a_profile_hides_a_stakeholder_type_and_bio_that_are_not_shared(client, outsider, person):
    person.share_bio = False
    person.share_stakeholder_type = False
    person.stakeholder_type = User.StakeholderType.COMMISSIONER
    person.save()
    client.force_login(outsider)

    page = client.get(_profile_url(person)).content.decode()

    assert "Pharmacist." not in page
    assert "Commissioner" not in page
    assert "North Trust" in page


def test_people_see_their_own_unshared_fields_marked_as_private(client, person):
    person.share_organisation = False
    person.save()
    client.force_login(person)

    page = client.get(_profile_url(person)).content.decode()

    assert "North Trust" in page
    assert "only you can see this" in page
    assert reverse("membership:profile_edit") in page


def test_platform_admins_see_unshared_fields(client, admin_user, person):
    person.share_organisation = False
    person.save()
    client.force_login(admin_user)

    page = client.get(_profile_url(person)).content.decode()

    assert "North Trust" in page
    assert "only you can see this" not in page


def test_a_profile_lists_only_the_communities_the_viewer_may_read(client, outsider, person):
    private = CommunityFactory(name="Quiet Ward Group", visibility=Visibility.PRIVATE)
    hidden = CommunityFactory(name="Secret Board", visibility=Visibility.HIDDEN)
    MembershipFactory(community=private, user=person, level=Membership.Level.CORE)
    MembershipFactory(community=hidden, user=person)
    client.force_login(outsider)

    response = client.get(_profile_url(person))

    page = response.content.decode()
    assert "Safer Prescribing" in page
    assert "Quiet Ward Group" not in page
    assert "Secret Board" not in page


def test_a_profile_shows_level_and_role_in_each_shared_community(client, community):
    chair = MembershipFactory(
        community=community, level=Membership.Level.CORE, role=Membership.Role.CHAIR
    ).user
    fellow = MembershipFactory(community=community).user
    client.force_login(fellow)

    page = client.get(_profile_url(chair)).content.decode()

    assert "Safer Prescribing" in page
    assert "Core, Chair" in page
