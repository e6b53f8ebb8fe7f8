"""The leader report: the page, its print view and a CSV per table.

Each view checks permissions.may_see_reports, reads the filters from the query
string, asks the selectors for the aggregates and renders. Bad filters answer 400
with the form showing what was typed.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from copplatform.csv_export import csv_response
from facilitation.snapshots.services import report_period_keep, report_platform, report_snapshots
from membership import permissions

from . import selectors
from .forms import ReportFilterForm, default_range
from .tables import PAGE_ROWS, TABLE_SLUGS, ReportTables

# Spreadsheets run a cell that starts with one of these as a formula.


def _require_reports(request) -> None:
    if not permissions.may_see_reports(request.user):
        raise PermissionDenied


def _form(request, options) -> ReportFilterForm:
    data = request.GET.copy()
    first, last = default_range()
    if not data.get("date_from"):
        data["date_from"] = first.isoformat()
    if not data.get("date_to"):
        data["date_to"] = last.isoformat()
    return ReportFilterForm(data, options=options, asked=request.GET)


def _prepare(request, *, limit: int | None = None):
    """(form, tables or None): tables only when the filters are valid. `limit`: rows
    per per-community table (the page); None: every row (print view, CSV)."""
    _require_reports(request)
    options = selectors.filter_options(user=request.user)
    form = _form(request, options)
    if not form.is_valid():
        return form, None
    filters = form.filters()
    # The unfiltered report reads platform-wide rows (facilitation.snapshots): the
    # people by stakeholder type, and its activity totals; otherwise the activity
    # figures come from the communities' snapshots when they cover the filters
    # (whole months).
    people, period = (None, None) if filters.narrows_communities else report_platform()
    report = selectors.leader_report(
        user=request.user,
        filters=filters,
        options=options,
        snapshots=report_snapshots,
        people=people,
        period=period,
    )
    if report.summed is not None and _is_default(filters):
        report_period_keep(report.summed)
    return form, ReportTables(report, limit=limit)


def _is_default(filters) -> bool:
    """The report as it first opens: every community, the last twelve months."""
    return (
        not filters.narrows_communities and (filters.date_from, filters.date_to) == default_range()
    )


def _context(form, tables) -> dict:
    context = {"form": form, "tables": tables, "generated_at": timezone.now()}
    if tables is not None:
        report = tables.report
        context.update(
            report=report,
            table=tables.all_by_slug(),
            knowledge_chart=tables.knowledge_chart(),
            filter_summary=_filter_summary(form, report),
            query=form.data.urlencode(),
        )
    return context


def _filter_summary(form, report) -> list[tuple[str, str]]:
    """The filters in words, for the print view's heading."""
    filters = report.filters
    lines = [(_("Period"), f"{filters.date_from:%Y-%m-%d} \N{EN DASH} {filters.date_to:%Y-%m-%d}")]
    choices = {name: dict(form.fields[name].choices) for name in ("priority", "community")}
    if filters.priority_id:
        lines.append((_("Strategic priority"), choices["priority"].get(filters.priority_id, "")))
    if filters.topic:
        lines.append((_("Topic"), filters.topic))
    if filters.community_slug:
        lines.append((_("Community"), choices["community"].get(filters.community_slug, "")))
    return lines


@login_required
def report(request):
    # The page shows the communities that matter most in each table; the print view
    # and the CSV export list them all.
    form, tables = _prepare(request, limit=PAGE_ROWS)
    status = 200 if tables is not None else 400
    return render(
        request, "facilitation/reports/report.html", _context(form, tables), status=status
    )


@login_required
def report_print(request):
    form, tables = _prepare(request)
    status = 200 if tables is not None else 400
    return render(request, "facilitation/reports/print.html", _context(form, tables), status=status)


@login_required
def export(request, table):
    _require_reports(request)
    if table not in TABLE_SLUGS:
        raise Http404
    form, tables = _prepare(request)
    if tables is None:
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(
            _("The filters are not valid: %(problems)s") % {"problems": problems},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    found = tables.get(table)
    stamp = f"{tables.report.filters.date_from:%Y%m%d}-{tables.report.filters.date_to:%Y%m%d}"
    return csv_response(f"report-{table}-{stamp}.csv", found.text_rows())
