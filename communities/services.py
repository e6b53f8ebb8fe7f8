"""Writes about communities: starting, approving, settings and the charter."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from membership import permissions
from membership.models import AuditEntry, Membership, User
from membership.services import (
    audit_record,
    membership_ensure,
    onboarding_steps_create_defaults,
)

from . import tasks
from .models import Charter, Community

Action = AuditEntry.Action


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "community"
    slug, n = base, 2
    while Community.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def community_create(
    *,
    founder: User,
    name: str,
    purpose: str,
    visibility: str,
    join_policy: str,
    topics: list[str] | None = None,
) -> Community:
    """Start a community; the founder becomes its first core member.

    Under the "approval" policy it waits, proposed, for a facilitator.
    """
    if not permissions.may_start_community(founder):
        raise ValidationError(_("Sign in to start a community."))
    needs_approval = permissions.community_needs_approval(founder)
    community = Community.objects.create(
        name=name.strip(),
        slug=_unique_slug(name),
        purpose=purpose.strip(),
        visibility=visibility,
        join_policy=join_policy,
        status=Community.Status.PROPOSED if needs_approval else Community.Status.ACTIVE,
        created_by=founder,
        last_activity_at=timezone.now(),
    )
    if topics:
        community.topics.set(topics)
    Charter.objects.create(community=community, purpose=community.purpose, updated_by=founder)
    onboarding_steps_create_defaults(community=community)
    audit_record(community, founder, Action.CREATED)
    membership_ensure(user=founder, community=community, level=Membership.Level.CORE, actor=founder)
    return community


@transaction.atomic
def community_approve(*, community: Community, actor: User) -> Community:
    if not permissions.may_approve_communities(actor):
        raise ValidationError(_("Only facilitators approve new communities."))
    if community.status != Community.Status.PROPOSED:
        raise ValidationError(_("This community is not waiting for approval."))
    community.status = Community.Status.ACTIVE
    community.save(update_fields=["status", "updated_at"])
    audit_record(community, actor, Action.SETTINGS_CHANGED, detail="approved")
    tasks.notify_community_decision.delay_on_commit(community_id=community.pk)
    return community


@transaction.atomic
def community_decline(*, community: Community, actor: User, reason: str) -> Community:
    if not permissions.may_approve_communities(actor):
        raise ValidationError(_("Only facilitators approve new communities."))
    if community.status != Community.Status.PROPOSED:
        raise ValidationError(_("This community is not waiting for approval."))
    if not reason.strip():
        raise ValidationError(_("Give a reason: the founder is told it."))
    community.status = Community.Status.DECLINED
    community.save(update_fields=["status", "updated_at"])
    audit_record(community, actor, Action.SETTINGS_CHANGED, detail="declined", reason=reason)
    tasks.notify_community_decision.delay_on_commit(community_id=community.pk, reason=reason)
    return community


SETTINGS_FIELDS = (
    "name",
    "purpose",
    "description",
    "image",
    "visibility",
    "join_policy",
    "stage",
    "welcome_message",
)


@transaction.atomic
def community_update_settings(
    *, community: Community, actor: User, changes: dict, topics: list[str] | None = None
) -> Community:
    """Apply changed settings; visibility changes are audited on their own line."""
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Not a community setting: {sorted(unknown)}")
    before = {field: getattr(community, field) for field in changes}
    for field, value in changes.items():
        setattr(community, field, value)
    try:
        community.full_clean(exclude=["slug", "topics"])
    except ValidationError:
        # Leave the caller's object as it was stored, not half-changed.
        for field, value in before.items():
            setattr(community, field, value)
        raise
    changed = [field for field in changes if before[field] != getattr(community, field)]
    if changed:
        community.save(update_fields=[*changed, "updated_at"])
    if "visibility" in changed:
        audit_record(
            community,
            actor,
            Action.VISIBILITY_CHANGED,
            detail=f"{before['visibility']} → {community.visibility}",
        )
    other = [field for field in changed if field != "visibility"]
    if topics is not None:
        current = sorted(community.topics.names())
        if sorted(topics) != current:
            community.topics.set(topics)
            other.append("topics")
    if other:
        audit_record(community, actor, Action.SETTINGS_CHANGED, detail=", ".join(other))
    return community


@transaction.atomic
def charter_update(
    *, charter: Charter, actor: User, sections: dict, change_note: str, reviewed: bool
) -> Charter:
    """Save a new revision of the charter (simple-history keeps every one)."""
    unknown = set(sections) - set(Charter.SECTIONS)
    if unknown:
        raise ValueError(f"Not a charter section: {sorted(unknown)}")
    changed = [name for name, value in sections.items() if getattr(charter, name) != value]
    if not changed and not reviewed:
        raise ValidationError(_("Nothing changed. Edit a section, or mark it as reviewed."))
    for name, value in sections.items():
        setattr(charter, name, value)
    charter.change_note = change_note.strip()
    charter.updated_by = actor
    if reviewed or changed:
        charter.last_reviewed_at = timezone.now()
    charter._history_user = actor
    charter.save()
    audit_record(
        charter.community,
        actor,
        Action.CHARTER_EDITED,
        detail=", ".join(changed) or "reviewed",
        reason=charter.change_note,
    )
    return charter
