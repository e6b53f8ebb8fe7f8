"""The one permission authority: who may see or do what, where.

Views, templates, feeds, search, digests and reports ask here and never compare
levels, roles or visibility themselves.

How it works: participation levels and facilitator assignments grant object
permissions on a community (the table below). `services.permissions_sync` writes
them to django-guardian's direct-foreign-key table whenever a membership or
assignment changes; this module reads them. Platform admins may do everything.
Visibility adds what anyone may do: a public community's content is readable by
all, and private communities are listed (name and purpose) to everyone.

Cost: one query per user and community the first time a request asks, or none
after `prefetch_for(user, communities)` on a list page. Lists are filtered with
`Exists` subqueries, never by loading permissions into Python.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from communities.models import Activity, Community, Thread, WorkingGroup, WorkingGroupMember

from .models import CommunityUserObjectPermission, FacilitatorAssignment, Membership, User

Visibility = Community.Visibility
Level = Membership.Level


class Perm:
    """Codenames of the community object permissions (see Community.Meta)."""

    READ = "read_community"
    PARTICIPATE = "participate_community"
    CONTRIBUTE = "contribute_community"
    MODERATE = "moderate_community"
    MANAGE_MEMBERS = "manage_members"
    EDIT_CHARTER = "edit_charter"
    POST_ANNOUNCEMENT = "post_announcement"
    MANAGE_SETTINGS = "manage_settings"


ALL_PERMS = frozenset(value for name, value in vars(Perm).items() if not name.startswith("_"))

# Wenger's levels: peripheral members read, reply and react; active members also
# start discussions and contribute knowledge; core members also moderate, curate,
# manage members, edit the charter and post announcements.
LEVEL_PERMS = {
    Level.PERIPHERAL: frozenset({Perm.READ, Perm.PARTICIPATE}),
    Level.ACTIVE: frozenset({Perm.READ, Perm.PARTICIPATE, Perm.CONTRIBUTE}),
    Level.CORE: ALL_PERMS,
}
# Facilitators have core powers in the communities they are assigned to.
FACILITATOR_PERMS = ALL_PERMS


def perms_granted(*, level: str | None, facilitates: bool) -> frozenset[str]:
    """The permissions a level and a facilitator assignment grant together."""
    granted = set(LEVEL_PERMS.get(level, frozenset()))
    if facilitates:
        granted |= FACILITATOR_PERMS
    return frozenset(granted)


# --- platform roles ---------------------------------------------------------


def is_platform_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def is_facilitator(user) -> bool:
    """On the facilitation team (may be assigned to communities, approves new ones)."""
    return is_platform_admin(user) or bool(
        user.is_authenticated and user.platform_role == User.PlatformRole.FACILITATOR
    )


def is_leader(user) -> bool:
    return bool(user.is_authenticated and user.platform_role == User.PlatformRole.LEADER)


# --- object permissions -----------------------------------------------------
# Read straight from guardian's direct-foreign-key table: one query per community
# (or one per list, with prefetch_for), cached on the user object for the request.
# Groups are not used, so guardian's own checker would spend two more queries.


def _cache(user) -> dict[int, frozenset[str]]:
    cache = getattr(user, "_community_perms", None)
    if cache is None:
        cache = {}
        user._community_perms = cache
    return cache


def prefetch_for(user, communities) -> None:
    """Load the user's permissions on these communities in one query."""
    if not user.is_authenticated or is_platform_admin(user):
        return
    cache = _cache(user)
    ids = {c.pk for c in communities} - cache.keys()
    if not ids:
        return
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    rows = CommunityUserObjectPermission.objects.filter(
        user=user, content_object_id__in=ids
    ).values_list("content_object_id", "permission__codename")
    for community_id, codename in rows:
        found[community_id].add(codename)
    cache.update({pk: frozenset(codenames) for pk, codenames in found.items()})


def forget_cached_permissions(user) -> None:
    """Call after changing a user's permissions within the same request."""
    if hasattr(user, "_community_perms"):
        del user._community_perms


