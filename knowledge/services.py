"""Writes about knowledge items: create, edit (each a version), curate, share, count.

Every function checks the permission authority itself, so a view (or a task, or the
demo seeder) cannot skip a rule; refusals are ValidationErrors the views show.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.activity.services import activity_record
from communities.models import Activity, Community, Thread
from facilitation.alignment.services import brokerage_record_links, brokerage_record_share
from membership import permissions
from membership.models import Notification, User
from membership.notifications.instant import Event as EmailEvent
from membership.notifications.instant import instant_email_on_commit
from membership.notifications.services import notify

from .files import original_name, validate_upload
from .models import ItemDownload, ItemShare, KnowledgeItem

Kind = KnowledgeItem.Kind
Status = KnowledgeItem.Status

EDITABLE_FIELDS = ("kind", "title", "summary", "body", "problem", "context", "solution", "url")


def next_review_due(moment):
    """KNOWLEDGE_REVIEW_MONTHS after a moment (months of 30.44 days)."""
    return moment + timedelta(days=round(settings.KNOWLEDGE_REVIEW_MONTHS * 30.44))


def _check_kind_needs(item: KnowledgeItem) -> None:
    errors = {}
    if item.kind == Kind.DOCUMENT and not item.file:
        errors["file"] = _("A document needs a file: choose one to upload.")
    if item.kind == Kind.LINK and not item.url:
        errors["url"] = _("A link needs its web address.")
    if item.kind == Kind.ANSWER:
        if not item.problem.strip():
            errors["problem"] = _("Describe the problem this answers.")
        if not item.solution.strip():
            errors["solution"] = _("Describe the solution.")
    if errors:
        raise ValidationError(errors)


def _attach_file(item: KnowledgeItem, upload) -> None:
    """Validate by content and store under a new safe name; old names stay in history."""
    try:
        kind = validate_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    item.file_name = original_name(upload.name)
    item.file_type = kind.content_type
    item.file_size = upload.size
    upload.seek(0)
    item.file.save(item.file_name, upload, save=False)


def _set_authors(item: KnowledgeItem, actor: User, co_authors) -> None:
    authors = {actor.pk} if actor is not None else set()
    authors |= {person.pk for person in co_authors or []}
    item.authors.set(authors)


@transaction.atomic
def item_create(
    *,
    community: Community,
    actor: User,
    kind: str,
    title: str,
    summary: str,
    body: str = "",
    problem: str = "",
    context: str = "",
    solution: str = "",
    url: str = "",
    upload=None,
    stage: str = "",
    topics: list[str] | None = None,
    co_authors=None,
    source_thread: Thread | None = None,
    change_note: str = "",
    submit_for_review: bool = False,
) -> KnowledgeItem:
    """A new item, as a draft (or in review); the actor is its first author."""
    if not permissions.may_contribute_knowledge(actor, community):
        raise ValidationError(_("You may not add knowledge to this community."))
    if source_thread is not None and (
        source_thread.community_id != community.pk
        or not permissions.may_create_item_from_thread(actor, source_thread)
    ):
        raise ValidationError(_("You may not turn this discussion into knowledge."))
    item = KnowledgeItem(
        community=community,
        kind=kind,
        title=title.strip(),
        summary=summary.strip(),
        body=body,
        problem=problem,
        context=context,
        solution=solution,
        url=url,
        stage=stage,
        status=Status.IN_REVIEW if submit_for_review else Status.DRAFT,
        created_by=actor,
        updated_by=actor,
        source_thread=source_thread,
        change_note=change_note or _("First version"),
    )
    if upload is not None:
        _attach_file(item, upload)
    _check_kind_needs(item)
    item._history_user = actor
    item.save()
    _set_authors(item, actor, co_authors)
    if topics:
        item.topics.set(topics)
    # Links to other communities' threads and items count as knowledge brokerage.
    brokerage_record_links(
        actor=actor,
        community=community,
        text="\n".join((item.summary, item.body, item.problem, item.context, item.solution)),
        item=item,
    )
    return item


@transaction.atomic
def item_update(
    *,
    item: KnowledgeItem,
    actor: User,
    upload=None,
    topics: list[str] | None = None,
    co_authors=None,
    stage: str | None = None,
    change_note: str = "",
    **changes,
) -> KnowledgeItem:
    """Save an edit as a new version; a new file is stored beside the old ones."""
    if not permissions.may_edit_item(actor, item):
        raise ValidationError(_("Only the item's authors and the community's moderators edit it."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(item, name, value.strip() if name in ("title", "summary") else value)
    if stage is not None:
        item.stage = stage
    if upload is not None:
        _attach_file(item, upload)
    _check_kind_needs(item)
    item.updated_by = actor
    item.change_note = change_note
    item._history_user = actor
    item.save()
    if co_authors is not None:
        # Authors stay authors; whoever edits may add co-authors, never remove one.
        item.authors.add(*co_authors)
    if topics is not None:
        item.topics.set(topics)
    return item


def _save_curation(item: KnowledgeItem, actor: User, note: str, fields: list[str]) -> None:
    item.updated_by = actor
    item.change_note = note
    item._history_user = actor
    item.save(update_fields=[*fields, "updated_by", "change_note", "updated_at"])


@transaction.atomic
def item_set_status(*, item: KnowledgeItem, actor: User, status: str) -> KnowledgeItem:
    """Draft -> in review (authors) -> published (moderators); moderators may also
    send an item back to draft."""
    if status not in Status.values:
        raise ValidationError(_("Choose a status."))
    if status == item.status:
        raise ValidationError(_("The item already has this status."))
    if not permissions.may_set_item_status(actor, item, status):
        raise ValidationError(_("You may not change this item's status."))
    was_published = item.status == Status.PUBLISHED
    item.status = status
    fields = ["status"]
    now = timezone.now()
    if status == Status.PUBLISHED:
        if item.published_at is None:
            item.published_at = now
            fields.append("published_at")
        if item.review_due_at is None:
            item.review_due_at = next_review_due(now)
            fields.append("review_due_at")
    notes = {
        Status.DRAFT: _("Returned to draft"),
        Status.IN_REVIEW: _("Submitted for review"),
        Status.PUBLISHED: _("Published"),
    }
    _save_curation(item, actor, notes[status], fields)
    if status == Status.PUBLISHED:
        activity_record(
            community=item.community,
            actor=actor,
            verb=Activity.Verb.ITEM_PUBLISHED,
            target=item,
            title=item.title,
            url=item.get_absolute_url(),
        )
        # Members who chose an email for each new item hear of it once (publishing
        # again after a return to draft finds the same delivery records).
        instant_email_on_commit(
            event=EmailEvent.ITEM_PUBLISHED, object_id=item.pk, actor_id=actor.pk
        )
    elif was_published:
        # Out of the feeds: only its authors and the moderators may read a draft.
        from communities.activity.services import activity_withdraw

        activity_withdraw(target=item)
    return item


@transaction.atomic
def item_set_featured(*, item: KnowledgeItem, actor: User, featured: bool) -> KnowledgeItem:
    if not permissions.may_curate_item(actor, item):
        raise ValidationError(_("Only the community's moderators feature items."))
    if featured and not item.is_published:
        raise ValidationError(_("Publish the item before featuring it."))
    item.is_featured = featured
    _save_curation(
        item, actor, _("Featured") if featured else _("No longer featured"), ["is_featured"]
    )
    if featured:
        instant_email_on_commit(
            event=EmailEvent.ITEM_FEATURED, object_id=item.pk, actor_id=actor.pk
        )
    return item


@transaction.atomic
def item_mark_reviewed(*, item: KnowledgeItem, actor: User) -> KnowledgeItem:
    """Someone checked it is still right: reviewed now, due again in a while."""
    if not permissions.may_curate_item(actor, item):
        raise ValidationError(_("Only the community's moderators review items."))
    now = timezone.now()
    item.last_reviewed_at = now
    item.review_due_at = next_review_due(now)
    _save_curation(item, actor, _("Reviewed"), ["last_reviewed_at", "review_due_at"])
    return item


@transaction.atomic
def item_set_in_library(*, item: KnowledgeItem, actor: User, in_library: bool) -> KnowledgeItem:
    """The platform library: readable by every signed-in user."""
    if not permissions.may_curate_item(actor, item):
        raise ValidationError(_("Only the community's moderators add items to the library."))
    if in_library and not item.is_published:
        raise ValidationError(_("Publish the item before adding it to the library."))
    item.in_library = in_library
    note = _("Added to the platform library") if in_library else _("Removed from the library")
    _save_curation(item, actor, note, ["in_library"])
    return item


@transaction.atomic
def item_share(
    *, item: KnowledgeItem, actor: User, community: Community, note: str = "", confirmed: bool
) -> ItemShare:
    """Share an item into another community; it stays one item with its provenance."""
    if not permissions.may_share_item_into(actor, item, community):
        raise ValidationError(_("You may not share this item into that community."))
    if permissions.share_needs_confirmation(item, community) and not confirmed:
        raise ValidationError(
            {"confirm": _("Confirm that its content may be read in the other community.")}
        )
    if ItemShare.objects.filter(item=item, community=community).exists():
        raise ValidationError(_("The item is already shared there."))
    share = ItemShare.objects.create(item=item, community=community, shared_by=actor, note=note)
    # Counted in reports as knowledge brokerage; same transaction as the share.
    brokerage_record_share(share=share, actor=actor)
    activity_record(
        community=community,
        actor=actor,
        verb=Activity.Verb.ITEM_SHARED,
        target=item,
        title=item.title,
        url=item.get_absolute_url(),
    )
    notify(
        item.authors.filter(is_active=True),
        kind=Notification.Kind.ITEM_SHARED,
        actor=actor,
        title=item.title,
        url=item.get_absolute_url(),
        community=community,
    )
    return share


def item_count_view(*, item: KnowledgeItem) -> None:
    KnowledgeItem.objects.filter(pk=item.pk).update(view_count=F("view_count") + 1)


def item_count_download(*, item: KnowledgeItem) -> None:
    KnowledgeItem.objects.filter(pk=item.pk).update(download_count=F("download_count") + 1)


def item_download_record(*, item: KnowledgeItem, user) -> None:
    """Keep a signed-in member's first download of the item (the "did you apply
    it?" reminders start from it). Idempotent: later downloads change nothing."""
    if not user.is_authenticated:
        return
    ItemDownload.objects.bulk_create(
        [ItemDownload(item=item, user=user, downloaded_at=timezone.now())],
        ignore_conflicts=True,
    )
