"""The report's tables, built once from the selectors' aggregates: the page, the
print view and the CSV exports all show these, so suppression can't differ
between them. Each cell is already text ("fewer than 5" where a small count of
people was suppressed)."""

import heapq
from dataclasses import dataclass
from functools import cached_property
from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communities.models import VISIBILITY_SHORT_LABELS, Community
from facilitation import charts
from facilitation.charts import DASH
from facilitation.models import BrokerageEvent, LearningStage, ValueStory, WorkLogEntry
from knowledge.models import KnowledgeItem
from membership.models import Membership, User

from .privacy import HIDDEN, MIN_CELL, SMALL, Cell, suppress_series, suppress_table
from .selectors import HIDDEN_POOL, LEVELS, Report

TABLE_TITLES = {
    "catalogue": gettext_lazy("Communities"),
    "levels": gettext_lazy("Members by participation level"),
    "stakeholders": gettext_lazy("Members by stakeholder type"),
    "monthly": gettext_lazy("Membership and activity by month"),
    "activity": gettext_lazy("Activity by community"),
    "learning-stages": gettext_lazy("Learning-cycle coverage"),
    "knowledge": gettext_lazy("Knowledge items published, by kind"),
    "brokerage": gettext_lazy("Knowledge shared across communities"),
    "value-stories": gettext_lazy("Confirmed value stories by kind of value"),
    "stories": gettext_lazy("Value stories you may read"),
    "work-by-kind": gettext_lazy("Facilitators' work by kind of support"),
    "work-by-community": gettext_lazy("Facilitators' work by community"),
    "coverage": gettext_lazy("Strategic priorities served, by community"),
}
TABLE_SLUGS = list(TABLE_TITLES)
# Rows of a per-community table shown on the report page, the ones that matter most
# for that table: the page then costs the same for 20 communities or 2,000. The CSV
# export and the print view list every community.
PAGE_ROWS = 25
# Lines that summarise rather than name a community: always shown, after the others.
SUMMARY_LINES = (HIDDEN_POOL, None)


@dataclass
class Table:
    slug: str
    columns: list[str]
    rows: list[list[dict]]
    total: list[dict] | None = None
    note: str = ""
    chart: dict | None = None
    title: str = ""
    # When the page shows only some rows: how many communities the table has in all,
    # and what the rows shown are chosen by ("the most members").
    row_count: int = 0
    shown: int = 0
    chosen_by: str = ""

    def __post_init__(self):
        self.title = str(TABLE_TITLES[self.slug])

    @property
    def limited_note(self) -> str:
        """Which rows the page shows, of how many ("" when it shows them all)."""
        if not self.chosen_by:
            return ""
        return ngettext(
            "The %(shown)d communities with %(chosen_by)s, of %(count)d community.",
            "The %(shown)d communities with %(chosen_by)s, of %(count)d communities.",
            self.row_count,
        ) % {"shown": self.shown, "chosen_by": self.chosen_by, "count": self.row_count}

    @property
    def body_html(self):
        """The rows as HTML, built here rather than cell by cell in the template: a
        report over hundreds of communities has thousands of cells, and the template
        engine spent most of the page's time on them."""
        return SafeString("".join(f"<tr>{_row_html(row)}</tr>" for row in self.rows))

    @property
    def total_html(self):
        return SafeString(_row_html(self.total)) if self.total else ""

    def text_rows(self) -> list[list[str]]:
        """Header, rows and total as plain text (for CSV)."""
        lines = [self.columns] + [[c["text"] for c in row] for row in self.rows]
        if self.total:
            lines.append([c["text"] for c in self.total])
        return lines


def _cell_html(cell: dict, is_header: bool) -> str:
    # Plain escaping and joining: format_html per cell cost a third of a second on a
    # report of 250 communities (7,000 cells).
    text = escape(str(cell["text"]))
    if is_header:
        return f'<th scope="row">{text}</th>'
    classes = " ".join(
        name
        for name, on in (
            ("num", cell.get("numeric")),
            ("suppressed", cell.get("suppressed")),
            ("covered", cell.get("mark")),
        )
        if on
    )
    mark = f'<span aria-hidden="true">{escape(cell["mark"])}</span> ' if cell.get("mark") else ""
    attribute = f' class="{classes}"' if classes else ""
    return f"<td{attribute}>{mark}{text}</td>"


def _row_html(row: list[dict]) -> str:
    return "".join(_cell_html(c, i == 0) for i, c in enumerate(row))


def small_label() -> str:
    return _("fewer than %(count)d") % {"count": MIN_CELL}


