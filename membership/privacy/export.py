"""Everything the platform holds about one member, as a ZIP: one JSON file per area
and the files they uploaded.

The archive is built in the request, synchronously: a member's rows are a few
thousand at most and each part is one query (measured in tests/privacy/
test_export.py), and the ZIP is spooled to a temporary file (in memory up to
SPOOL_BYTES, on disk beyond) and streamed from there, so uploaded files never sit
whole in memory.

Coverage is declared, not hoped for: every foreign key to the user model, in every
installed app, is either exported by one of PARTS (`covers`) or listed in EXCLUDED
with the reason. tests/privacy/test_export.py walks the models and fails when a new
relation to a user is in neither.

Other people's private data stays out: a part exports what the member wrote, chose
or was told, and names other people only where the platform already shows them the
name (the people in their own conversations). Nobody else's email address is ever
exported, nor what other people wrote in places the member cannot read.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, Exists, F, OuterRef, Q, TextField, Value, When
from django.utils import timezone

from membership import permissions
from membership.models import User

SPOOL_BYTES = 8 * 1024 * 1024
FILES_DIR = "files"


@dataclass(frozen=True)
class Part:
    """One JSON file of the archive: `name`.json, the rows `rows(user)` returns."""

    name: str
    covers: tuple[str, ...]
    rows: Callable[[User], list[dict]]


def _values(label: str, where: Callable[[User], Q], *fields: str, **named) -> Callable:
    """Rows of `label` matching `where(user)`, as dicts of these fields (named ones
    are expressions, e.g. F("community__name")), oldest first: one query."""

    def rows(user: User) -> list[dict]:
        model = apps.get_model(label)
        queryset = model.objects.filter(where(user)).order_by("pk")
        return list(queryset.values(*fields, **named))

    return rows


def _by(field: str) -> Callable[[User], Q]:
    return lambda user: Q(**{field: user})


def _either(*fields: str) -> Callable[[User], Q]:
    def where(user: User) -> Q:
        condition = Q()
        for field in fields:
            condition |= Q(**{field: user})
        return condition

    return where


COMMUNITY = {"community_name": F("community__name")}


def _only_if(condition: Q, field: str) -> Case:
    """The field's text where the condition holds, else an empty string."""
    return Case(When(condition, then=F(field)), default=Value(""), output_field=TextField())


# --- the parts that need more than one filter -------------------------------------------


def _profile(user: User) -> list[dict]:
    EmailAddress = apps.get_model("account", "EmailAddress")
    Authenticator = apps.get_model("mfa", "Authenticator")
    profile = (
        User.objects.filter(pk=user.pk)
        .values(
            "email",
            "display_name",
            "first_name",
            "last_name",
            "stakeholder_type",
            "platform_role",
            "organisation",
            "bio",
            "share_organisation",
            "share_stakeholder_type",
            "share_bio",
            "share_expertise",
            "time_zone",
            "date_joined",
            "last_login",
            "is_staff",
            "is_superuser",
        )
        .get()
    )
    profile["expertise"] = sorted(user.expertise.names())
    profile["email_addresses"] = list(
        EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
    )
    # The kind of second factor and when it was used: never its secret.
    profile["two_factor_methods"] = list(
        Authenticator.objects.filter(user=user).values("type", "created_at", "last_used_at")
    )
    profile["groups"] = list(user.groups.values_list("name", flat=True))
    profile["permissions"] = list(user.user_permissions.values_list("codename", flat=True))
    return [profile]


