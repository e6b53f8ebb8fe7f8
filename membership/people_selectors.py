"""Reads about people: profiles, member directories, expertise search and onboarding.

A person chooses which profile fields other members may see. Every selector here
that shows or filters on those fields respects that choice: what a template gets
is a `SharedProfile`, which holds a field only if the viewer may see it, and a
filter on a field only matches people who share it. Otherwise a search for
"patient" would reveal the stakeholder type of someone who chose to hide it.
"""

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from communities.models import Community

from . import permissions
from .models import Membership, OnboardingProgress, OnboardingStep, User

# The profile fields a person may keep to themselves (name and level always show).
SHAREABLE_FIELDS = ("organisation", "stakeholder_type", "bio", "expertise")


@dataclass(frozen=True)
class SharedProfile:
    """What one viewer may see of one person's profile.

    A field the viewer may not see is None; `only_you` names the fields shown only
    because the viewer is the person themselves (so the page can say so).
    """

    user: User
    name: str
    organisation: str | None = None
    stakeholder_type: str | None = None
    stakeholder_type_label: str | None = None
    bio: str | None = None
    expertise: list[str] | None = None
    only_you: frozenset[str] = field(default_factory=frozenset)


def shared_profile(*, viewer, person: User) -> SharedProfile:
    """The fields of `person` that `viewer` may see.

    Precondition: the caller has checked `permissions.may_view_profile` (or, for a
    member directory, `permissions.may_see_members`). Expertise is read from
    `person.expertise.all()`, so prefetch `expertise` when building many.
    """
    sees_all = permissions.may_see_unshared_profile_fields(viewer, person)
    shown = {name for name in SHAREABLE_FIELDS if sees_all or getattr(person, f"share_{name}")}
    only_you = frozenset(
        name
        for name in SHAREABLE_FIELDS
        if viewer.is_authenticated
        and viewer.pk == person.pk
        and not getattr(person, f"share_{name}")
    )
    return SharedProfile(
        user=person,
        name=person.name,
        organisation=person.organisation if "organisation" in shown else None,
        stakeholder_type=person.stakeholder_type if "stakeholder_type" in shown else None,
        stakeholder_type_label=(
            person.get_stakeholder_type_display() if "stakeholder_type" in shown else None
        ),
        bio=person.bio if "bio" in shown else None,
        expertise=(
            sorted((tag.name for tag in person.expertise.all()), key=str.casefold)
            if "expertise" in shown
            else None
        ),
        only_you=only_you,
    )


def _shared_by(viewer, name: str, *, prefix: str = "") -> Q:
    """A filter on User (through `prefix`): the person lets `viewer` see field `name`."""
    if permissions.is_platform_admin(viewer):
        return Q()
    shared = Q(**{f"{prefix}share_{name}": True})
    if viewer.is_authenticated:
        shared |= Q(**{f"{prefix}pk": viewer.pk})
    return shared


def _with_expertise_matching(text: str, *, exact: bool) -> QuerySet[User]:
    lookup = "expertise__name__iexact" if exact else "expertise__name__icontains"
    return User.objects.filter(**{lookup: text}).values("pk")


# --- profile ----------------------------------------------------------------


def profile_initial(*, user: User) -> dict:
    """The profile form's starting values, expertise as comma-separated text."""
    return {
        "display_name": user.display_name,
        "stakeholder_type": user.stakeholder_type,
        "organisation": user.organisation,
        "expertise": ", ".join(
            sorted((tag.name for tag in user.expertise.all()), key=str.casefold)
        ),
        "bio": user.bio,
        "share_organisation": user.share_organisation,
        "share_stakeholder_type": user.share_stakeholder_type,
        "share_bio": user.share_bio,
        "share_expertise": user.share_expertise,
        "time_zone": user.time_zone,
    }


