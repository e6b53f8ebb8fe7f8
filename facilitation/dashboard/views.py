"""The facilitator dashboard: every community a facilitator runs with its health
signals and at-risk flags, a community's signals over time, and the thresholds page.

Views parse, ask membership.permissions, call a selector or service, and render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from facilitation.charts import bar_chart, line_chart
from facilitation.models import RiskThresholds
from facilitation.snapshots.services import snapshots_for
from membership import permissions
from membership.models import User

from . import selectors, services
from .flags import level_mix
from .forms import PeriodForm, ThresholdsForm
from .series import weekly_series
from .signals import DEFAULT_PERIOD, Period
from .sparkline import sparkline


def _choices(request) -> tuple[PeriodForm, Period, str, int]:
    """The chosen period and order; an invalid choice falls back to the defaults, with
    a message and a 400."""
    if not request.GET:
        return PeriodForm(), Period.last_days(DEFAULT_PERIOD), "risk", 200
    form = PeriodForm({"days": DEFAULT_PERIOD, **request.GET.dict()})
    if form.is_valid():
        days, sort = form.cleaned_data["days"], form.cleaned_data["sort"] or "risk"
        return form, Period.last_days(days), sort, 200
    messages.error(
        request,
        _("That choice is not one of the options; showing the last %(days)d days.")
        % {"days": DEFAULT_PERIOD},
    )
    return PeriodForm(), Period.last_days(DEFAULT_PERIOD), "risk", 400


@login_required
def dashboard(request):
    if not permissions.may_see_dashboard(request.user):
        raise PermissionDenied
    form, period, sort, status = _choices(request)
    thresholds = RiskThresholds.current()
    # Precomputed (facilitation.snapshots): the figures as of the last refresh.
    pairs = snapshots_for(
        permissions.communities_facilitated_by(request.user), thresholds=thresholds
    )
    rows = selectors.dashboard_rows_from_snapshots(pairs, days=period.days, thresholds=thresholds)
    as_of = min((snapshot.computed_at for _community, snapshot in pairs), default=None)
    if sort == "name":
        rows.sort(key=lambda row: (row.community.name.lower(), row.community.pk))
    for row in rows:
        row.spark = sparkline(row.posts_weekly)
    at_risk = sum(1 for row in rows if row.flags)
    return render(
        request,
        "facilitation/dashboard/dashboard.html",
        {
            "form": form,
            "period": period,
            "sort": sort,
            "rows": rows,
            "at_risk": at_risk,
            "as_of": as_of,
            "may_edit_thresholds": permissions.may_edit_thresholds(request.user),
        },
        status=status,
    )


@login_required
def community_health(request, slug):
    community = permissions.access_community(
        request.user, slug, require=permissions.may_see_community_signals
    )
    form, period, _sort, status = _choices(request)
    thresholds = RiskThresholds.current()
    rows = selectors.dashboard_rows(
        type(community).objects.filter(pk=community.pk), period=period, thresholds=thresholds
    )
    signals = rows[0]
    weekly = weekly_series(community, now=period.end)
    labels = weekly["labels"]
    charts = [
        line_chart(
            _("Posts per week"),
            labels,
            {
                _("Threads"): weekly["threads"],
                _("Replies"): weekly["replies"],
                _("By facilitators"): weekly["facilitator_posts"],
            },
        ),
        line_chart(
            _("Members taking part per week"),
            labels,
            {
                _("Active members"): weekly["active"],
                _("Core members"): weekly["core"],
                _("Members interacting one to one"): weekly["interacting"],
            },
        ),
        line_chart(_("New members per week"), labels, {_("New members"): weekly["new_members"]}),
        line_chart(
            _("Meetings per week"),
            labels,
            {_("Meetings held"): weekly["events"], _("Attendance"): weekly["attendance"]},
        ),
    ]
    stakeholder_labels = dict(User.StakeholderType.choices)
    stakeholders = bar_chart(
        _("Members by stakeholder type"),
        [
            (str(stakeholder_labels[kind]), count)
            for kind, count in sorted(signals.stakeholders.items(), key=lambda kv: -kv[1])
        ],
    )
    return render(
        request,
        "facilitation/dashboard/community.html",
        {
            "community": community,
            "form": form,
            "period": period,
            "s": signals,
            "thresholds": thresholds,
            "mix": level_mix(signals),
            "table": _signal_table(signals),
            "charts": charts,
            "stakeholders": stakeholders,
        },
        status=status,
    )


def _signal_table(s) -> list[tuple[str, object, str]]:
    """(label, Signal, unit) rows for the drill-down's table."""
    return [
        (_("Members"), s.members, ""),
        (_("New members"), s.new_members, ""),
        (_("Members gone quiet"), s.gone_quiet, ""),
        (_("Active members (contributed)"), s.active_members, ""),
        (_("Core members taking part"), s.core_active, ""),
        (_("Members interacting one to one"), s.interacting_members, ""),
        (_("Share of members interacting one to one"), s.interacting_share, "%"),
        (_("Pairs of members interacting"), s.pairs, ""),
        (_("Pairs per active member"), s.pairs_per_active, ""),
        (_("Threads"), s.threads, ""),
        (_("Replies"), s.replies, ""),
        (_("Knowledge items published"), s.knowledge_items, ""),
        (_("Meetings held"), s.events_held, ""),
        (_("Attendance at meetings"), s.attendance, ""),
        (_("Questions asked"), s.questions, ""),
        (_("Questions with no reply yet"), s.unanswered, ""),
        (_("Median hours to first reply"), s.median_first_reply_hours, ""),
        (_("Weeks with activity"), s.active_weeks, ""),
        (_("Patients, carers and public"), s.patient_share, "%"),
        (_("Facilitator acts"), s.facilitator_acts, ""),
        (_("Posts by facilitators"), s.facilitator_posts, ""),
        (_("Share of posts by facilitators"), s.facilitator_share, "%"),
    ]


@login_required
def thresholds_edit(request):
    if not permissions.may_edit_thresholds(request.user):
        raise PermissionDenied
    thresholds = RiskThresholds.current()
    if request.method == "POST":
        form = ThresholdsForm(request.POST, instance=thresholds)
        if form.is_valid():
            services.thresholds_update(
                thresholds=thresholds, actor=request.user, values=form.cleaned_data
            )
            messages.success(request, _("The thresholds are saved."))
            return redirect("dashboard:thresholds")
        return render(request, "facilitation/dashboard/thresholds.html", {"form": form}, status=400)
    form = ThresholdsForm(instance=thresholds)
    return render(request, "facilitation/dashboard/thresholds.html", {"form": form})
