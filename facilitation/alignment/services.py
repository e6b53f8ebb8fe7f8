"""Writes for learning-health-system alignment: strategic priorities, a community's
priorities and learning-cycle stages, brokerage events and value stories.

Every function asks membership.permissions itself; refusals are ValidationErrors
that the views show next to the form.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community, Thread
from facilitation.models import (
    BrokerageEvent,
    CommunityLearningStage,
    LearningStage,
    StrategicPriority,
    ValueStory,
)
from membership import permissions
from membership.models import Notification, User
from membership.notifications.services import notify

Status = ValueStory.Status


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ValidationError(message)


# --- strategic priorities --------------------------------------------------------------


def _check_name_free(name: str, *, exclude_pk=None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the priority a name.")})
    clash = StrategicPriority.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already a priority with this name.")})
    return name


@transaction.atomic
def priority_create(*, actor: User, name: str, description: str = "") -> StrategicPriority:
    """A new priority, last in the order."""
    _require(permissions.may_edit_priorities(actor), _("Only platform admins keep the priorities."))
    name = _check_name_free(name)
    last = StrategicPriority.objects.aggregate(last=Max("position"))["last"]
    return StrategicPriority.objects.create(
        name=name,
        description=description.strip(),
        position=0 if last is None else last + 1,
    )


@transaction.atomic
def priority_update(
    *, priority: StrategicPriority, actor: User, name: str, description: str, is_active: bool
) -> StrategicPriority:
    """Rename, describe, retire or bring back; retiring keeps the communities' and the
    stories' links, so past reports still read right."""
    _require(permissions.may_edit_priorities(actor), _("Only platform admins keep the priorities."))
    priority.name = _check_name_free(name, exclude_pk=priority.pk)
    priority.description = description.strip()
    priority.is_active = is_active
    priority.save(update_fields=["name", "description", "is_active", "updated_at"])
    return priority


@transaction.atomic
def priority_move(*, priority: StrategicPriority, actor: User, direction: str) -> None:
    """Move a priority one place up or down; the order is renumbered 0..n-1."""
    _require(permissions.may_edit_priorities(actor), _("Only platform admins keep the priorities."))
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose up or down."))
    ordered = list(StrategicPriority.objects.select_for_update().order_by("position", "name"))
    index = next(i for i, row in enumerate(ordered) if row.pk == priority.pk)
    swap = index - 1 if direction == "up" else index + 1
    if 0 <= swap < len(ordered):
        ordered[index], ordered[swap] = ordered[swap], ordered[index]
    for position, row in enumerate(ordered):
        row.position = position
    StrategicPriority.objects.bulk_update(ordered, ["position"])


# --- a community's alignment -------------------------------------------------------------


@transaction.atomic
def alignment_set(*, community: Community, actor: User, priorities, stages: list[str]) -> None:
    """Declare the current priorities the community serves and the stages its work
    covers. Retired priorities it declared earlier stay (the form no longer offers them)."""
    _require(
        permissions.may_set_alignment(actor, community),
        _("Only the community's core members and facilitators set its alignment."),
    )
    unknown = set(stages) - set(LearningStage.values)
    if unknown:
        raise ValidationError({"stages": _("Choose stages from the list.")})
    chosen = {priority.pk for priority in priorities if priority.is_active}
    retired = set(community.priorities.filter(is_active=False).values_list("pk", flat=True))
    community.priorities.set(chosen | retired)
    community.learning_stages.exclude(stage__in=stages).delete()
    CommunityLearningStage.objects.bulk_create(
        [CommunityLearningStage(community=community, stage=stage) for stage in set(stages)],
        ignore_conflicts=True,
    )


# --- knowledge brokerage -------------------------------------------------------------


