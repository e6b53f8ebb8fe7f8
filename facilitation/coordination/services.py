"""Writes for the facilitation team's cross-community actions and their work log.

Each cross-community action asks the permission authority again for every target
community (a view's checks are not trusted), goes through the service that owns the
write (discussions, knowledge, membership), and leaves one automatic work-log entry
per community acted in, so the support given is counted without being typed twice.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.discussions import services as discussions
from communities.models import Community, Thread
from facilitation.models import BrokerageEvent, WorkLogEntry
from knowledge import services as knowledge
from membership import permissions
from membership import services as membership
from membership.models import JoinRequest, User

Kind = WorkLogEntry.Kind


# --- the work log ------------------------------------------------------------------


def work_log_record(
    *,
    facilitator: User,
    community: Community | None,
    kind: str,
    description: str,
    source: str,
    occurred_on=None,
) -> WorkLogEntry | None:
    """Record an action as an automatic entry (0 minutes until the facilitator adds
    the time). Only for the community's assigned facilitators; `source` names the
    action ("announcement:<thread id>"), so calling twice records once."""
    if not source:
        raise ValueError("An automatic entry needs a source.")
    if community is None and not permissions.may_keep_work_log(facilitator):
        return None
    if community is not None and not permissions.facilitates(facilitator, community):
        return None
    defaults = {
        "community": community,
        "kind": kind,
        "description": description[:300],
        "occurred_on": occurred_on or timezone.localdate(),
    }
    try:
        # A savepoint: a concurrent twin's IntegrityError must not break the caller's
        # transaction (the announcement, the approval) it is recorded in.
        with transaction.atomic():
            entry, _created = WorkLogEntry.objects.get_or_create(
                facilitator=facilitator, source=source[:80], defaults=defaults
            )
    except IntegrityError:
        entry = WorkLogEntry.objects.get(facilitator=facilitator, source=source[:80])
    return entry


def _require_work_log(actor: User, community: Community | None) -> None:
    if not permissions.may_keep_work_log(actor):
        raise ValidationError(_("Only the facilitation team keeps a work log."))
    if (
        community is not None
        and not permissions.communities_facilitated_by(actor).filter(pk=community.pk).exists()
    ):
        raise ValidationError({"community": _("Choose a community you facilitate.")})


@transaction.atomic
def work_log_entry_create(
    *,
    actor: User,
    community: Community | None,
    kind: str,
    description: str,
    minutes: int,
    occurred_on,
) -> WorkLogEntry:
    _require_work_log(actor, community)
    entry = WorkLogEntry(
        facilitator=actor,
        community=community,
        kind=kind,
        description=description.strip(),
        minutes=minutes,
        occurred_on=occurred_on,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def work_log_entry_update(
    *,
    entry: WorkLogEntry,
    actor: User,
    community: Community | None,
    kind: str,
    description: str,
    minutes: int,
    occurred_on,
) -> WorkLogEntry:
    """Edit one's own entry; an automatic one keeps its source (so it is not logged again)."""
    if not permissions.may_edit_work_log_entry(actor, entry):
        raise ValidationError(_("You can only change your own work log."))
    if community is not None and community.pk != entry.community_id:
        _require_work_log(actor, community)
    entry.community, entry.kind = community, kind
    entry.description, entry.minutes, entry.occurred_on = description.strip(), minutes, occurred_on
    entry.full_clean()
    entry.save(
        update_fields=["community", "kind", "description", "minutes", "occurred_on", "updated_at"]
    )
    return entry


@transaction.atomic
def work_log_entry_delete(*, entry: WorkLogEntry, actor: User) -> None:
    """Delete one's own entry. A deleted automatic entry is not recreated (its action
    is not repeated), so this is how a facilitator drops one they do not want counted."""
    if not permissions.may_edit_work_log_entry(actor, entry):
        raise ValidationError(_("You can only change your own work log."))
    entry.delete()


# --- one announcement to several communities --------------------------------------------


@transaction.atomic
def announcement_send_many(
    *, actor: User, communities: list[Community], title: str, body: str
) -> list[Thread]:
    """One announcement thread per community (each notified and emailed by the
    discussions service), one brokerage event and one work-log entry each. All or
    nothing: if one community refuses, none is sent."""
    if not permissions.may_act_across_communities(actor):
        raise ValidationError(_("Only the facilitation team sends to several communities."))
    if not communities:
        raise ValidationError({"communities": _("Choose at least one community.")})
    permissions.prefetch_for(actor, communities)
    refused = [c.name for c in communities if not permissions.may_post_announcement(actor, c)]
    if refused:
        raise ValidationError(
            {"communities": _("You cannot announce in: %(names)s.") % {"names": ", ".join(refused)}}
        )
    threads = []
    for community in communities:
        thread = discussions.thread_create(
            community=community,
            author=actor,
            kind=Thread.Kind.ANNOUNCEMENT,
            title=title,
            body=body,
        )
        BrokerageEvent.objects.create(
            kind=BrokerageEvent.Kind.ANNOUNCEMENT,
            actor=actor,
            source_community=None,
            target_community=community,
            thread=thread,
        )
        work_log_record(
            facilitator=actor,
            community=community,
            kind=Kind.COMMUNICATION,
            description=_("Announcement: %(title)s") % {"title": thread.title},
            source=f"announcement:{thread.pk}",
        )
        threads.append(thread)
    return threads