def profile_person(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


def profile_memberships(*, viewer, person: User) -> QuerySet[Membership]:
    """The person's memberships in the communities the viewer may read."""
    return (
        Membership.objects.filter(
            user=person, community__in=permissions.communities_readable_by(viewer)
        )
        .select_related("community")
        .order_by("community__name")
    )


# --- a community's member directory ------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    profile: SharedProfile


# Core first, then by display name (the member directory's keyset pages follow it):
# keys kept on the membership row, so each page is a range of the index on
# (community, level_rank, sort_name, id). Members who share a name come in the order
# they joined: the page links carry the last row's keys, so an email address
# there would be readable by anyone who may see the directory.
MEMBER_DIRECTORY_ORDER = ("level_rank", "sort_name", "pk")


def member_directory(
    *,
    viewer,
    community: Community,
    level: str = "",
    role: str = "",
    stakeholder_type: str = "",
    expertise: str = "",
) -> QuerySet[Membership]:
    """The community's members, core first then by name, filtered on shared fields.

    Users and their expertise come with the memberships: one query for a page of
    rows and one for all their tags.
    """
    members = Membership.objects.filter(community=community, user__is_active=True)
    if level:
        # On the rank, the index's second key: the page is a range within the level.
        members = members.filter(level_rank=Membership.LEVEL_RANKS[level])
    if role:
        members = members.filter(role=role)
    if stakeholder_type:
        members = members.filter(
            _shared_by(viewer, "stakeholder_type", prefix="user__"),
            user__stakeholder_type=stakeholder_type,
        )
    if expertise:
        members = members.filter(
            _shared_by(viewer, "expertise", prefix="user__"),
            user__in=_with_expertise_matching(expertise, exact=True),
        )
    return (
        members.select_related("user")
        .prefetch_related("user__expertise")
        .order_by(*MEMBER_DIRECTORY_ORDER)
    )


def member_rows(*, viewer, memberships) -> list[MemberRow]:
    """Rows for a page of `member_directory`, each with only the shared fields."""
    return [
        MemberRow(
            membership=membership, profile=shared_profile(viewer=viewer, person=membership.user)
        )
        for membership in memberships
    ]


# --- who knows about X, across the platform ----------------------------------


@dataclass(frozen=True)
class PersonRow:
    profile: SharedProfile
    memberships: list[Membership]


# By name (expertise search's keyset pages follow it).
PEOPLE_ORDER = ("display_name", "pk")


def people_with_expertise(
    *, viewer, text: str = "", level: str = "", stakeholder_type: str = ""
) -> QuerySet[User]:
    """People who belong to at least one community the viewer may read.

    `text` matches the display name, and the organisation and expertise tags of
    people who share them. `level` keeps people at that level in a readable
    community. Each person comes with `readable_memberships`: their memberships in
    the communities the viewer may read, with the community, in one more query.
    """
    readable = permissions.communities_readable_by(viewer)
    in_readable = Membership.objects.filter(user=OuterRef("pk"), community__in=readable)
    if level:
        in_readable = in_readable.filter(level=level)
    people = User.objects.filter(Exists(in_readable), is_active=True)
    text = text.strip()
    if text:
        people = people.filter(
            Q(display_name__icontains=text)
            | (Q(organisation__icontains=text) & _shared_by(viewer, "organisation"))
            | (
                Q(pk__in=_with_expertise_matching(text, exact=False))
                & _shared_by(viewer, "expertise")
            )
        )
    if stakeholder_type:
        people = people.filter(
            _shared_by(viewer, "stakeholder_type"), stakeholder_type=stakeholder_type
        )
    readable_memberships = (
        Membership.objects.filter(community__in=permissions.communities_readable_by(viewer))
        .select_related("community")
        .order_by("level_rank", "community__name")
    )
    return people.prefetch_related(
        "expertise",
        Prefetch("memberships", queryset=readable_memberships, to_attr="readable_memberships"),
    ).order_by(*PEOPLE_ORDER)


def person_rows(*, viewer, people) -> list[PersonRow]:
    """Rows for a page of `people_with_expertise`, each with only the shared fields."""
    return [
        PersonRow(
            profile=shared_profile(viewer=viewer, person=person),
            memberships=person.readable_memberships,
        )
        for person in people
    ]


# --- onboarding -------------------------------------------------------------


def onboarding_checklist(
    *, community: Community, membership: Membership | None
) -> list[OnboardingStep]:
    """The community's getting-started steps, each with `is_done` for this member."""
    steps = OnboardingStep.objects.filter(community=community)
    if membership is None:
        done = Value(False, output_field=BooleanField())
    else:
        done = Exists(OnboardingProgress.objects.filter(membership=membership, step=OuterRef("pk")))
    return list(steps.annotate(is_done=done).order_by("position", "pk"))


def onboarding_step_of(*, community: Community, step_id: int) -> OnboardingStep | None:
    return OnboardingStep.objects.filter(community=community, pk=step_id).first()


def onboarding_progress(*, community: Community) -> QuerySet[Membership]:
    """Every member with `steps_done`, those who have not started first, then by name."""
    return (
        Membership.objects.filter(community=community, user__is_active=True)
        .select_related("user")
        .annotate(
            steps_done=Count("onboarding_progress"),
            has_started=ExpressionWrapper(
                Q(onboarding_started_at__isnull=False), output_field=BooleanField()
            ),
        )
        .order_by("has_started", "user__display_name", "user__email", "pk")
    )


def onboarding_summary(*, community: Community) -> dict[str, int]:
    """How many steps the checklist has, and how many members have not started it."""
    counts = Membership.objects.filter(community=community, user__is_active=True).aggregate(
        members=Count("pk"),
        not_started=Count("pk", filter=Q(onboarding_started_at__isnull=True)),
    )
    return {
        "steps": OnboardingStep.objects.filter(community=community).count(),
        "members": counts["members"],
        "not_started": counts["not_started"],
    }
