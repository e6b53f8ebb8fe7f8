"""Human names for the kinds of scheduled email, in one place.

The delivery engine records a kind as a short code (DeliveryRun.kind,
DeliveryRecord.kind); pages that show runs to people say what it is instead. A code
missing here (a kind added later) is shown as itself rather than hidden.
"""

from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "digest_daily": _("Daily digest"),
    "digest_weekly": _("Weekly digest"),
    "instant_thread": _("New thread (instant email)"),
    "instant_reply": _("New reply (instant email)"),
    "instant_item": _("New knowledge item (instant email)"),
    "announcement": _("Announcement"),
    "event_reminder_day": _("Event reminder, a day before"),
    "event_reminder_hour": _("Event reminder, an hour before"),
    "rsvp_nudge": _("Reminder to reply to an invitation to an event"),
    "action_overdue": _("Meeting action past its due date"),
    "applied_30": _("Did you apply it? (30 days after)"),
    "applied_90": _("Did you apply it? (90 days after)"),
    "join_requests_waiting": _("Join requests waiting"),
    "unanswered_questions": _("Unanswered questions"),
    "charter_review_due": _("Charter review due"),
    "knowledge_review_due": _("Knowledge review due"),
    "onboarding_nudge": _("Onboarding nudge to a new member"),
    "quiet_member_note": _("Gentle note to a quiet member"),
    "at_risk_summary": _("Weekly at-risk summary for facilitators"),
}


def kind_label(code: str) -> str:
    """The kind's name for people, or its code if it has none."""
    return str(KIND_LABELS.get(code, code))
