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


def communities_named_to(user) -> QuerySet[Community]:
    """Communities the user's own records (a join request on their home page, in their
    data export) may name: those they may know. A request made to a community since
    turned hidden is not named to them (they get a 404 there too)."""
    return communities_listable_by(user)


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


# --- knowledge ----------------------------------------------------------------
#
# A published item is readable by whoever may read its home community, or a
# community it was shared into, and by every signed-in user once it is in the
# platform library. Drafts and items in review are for their authors (while they
# take part in the home community) and the home community's moderators. Authors and
# moderators edit; moderators (core members, the community's facilitators) publish,
# feature, review and put items in the library. Authors share an item into other
# communities where they may contribute; facilitators into communities they read.


def _knowledge_models():
    from knowledge.models import ItemShare, KnowledgeItem

    return KnowledgeItem, ItemShare


def _item_author_ids(item) -> set[int]:
    prefetched = getattr(item, "_prefetched_objects_cache", {}).get("authors")
    if prefetched is not None:
        return {author.pk for author in prefetched}
    cached = item.__dict__.get("_author_ids")
    if cached is None:
        cached = set(item.authors.values_list("pk", flat=True))
        item.__dict__["_author_ids"] = cached
    return cached


def is_item_author(user, item) -> bool:
    return bool(user.is_authenticated and user.pk in _item_author_ids(item))


def _item_share_communities(item) -> list[Community]:
    prefetched = getattr(item, "_prefetched_objects_cache", {}).get("shares")
    shares = prefetched if prefetched is not None else item.shares.select_related("community")
    return [share.community for share in shares]


def may_edit_item(user, item) -> bool:
    if may_moderate(user, item.community):
        return True
    return is_item_author(user, item) and may_participate(user, item.community)


def may_read_item(user, item) -> bool:
    KnowledgeItem, _ = _knowledge_models()
    if item.status != KnowledgeItem.Status.PUBLISHED:
        return may_edit_item(user, item)
    if may_read_community(user, item.community):
        return True
    if item.in_library and user.is_authenticated and user.is_active:
        return True
    return any(may_read_community(user, c) for c in _item_share_communities(item))


def may_know_item(user, item) -> bool:
    """False means a 404: the user may not learn the item (or its community) exists."""
    return may_know_community(user, item.community) or may_read_item(user, item)


def access_item(user, item_id: int, *, require=None):
    """The item for a view: 404 if it does not exist or the user may not know of it;
    403 if they may know its community but not read it, or `require` says no."""
    KnowledgeItem, _ = _knowledge_models()
    item = KnowledgeItem.objects.select_related("community").filter(pk=item_id).first()
    if item is None:
        raise Http404
    if not may_read_item(user, item):
        if may_know_community(user, item.community):
            raise PermissionDenied
        raise Http404
    if require is not None and not require(user, item):
        raise PermissionDenied
    return item


def may_contribute_knowledge(user, community: Community) -> bool:
    return may_contribute(user, community)


def may_curate_item(user, item) -> bool:
    """Publish, feature, mark reviewed, put in the platform library."""
    return may_moderate(user, item.community)


def may_submit_item_for_review(user, item) -> bool:
    KnowledgeItem, _ = _knowledge_models()
    return item.status == KnowledgeItem.Status.DRAFT and may_edit_item(user, item)


def may_set_item_status(user, item, status: str) -> bool:
    """Authors submit a draft for review or take it back; moderators publish and
    send items back to draft."""
    KnowledgeItem, _ = _knowledge_models()
    Status = KnowledgeItem.Status
    if status == item.status or status not in Status.values:
        return False
    if status == Status.IN_REVIEW:
        return item.status == Status.DRAFT and may_edit_item(user, item)
    if status == Status.DRAFT and item.status == Status.IN_REVIEW:
        return may_edit_item(user, item)
    return may_curate_item(user, item)


def may_share_item(user, item) -> bool:
    """May open the share page: a published item, shared by one of its authors or a
    facilitator, who may both read its home community."""
    if not item.is_published or not may_read_community(user, item.community):
        return False
    return (is_item_author(user, item) and may_participate(user, item.community)) or is_facilitator(
        user
    )


def may_share_item_into(user, item, community: Community) -> bool:
    if community.pk == item.community_id or community.status != Community.Status.ACTIVE:
        return False
    if not may_share_item(user, item):
        return False
    if is_item_author(user, item) and may_contribute(user, community):
        return True
    return is_facilitator(user) and may_read_community(user, community)