def brokerage_record_share(*, share, actor: User | None) -> BrokerageEvent:
    """An item shared into another community (called by knowledge's item_share, in its
    transaction, so a share is never recorded without its event or the other way)."""
    return BrokerageEvent.objects.create(
        kind=BrokerageEvent.Kind.SHARE,
        actor=actor,
        source_community_id=share.item.community_id,
        target_community=share.community,
        item=share.item,
    )


# Internal addresses of threads (/c/<slug>/discussions/<id>/) and items
# (/knowledge/<id>/), relative or on this site. The look-behind refuses a match in the
# middle of another address (https://elsewhere.org/knowledge/5 is not ours);
# tests/facilitation/alignment check these patterns still match reverse().
_LINK = re.compile(
    r"(?<![\w.\-/:])(?:(?P<origin>https?://[^\s/<>()\[\]\"']+))?"
    r"/(?:c/(?P<slug>[-\w]+)/discussions/(?P<thread_id>\d+)|knowledge/(?P<item_id>\d+))"
    r"(?![\w])"
)
MAX_LINKS = 50


def _our_origins() -> set[str]:
    from urllib.parse import urlsplit

    hosts = {urlsplit(settings.SITE_URL).netloc.lower()}
    hosts |= {host.lower() for host in settings.ALLOWED_HOSTS if host and host != "*"}
    return hosts


def internal_links(text: str) -> tuple[dict[int, str], set[int]]:
    """({thread id: slug in the address}, {item ids}) linked in a Markdown text."""
    threads: dict[int, str] = {}
    items: set[int] = set()
    if not text or ("/discussions/" not in text and "/knowledge/" not in text):
        return threads, items
    origins = None
    for found in _LINK.finditer(text):
        if found.group("origin"):
            if origins is None:
                origins = _our_origins()
            host = found.group("origin").split("://", 1)[1].lower()
            if host not in origins and host.split(":")[0] not in origins:
                continue
        if found.group("thread_id"):
            threads.setdefault(int(found.group("thread_id")), found.group("slug"))
        else:
            items.add(int(found.group("item_id")))
        if len(threads) + len(items) >= MAX_LINKS:
            break
    return threads, items


def brokerage_record_links(
    *,
    actor: User,
    community: Community,
    text: str,
    thread: Thread | None = None,
    item=None,
) -> list[BrokerageEvent]:
    """Record a LINK event for each thread or item of another community that `text`
    (the Markdown of a new thread, reply or item in `community`) links to.

    `thread` / `item` are the new content (a link to itself is not brokerage). Only
    content the actor may read counts: what they could not read, they did not broker.
    Costs nothing without internal links; otherwise one query per kind of link and
    one insert. The event points at the linked content: what crossed over.
    """
    thread_links, item_links = internal_links(text)
    if thread is not None:
        thread_links.pop(thread.pk, None)
    if item is not None:
        item_links.discard(item.pk)
    events = []
    if thread_links:
        rows = (
            permissions.threads_readable_by(actor)
            .filter(pk__in=thread_links)
            .exclude(community=community)
            .values_list("pk", "community_id", "community__slug")
        )
        events += [
            BrokerageEvent(
                kind=BrokerageEvent.Kind.LINK,
                actor=actor,
                source_community_id=community_id,
                target_community=community,
                thread_id=pk,
            )
            for pk, community_id, slug in rows
            if thread_links[pk] == slug
        ]
    if item_links:
        rows = (
            permissions.items_readable_by(actor)
            .filter(pk__in=item_links)
            .exclude(community=community)
            .values_list("pk", "community_id")
        )
        events += [
            BrokerageEvent(
                kind=BrokerageEvent.Kind.LINK,
                actor=actor,
                source_community_id=community_id,
                target_community=community,
                item_id=pk,
            )
            for pk, community_id in rows
        ]
    if events:
        BrokerageEvent.objects.bulk_create(events)
    return events


# --- value stories ---------------------------------------------------------------------


def story_url(story: ValueStory) -> str:
    return reverse("alignment:story", args=[story.community.slug, story.pk])