def has_perm(user, perm: str, community: Community) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_platform_admin(user):
        return True
    cache = _cache(user)
    if community.pk not in cache:
        prefetch_for(user, [community])
    return perm in cache[community.pk]


def _granted_filter(user, perm: str) -> Q:
    """A filter on Community: the user holds `perm` on it."""
    return Q(
        Exists(
            CommunityUserObjectPermission.objects.filter(
                content_object=OuterRef("pk"), user=user, permission__codename=perm
            )
        )
    )


# --- what a user may know and read ------------------------------------------


def _proposed_visible(user, community: Community) -> bool:
    return is_facilitator(user) or (user.is_authenticated and community.created_by_id == user.pk)


def may_know_community(user, community: Community) -> bool:
    """False means the user must get a 404: they may not learn it exists."""
    if community.status != Community.Status.ACTIVE:
        return _proposed_visible(user, community)
    if community.visibility != Visibility.HIDDEN:
        return True
    return has_perm(user, Perm.READ, community)


def may_read_community(user, community: Community) -> bool:
    """May the user read the community's content (not just its name and purpose)?"""
    if not may_know_community(user, community):
        return False
    if community.visibility == Visibility.PUBLIC:
        return True
    return has_perm(user, Perm.READ, community)


def communities_listable_by(user) -> QuerySet[Community]:
    """Communities whose name and purpose the user may see in a list.

    Public and private active ones are listed to everyone; hidden ones only to
    those who may read them (members, their facilitators, platform admins).
    """
    communities = Community.objects.all()
    if is_platform_admin(user):
        return communities.filter(status=Community.Status.ACTIVE)
    listed = Q(visibility__in=[Visibility.PUBLIC, Visibility.PRIVATE])
    if user.is_authenticated:
        listed |= _granted_filter(user, Perm.READ)
    return communities.filter(listed, status=Community.Status.ACTIVE)


def communities_readable_by(user) -> QuerySet[Community]:
    """Communities whose content the user may read (for feeds, search, digests)."""
    communities = Community.objects.filter(status=Community.Status.ACTIVE)
    if is_platform_admin(user):
        return communities
    readable = Q(visibility=Visibility.PUBLIC)
    if user.is_authenticated:
        readable |= _granted_filter(user, Perm.READ)
    return communities.filter(readable)


def communities_involving(user) -> QuerySet[Community]:
    """Communities the user is a member or facilitator of."""
    if not user.is_authenticated:
        return Community.objects.none()
    return Community.objects.filter(
        Q(Exists(Membership.objects.filter(community=OuterRef("pk"), user=user)))
        | Q(Exists(FacilitatorAssignment.objects.filter(community=OuterRef("pk"), user=user)))
    )


def users_who_may(perm: str, community: Community) -> QuerySet[User]:
    """Active users holding `perm` on the community (for notifications)."""
    return User.objects.filter(
        is_active=True,
        pk__in=CommunityUserObjectPermission.objects.filter(
            content_object=community, permission__codename=perm
        ).values("user_id"),
    )


def communities_pending_approval_for(user) -> QuerySet[Community]:
    if not is_facilitator(user):
        return Community.objects.none()
    return Community.objects.filter(status=Community.Status.PROPOSED)


def access_community(user, slug: str, *, require=None) -> Community:
    """The community for a view: 404 if it does not exist or the user may not know
    it exists; 403 if `require` (one of the may_* questions below) says no."""
    community = Community.objects.filter(slug=slug).first()
    if community is None or not may_know_community(user, community):
        raise Http404
    if require is not None and not require(user, community):
        raise PermissionDenied
    return community


# --- what a user may do -----------------------------------------------------


def may_participate(user, community: Community) -> bool:
    return has_perm(user, Perm.PARTICIPATE, community)


def may_contribute(user, community: Community) -> bool:
    return has_perm(user, Perm.CONTRIBUTE, community)


def may_moderate(user, community: Community) -> bool:
    return has_perm(user, Perm.MODERATE, community)