def own_addresses(user: User) -> list[str]:
    EmailAddress = apps.get_model("account", "EmailAddress")
    addresses = {user.email.lower()}
    addresses |= {
        e.lower() for e in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    return sorted(addresses)


def _invitations_received(user: User) -> list[dict]:
    Invitation = apps.get_model("membership", "Invitation")
    to_me = Q(accepted_by=user)
    for address in own_addresses(user):
        to_me |= Q(email__iexact=address)
    return list(
        Invitation.objects.filter(to_me)
        .order_by("pk")
        .values(
            "email",
            "level",
            "message",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            **COMMUNITY,
        )
    )


def _conversations(user: User) -> list[dict]:
    """Their conversations, with the messages they sent and received there (up to
    when they left): each one's other participants are named, as in the inbox."""
    Participant = apps.get_model("membership", "ConversationParticipant")
    Message = apps.get_model("membership", "Message")
    seats = list(
        Participant.objects.filter(user=user)
        .select_related("conversation")
        .order_by("conversation_id")
    )
    by_conversation = {seat.conversation_id: seat for seat in seats}
    others: dict[int, list[str]] = {pk: [] for pk in by_conversation}
    for seat in (
        Participant.objects.filter(conversation_id__in=by_conversation)
        .exclude(user=user)
        .select_related("user")
        .order_by("pk")
    ):
        others[seat.conversation_id].append(seat.user.name)
    messages: dict[int, list[dict]] = {pk: [] for pk in by_conversation}
    for message in (
        Message.objects.filter(conversation_id__in=by_conversation)
        .select_related("sender")
        .order_by("created_at", "pk")
    ):
        seat = by_conversation[message.conversation_id]
        if seat.left_at is not None and message.created_at > seat.left_at:
            continue
        messages[message.conversation_id].append(
            {
                "from_me": message.sender_id == user.pk,
                "sender": message.sender.name if message.sender else None,
                "body": message.body,
                "sent_at": message.created_at,
            }
        )
    return [
        {
            "conversation": seat.conversation_id,
            "subject": seat.conversation.subject,
            "started_by_me": seat.conversation.started_by_id == user.pk,
            "with": others[seat.conversation_id],
            "joined_at": seat.joined_at,
            "last_read_at": seat.last_read_at,
            "muted": seat.is_muted,
            "left_at": seat.left_at,
            "messages": messages[seat.conversation_id],
        }
        for seat in seats
    ]


def _blocks(user: User) -> list[dict]:
    Block = apps.get_model("membership", "Block")
    return [
        {"blocked": block.blocked.name, "since": block.created_at}
        for block in Block.objects.filter(blocker=user).select_related("blocked").order_by("pk")
    ]


def _notifications(user: User) -> list[dict]:
    """Their notifications. One about a community they may no longer read keeps its
    kind and dates, not its title or address (those are that community's now)."""
    Notification = apps.get_model("membership", "Notification")
    visible = permissions.notifications_visible_to(user).values("pk")
    still = Q(pk__in=visible)
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("pk")
        .values(
            "kind",
            "created_at",
            "read_at",
            title_now=_only_if(still, "title"),
            url_now=_only_if(still, "url"),
            community_name=_only_if(still, "community__name"),
        )
    )


def _knowledge_items(user: User) -> list[dict]:
    KnowledgeItem = apps.get_model("knowledge", "KnowledgeItem")
    mine = Q(authors=user) | Q(created_by=user) | Q(updated_by=user)
    return list(
        KnowledgeItem.objects.filter(pk__in=KnowledgeItem.objects.filter(mine).values("pk"))
        .order_by("pk")
        .values(
            "id",
            "kind",
            "title",
            "summary",
            "body",
            "problem",
            "context",
            "solution",
            "url",
            "file_name",
            "stage",
            "status",
            "published_at",
            "created_at",
            "updated_at",
            **COMMUNITY,
            i_am_author=Exists(
                KnowledgeItem.authors.through.objects.filter(
                    knowledgeitem=OuterRef("pk"), user=user
                )
            ),
        )
    )


def _knowledge_versions(user: User) -> list[dict]:
    """The versions they saved, each with the file it held (in files/ if theirs)."""
    History = apps.get_model("knowledge", "HistoricalKnowledgeItem")
    return list(
        History.objects.filter(_either("history_user", "created_by", "updated_by")(user))
        .order_by("history_id")
        .values(
            "id",
            "history_id",
            "history_date",
            "history_type",
            "title",
            "summary",
            "body",
            "problem",
            "context",
            "solution",
            "url",
            "file",
            "file_name",
            "change_note",
            "status",
            saved_by_me=Q(history_user=user),
        )
    )


def _item_downloads(user: User) -> list[dict]:
    return _values(
        "knowledge.ItemDownload",
        _by("user"),
        "item_id",
        "downloaded_at",
        item_title=F("item__title"),
    )(user)


