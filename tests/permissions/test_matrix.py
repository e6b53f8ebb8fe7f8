"""Every named URL, for every actor, on public, private and hidden communities,
answers as tests/permissions/expected.py and areas/ say; and no answer to someone who
may not read a community contains its private content. The same table, for reading,
is docs/permission-matrix.md (test_table.py keeps it up to date)."""

import pytest
from django.db import transaction
from django.urls import reverse

from communities.services import charter_update
from membership import services
from membership.models import (
    Invitation,
    JoinRequest,
    LevelSuggestion,
    OnboardingStep,
    User,
)

from ..factories import (
    CommunityFactory,
    FacilitatorAssignmentFactory,
    MembershipFactory,
    UserFactory,
)
from . import expected as E
from .areas import AREAS
from .catalogue import (
    EXACT,
    RULES,
    UNNAMED_PREFIXES,
    UNNAMED_ROUTES,
    URLS,
    area_for,
    cases,
    expected_for,
    method_for,
    post_body,
    rules_matching,
)

SECRET = "ZEBRA-CROSSING-SECRET"
SECRET_MEMBER = "Secret Sam Quartz"
HIDDEN_NAME = "Unlisted Oyster Team"


def test_every_named_url_has_an_expected_answer():
    unanswered = [name for name in URLS if name not in EXACT and len(rules_matching(name)) != 1]
    assert sorted(unanswered) == [], "no entry (or more than one rule) in expected.py / areas/"
    assert sorted(set(EXACT) - set(URLS)) == [], "entries naming no URL"
    ruled = {key for name in URLS if name not in EXACT for key in rules_matching(name)}
    assert sorted(set(RULES) - ruled) == [], "rules answering for no URL"


def test_every_url_pattern_but_the_admins_redirects_has_a_name():
    assert [route for route in UNNAMED_ROUTES if not route.startswith(UNNAMED_PREFIXES)] == []


class World:
    """One community of the given visibility, with a person for every actor."""

    def __init__(self, visibility):
        policy = "request" if visibility == "private" else "open"
        if visibility == "hidden":
            policy = "invitation"
        self.community = CommunityFactory(
            visibility=visibility,
            join_policy=policy,
            name=HIDDEN_NAME if visibility == "hidden" else f"A {visibility} community",
            charter__aims=SECRET,
            welcome_message=SECRET,
        )
        other = CommunityFactory(visibility="private")
        self.actors = {E.ANON: None}
        self.actors[E.OUTSIDER] = UserFactory()
        self.actors[E.PENDING] = UserFactory()
        JoinRequest.objects.create(user=self.actors[E.PENDING], community=self.community)
        self.actors[E.INVITED] = UserFactory()
        self.invitation = Invitation.objects.create(
            community=self.community,
            email=self.actors[E.INVITED].email,
            nonce="n" * 32,
            expires_at="2099-01-01T00:00:00Z",
        )
        for actor, level in [(E.PERIPHERAL, "peripheral"), (E.ACTIVE, "active"), (E.CORE, "core")]:
            self.actors[actor] = MembershipFactory(community=self.community, level=level).user
        self.actors[E.FAC_OTHER] = FacilitatorAssignmentFactory(community=other).user
        self.actors[E.FAC_THIS] = FacilitatorAssignmentFactory(community=self.community).user
        self.actors[E.LEADER] = UserFactory(platform_role=User.PlatformRole.LEADER)
        self.actors[E.ADMIN] = UserFactory(is_staff=True, is_superuser=True)
        self.target = MembershipFactory(
            community=self.community,
            user__display_name=SECRET_MEMBER,
            user__organisation=SECRET,
        )
        self.suggestion = LevelSuggestion.objects.create(
            membership=self.target, kind="to_active", reason="3 contributions"
        )
        self.step = OnboardingStep.objects.create(community=self.community, title="Say hello")
        charter_update(
            charter=self.community.charter,
            actor=self.actors[E.CORE],
            sections={"ground_rules": f"{SECRET} rules"},
            change_note="",
            reviewed=True,
        )
        self.area_values = {}
        for area in AREAS:
            values = area.build(self)
            assert not set(values) & set(self.area_values), f"{area.__name__} reuses a kwarg"
            self.area_values.update(values)

    def query_for(self, url_name):
        area = area_for(url_name)
        if area is not None and hasattr(area, "query_for"):
            return area.query_for(self, url_name)
        if url_name != "communities:charter_compare":
            return ""
        ids = list(
            self.community.charter.history.order_by("history_id").values_list(
                "history_id", flat=True
            )
        )
        return f"?from={ids[0]}&to={ids[-1]}"

    def kwargs_for(self, url_name):
        """The URL's kwargs: an area's own kwargs_for, else shared values by name."""
        area = area_for(url_name)
        if area is not None and hasattr(area, "kwargs_for"):
            own = area.kwargs_for(self, url_name)
            if own is not None:
                return own
        values = {
            "slug": self.community.slug,
            "request_id": JoinRequest.objects.get(community=self.community).pk,
            "invitation_id": self.invitation.pk,
            "membership_id": self.target.pk,
            "suggestion_id": self.suggestion.pk,
            "decision": "dismiss",
            "step_id": self.step.pk,
            "user_id": self.target.user_id,
            "token": services.invitation_token(self.invitation),
            "history_id": self.community.charter.history.latest("history_date").history_id,
            **self.area_values,
        }
        return {name: values[name] for name in URLS[url_name].pattern.converters}

    def url_converters(self, url_name):
        return URLS[url_name].pattern.converters

    def url_for(self, url_name):
        return reverse(url_name, kwargs=self.kwargs_for(url_name)) + self.query_for(url_name)


