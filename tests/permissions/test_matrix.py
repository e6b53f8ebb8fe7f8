"""Every community and membership URL, for every actor, on public, private and
hidden communities, answers as tests/permissions/expected.py says; and no answer to
someone who may not read a community contains its private content."""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

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

NAMESPACES = ("communities", "membership", *(ns for area in AREAS for ns in area.NAMESPACES))
SECRET = "ZEBRA-CROSSING-SECRET"
SECRET_MEMBER = "Secret Sam Quartz"
HIDDEN_NAME = "Unlisted Oyster Team"

# What each URL is asked to do; POST bodies are valid, so an allowed actor succeeds.
POSTS = {
    "membership:join": {},
    "membership:leave": {},
    "membership:request_withdraw": {},
    "membership:request_approve": {},
    "membership:request_decline": {"reason": "Not this time."},
    "membership:invite": {"email": "someone.new@example.org", "level": "peripheral"},
    "membership:invitation_revoke": {},
    "membership:member_level": {"level": "active"},
    "membership:member_role": {"role": "chair"},
    "membership:member_remove": {"reason": "Left the service."},
    "membership:suggestion_decide": {},
    "membership:onboarding_step": {"done": "1"},
    "communities:approve": {},
    "communities:decline": {"reason": "Overlaps an existing community."},
}
for area in AREAS:
    POSTS.update(area.POSTS)
EXPECTED = {**E.EXPECTED}
for area in AREAS:
    assert not set(area.EXPECTED) & set(EXPECTED), f"{area.__name__} repeats a URL"
    EXPECTED.update(area.EXPECTED)


def _named_urls():
    names = {}

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in NAMESPACES:
                names[f"{namespace}:{pattern.name}"] = pattern

    walk(get_resolver().url_patterns)
    return names


URLS = _named_urls()


def test_every_community_and_membership_url_has_an_expected_answer():
    assert sorted(set(URLS) - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - set(URLS)) == []


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
        for area in AREAS:
            if url_name in area.EXPECTED and hasattr(area, "query_for"):
                return area.query_for(self, url_name)
        if url_name != "communities:charter_compare":
            return ""
        ids = list(
            self.community.charter.history.order_by("history_id").values_list(
                "history_id", flat=True
            )
        )
        return f"?from={ids[0]}&to={ids[-1]}"

    def kwargs_for(self, pattern):
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
        return {name: values[name] for name in pattern.pattern.converters}


def outcome(response):
    if response.status_code in (301, 302, 303):
        return E.LOGIN if "/accounts/login/" in response["Location"] else E.OK
    if response.status_code == 403:
        return E.FORBIDDEN
    if response.status_code == 404:
        return E.MISSING
    if 200 <= response.status_code < 300:
        return E.OK
    return f"status {response.status_code}"


@pytest.mark.parametrize("visibility", E.VISIBILITIES)
@pytest.mark.parametrize("url_name", sorted(EXPECTED))
def test_matrix(client, db, url_name, visibility):
    world = World(visibility)
    url = reverse(url_name, kwargs=world.kwargs_for(URLS[url_name])) + world.query_for(url_name)
    mismatches, leaks = [], []
    for actor in E.ACTORS:
        with transaction.atomic():
            person = world.actors[actor]
            client.logout()
            if person is not None:
                client.force_login(person)
            response = client.post(url, POSTS[url_name]) if url_name in POSTS else client.get(url)
            got, want = outcome(response), EXPECTED[url_name](actor, visibility)
            if got != want:
                mismatches.append(f"{actor}: got {got}, expected {want}")
            # Downloads stream: their bytes are checked for leaks like any page.
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")
            if actor not in E.readers(visibility) and (SECRET in body or SECRET_MEMBER in body):
                leaks.append(f"{actor} saw private content")
            # The invitation page names the community to whoever holds the link: that
            # disclosure is the invitation's purpose.
            names_it = url_name == "membership:invitation"
            if actor not in E.knowers(visibility) and HIDDEN_NAME in body and not names_it:
                leaks.append(f"{actor} saw the hidden community's name")
            transaction.set_rollback(True)
    assert mismatches == [], f"{url_name} on {visibility}: " + "; ".join(mismatches)
    assert leaks == []