def share_needs_confirmation(item, community: Community) -> bool:
    """Sharing an item from a community that is not public makes its content readable
    by the target's readers: the sharer confirms, seeing what becomes visible."""
    return item.community.visibility != Visibility.PUBLIC


def may_create_item_from_thread(user, thread: Thread) -> bool:
    return may_moderate(user, thread.community) and may_read_thread(user, thread)


def items_readable_by(user) -> QuerySet:
    """Knowledge items the user may read, for lists, search and digests.

    Published items of readable communities, or shared into one, or (signed in) in
    the platform library; plus unpublished ones the user authors (taking part in the
    home community) or moderates. Filter on status="published" for public listings.
    """
    KnowledgeItem, ItemShare = _knowledge_models()
    items = KnowledgeItem.objects.all()
    if is_platform_admin(user):
        return items
    # Resolved once into ids: PostgreSQL plans a short literal list far better than the
    # same subquery repeated per item (measured: 283 ms → see the closing note).
    readable = list(communities_readable_by(user).values_list("pk", flat=True))
    published = Q(status=KnowledgeItem.Status.PUBLISHED) & (
        Q(community__in=readable)
        | Q(Exists(ItemShare.objects.filter(item=OuterRef("pk"), community__in=readable)))
    )
    if not user.is_authenticated or not user.is_active:
        return items.filter(published)
    published |= Q(status=KnowledgeItem.Status.PUBLISHED, in_library=True)
    authored = Q(
        Exists(
            KnowledgeItem.authors.through.objects.filter(knowledgeitem=OuterRef("pk"), user=user)
        )
    ) & Q(
        Exists(
            CommunityUserObjectPermission.objects.filter(
                content_object=OuterRef("community"),
                user=user,
                permission__codename=Perm.PARTICIPATE,
            )
        )
    )
    unpublished = ~Q(status=KnowledgeItem.Status.PUBLISHED) & (_moderates(user) | authored)
    return items.filter(published | unpublished)


# --- discussions: moderation, answers, reports, mentions ------------------------------


def may_see_hidden_content(user, community: Community) -> bool:
    """Moderators see hidden threads and replies, marked as hidden."""
    return may_moderate(user, community)


def may_moderate_thread(user, thread: Thread) -> bool:
    """Pin, lock, hide and move: the community's moderators (core, facilitators, admins)."""
    return may_moderate(user, thread.community)


def may_accept_answer(user, thread: Thread) -> bool:
    """The question's author or a moderator marks (or unmarks) the accepted answer."""
    if thread.kind != Thread.Kind.QUESTION or thread.is_removed:
        return False
    if not may_read_thread(user, thread):
        return False
    return (user.is_authenticated and thread.author_id == user.pk) or may_moderate(
        user, thread.community
    )


def may_report(user, thread: Thread) -> bool:
    """Signed-in readers report a thread or a reply in it to the moderators."""
    return user.is_authenticated and may_read_thread(user, thread)


def may_see_moderation_queue(user, community: Community) -> bool:
    return may_moderate(user, community)


def communities_moderated_by(user) -> QuerySet[Community]:
    """Where a moderator may move a thread to."""
    communities = Community.objects.filter(status=Community.Status.ACTIVE)
    if is_platform_admin(user):
        return communities
    if not user.is_authenticated:
        return communities.none()
    return communities.filter(_granted_filter(user, Perm.MODERATE))


def users_mentionable_in(community: Community, *, group=None) -> QuerySet[User]:
    """Whom an author may reach with a mention: members of the community, and for a
    working group's thread, members of the group. Never anyone else."""
    people = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(community=community).values("user_id"),
    )
    if group is not None:
        people = people.filter(
            pk__in=WorkingGroupMember.objects.filter(group=group).values("user_id")
        )
    return people


def may_suggest_mentions(user, community: Community) -> bool:
    """The mention autocomplete lists members: for people who may write here."""
    return may_participate(user, community)


# --- messaging ----------------------------------------------------------------
#
# Members write privately to people they share a community with (as members or
# facilitators); never to strangers, and never across a block in either direction.
# A conversation is private to its present participants: everyone else, platform
# admins included, is told it does not exist. Reported messages are reviewed by the
# facilitation team, who see only the text the reporter chose to share.