def _cell(value) -> dict:
    """A table cell: text, and whether a count was suppressed."""
    if isinstance(value, Cell):
        if value.state == SMALL:
            return {"text": small_label(), "suppressed": True}
        if value.state == HIDDEN:
            return {"text": _("not shown"), "suppressed": True}
        return {"text": str(value.value), "numeric": True}
    if isinstance(value, bool):
        return {"text": _("Yes") if value else _("No"), "mark": "✓" if value else ""}
    if isinstance(value, int | float):
        return {"text": _number(value), "numeric": True}
    return {"text": "" if value is None else str(value)}


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value))


def _row(*values) -> list[dict]:
    return [_cell(v) for v in values]


def _chart_value(value: Cell):
    return None if value.is_suppressed else value.value


class ReportTables:
    """Builds every table of a report; `get(slug)` for one, `all()` in page order."""

    def __init__(self, report: Report, *, limit: int | None = None):
        """`limit`: at most this many named communities per per-community table
        (PAGE_ROWS on the page), those that matter most for the table; None: all,
        in name order (the CSV and the print view)."""
        self.report = report
        self.limit = limit
        self.keys = [c.pk for c in report.named] + ([HIDDEN_POOL] if report.hidden_count else [])
        self._level_cells = None

    def _choose(self, keys: list, measure) -> tuple[list, int]:
        """(the keys to show, in order, and how many named lines there are in all).

        Without a limit, or within it: every key, in the order given (name order).
        Otherwise the `limit` named keys with the highest `measure(key)` (a tuple of
        numbers), ties in name order, then the summary lines (the pooled hidden
        communities, work tied to no community). Only these rows are built."""
        named = [key for key in keys if key not in SUMMARY_LINES]
        if self.limit is None or len(named) <= self.limit:
            return keys, len(named)
        # nlargest keeps the given (name) order among equals, like a stable sort.
        top = heapq.nlargest(self.limit, named, key=measure)
        return top + [key for key in keys if key in SUMMARY_LINES], len(named)

    def _bounded(self, table: "Table", count: int, chosen_by: str) -> "Table":
        if self.limit is not None and count > self.limit:
            table.row_count, table.shown, table.chosen_by = count, self.limit, chosen_by
        return table

    def label(self, key) -> str:
        if key == HIDDEN_POOL:
            return ngettext(
                "%(count)d hidden community",
                "%(count)d hidden communities",
                self.report.hidden_count,
            ) % {"count": self.report.hidden_count}
        if key is None:
            return _("Not tied to a community")
        return self._names[key]

    @cached_property
    def _names(self):
        return {c.pk: c.name for c in self.report.named}

    def all(self) -> list[Table]:
        return [self.get(slug) for slug in TABLE_SLUGS]

    def all_by_slug(self) -> dict[str, Table]:
        """For templates: table.<slug with underscores>."""
        return {slug.replace("-", "_"): self.get(slug) for slug in TABLE_SLUGS}

    def get(self, slug: str) -> Table:
        return getattr(self, "_" + slug.replace("-", "_"))()

    # --- people ---------------------------------------------------------------

    def levels_suppressed(self):
        """The level table suppressed once: its row totals are the catalogue's
        member counts, so both show the same cells."""
        if self._level_cells is None:
            counts = [self.report.levels.get(key, dict.fromkeys(LEVELS, 0)) for key in self.keys]
            rows = [[row[level] for level in LEVELS] for row in counts]
            self._level_cells = suppress_table(rows)
        return self._level_cells

    @cached_property
    def _by_members(self) -> tuple[list, int, dict]:
        """The catalogue's and the level table's rows (they are chosen alike): the
        keys to show, how many named lines there are, and each key's position. A
        line is chosen by its shown member count; a suppressed count sorts as none,
        so the order tells nothing the cells do not."""
        _cells, members, _columns, _total = self.levels_suppressed()
        position = {key: index for index, key in enumerate(self.keys)}

        def measure(key):
            cell = members[position[key]]
            return (0 if cell.is_suppressed else cell.value,)

        keys, count = self._choose(self.keys, measure)
        return keys, count, position

    def _catalogue(self) -> Table:
        _cells, members, _columns, _total = self.levels_suppressed()
        keys, count, position = self._by_members
        priority_names = dict(self.report.priorities)
        rows = []
        for key in keys:
            index = position[key]
            if key == HIDDEN_POOL:
                rows.append(
                    _row(self.label(key), _("Hidden"), DASH, DASH, DASH, DASH, members[index])
                )
                continue
            community = self.report.named[index]
            priorities = sorted(
                priority_names[pk] for pk in self.report.priorities_of.get(community.pk, ())
            )
            stages = [
                label
                for value, label in LearningStage.choices
                if value in self.report.stages_of.get(community.pk, ())
            ]
            rows.append(
                _row(
                    community.name,
                    VISIBILITY_SHORT_LABELS[community.visibility],
                    community.purpose,
                    Community.Stage(community.stage).label,
                    "; ".join(priorities) or DASH,
                    "; ".join(str(s) for s in stages) or DASH,
                    members[index],
                )
            )
        table = Table(
            "catalogue",
            [
                _("Community"),
                _("Visibility"),
                _("Purpose"),
                _("Stage"),
                _("Strategic priorities"),
                _("Learning-cycle stages"),
                _("Members"),
            ],
            rows,
        )
        return self._bounded(table, count, _("the most members"))

    def _levels(self) -> Table:
        cells, members, by_level, everyone = self.levels_suppressed()
        keys, count, position = self._by_members
        rows = [
            _row(self.label(key), *cells[position[key]], members[position[key]]) for key in keys
        ]
        total = _row(_("All communities"), *by_level, everyone) if self.keys else None
        labels = [str(Membership.Level(level).label) for level in LEVELS]
        chart = charts.bar_chart(
            str(TABLE_TITLES["levels"]),
            [(label, _chart_value(v)) for label, v in zip(labels, by_level, strict=True)]
            if self.keys
            else [(label, 0) for label in labels],
            unit=_("members"),
            missing=small_label(),
        )
        table = Table(
            "levels", [_("Community"), *labels, _("Members")], rows, total=total, chart=chart
        )
        return self._bounded(table, count, _("the most members"))

    def _stakeholders(self) -> Table:
        types = list(User.StakeholderType)
        values = [self.report.stakeholders.get(t.value, 0) for t in types]
        cells, _rows, column, _total = suppress_table(
            [[v] for v in values], row_totals=False, column_totals=True
        )
        rows = [_row(t.label, cells[i][0]) for i, t in enumerate(types)]
        chart = charts.bar_chart(
            str(TABLE_TITLES["stakeholders"]),
            [(str(t.label), _chart_value(cells[i][0])) for i, t in enumerate(types)],
            unit=_("people"),
            missing=small_label(),
        )
        return Table(
            "stakeholders",
            [_("Stakeholder type"), _("People")],
            rows,
            total=_row(_("All members (each person once)"), column[0]),
            chart=chart,
        )

    # --- activity ---------------------------------------------------------------

    def _monthly(self) -> Table:
        monthly = self.report.monthly
        joined, joined_total = suppress_series(monthly["joined"])
        labels = [date_format(month, "M Y") for month in self.report.months]
        names = {
            "threads": _("Threads"),
            "replies": _("Replies"),
            "items": _("Knowledge items published"),
            "meetings": _("Meetings held"),
        }
        rows = [
            _row(label, joined[i], *(monthly[name][i] for name in names))
            for i, label in enumerate(labels)
        ]
        total = _row(_("Total"), joined_total, *(sum(monthly[name]) for name in names))
        chart = charts.line_chart(
            _("Members joined and conversations per month"),
            labels,
            {
                _("Members joined"): [_chart_value(c) for c in joined],
                names["threads"]: monthly["threads"],
                names["replies"]: monthly["replies"],
            },
            missing=small_label(),
        )
        return Table(
            "monthly",
            [_("Month"), _("Members joined"), *names.values()],
            rows,
            total=total,
            chart=chart,
        )

    def knowledge_chart(self) -> dict:
        labels = [date_format(month, "M Y") for month in self.report.months]
        return charts.line_chart(
            _("Knowledge and meetings per month"),
            labels,
            {
                _("Knowledge items published"): self.report.monthly["items"],
                _("Meetings held"): self.report.monthly["meetings"],
            },
        )

    def _activity(self) -> Table:
        measures = ["threads", "replies", "items", "meetings"]
        empty = dict.fromkeys([*measures, "attendance"], 0)
        lines = [self.report.activity.get(key, empty) for key in self.keys]
        attendance, _rows, attendance_total, _all = suppress_table(
            [[line["attendance"]] for line in lines], row_totals=False, column_totals=True
        )
        position = {key: index for index, key in enumerate(self.keys)}

        def measure(key):
            line = lines[position[key]]
            return (line["threads"] + line["replies"], line["items"] + line["meetings"])

        keys, count = self._choose(self.keys, measure)
        rows = [
            _row(
                self.label(key),
                *(lines[position[key]][m] for m in measures),
                attendance[position[key]][0],
            )
            for key in keys
        ]
        total = (
            _row(
                _("All communities"),
                *(sum(line[m] for line in lines) for m in measures),
                attendance_total[0],
            )
            if self.keys
            else None
        )
        table = Table(
            "activity",
            [
                _("Community"),
                _("Threads"),
                _("Replies"),
                _("Knowledge items published"),
                _("Meetings held"),
                _("Attendance"),
            ],
            rows,
            total=total,
        )
        return self._bounded(table, count, _("the most threads and replies"))

    def _learning_stages(self) -> Table:
        counts = self.report.stage_counts
        rows = [_row(label, counts.get(value, 0)) for value, label in LearningStage.choices]
        chart = charts.bar_chart(
            str(TABLE_TITLES["learning-stages"]),
            [(str(label), counts.get(value, 0)) for value, label in LearningStage.choices],
            unit=_("communities"),
        )
        return Table(
            "learning-stages", [_("Stage"), _("Communities covering it")], rows, chart=chart
        )

    def _counts_table(self, slug, choices, counts, heading, value_heading, unit) -> Table:
        rows = [_row(label, counts.get(value, 0)) for value, label in choices]
        chart = charts.bar_chart(
            str(TABLE_TITLES[slug]),
            [(str(label), counts.get(value, 0)) for value, label in choices],
            unit=unit,
        )
        return Table(
            slug,
            [heading, value_heading],
            rows,
            total=_row(_("Total"), sum(counts.values())),
            chart=chart,
        )

    def _knowledge(self) -> Table:
        return self._counts_table(
            "knowledge",
            KnowledgeItem.Kind.choices,
            self.report.items_by_kind,
            _("Kind"),
            _("Items published"),
            _("items"),
        )

    def _brokerage(self) -> Table:
        return self._counts_table(
            "brokerage",
            BrokerageEvent.Kind.choices,
            self.report.brokerage_by_kind,
            _("Kind"),
            _("Times"),
            _("events"),
        )

    def _value_stories(self) -> Table:
        table = self._counts_table(
            "value-stories",
            ValueStory.ValueType.choices,
            self.report.stories_by_type,
            _("Kind of value"),
            _("Confirmed stories"),
            _("stories"),
        )
        others = sum(self.report.stories_by_type.values()) - self.report.readable_story_count
        if others:
            table.note = ngettext(
                "%(count)d of them is in a community you may not read: counted, not told.",
                "%(count)d of them are in communities you may not read: counted, not told.",
                others,
            ) % {"count": others}
        return table

    def _stories(self) -> Table:
        labels = dict(ValueStory.ValueType.choices)
        rows = [
            _row(
                story.title,
                story.community.name,
                str(labels[story.value_type]).split(":")[0],
                story.changed,
            )
            for story in self.report.readable_stories
        ]
        return Table(
            "stories", [_("Story"), _("Community"), _("Kind of value"), _("What changed")], rows
        )

    def _work_by_kind(self) -> Table:
        work = self.report.work_by_kind
        rows = [
            _row(label, work[value][0], work[value][1] / 60)
            for value, label in WorkLogEntry.Kind.choices
        ]
        entries = sum(v[0] for v in work.values())
        minutes = sum(v[1] for v in work.values())
        chart = charts.bar_chart(
            str(TABLE_TITLES["work-by-kind"]),
            [
                (str(label), round(work[value][1] / 60, 1))
                for value, label in WorkLogEntry.Kind.choices
            ],
            unit=_("hours"),
        )
        return Table(
            "work-by-kind",
            [_("Kind of support"), _("Entries"), _("Hours")],
            rows,
            total=_row(_("Total"), entries, minutes / 60),
            chart=chart,
        )

    def _work_by_community(self) -> Table:
        work = self.report.work_by_community
        keys = [key for key in self.keys if key in work]
        if None in work:
            keys.append(None)
        keys, count = self._choose(keys, lambda key: (work[key][1], work[key][0]))
        rows = [_row(self.label(key), work[key][0], work[key][1] / 60) for key in keys]
        table = Table("work-by-community", [_("Community"), _("Entries"), _("Hours")], rows)
        return self._bounded(table, count, _("the most hours of facilitators' work"))

    def _coverage(self) -> Table:
        priorities = self.report.priorities
        served = self.report.priorities_of
        communities = {c.pk: c for c in self.report.named}
        keys, count = self._choose(
            [c.pk for c in self.report.named], lambda pk: (len(served.get(pk, ())),)
        )
        rows = [
            [
                _cell(communities[pk].name),
                *(_cell(priority in served.get(pk, ())) for priority, _name in priorities),
            ]
            for pk in keys
        ]
        if self.report.hidden_count:
            pooled = self.report.pooled_priority_counts
            rows.append(
                [
                    _cell(self.label(HIDDEN_POOL)),
                    *(
                        _cell(
                            ngettext("%(count)d serves it", "%(count)d serve it", pooled[pk])
                            % {"count": pooled[pk]}
                            if pooled.get(pk)
                            else _("No")
                        )
                        for pk, _name in priorities
                    ),
                ]
            )
        table = Table("coverage", [_("Community"), *(name for _pk, name in priorities)], rows)
        return self._bounded(table, count, _("the most priorities served"))