def may_manage_members(user, community: Community) -> bool:
    return has_perm(user, Perm.MANAGE_MEMBERS, community)


def may_edit_charter(user, community: Community) -> bool:
    return has_perm(user, Perm.EDIT_CHARTER, community)


def may_post_announcement(user, community: Community) -> bool:
    return has_perm(user, Perm.POST_ANNOUNCEMENT, community)


def may_manage_settings(user, community: Community) -> bool:
    return has_perm(user, Perm.MANAGE_SETTINGS, community)


def may_see_audit_log(user, community: Community) -> bool:
    return may_manage_members(user, community)


def may_see_members(user, community: Community) -> bool:
    """Who belongs is people data (patients among them): signed-in readers only,
    even for a public community."""
    return user.is_authenticated and may_read_community(user, community)


def may_start_community(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def community_needs_approval(user) -> bool:
    return settings.COMMUNITY_CREATION_POLICY != "open" and not is_facilitator(user)


def may_approve_communities(user) -> bool:
    return is_facilitator(user)


def may_assign_facilitators(user) -> bool:
    return is_platform_admin(user)


def may_join(user, community: Community, *, is_member: bool) -> bool:
    """One-click join: open policy, active community the user may know about."""
    return (
        user.is_authenticated
        and not is_member
        and community.status == Community.Status.ACTIVE
        and community.join_policy == Community.JoinPolicy.OPEN
        and may_know_community(user, community)
    )


def may_request_to_join(user, community: Community, *, is_member: bool) -> bool:
    return (
        user.is_authenticated
        and not is_member
        and community.status == Community.Status.ACTIVE
        and community.join_policy == Community.JoinPolicy.REQUEST
        and community.visibility != Visibility.HIDDEN
    )


def may_see_unshared_profile_fields(viewer, person) -> bool:
    """The person themselves and platform admins see the fields not shared."""
    return bool(viewer.is_authenticated) and (viewer.pk == person.pk or is_platform_admin(viewer))


def may_view_profile(viewer, person) -> bool:
    """Profiles are seen by the person, admins, and people sharing a community the
    viewer may read, or anyone signed in for members of a public community."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == person.pk or is_platform_admin(viewer):
        return True
    return Membership.objects.filter(
        user=person, community__in=communities_readable_by(viewer)
    ).exists()


# --- discussions, working groups and feeds ------------------------------------
#
# A thread is readable by whoever may read its community, unless a moderator hid it
# (moderators still see it) or it belongs to a closed working group (its members and
# the community's moderators only). Open working groups' threads are readable by the
# community's readers; posting in a group's threads is for its members and moderators.


def _is_group_member(user, group) -> bool:
    if not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_working_group_ids", None)
    if cache is None:
        cache = set(WorkingGroupMember.objects.filter(user=user).values_list("group_id", flat=True))
        user.__dict__["_working_group_ids"] = cache
    return group.pk in cache


def may_see_working_group(user, group: WorkingGroup) -> bool:
    """Groups are listed to the community's readers, closed ones included."""
    return may_read_community(user, group.community)


def may_read_working_group_content(user, group: WorkingGroup) -> bool:
    if not may_read_community(user, group.community):
        return False
    if not group.is_closed:
        return True
    return _is_group_member(user, group) or may_moderate(user, group.community)


def may_join_working_group(user, group: WorkingGroup) -> bool:
    """Community members may ask to join a group unless it is closed."""
    return (
        not group.is_closed
        and may_participate(user, group.community)
        and not _is_group_member(user, group)
    )


def may_manage_working_group(user, group: WorkingGroup) -> bool:
    if may_moderate(user, group.community):
        return True
    return (
        user.is_authenticated
        and WorkingGroupMember.objects.filter(group=group, user=user, is_lead=True).exists()
    )


def may_read_thread(user, thread: Thread) -> bool:
    community = thread.community
    if not may_read_community(user, community):
        return False
    if thread.is_hidden and not may_moderate(user, community):
        return False
    if thread.group_id is not None:
        return may_read_working_group_content(user, thread.group)
    return True


def may_reply(user, thread: Thread) -> bool:
    """Reply, react and vote: participants who may read it, while it is open."""
    if thread.is_removed or not may_read_thread(user, thread):
        return False
    community = thread.community
    if thread.is_locked and not may_moderate(user, community):
        return False
    if thread.group_id is not None and not (
        _is_group_member(user, thread.group) or may_moderate(user, community)
    ):
        return False
    return may_participate(user, community)


def may_start_thread(user, community: Community, *, kind: str, group=None) -> bool:
    if kind == Thread.Kind.ANNOUNCEMENT:
        return group is None and may_post_announcement(user, community)
    if group is not None and not (_is_group_member(user, group) or may_moderate(user, community)):
        return False
    return may_contribute(user, community)


def may_edit_post(user, obj) -> bool:
    """Authors edit and delete their own threads and replies."""
    return user.is_authenticated and obj.author_id == user.pk and not obj.is_removed


def _moderates(user, community_field: str = "community") -> Q:
    return Q(
        Exists(
            CommunityUserObjectPermission.objects.filter(
                content_object=OuterRef(community_field),
                user=user,
                permission__codename=Perm.MODERATE,
            )
        )
    )


def _group_content_filter(user, prefix: str = "") -> Q:
    """Rows with no group, an open group, or a group the user is in or moderates."""
    open_or_none = Q(**{f"{prefix}group": None}) | Q(**{f"{prefix}group__is_closed": False})
    if not user.is_authenticated:
        return open_or_none
    mine = Q(Exists(WorkingGroupMember.objects.filter(group=OuterRef(f"{prefix}group"), user=user)))
    return open_or_none | mine | _moderates(user, f"{prefix}community")


def threads_readable_by(user) -> QuerySet[Thread]:
    """Threads the user may read, for lists, feeds and search (removed ones excluded)."""
    threads = Thread.objects.filter(
        community__in=communities_readable_by(user), is_hidden=False, deleted_at=None
    )
    if is_platform_admin(user):
        return threads
    return threads.filter(_group_content_filter(user))


def activities_visible_to(user) -> QuerySet[Activity]:
    """Feed rows the user may see: readable communities, open or own groups."""
    rows = Activity.objects.filter(community__in=communities_readable_by(user))
    if is_platform_admin(user):
        return rows
    return rows.filter(_group_content_filter(user))


# --- interactions: reactions, polls and working groups -------------------------


def forget_cached_working_groups(user) -> None:
    """Call after the user joined or left a working group within the same request."""
    user.__dict__.pop("_working_group_ids", None)


def is_working_group_member(user, group: WorkingGroup) -> bool:
    return _is_group_member(user, group)


def may_react(user, thread: Thread) -> bool:
    """Reacting is a light reply: the same people, under the same conditions."""
    return may_reply(user, thread)


def may_add_poll(user, thread: Thread) -> bool:
    """The thread's author or a moderator adds a poll, while people may still reply."""
    if thread.is_removed or not may_read_thread(user, thread):
        return False
    if may_moderate(user, thread.community):
        return True
    return (
        user.is_authenticated
        and thread.author_id == user.pk
        and not thread.is_locked
        and may_reply(user, thread)
    )


def may_vote(user, poll) -> bool:
    """Vote, change or withdraw a vote: those who may reply, until the poll closes."""
    return not poll.is_closed and may_reply(user, poll.thread)


def may_see_poll_results(user, poll, *, has_voted: bool) -> bool:
    """Results are shown once someone has voted or the poll has closed, so the count
    never sways the vote."""
    return has_voted or poll.is_closed


def may_start_working_group(user, community: Community) -> bool:
    return may_contribute(user, community)


def may_leave_working_group(user, group: WorkingGroup) -> bool:
    return _is_group_member(user, group)


def may_be_added_to_working_group(user, person, group: WorkingGroup) -> bool:
    """Leads add members drawn from the community (people who may take part in it)."""
    return may_manage_working_group(user, group) and may_participate(person, group.community)