from .messaging.models import Block  # noqa: E402


def _community_ids_involving(user) -> set[int]:
    cache = user.__dict__.get("_involving_community_ids")
    if cache is None:
        cache = set(communities_involving(user).values_list("pk", flat=True))
        user.__dict__["_involving_community_ids"] = cache
    return cache


def people_reachable_by(user) -> QuerySet[User]:
    """Active people the user may start a conversation with (for the recipient picker)."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    shared = communities_involving(user).values("pk")
    return (
        User.objects.filter(is_active=True)
        .exclude(pk=user.pk)
        .filter(
            Q(Exists(Membership.objects.filter(user=OuterRef("pk"), community__in=shared)))
            | Q(
                Exists(
                    FacilitatorAssignment.objects.filter(user=OuterRef("pk"), community__in=shared)
                )
            )
        )
        .exclude(Exists(Block.objects.filter(blocker=user, blocked=OuterRef("pk"))))
        .exclude(Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=user)))
    )


def may_message(sender, recipient) -> bool:
    """May `sender` start a conversation with `recipient`?"""
    if not (sender.is_authenticated and sender.is_active and recipient.is_active):
        return False
    if sender.pk == recipient.pk:
        return False
    if not _community_ids_involving(sender) & _community_ids_involving(recipient):
        return False
    return not Block.objects.filter(
        Q(blocker=sender, blocked=recipient) | Q(blocker=recipient, blocked=sender)
    ).exists()


def may_read_conversation(user, seat) -> bool:
    """`seat` is the user's participant row in the conversation, or None."""
    return bool(user.is_authenticated and seat is not None and seat.left_at is None)


def may_reply_in_conversation(user, seat, others) -> bool:
    """Present participants reply while someone else is still there and no one left
    in the conversation has blocked them or been blocked by them. `others` are the
    other present participants' user ids."""
    if not (may_read_conversation(user, seat) and user.is_active and others):
        return False
    return not Block.objects.filter(
        Q(blocker=user, blocked_id__in=others) | Q(blocker_id__in=others, blocked=user)
    ).exists()


def may_review_message_reports(user) -> bool:
    return is_facilitator(user)


# --- events ---------------------------------------------------------------------
#
# Events belong to a community and are read by whoever may read it. Members who may
# contribute schedule them; the organiser and the community's moderators run them
# (edit, cancel, agenda, attendance, minutes, actions). Participants reply and propose
# agenda items. The online link is for signed-in readers only (a public link invites
# strangers into a call).


def may_read_event(user, event) -> bool:
    return may_read_community(user, event.community)


def may_create_event(user, community: Community) -> bool:
    return community.status == Community.Status.ACTIVE and may_contribute(user, community)


def may_manage_event(user, event) -> bool:
    community = event.community
    if may_moderate(user, community):
        return True
    return (
        user.is_authenticated and event.organiser_id == user.pk and may_participate(user, community)
    )


def may_rsvp(user, event) -> bool:
    return not event.is_cancelled and may_participate(user, event.community)


def may_propose_agenda_item(user, event) -> bool:
    return not event.is_cancelled and may_participate(user, event.community)


def may_see_event_link(user, event) -> bool:
    return user.is_authenticated and may_read_event(user, event)


def may_update_action(user, action) -> bool:
    """The action's owner (while a member) marks it done; organisers and moderators too."""
    community = action.community
    if user.is_authenticated and action.owner_id == user.pk and may_participate(user, community):
        return True
    return may_manage_event(user, action.occurrence.event)


def events_readable_by(user):
    """Events the user may read, for lists and calendar exports."""
    from communities.models import Event

    return Event.objects.filter(community__in=communities_readable_by(user))


def events_for_calendar_feed(user):
    """A member's private feed: events of their own communities that they may still
    read (asked again at every fetch, so leaving a private community drops them)."""
    return events_readable_by(user).filter(community__in=communities_involving(user))