def _clean(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _check_story_links(*, actor, community, items, priorities) -> None:
    from .selectors import story_item_choices

    allowed = set(story_item_choices(user=actor, community=community).values_list("pk", flat=True))
    if any(item.pk not in allowed for item in items):
        raise ValidationError(
            {"items": _("Choose knowledge items you can read in this community.")}
        )
    if any(not priority.is_active for priority in priorities):
        raise ValidationError({"priorities": _("Choose current priorities.")})


def _story_fields(*, title, applied, changed, value_type) -> dict:
    if value_type not in ValueStory.ValueType.values:
        raise ValidationError({"value_type": _("Choose the kind of value.")})
    return {
        "title": _clean(title, "title", _("Give the story a title.")),
        "applied": _clean(applied, "applied", _("Say what was applied, and where.")),
        "changed": _clean(changed, "changed", _("Say what changed.")),
        "value_type": value_type,
    }


@transaction.atomic
def story_create(
    *,
    community: Community,
    actor: User,
    title: str,
    applied: str,
    changed: str,
    value_type: str,
    items=(),
    priorities=(),
) -> ValueStory:
    """Record a story; it waits for a core member, who is notified."""
    _require(
        permissions.may_record_value_story(actor, community),
        _("Only the community's members record its value stories."),
    )
    fields = _story_fields(title=title, applied=applied, changed=changed, value_type=value_type)
    _check_story_links(actor=actor, community=community, items=items, priorities=priorities)
    story = ValueStory.objects.create(community=community, author=actor, **fields)
    story.items.set(items)
    story.priorities.set(priorities)
    notify(
        permissions.users_who_may(permissions.Perm.MODERATE, community),
        kind=Notification.Kind.VALUE_STORY_WAITING,
        actor=actor,
        title=story.title,
        url=story_url(story),
        community=community,
    )
    return story


@transaction.atomic
def story_update(
    *,
    story: ValueStory,
    actor: User,
    title: str,
    applied: str,
    changed: str,
    value_type: str,
    items=(),
    priorities=(),
) -> ValueStory:
    """The author edits their story while it waits."""
    _require(
        permissions.may_edit_value_story(actor, story),
        _("Only the author edits a story, while it waits for a core member."),
    )
    fields = _story_fields(title=title, applied=applied, changed=changed, value_type=value_type)
    _check_story_links(actor=actor, community=story.community, items=items, priorities=priorities)
    for name, value in fields.items():
        setattr(story, name, value)
    story.save(update_fields=[*fields, "updated_at"])
    story.items.set(items)
    story.priorities.set(priorities)
    return story


@transaction.atomic
def story_decide(*, story: ValueStory, actor: User, confirm: bool, note: str = "") -> ValueStory:
    """A core member (or facilitator) confirms the story for reports, or does not;
    the author is told either way."""
    _require(
        permissions.may_confirm_value_story(actor, story),
        _("Only the community's core members confirm value stories."),
    )
    _require(story.author_id != actor.pk, _("Someone other than the author confirms a story."))
    # Claimed with a conditional UPDATE: two core members deciding at once never both win.
    decided_at = timezone.now()
    status = Status.CONFIRMED if confirm else Status.DECLINED
    note = (note or "").strip()
    claimed = ValueStory.objects.filter(pk=story.pk, status=Status.RECORDED).update(
        status=status, decided_by=actor, decided_at=decided_at, decision_note=note
    )
    if not claimed:
        raise ValidationError(_("Someone has already decided on this story."))
    story.status, story.decided_by, story.decided_at = status, actor, decided_at
    story.decision_note = note
    if story.author is not None:
        notify(
            [story.author],
            kind=Notification.Kind.VALUE_STORY_CONFIRMED
            if confirm
            else Notification.Kind.VALUE_STORY_DECLINED,
            actor=actor,
            title=story.title,
            url=story_url(story),
            community=story.community,
        )
    return story
