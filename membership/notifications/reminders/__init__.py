"""Reminders: each kind plans from due dates in the database (beat runs the planner
every 15 minutes; nothing is scheduled with a broker ETA), then the delivery engine
sends them once.

Each module in REMINDER_MODULES defines `plan(now) -> int` (how many members it
recorded) and registers the builders for its kinds.
"""

from __future__ import annotations

import importlib
from datetime import datetime

from django.utils import timezone

REMINDER_MODULES = [
    # events: a day and an hour before, RSVP nudges; meeting actions past due;
    # "did you apply it?" 30 and 90 days after attending or downloading.
    "membership.notifications.reminders.events",
    "membership.notifications.reminders.actions",
    "membership.notifications.reminders.applied",
    # core members and facilitators: join requests waiting, unanswered questions,
    # charter and knowledge reviews due, onboarding and quiet-member notes, the
    # weekly at-risk summary.
    "membership.notifications.reminders.stewardship",
    "membership.notifications.reminders.newcomers",
    "membership.notifications.reminders.at_risk",
]


def modules():
    return [importlib.import_module(name) for name in REMINDER_MODULES]


def plan_reminders(now: datetime | None = None) -> int:
    """Plan every reminder that is due now; returns how many were recorded."""
    now = now or timezone.now()
    return sum(module.plan(now) for module in modules())