def may_use_calendar_feed(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def readers_among(users: QuerySet[User], community: Community) -> QuerySet[User]:
    """Those of `users` who may read the community (for event notifications)."""
    users = users.filter(is_active=True)
    if community.visibility == Visibility.PUBLIC and community.status == Community.Status.ACTIVE:
        return users
    admins = Q(is_superuser=True)
    return users.filter(admins | Q(pk__in=users_who_may(Perm.READ, community).values("pk")))


# --- glossary -------------------------------------------------------------------
#
# Platform-wide terms are read by everyone and kept by the facilitation team; a
# community's own terms are read by its readers and kept by its moderators.


def may_edit_platform_glossary(user) -> bool:
    return is_facilitator(user)


def may_edit_community_glossary(user, community: Community) -> bool:
    return may_moderate(user, community)


def may_edit_glossary_term(user, term) -> bool:
    if term.community_id is None:
        return may_edit_platform_glossary(user)
    return may_edit_community_glossary(user, term.community)


def glossary_terms_readable_by(user) -> QuerySet:
    """Platform terms, and the terms of communities the user may read (for search)."""
    from knowledge.models import GlossaryTerm

    return GlossaryTerm.objects.filter(
        Q(community=None) | Q(community__in=communities_readable_by(user))
    )


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


# --- facilitation: dashboard, cross-community actions, alignment, reports ---------
#
# The facilitation team sees the dashboard for the communities they are assigned to
# (platform admins see every community). Health-system leaders, facilitators and
# admins read the cross-community report; it shows private and hidden communities as
# aggregates only, and names a hidden community only to those who may know it.
# Platform admins keep the strategic priorities and risk thresholds; a community's
# managers declare its priorities and learning-cycle stages. Any member records a
# value story; the community's core members (and facilitators) confirm it.


def communities_facilitated_by(user) -> QuerySet[Community]:
    """The communities on a facilitator's dashboard (every active one for admins)."""
    if is_platform_admin(user):
        return Community.objects.filter(status=Community.Status.ACTIVE)
    if not is_facilitator(user):
        return Community.objects.none()
    return Community.objects.filter(
        status=Community.Status.ACTIVE,
        pk__in=FacilitatorAssignment.objects.filter(user=user).values("community_id"),
    )


def may_see_dashboard(user) -> bool:
    return is_facilitator(user)


def facilitates(user, community: Community) -> bool:
    """Assigned as a facilitator of this community (platform admins only if assigned):
    who gets automatic work-log entries for acting there."""
    if not user.is_authenticated or not is_facilitator(user):
        return False
    return FacilitatorAssignment.objects.filter(user=user, community=community).exists()


def may_see_community_signals(user, community: Community) -> bool:
    """The drill-down: admins, and the community's facilitators."""
    return is_platform_admin(user) or facilitates(user, community)


def may_act_across_communities(user) -> bool:
    """Cross-community announcements, shares, approvals and bulk invitations; each
    target community is still checked with the per-community question."""
    return is_facilitator(user)


def may_keep_work_log(user) -> bool:
    return is_facilitator(user)


def may_see_reports(user) -> bool:
    return is_leader(user) or is_facilitator(user)


def may_edit_priorities(user) -> bool:
    return is_platform_admin(user)


def may_edit_thresholds(user) -> bool:
    return is_platform_admin(user)


def may_set_alignment(user, community: Community) -> bool:
    """Declare the priorities and learning-cycle stages a community serves."""
    return may_manage_settings(user, community)


def may_record_value_story(user, community: Community) -> bool:
    return may_participate(user, community)


def may_confirm_value_story(user, story) -> bool:
    return may_moderate(user, story.community)


def value_stories_readable_by(user) -> QuerySet:
    """Confirmed stories of readable communities; the author's own and, for those who
    confirm them, the community's waiting ones."""
    from facilitation.models import ValueStory

    readable = communities_readable_by(user)
    visible = Q(status=ValueStory.Status.CONFIRMED, community__in=readable)
    if user.is_authenticated:
        visible |= Q(author=user, community__in=readable)
        visible |= Q(community__in=Community.objects.filter(_granted_filter(user, Perm.MODERATE)))
        if is_platform_admin(user):
            visible = Q()
    return ValueStory.objects.filter(visible)


# --- facilitation: coordination
# Where cross-community actions may land. Each list is one query (Exists on the
# permission table); the views still ask the per-community question for each target.


def communities_granting(user, perm: str) -> QuerySet[Community]:
    """Active communities where the user holds `perm` (every one for admins)."""
    communities = Community.objects.filter(status=Community.Status.ACTIVE)
    if is_platform_admin(user):
        return communities
    if not user.is_authenticated:
        return communities.none()
    return communities.filter(_granted_filter(user, perm))


def communities_announceable_by(user) -> QuerySet[Community]:
    """Active communities where the user may post an announcement."""
    return communities_granting(user, Perm.POST_ANNOUNCEMENT)


def communities_managed_by(user) -> QuerySet[Community]:
    """Active communities whose members (requests, invitations) the user manages."""
    return communities_granting(user, Perm.MANAGE_MEMBERS)


def may_edit_work_log_entry(user, entry) -> bool:
    """Facilitators edit and delete only their own entries."""
    return may_keep_work_log(user) and entry.facilitator_id == user.pk


# --- facilitation: alignment
#
# A value story is read through value_stories_readable_by (one query answers both
# "may they read it" and "fetch it"). Its author edits it while it waits; once a
# core member has decided, it is part of the record and stays as confirmed.


def may_edit_value_story(user, story) -> bool:
    from facilitation.models import ValueStory

    return (
        user.is_authenticated
        and story.author_id == user.pk
        and story.status == ValueStory.Status.RECORDED
        and may_record_value_story(user, story.community)
    )


def may_decide_value_story(user, story) -> bool:
    """Confirm or decline a waiting story: those who confirm stories, but never the
    story's own author (a second pair of eyes is the point of confirming)."""
    from facilitation.models import ValueStory

    return (
        story.status == ValueStory.Status.RECORDED
        and may_confirm_value_story(user, story)
        and story.author_id != user.pk
    )


def may_see_similar_content(user, community: Community) -> bool:
    """The "similar from other communities" suggestions while writing: anyone signed
    in who may know the community (they only ever list what the user may read)."""
    return bool(user.is_authenticated and user.is_active) and may_know_community(user, community)


# --- email delivery (digests, reminders, instant mail) -----------------------
# Emails are decided for many members at once, so these answer for a batch of user
# ids in one query, by the same rules as the single-user questions above.


def memberships_readable_by_each(user_ids) -> QuerySet[Membership]:
    """The memberships, among these users', whose community each member may still
    read right now: active people in active communities that are public or grant
    them READ. A member who left or was removed has no row; one whose access was
    withdrawn has no grant."""
    return Membership.objects.filter(
        user_id__in=user_ids, user__is_active=True, community__status=Community.Status.ACTIVE
    ).filter(
        Q(community__visibility=Visibility.PUBLIC)
        | Q(
            Exists(
                CommunityUserObjectPermission.objects.filter(
                    content_object=OuterRef("community"),
                    user=OuterRef("user"),
                    permission__codename=Perm.READ,
                )
            )
        )
    )


def communities_granting_each(user_ids, perm: str) -> dict[int, set[int]]:
    """For each of these users, the active communities where they hold `perm`."""
    return communities_granting_each_perm(user_ids, [perm])[perm]


def may_see_delivery_runs(user) -> bool:
    """The record of scheduled email runs (when, how many sent, skipped, failed):
    the facilitation team and admins, who answer for the platform's rhythm."""
    return is_facilitator(user)


def may_manage_own_email(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


# --- email delivery: digests for a batch of members ---------------------------
# A digest batch holds a hundred members; these answer the thread, working-group and
# knowledge questions above for all of them at once (one query each, or none), by
# the same rules as may_read_thread and items_readable_by.


def communities_granting_each_perm(user_ids, perms) -> dict[str, dict[int, set[int]]]:
    """communities_granting_each for several permissions in one query:
    {perm: {user id: community ids}}."""
    granted: dict[str, dict[int, set[int]]] = {perm: {} for perm in perms}
    rows = CommunityUserObjectPermission.objects.filter(
        user_id__in=user_ids,
        user__is_active=True,
        permission__codename__in=list(perms),
        content_object__status=Community.Status.ACTIVE,
    ).values_list("permission__codename", "user_id", "content_object_id")
    for codename, user_id, community_id in rows:
        granted[codename].setdefault(user_id, set()).add(community_id)
    return granted


def closed_groups_of_each(user_ids, community_ids) -> dict[int, set[int]]:
    """For each of these users, the closed working groups (in these communities)
    they belong to: the only closed groups whose threads they may read, unless they
    moderate the community."""
    groups: dict[int, set[int]] = {}
    rows = WorkingGroupMember.objects.filter(
        user_id__in=user_ids, group__community_id__in=community_ids, group__is_closed=True
    ).values_list("user_id", "group_id")
    for user_id, group_id in rows:
        groups.setdefault(user_id, set()).add(group_id)
    return groups


def thread_listable_to_member(
    thread: Thread,
    *,
    readable_community_ids: set[int],
    closed_group_ids: set[int],
    moderated_community_ids: set[int],
) -> bool:
    """may_read_thread for a batch, as lists and digests show it: a readable
    community, never hidden or deleted (not even to moderators), and a closed working
    group's threads only to its members and the community's moderators.
    `thread.group` must be loaded (select_related)."""
    if thread.community_id not in readable_community_ids:
        return False
    if thread.is_hidden or thread.deleted_at is not None:
        return False
    if thread.group_id is None or not thread.group.is_closed:
        return True
    return thread.group_id in closed_group_ids or thread.community_id in moderated_community_ids


def published_items_through(community_ids) -> QuerySet:
    """Published knowledge items homed in, or shared into, any of these communities.

    By items_readable_by's rule a member who may read community C may read every
    published item homed in or shared into C; drafts and items in review never
    appear here. Narrow per member with item_readable_through."""
    KnowledgeItem, ItemShare = _knowledge_models()
    community_ids = list(community_ids)
    return KnowledgeItem.objects.filter(status=KnowledgeItem.Status.PUBLISHED).filter(
        Q(community_id__in=community_ids)
        | Q(Exists(ItemShare.objects.filter(item=OuterRef("pk"), community_id__in=community_ids)))
    )


def item_readable_through(
    item_community_id: int, share_community_ids, readable_community_ids: set[int]
) -> bool:
    """A published item is readable by a member who may read its home community or
    a community it was shared into (items_readable_by, for one row of a batch)."""
    return item_community_id in readable_community_ids or bool(
        set(share_community_ids) & readable_community_ids
    )


# --- email reminders: the single-user questions, for a batch of recipients
# A reminder builder asks the questions above (may_read_event, may_rsvp,
# may_update_action, may_read_item, may_record_value_story) for each recipient at send
# time. prefetch_for_each loads every recipient's grants on the communities involved
# in one query first, so those questions cost no further query and follow the same
# rules.


def prefetch_for_each(users, communities) -> None:
    """Load each of these users' permissions on these communities in one query.

    `users` may hold several instances of one person (one per delivery record): each
    instance gets its own cache."""
    users = [user for user in users if user.is_authenticated and not is_platform_admin(user)]
    community_ids = {community.pk for community in communities}
    if not users or not community_ids:
        return
    found: dict[int, dict[int, set[str]]] = {
        user.pk: {pk: set() for pk in community_ids} for user in users
    }
    rows = CommunityUserObjectPermission.objects.filter(
        user_id__in=found.keys(), content_object_id__in=community_ids
    ).values_list("user_id", "content_object_id", "permission__codename")
    for user_id, community_id, codename in rows:
        found[user_id][community_id].add(codename)
    for user in users:
        _cache(user).update({pk: frozenset(codenames) for pk, codenames in found[user.pk].items()})


def memberships_that_may_participate() -> QuerySet[Membership]:
    """Memberships whose member may take part in their community now (reply, RSVP):
    active people in active communities that grant them PARTICIPATE. For planning
    nudges to many members at once; the send still asks the single-user question."""
    return Membership.objects.filter(
        user__is_active=True, community__status=Community.Status.ACTIVE
    ).filter(
        Exists(
            CommunityUserObjectPermission.objects.filter(
                content_object=OuterRef("community"),
                user=OuterRef("user"),
                permission__codename=Perm.PARTICIPATE,
            )
        )
    )


# --- reminders: who looks after what, for many communities at once -----------------
# Stewardship reminders (join requests waiting, reviews due, the weekly at-risk
# summary) are planned for every community at once: these answer the single-community
# questions above (users_who_may, communities_facilitated_by) for lists, each in a
# constant number of queries.


def users_granted_each(community_ids, perm: str) -> dict[int, set[int]]:
    """For each of these active communities, the active users holding `perm` there."""
    granted: dict[int, set[int]] = {}
    rows = CommunityUserObjectPermission.objects.filter(
        content_object_id__in=community_ids,
        content_object__status=Community.Status.ACTIVE,
        user__is_active=True,
        permission__codename=perm,
    ).values_list("content_object_id", "user_id")
    for community_id, user_id in rows:
        granted.setdefault(community_id, set()).add(user_id)
    return granted


def communities_facilitated_by_each(user_ids) -> dict[int, set[int]]:
    """For each of these users, the communities on their dashboard (as
    communities_facilitated_by): every active one for platform admins, the active
    ones they are assigned to for facilitators, none for anyone else."""
    people = list(
        User.objects.filter(pk__in=user_ids, is_active=True).values_list(
            "pk", "is_superuser", "platform_role"
        )
    )
    admins = {pk for pk, superuser, _role in people if superuser}
    team = {
        pk
        for pk, superuser, role in people
        if not superuser and role == User.PlatformRole.FACILITATOR
    }
    result: dict[int, set[int]] = {pk: set() for pk in admins | team}
    if admins:
        every = set(
            Community.objects.filter(status=Community.Status.ACTIVE).values_list("pk", flat=True)
        )
        for pk in admins:
            result[pk] = set(every)
    rows = FacilitatorAssignment.objects.filter(
        user_id__in=team, community__status=Community.Status.ACTIVE
    ).values_list("user_id", "community_id")
    for user_id, community_id in rows:
        result[user_id].add(community_id)
    return result


# --- email: instant mail and announcements -----------------------------------
# Who may read a new thread, reply or item when its email is planned and again when
# it is sent, for a batch of members at once (the rules of may_read_thread and
# may_read_item). Hidden, removed and unpublished content is the caller's to drop:
# nobody is emailed about it, moderators included.


def closed_group_readers_each(user_ids, groups) -> set[tuple[int, int]]:
    """(user id, group id) pairs: which of these users may read the threads of each
    of these closed working groups, as its members or its community's moderators.
    Two queries however many users and groups (`user_ids` may be a subquery); open
    groups need no answer (their threads are for the community's readers)."""
    closed = [group for group in groups if group.is_closed]
    if not closed:
        return set()
    pairs = set(
        WorkingGroupMember.objects.filter(
            user_id__in=user_ids, user__is_active=True, group__in=closed
        ).values_list("user_id", "group_id")
    )
    moderated = communities_granting_each(user_ids, Perm.MODERATE)
    for user_id, community_ids in moderated.items():
        pairs.update((user_id, g.pk) for g in closed if g.community_id in community_ids)
    return pairs


# --- notifications and a member's own data -------------------------------------
# A notification names something in a community (a thread's title, an event, an
# item): it is shown, counted and followed only while its recipient may still read
# that community. A join decision is about the community itself, so it stays while
# the community is listed to them. Access removed is access removed on the next
# request: nothing here is cached beyond it.


def notifications_visible_to(user) -> QuerySet:
    """The user's notifications they may still see (one query, as a filter)."""
    from .models import Notification

    if not user.is_authenticated:
        return Notification.objects.none()
    readable = communities_readable_by(user).values("pk")
    listable = communities_listable_by(user).values("pk")
    return Notification.objects.filter(recipient=user).filter(
        Q(community=None)
        | Q(community__in=readable)
        | Q(kind=Notification.Kind.JOIN_DECISION, community__in=listable)
    )


def may_manage_own_data(user) -> bool:
    """Download one's data and delete one's account: every signed-in person, for
    themselves only (the views never take a user id)."""
    return user.is_authenticated and user.is_active


# --- two-factor authentication: which roles must use it ---------------------------
# MFA_REQUIRED_FOR_ROLES names platform roles ("admin": staff or superuser, anyone who
# reaches the admin site; "facilitator"; "leader"). membership/mfa.py sends such a
# person to set up two-factor before any other page and keeps them from turning it off.


def platform_roles(user) -> set[str]:
    """The privileged platform roles `user` holds, by the names MFA_REQUIRED_FOR_ROLES uses."""
    if not (user.is_authenticated and user.is_active):
        return set()
    roles = set()
    if user.is_staff or user.is_superuser:
        roles.add("admin")
    if user.platform_role == User.PlatformRole.FACILITATOR:
        roles.add("facilitator")
    if user.platform_role == User.PlatformRole.LEADER:
        roles.add("leader")
    return roles


def must_use_mfa(user) -> bool:
    """Whether `user`'s roles require two-factor authentication (MFA_REQUIRED_FOR_ROLES)."""
    required = settings.MFA_REQUIRED_FOR_ROLES
    return bool(required) and bool(platform_roles(user) & required)
