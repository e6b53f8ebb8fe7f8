"""Meeting actions past their due date: one email to the owner, once per action
("action_overdue", period "action:<id>").

An action is overdue once the owner's own calendar day is past its due date (the
owner's time zone). Beat runs `plan` every 15 minutes. Actions more than
OVERDUE_WINDOW past due are left alone, so turning reminders on (or a long stop of
beat) does not flood owners about long-forgotten actions. At send time an action
done or dropped meanwhile, or an owner who may no longer update it (left the
community), gets nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F

from communities.events.models import Action
from copplatform.emails import absolute_url
from membership import permissions

from .. import delivery
from ..delivery import Email
from ._planning import (
    PREFERENCE_FIELDS,
    due_from,
    ids_in,
    not_yet_recorded,
    outer_period,
    preference_fields,
    run_period,
    wants_reminders,
)

OVERDUE = "action_overdue"
OVERDUE_WINDOW = timedelta(days=30)


def _local_date(now: datetime, time_zone: str):
    try:
        return now.astimezone(ZoneInfo(time_zone)).date()
    except (KeyError, ValueError):
        return now.date()


def plan(now: datetime) -> int:
    """Record the owners of open actions now past due; returns how many."""
    # Wide enough for every time zone (UTC-12 to UTC+14); narrowed per owner below.
    latest_due = (now + timedelta(days=1)).date()
    rows = (
        Action.objects.filter(
            status=Action.Status.OPEN,
            due_on__lt=latest_due,
            due_on__gte=(now - OVERDUE_WINDOW).date(),
            owner__is_active=True,
        )
        .filter(not_yet_recorded(OVERDUE, user_field="owner", period=outer_period("action:", "pk")))
        .annotate(user_id=F("owner_id"), **preference_fields("owner"))
        .values("pk", "user_id", "community_id", "due_on", *PREFERENCE_FIELDS)
    )
    overdue = [row for row in rows if _local_date(now, row["_time_zone"]) > row["due_on"]]
    due = due_from(overdue, period=lambda row: f"action:{row['pk']}", now=now)
    if due:
        delivery.plan(kind=OVERDUE, run_period=run_period(now), due=due, now=now)
    return len(due)


@delivery.register(OVERDUE)
def build_overdue_actions(records) -> dict[int, Email | None]:
    """Two queries for any number of records: the actions (with their meeting and
    community), and the owners' permissions."""
    action_of = ids_in(records, "action:")
    actions = Action.objects.select_related("community", "occurrence__event__community").in_bulk(
        set(action_of.values())
    )
    permissions.prefetch_for_each(
        [record.user for record in records],
        {
            community
            for a in actions.values()
            for community in (a.community, a.occurrence.event.community)
        },
    )
    emails: dict[int, Email | None] = {}
    for record in records:
        person = record.user
        action = actions.get(action_of.get(record.pk))
        relevant = (
            action is not None
            and action.status == Action.Status.OPEN
            and action.owner_id == person.pk
            and wants_reminders(person)
            and permissions.may_update_action(person, action)
        )
        if not relevant:
            emails[record.pk] = None
            continue
        occurrence = action.occurrence
        emails[record.pk] = Email(
            "membership/email/reminders/action_overdue",
            {
                "action": action,
                "occurrence": occurrence,
                "community": action.community,
                "occurrence_url": absolute_url(occurrence.get_absolute_url()),
            },
            unsubscribe_scope="reminders",
        )
    return emails