def _level_suggestions(user: User) -> list[dict]:
    """Suggestions about them (a move up, or "gone quiet"), and those they decided."""
    Suggestion = apps.get_model("membership", "LevelSuggestion")
    return list(
        Suggestion.objects.filter(Q(membership__user=user) | Q(decided_by=user))
        .order_by("pk")
        .values(
            "kind",
            "status",
            "created_at",
            "decided_at",
            community_name=F("membership__community__name"),
            about_me=Q(membership__user=user),
            reason_given=_only_if(Q(membership__user=user), "reason"),
            decided_by_me=Q(decided_by=user),
        )
    )


def _audit(user: User) -> list[dict]:
    """What they did in communities' logs, and what was done about them (not by whom,
    nor to whom: that names other people)."""
    AuditEntry = apps.get_model("membership", "AuditEntry")
    return list(
        AuditEntry.objects.filter(Q(actor=user) | Q(subject=user))
        .order_by("pk")
        .values(
            "action",
            "created_at",
            **COMMUNITY,
            done_by_me=Q(actor=user),
            about_me=Q(subject=user),
            reason_given=_only_if(Q(subject=user), "reason"),
        )
    )


def _onboarding(user: User) -> list[dict]:
    return _values(
        "membership.OnboardingProgress",
        _by("membership__user"),
        "created_at",
        step_title=F("step__title"),
        community_name=F("membership__community__name"),
    )(user)


# --- the archive's table of contents -----------------------------------------------------