# The invitation page names the community to whoever holds the link, and home lists
# the invitations waiting for the invitee: those disclosures are the invitation's purpose.
NAMED_BY_INVITATION = {"membership:invitation": set(E.ACTORS), "home": {E.INVITED}}
SIGN_IN_PAGES = ("/accounts/login/", "/admin/login/")


def outcome(response):
    if response.status_code in (301, 302, 303):
        return E.LOGIN if response["Location"].startswith(SIGN_IN_PAGES) else E.OK
    if response.status_code == 403:
        return E.FORBIDDEN
    if response.status_code == 404:
        return E.MISSING
    if 200 <= response.status_code < 300:
        return E.OK
    return f"status {response.status_code}"


def ask(client, world, url_name, actor):
    """The answer to one actor's request, and its body."""
    person = world.actors[actor]
    client.logout()
    if person is not None:
        client.force_login(person)
    url = world.url_for(url_name)
    if method_for(url_name) == "POST":
        response = client.post(url, post_body(url_name))
    else:
        response = client.get(url)
    # Downloads stream: their bytes are checked for leaks like any page.
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return outcome(response), raw.decode(errors="replace")


@pytest.mark.parametrize(("routed", "world"), cases(), indirect=True)
def test_matrix(client, db, routed, world):
    url_name, visibility = routed, world.visibility
    mismatches, leaks = [], []
    for actor in E.ACTORS:
        with transaction.atomic():
            got, body = ask(client, world, url_name, actor)
            want = expected_for(url_name)(actor, visibility)
            if got != want:
                mismatches.append(f"{actor}: got {got}, expected {want}")
            if actor not in E.readers(visibility) and (SECRET in body or SECRET_MEMBER in body):
                leaks.append(f"{actor} saw private content")
            names_it = actor in NAMED_BY_INVITATION.get(url_name, ())
            if actor not in E.knowers(visibility) and HIDDEN_NAME in body and not names_it:
                leaks.append(f"{actor} saw the hidden community's name")
            transaction.set_rollback(True)
    assert mismatches == [], f"{url_name} on {visibility}: " + "; ".join(mismatches)
    assert leaks == []
