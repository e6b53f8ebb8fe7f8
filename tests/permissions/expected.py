"""The permission matrix's expected answers: one entry per named URL.

Each entry is a function of (actor, visibility) returning the outcome class the
URL must answer with. Entries for the `communities` and `membership` namespaces are
here, the others in areas/; a named URL with no entry (or rule, see catalogue.py)
fails the suite (tests/permissions/test_matrix.py). docs/permission-matrix.md is the
same table for reading (written by `python -m tests.permissions.table`).

An entry wrapped in `unscoped(...)` declares a URL that is about no community: its
answer depends on the actor only, and the matrix asks it once, on the hidden
community, instead of on each visibility.

Outcome classes:
  OK         2xx, or a redirect that is not to the sign-in page
  LOGIN      redirect to sign in
  FORBIDDEN  403: may know the community but not do this
  MISSING    404: may not know it exists (or the object is not theirs)
"""

OK, LOGIN, FORBIDDEN, MISSING = "ok", "login", "forbidden", "missing"

ANON = "signed out"
OUTSIDER = "signed-in non-member"
PENDING = "pending requester"
INVITED = "invited"
PERIPHERAL = "peripheral"
ACTIVE = "active"
CORE = "core"
FAC_OTHER = "facilitator of another community"
FAC_THIS = "facilitator of this community"
LEADER = "leader"
ADMIN = "admin"

ACTORS = [
    ANON,
    OUTSIDER,
    PENDING,
    INVITED,
    PERIPHERAL,
    ACTIVE,
    CORE,
    FAC_OTHER,
    FAC_THIS,
    LEADER,
    ADMIN,
]
VISIBILITIES = ["public", "private", "hidden"]

MEMBERS = {PERIPHERAL, ACTIVE, CORE}
MANAGERS = {CORE, FAC_THIS, ADMIN}


def readers(visibility):
    return set(ACTORS) if visibility == "public" else MEMBERS | {FAC_THIS, ADMIN}


def knowers(visibility):
    return set(ACTORS) if visibility != "hidden" else readers(visibility)


def _unknown_or(actor, visibility, answer):
    return answer if actor in knowers(visibility) else MISSING


def anyone_who_knows(actor, visibility):
    return _unknown_or(actor, visibility, OK)


def signed_in_who_knows(actor, visibility):
    if actor == ANON:
        return LOGIN
    return _unknown_or(actor, visibility, OK)


def signed_in(actor, visibility):
    return LOGIN if actor == ANON else OK


def readers_only(actor, visibility):
    if actor in readers(visibility):
        return OK
    return _unknown_or(actor, visibility, FORBIDDEN)


def signed_in_readers_only(actor, visibility):
    return LOGIN if actor == ANON else readers_only(actor, visibility)


def managers_only(actor, visibility):
    if actor == ANON:
        return LOGIN
    if actor in MANAGERS:
        return OK
    return _unknown_or(actor, visibility, FORBIDDEN)


def pending_requester_only(actor, visibility):
    if actor == ANON:
        return LOGIN
    return _unknown_or(actor, visibility, OK if actor == PENDING else MISSING)


def members_and_managers(actor, visibility):
    if actor == ANON:
        return LOGIN
    if actor in MEMBERS | MANAGERS:
        return OK
    return _unknown_or(actor, visibility, FORBIDDEN)


def members_only(actor, visibility):
    if actor == ANON:
        return LOGIN
    if actor in MEMBERS:
        return OK
    return _unknown_or(actor, visibility, FORBIDDEN)


def profile_of_a_member(actor, visibility):
    """The target belongs only to this community: seen by those who may read it."""
    if actor == ANON:
        return LOGIN
    return OK if actor in readers(visibility) else MISSING


def anyone(actor, visibility):
    return OK


def unscoped(rule):
    """The same rule, declared not community-scoped (see the module's docstring)."""

    def answer(actor, visibility):
        return rule(actor, visibility)

    answer.__name__ = rule.__name__
    answer.__doc__ = rule.__doc__
    answer.community_scoped = False
    return answer


def community_scoped(rule):
    return getattr(rule, "community_scoped", True)


def facilitators_only(actor, visibility):
    """Platform-wide facilitation work (not tied to this community's visibility)."""
    if actor == ANON:
        return LOGIN
    return OK if actor in {FAC_OTHER, FAC_THIS, ADMIN} else FORBIDDEN


def invitation_holder(actor, visibility):
    # Whoever holds the link sees the invitation (the token is the secret).
    return OK


EXPECTED = {
    "communities:directory": anyone,
    "communities:create": signed_in,
    "communities:proposed": facilitators_only,
    "communities:approve": facilitators_only,
    "communities:decline": facilitators_only,
    "communities:home": anyone_who_knows,
    "communities:settings": managers_only,
    "communities:charter": readers_only,
    "communities:charter_edit": managers_only,
    "communities:charter_history": readers_only,
    "communities:charter_revision": readers_only,
    "communities:charter_compare": readers_only,
    "membership:join": signed_in_who_knows,
    "membership:leave": signed_in_who_knows,
    "membership:request": signed_in_who_knows,
    "membership:request_withdraw": pending_requester_only,
    "membership:invitation": invitation_holder,
    "membership:manage": managers_only,
    "membership:request_approve": managers_only,
    "membership:request_decline": managers_only,
    "membership:invite": managers_only,
    "membership:invitation_revoke": managers_only,
    "membership:member_level": managers_only,
    "membership:member_role": managers_only,
    "membership:member_remove": managers_only,
    "membership:suggestion_decide": managers_only,
    "membership:audit": managers_only,
    "membership:profile_edit": signed_in,
    "membership:find_expertise": signed_in,
    "membership:profile": profile_of_a_member,
    "membership:members": signed_in_readers_only,
    "membership:welcome": members_and_managers,
    "membership:onboarding_step": members_only,
    "membership:onboarding_progress": managers_only,
}

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