PARTS: tuple[Part, ...] = (
    Part(
        "profile",
        (
            "account.EmailAddress.user",
            "mfa.Authenticator.user",
            "membership.User_groups.user",
            "membership.User_user_permissions.user",
        ),
        _profile,
    ),
    Part(
        "memberships",
        ("membership.Membership.user",),
        _values(
            "membership.Membership",
            _by("user"),
            "level",
            "role",
            "role_title",
            "email_frequency",
            "announcement_email",
            "onboarding_started_at",
            "created_at",
            **COMMUNITY,
        ),
    ),
    Part("onboarding", (), _onboarding),
    Part("level_suggestions", ("membership.LevelSuggestion.decided_by",), _level_suggestions),
    Part(
        "facilitator_assignments",
        ("membership.FacilitatorAssignment.user",),
        _values("membership.FacilitatorAssignment", _by("user"), "created_at", **COMMUNITY),
    ),
    Part(
        "join_requests",
        ("membership.JoinRequest.user",),
        _values(
            "membership.JoinRequest",
            _by("user"),
            "message",
            "status",
            "reason",
            "created_at",
            "decided_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "join_requests_decided",
        ("membership.JoinRequest.decided_by",),
        # The decision is theirs; the request (and who made it) is the requester's.
        _values(
            "membership.JoinRequest",
            _by("decided_by"),
            "status",
            "reason",
            "decided_at",
            **COMMUNITY,
        ),
    ),
    Part("invitations_received", ("membership.Invitation.accepted_by",), _invitations_received),
    Part(
        "invitations_sent",
        ("membership.Invitation.invited_by",),
        # Not the invitee's address: that is theirs.
        _values(
            "membership.Invitation",
            _by("invited_by"),
            "level",
            "message",
            "created_at",
            "accepted_at",
            "revoked_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "community_log",
        ("membership.AuditEntry.actor", "membership.AuditEntry.subject"),
        _audit,
    ),
    Part(
        "communities_started",
        ("communities.Community.created_by",),
        _values(
            "communities.Community",
            _by("created_by"),
            "name",
            "slug",
            "purpose",
            "status",
            "visibility",
            "created_at",
        ),
    ),
    Part(
        "charter_revisions",
        ("communities.HistoricalCharter.history_user", "communities.HistoricalCharter.updated_by"),
        _values(
            "communities.HistoricalCharter",
            _either("history_user", "updated_by"),
            "history_date",
            "purpose",
            "aims",
            "audience",
            "participation",
            "ground_rules",
            "change_note",
            **COMMUNITY,
        ),
    ),
    Part(
        "activity",
        ("communities.Activity.actor",),
        _values(
            "communities.Activity", _by("actor"), "verb", "title", "url", "created_at", **COMMUNITY
        ),
    ),
    Part(
        "threads",
        ("communities.Thread.author",),
        _values(
            "communities.Thread",
            _by("author"),
            "id",
            "kind",
            "title",
            "body",
            "created_at",
            "edited_at",
            "deleted_at",
            "is_hidden",
            **COMMUNITY,
        ),
    ),
    Part(
        "replies",
        ("communities.Post.author",),
        _values(
            "communities.Post",
            _by("author"),
            "id",
            "thread_id",
            "body",
            "created_at",
            "edited_at",
            "deleted_at",
            "is_hidden",
            community_name=F("thread__community__name"),
        ),
    ),
    Part(
        "earlier_versions_of_my_posts",
        ("communities.Revision.written_by",),
        _values(
            "communities.Revision",
            _by("written_by"),
            "thread_id",
            "post_id",
            "title",
            "body",
            "written_at",
        ),
    ),
    Part(
        "threads_read",
        ("communities.ThreadReadState.user",),
        _values("communities.ThreadReadState", _by("user"), "thread_id", "last_read_at"),
    ),
    Part(
        "mentions_of_me",
        ("communities.Mention.user",),
        _values("communities.Mention", _by("user"), "thread_id", "post_id", "created_at"),
    ),
    Part(
        "reports_made",
        ("communities.Report.reporter",),
        _values(
            "communities.Report",
            _by("reporter"),
            "thread_id",
            "post_id",
            "reason",
            "status",
            "created_at",
            "decided_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "reports_decided",
        ("communities.Report.decided_by",),
        _values(
            "communities.Report",
            _by("decided_by"),
            "status",
            "decision_note",
            "content_hidden",
            "decided_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "moderation_actions",
        ("communities.ModerationEntry.actor",),
        _values(
            "communities.ModerationEntry",
            _by("actor"),
            "action",
            "thread_id",
            "post_id",
            "detail",
            "created_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "reactions",
        ("communities.Reaction.user",),
        _values("communities.Reaction", _by("user"), "kind", "thread_id", "post_id", "created_at"),
    ),
    Part(
        "polls_started",
        ("communities.Poll.created_by",),
        _values(
            "communities.Poll",
            _by("created_by"),
            "thread_id",
            "question",
            "allows_multiple",
            "closes_at",
            "created_at",
        ),
    ),
    Part(
        "poll_votes",
        ("communities.PollVote.user",),
        _values(
            "communities.PollVote",
            _by("user"),
            "created_at",
            question=F("poll__question"),
            option_label=F("option__label"),
        ),
    ),
    Part(
        "working_groups",
        ("communities.WorkingGroupMember.user", "communities.WorkingGroup.created_by"),
        _values(
            "communities.WorkingGroupMember",
            _by("user"),
            "is_lead",
            "created_at",
            group_name=F("group__name"),
            community_name=F("group__community__name"),
        ),
    ),
    Part(
        "working_group_requests",
        ("communities.WorkingGroupJoinRequest.user",),
        _values(
            "communities.WorkingGroupJoinRequest",
            _by("user"),
            "message",
            "status",
            "created_at",
            "decided_at",
            group_name=F("group__name"),
        ),
    ),
    Part(
        "working_group_requests_decided",
        ("communities.WorkingGroupJoinRequest.decided_by",),
        _values(
            "communities.WorkingGroupJoinRequest",
            _by("decided_by"),
            "status",
            "decided_at",
            group_name=F("group__name"),
        ),
    ),
    Part(
        "events_organised",
        ("communities.Event.organiser",),
        _values(
            "communities.Event",
            _by("organiser"),
            "title",
            "agenda",
            "starts_at",
            "ends_at",
            "time_zone",
            "place",
            "online_url",
            "recurrence",
            "cancelled_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "event_replies",
        ("communities.Rsvp.user",),
        _values(
            "communities.Rsvp",
            _by("user"),
            "response",
            "waiting_since",
            "updated_at",
            meeting_starts_at=F("occurrence__starts_at"),
            event=F("occurrence__event__title"),
        ),
    ),
    Part(
        "agenda_items_proposed",
        ("communities.AgendaItem.proposed_by",),
        _values(
            "communities.AgendaItem",
            _by("proposed_by"),
            "title",
            "details",
            "status",
            "created_at",
            meeting_starts_at=F("occurrence__starts_at"),
        ),
    ),
    Part(
        "meetings_attended",
        ("communities.Attendance.user",),
        _values(
            "communities.Attendance",
            _by("user"),
            "created_at",
            meeting_starts_at=F("occurrence__starts_at"),
            event=F("occurrence__event__title"),
        ),
    ),
    Part(
        "attendance_recorded",
        ("communities.Attendance.recorded_by",),
        # When they took attendance, not who attended.
        _values(
            "communities.Attendance",
            _by("recorded_by"),
            "occurrence_id",
            "created_at",
        ),
    ),
    Part(
        "meeting_actions",
        ("communities.Action.owner", "communities.Action.created_by"),
        _values(
            "communities.Action",
            _either("owner", "created_by"),
            "title",
            "due_on",
            "status",
            "charter_aim",
            "knowledge_url",
            "created_at",
            "completed_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "event_reminders_sent",
        ("communities.ReminderSent.user",),
        _values("communities.ReminderSent", _by("user"), "occurrence_id", "sent_at"),
    ),
    Part(
        "calendar_feed",
        ("communities.CalendarFeed.user",),
        # Whether a private feed exists and since when; its secret address is on
        # the calendar page.
        _values("communities.CalendarFeed", _by("user"), "created_at", "updated_at"),
    ),
    Part(
        "conversations",
        (
            "membership.ConversationParticipant.user",
            "membership.Conversation.started_by",
            "membership.Message.sender",
        ),
        _conversations,
    ),
    Part("people_blocked", ("membership.Block.blocker",), _blocks),
    Part(
        "messages_reported",
        ("membership.MessageReport.reporter",),
        _values(
            "membership.MessageReport",
            _by("reporter"),
            "message_text",
            "message_sent_at",
            "reason",
            "status",
            "created_at",
            "resolved_at",
        ),
    ),
    Part(
        "message_reports_reviewed",
        ("membership.MessageReport.resolved_by",),
        # That they reviewed one, and when: the reported text is the reporter's.
        _values("membership.MessageReport", _by("resolved_by"), "status", "resolved_at"),
    ),
    Part("notifications", ("membership.Notification.recipient",), _notifications),
    Part(
        "email_settings",
        ("membership.NotificationSettings.user",),
        _values(
            "membership.NotificationSettings",
            _by("user"),
            "frequency",
            "news_kinds",
            "quiet_start",
            "quiet_end",
            "email_failing_since",
            "email_failure",
            "updated_at",
        ),
    ),
    Part(
        "emails_sent",
        ("membership.DeliveryRecord.user",),
        _values(
            "membership.DeliveryRecord",
            _by("user"),
            "kind",
            "period",
            "status",
            "created_at",
            "sent_at",
            "detail",
            **COMMUNITY,
        ),
    ),
    Part(
        "knowledge_items",
        (
            "knowledge.KnowledgeItem_authors.user",
            "knowledge.KnowledgeItem.created_by",
            "knowledge.KnowledgeItem.updated_by",
        ),
        _knowledge_items,
    ),
    Part(
        "knowledge_versions",
        (
            "knowledge.HistoricalKnowledgeItem.history_user",
            "knowledge.HistoricalKnowledgeItem.created_by",
            "knowledge.HistoricalKnowledgeItem.updated_by",
        ),
        _knowledge_versions,
    ),
    Part(
        "knowledge_shared",
        ("knowledge.ItemShare.shared_by",),
        _values(
            "knowledge.ItemShare", _by("shared_by"), "item_id", "note", "shared_at", **COMMUNITY
        ),
    ),
    Part("knowledge_downloads", ("knowledge.ItemDownload.user",), _item_downloads),
    Part(
        "glossary_terms",
        ("knowledge.GlossaryTerm.created_by",),
        _values(
            "knowledge.GlossaryTerm",
            _by("created_by"),
            "term",
            "definition",
            "created_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "value_stories",
        ("facilitation.ValueStory.author",),
        _values(
            "facilitation.ValueStory",
            _by("author"),
            "title",
            "applied",
            "changed",
            "value_type",
            "status",
            "decision_note",
            "created_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "value_stories_decided",
        ("facilitation.ValueStory.decided_by",),
        _values(
            "facilitation.ValueStory",
            _by("decided_by"),
            "status",
            "decision_note",
            "decided_at",
            **COMMUNITY,
        ),
    ),
    Part(
        "brokerage",
        ("facilitation.BrokerageEvent.actor",),
        _values(
            "facilitation.BrokerageEvent",
            _by("actor"),
            "kind",
            "item_id",
            "thread_id",
            "created_at",
            source=F("source_community__name"),
            target=F("target_community__name"),
        ),
    ),
    Part(
        "work_log",
        ("facilitation.WorkLogEntry.facilitator",),
        _values(
            "facilitation.WorkLogEntry",
            _by("facilitator"),
            "kind",
            "description",
            "minutes",
            "occurred_on",
            **COMMUNITY,
        ),
    ),
    Part(
        "risk_thresholds_changed",
        ("facilitation.RiskThresholds.updated_by",),
        _values("facilitation.RiskThresholds", _by("updated_by"), "updated_at"),
    ),
    Part(
        "admin_actions",
        ("admin.LogEntry.user",),
        # What they did in the admin site, and when; not the rows' descriptions,
        # which name other people.
        _values(
            "admin.LogEntry",
            _by("user"),
            "action_time",
            "action_flag",
            model=F("content_type__model"),
        ),
    ),
)

# Relations to a user that no part exports, and why.
EXCLUDED: dict[str, str] = {
    "guardian.UserObjectPermission.user": "unused generic table; permissions follow memberships",
    "membership.CommunityUserObjectPermission.user": (
        "derived from memberships and facilitator assignments (exported as such)"
    ),
    "communities.Charter.updated_by": "the current charter is the latest revision exported",
    "membership.Block.blocked": "who blocked them is the blocker's private choice",
    "membership.MessageReport.sender": (
        "a report is the reporter's confidential act; the message is in conversations"
    ),
    "membership.Notification.actor": (
        "other people's notifications about what they did (exported in its own area)"
    ),
}


# --- building the archive -------------------------------------------------------------


def _their_files(user: User) -> list[tuple[str, str]]:
    """(stored name, path in the archive) of every file they uploaded: the file of
    each knowledge item version they saved, once each."""
    History = apps.get_model("knowledge", "HistoricalKnowledgeItem")
    rows = (
        History.objects.filter(history_user=user)
        .exclude(file="")
        .order_by("history_id")
        .values_list("id", "history_id", "file", "file_name")
    )
    seen, files = set(), []
    for item_id, history_id, stored, original in rows:
        if stored in seen:
            continue
        seen.add(stored)
        name = (original or stored.rsplit("/", 1)[-1]).replace("/", "_").replace("\\", "_")
        files.append((stored, f"{FILES_DIR}/knowledge/{item_id}/{history_id}-{name}"))
    return files


def _json(rows: Iterable) -> bytes:
    return json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def export_archive(*, user: User):
    """Write the member's archive to a temporary file and return it, rewound.

    Precondition: `user` is the signed-in member asking for their own data. The
    caller streams and closes the file."""
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    contents = {}
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for part in PARTS:
            rows = part.rows(user)
            contents[f"{part.name}.json"] = len(rows)
            zipped.writestr(f"{part.name}.json", _json(rows))
        missing = []
        for stored, path in _their_files(user):
            try:
                with default_storage.open(stored, "rb") as source, zipped.open(path, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except (FileNotFoundError, OSError):
                missing.append(path)
                continue
            contents[path] = 1
        manifest = {
            "generated_at": timezone.now(),
            "contents": contents,
            "files_missing_from_storage": missing,
        }
        zipped.writestr("manifest.json", _json(manifest))
    archive.seek(0)
    return archive


def export_filename(*, user: User) -> str:
    return f"my-data-{timezone.now():%Y-%m-%d}.zip"