# --- share a knowledge item into several communities --------------------------------------


@dataclass
class ShareOutcome:
    community: Community
    status: str  # "shared", "already", "needs_confirmation", "refused"
    message: str = ""


@dataclass
class ShareResults:
    outcomes: list[ShareOutcome] = field(default_factory=list)

    def with_status(self, status: str) -> list[ShareOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def shared(self):
        return self.with_status("shared")

    @property
    def needs_confirmation(self):
        return self.with_status("needs_confirmation")


def item_share_many(
    *, item, actor: User, communities: list[Community], note: str = "", confirmed: bool
) -> ShareResults:
    """Share an item into each community through knowledge's own service (which
    checks may_share_item_into and records the brokerage). Each share stands alone:
    one community saying no does not undo the others."""
    from knowledge.models import ItemShare

    if not permissions.may_act_across_communities(actor):
        raise ValidationError(_("Only the facilitation team shares to several communities."))
    results = ShareResults()
    already = set(
        ItemShare.objects.filter(item=item, community__in=communities).values_list(
            "community_id", flat=True
        )
    )
    permissions.prefetch_for(actor, communities)
    for community in communities:
        if community.pk in already:
            results.outcomes.append(ShareOutcome(community, "already"))
            continue
        if not permissions.may_share_item_into(actor, item, community):
            results.outcomes.append(
                ShareOutcome(community, "refused", _("You may not share this item there."))
            )
            continue
        if permissions.share_needs_confirmation(item, community) and not confirmed:
            results.outcomes.append(ShareOutcome(community, "needs_confirmation"))
            continue
        try:
            with transaction.atomic():
                share = knowledge.item_share(
                    item=item, actor=actor, community=community, note=note, confirmed=confirmed
                )
                work_log_record(
                    facilitator=actor,
                    community=community,
                    kind=Kind.BROKERAGE,
                    description=_("Shared “%(title)s” from %(home)s")
                    % {"title": item.title, "home": item.community.name},
                    source=f"share:{share.pk}",
                )
        except ValidationError as error:
            results.outcomes.append(ShareOutcome(community, "refused", " ".join(error.messages)))
        else:
            results.outcomes.append(ShareOutcome(community, "shared"))
    return results


# --- join requests across communities ------------------------------------------------


@dataclass
class Decision:
    join_request: JoinRequest
    ok: bool
    message: str = ""


def join_requests_decide(
    *, actor: User, join_requests: list[JoinRequest], approve: bool, reason: str = ""
) -> list[Decision]:
    """Approve or decline each request in its own transaction, re-checking that the
    actor manages that community. Approvals are logged by membership's service."""
    if not permissions.may_act_across_communities(actor):
        raise ValidationError(_("Only the facilitation team answers requests across communities."))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Give a reason: the people asking are told it.")})
    permissions.prefetch_for(actor, [jr.community for jr in join_requests])
    decisions = []
    for join_request in join_requests:
        if not permissions.may_manage_members(actor, join_request.community):
            decisions.append(
                Decision(join_request, False, _("You do not manage that community's members."))
            )
            continue
        try:
            with transaction.atomic():
                if approve:
                    membership.join_request_approve(join_request=join_request, actor=actor)
                else:
                    membership.join_request_decline(
                        join_request=join_request, actor=actor, reason=reason
                    )
                    work_log_record(
                        facilitator=actor,
                        community=join_request.community,
                        kind=Kind.MODERATION,
                        description=_("Declined a request to join"),
                        source=f"join-request:{join_request.pk}",
                    )
        except ValidationError as error:
            decisions.append(Decision(join_request, False, " ".join(error.messages)))
        else:
            decisions.append(Decision(join_request, True))
    return decisions


# --- bulk invitations ------------------------------------------------------------------


@transaction.atomic
def bulk_invite_send(*, actor: User, community: Community, rows) -> tuple[list, list]:
    """Invite each valid row (see bulk_invite.parse_rows) through membership's service.
    Rows that became invalid since the preview (someone joined meanwhile) are skipped
    with the reason. Returns (invitations sent, rows skipped)."""
    if not permissions.may_act_across_communities(actor):
        raise ValidationError(_("Only the facilitation team sends bulk invitations."))
    if not permissions.may_manage_members(actor, community):
        raise ValidationError({"community": _("You do not manage that community's members.")})
    sent, skipped = [], []
    for row in rows:
        if row.errors:
            continue
        try:
            with transaction.atomic():
                invitation = membership.invitation_create(
                    community=community,
                    email=row.email,
                    level=row.level,
                    message=row.message,
                    actor=actor,
                )
        except ValidationError as error:
            row.errors = list(error.messages)
            skipped.append(row)
        else:
            sent.append(invitation)
    if sent:
        work_log_record(
            facilitator=actor,
            community=community,
            kind=Kind.ONBOARDING,
            description=_("Invited %(count)s people by bulk invitation") % {"count": len(sent)},
            source=f"bulk-invite:{sent[0].pk}",
        )
    return sent, skipped
