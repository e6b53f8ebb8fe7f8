"""The benchmark's arithmetic and its table: pure functions, tested in the suite.

`bench/run.py` measures; this module turns the measurements into the numbers issue
#8's budgets are written in (ratio to the floor, S-to-M growth, deep page against
page 1, throughput against the floor's, reads per digest batch) and the table
printed at the end.
"""

import itertools
import re
import statistics

# Issue #8's budgets.
MEMBER_PAGE_QUERIES = 12
DASHBOARD_QUERIES = 20
MAX_GROWTH = 0.25  # from S to M, a page's median may grow by at most 25%
MAX_DEEP_RATIO = 2.0  # page 1,000 of a long list costs at most twice page 1
TOP_ROUTE_CAPACITY = 0.10  # of the floor's requests per second
DASHBOARD_CAPACITY = 0.05
LEADER_REPORT_MS = 1000.0
DIGEST_BATCH_READS = 10  # per batch, whatever its size; writes are one per email by design

_TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "START")
_WRITES = ("UPDATE", "INSERT", "DELETE")
_WRITE_IN_CTE = re.compile(r"\b(UPDATE|INSERT|DELETE)\b", re.IGNORECASE)


def summary(times_ms: list[float]) -> dict:
    """Median and 95th percentile (inclusive method) of some timings, in ms."""
    if not times_ms:
        raise ValueError("no timings")
    ordered = sorted(times_ms)
    if len(ordered) == 1:
        p95 = ordered[0]
    else:
        p95 = statistics.quantiles(ordered, n=20, method="inclusive")[18]
    return {"median_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def ratio(value: float | None, floor: float | None) -> float | None:
    """`value` as a multiple of the floor's; None when either is missing or the floor 0.
    Kept to three decimals (the table shows one): growth from S to M is a ratio of
    two of these, and rounding each to a tenth moved it by up to two points."""
    if value is None or not floor:
        return None
    return round(value / floor, 3)


def query_budget(kind: str) -> int | None:
    """The most queries a page of this kind may make (None: no query budget)."""
    return {"member": MEMBER_PAGE_QUERIES, "dashboard": DASHBOARD_QUERIES}.get(kind)


def page_problems(page: dict) -> list[str]:
    """What one measured page breaks: its status, its query budget, the report's time."""
    problems = []
    if page.get("skipped"):
        return problems
    if page.get("status") != 200:
        problems.append(f"status {page.get('status')}")
    budget = query_budget(page.get("kind", ""))
    if budget is not None and page.get("queries", 0) > budget:
        problems.append(f"{page['queries']} queries > {budget}")
    if page.get("kind") == "report" and page.get("median_ms", 0) > LEADER_REPORT_MS:
        problems.append(f"median {page['median_ms']:.0f} ms > {LEADER_REPORT_MS:.0f} ms")
    return problems


def compare_sizes(small: dict, large: dict) -> list[str]:
    """What breaks between two sizes of one page: a query count that grows with the
    data, a median that grows more than MAX_GROWTH (as a multiple of the floor when
    both pages have one)."""
    problems = []
    if small.get("skipped") or large.get("skipped"):
        return problems
    if small["queries"] != large["queries"]:
        problems.append(f"queries {small['queries']} → {large['queries']}")
    # The sizes are timed minutes apart on a machine others share: each median as a
    # multiple of the floor timed alongside it cancels how busy the machine was then.
    if small.get("floor_ratio") and large.get("floor_ratio"):
        growth = large["floor_ratio"] / small["floor_ratio"] - 1
        if growth > MAX_GROWTH:
            raw = large["median_ms"] / small["median_ms"] - 1 if small["median_ms"] else 0.0
            problems.append(f"\N{MULTIPLICATION SIGN}floor +{growth:.0%} (median {raw:+.0%})")
        return problems
    growth = large["median_ms"] / small["median_ms"] - 1 if small["median_ms"] else 0.0
    if growth > MAX_GROWTH:
        problems.append(f"median +{growth:.0%}")
    return problems


def deep_problems(first: dict, deep: dict) -> list[str]:
    """A deep page of a list must cost at most MAX_DEEP_RATIO times its first page,
    in queries no more than the first."""
    problems = []
    if first.get("skipped") or deep.get("skipped"):
        return problems
    if deep["queries"] > first["queries"]:
        problems.append(f"deep page {deep['queries']} queries > page 1 {first['queries']}")
    if first["median_ms"] and deep["median_ms"] > MAX_DEEP_RATIO * first["median_ms"]:
        problems.append(
            f"deep page {deep['median_ms']:.0f} ms > {MAX_DEEP_RATIO:g}× page 1 "
            f"({first['median_ms']:.0f} ms)"
        )
    return problems


def capacity_share(route_server_ms: float | None, floor_server_ms: float | None) -> float | None:
    """The share of the floor's requests per second a route can serve alone: with the
    same workers, capacity is inversely proportional to the server time per request,
    both measured under the same load in the same run."""
    if not route_server_ms or not floor_server_ms:
        return None
    return round(floor_server_ms / route_server_ms, 3)


def throughput_problems(load: dict) -> list[str]:
    """Issue #8's load budgets: no errors; the top routes each at least a tenth of the
    floor's capacity, the dashboard at least a twentieth."""
    problems = []
    if load.get("skipped"):
        return problems
    if load.get("errors"):
        problems.append(f"{load['errors']} errors under load")
    for route in load.get("routes", []):
        needed = {"top": TOP_ROUTE_CAPACITY, "dashboard": DASHBOARD_CAPACITY}.get(
            route.get("kind", "")
        )
        share = route.get("capacity_share")
        if needed is not None and share is not None and share < needed:
            problems.append(f"{route['name']}: {share:.0%} of the floor's capacity < {needed:.0%}")
    return problems


def count_statements(statements) -> dict:
    """How many SQL statements read and how many write. Transaction control (BEGIN,
    COMMIT, savepoints) is left out: Django logs it but it is not the work; anything
    else (SET, …) is counted in neither."""
    counts = {"reads": 0, "writes": 0}
    for sql in statements:
        words = sql.lstrip(" (\n\t").split(None, 1)
        first = words[0].upper() if words else ""
        if first in _TRANSACTION_CONTROL:
            continue
        if first in _WRITES or (first == "WITH" and _WRITE_IN_CTE.search(sql)):
            counts["writes"] += 1
        elif first in ("SELECT", "WITH"):
            counts["reads"] += 1
    return counts


def _batches(digest: dict) -> dict[str, dict]:
    # JSON turns the batch sizes into strings; a result read straight from the
    # script's dict has them as ints.
    return {str(size): row for size, row in (digest.get("queries") or {}).items()}


def digest_error(digest: dict | None) -> str | None:
    """Why there are no digest figures to read (None when there are)."""
    if digest is None:
        return "no digest figures"
    if "exit" in digest and "batched" not in digest:
        last = (digest.get("output") or "").strip().splitlines()[-1:] or ["no output"]
        return f"digest run failed (exit {digest['exit']}): {last[0][:200]}"
    if not _batches(digest) or "batched" not in digest:
        return "digest figures incomplete (no queries per batch or no timed run)"
    return None


def digest_problems(digest: dict | None) -> list[str]:
    """Issue #8's digest budget: at most DIGEST_BATCH_READS reads per batch, the same
    number for a batch of 1, 10 and 100 (building costs a constant number of queries
    per batch). Writes, one claim per email (issue #7: committed before its SMTP call
    for exactly-once delivery), are not held to a budget."""
    error = digest_error(digest)
    if error:
        return [error]
    problems = []
    batches = _batches(digest)
    reads = {}
    for size in sorted(batches, key=int):
        row = batches[size]
        if "reads" not in row:
            problems.append(f"batch of {size}: reads not recorded ({row.get('queries')} queries)")
            continue
        reads[size] = row["reads"]
        if row["reads"] > DIGEST_BATCH_READS:
            problems.append(f"batch of {size}: {row['reads']} reads > {DIGEST_BATCH_READS}")
    if len(set(reads.values())) > 1:
        problems.append(
            "reads grow with the batch: "
            + ", ".join(f"{n} for {size}" for size, n in reads.items())
        )
    return problems


def digest_line(size: str, digest: dict | None) -> str:
    """One line of digest figures for a size (or why there are none)."""
    error = digest_error(digest)
    if error:
        return f"Digests at {size}: {error}"
    run = digest["batched"]
    parts = [
        f"{digest.get('kind', '?')}, {_cell(run.get('members'))} members: "
        f"{_cell(run.get('members_per_second'))} members/s, "
        f"{_cell(run.get('members_per_second_per_worker'))} per worker "
        f"({_cell(digest.get('workers'))} workers)"
    ]
    if run.get("projected_100k_seconds") is not None:
        parts.append(f"100,000 members in ~{_cell(run['projected_100k_seconds'])} s")
    batches = sorted(_batches(digest).items(), key=lambda item: int(item[0]))
    parts.append(
        "a batch of "
        + "/".join(batch for batch, _ in batches)
        + ": "
        + "/".join(_cell(row.get("reads")) for _, row in batches)
        + " reads, "
        + "/".join(_cell(row.get("writes")) for _, row in batches)
        + " writes (a claim per email, by design)"
    )
    return f"Digests at {size}: " + "; ".join(parts)


def _cell(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    return f"{value:,}{unit}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _page_cells(page: dict | None) -> list[str]:
    if page is None:
        return ["", "", "", "", ""]
    if page.get("skipped"):
        return ["skipped", "", "", "", ""]
    return [
        _cell(page.get("queries")),
        _cell(page.get("median_ms"), " ms"),
        _cell(page.get("p95_ms"), " ms"),
        _cell(page.get("floor_ratio"), "×"),
        "; ".join(page_problems(page)) or "ok",
    ]


def render_table(results: dict) -> str:
    """The pages table, sizes side by side (queries, median, p95, ratio to the floor,
    budget), then the load table per size, then every budget broken."""
    sizes = list(results["sizes"])
    labels: list[str] = []
    for size in sizes:
        for page in results["sizes"][size].get("pages", []):
            if page["label"] not in labels:
                labels.append(page["label"])
    header = ["page"]
    for size in sizes:
        header += [
            f"{size} queries",
            f"{size} median",
            f"{size} p95",
            f"{size} ×floor",
            f"{size} budget",
        ]
    rows = [header]
    for label in labels:
        row = [label]
        for size in sizes:
            by_label = {p["label"]: p for p in results["sizes"][size].get("pages", [])}
            row += _page_cells(by_label.get(label))
        rows.append(row)
    lines = _columns(rows)

    for size in sizes:
        load = results["sizes"][size].get("load")
        if not load:
            continue
        lines.append("")
        if load.get("skipped"):
            lines.append(f"Load at {size}: skipped ({load['skipped']})")
            continue
        lines.append(
            f"Load at {size}: {load['users']} users, {load['duration_s']} s, "
            f"{load['workers']} gunicorn workers: {_cell(load['total_rps'])} requests/s, "
            f"{load['errors']} errors"
        )
        load_rows = [
            ["route", "requests", "req/s", "errors", "p95", "server median", "capacity vs floor"]
        ]
        for route in load["routes"]:
            load_rows.append(
                [
                    route["name"],
                    _cell(route["requests"]),
                    _cell(route["rps"]),
                    _cell(route["errors"]),
                    _cell(route["p95_ms"], " ms"),
                    _cell(route.get("server_median_ms"), " ms"),
                    _percent(route.get("capacity_share")),
                ]
            )
        lines += _columns(load_rows)

    lines.append("")
    lines += [digest_line(size, results["sizes"][size].get("digest")) for size in sizes]

    problems = budget_report(results)
    lines.append("")
    lines.append("Budgets: all held." if not problems else "Budgets broken:")
    lines += [f"  - {problem}" for problem in problems]
    return "\n".join(lines)


def budget_report(results: dict) -> list[str]:
    """Every budget the results break, one line each."""
    problems = []
    sizes = list(results["sizes"])
    for size in sizes:
        data = results["sizes"][size]
        pages = {page["label"]: page for page in data.get("pages", [])}
        for page in data.get("pages", []):
            problems += [f"{size} {page['label']}: {p}" for p in page_problems(page)]
            first = page.get("deep_of")
            if first and first in pages:
                problems += [
                    f"{size} {page['label']}: {p}" for p in deep_problems(pages[first], page)
                ]
        problems += [f"{size} load: {p}" for p in throughput_problems(data.get("load") or {})]
        problems += [f"{size} digests: {p}" for p in digest_problems(data.get("digest"))]
    for small, large in itertools.pairwise(sizes):
        small_pages = {p["label"]: p for p in results["sizes"][small].get("pages", [])}
        for page in results["sizes"][large].get("pages", []):
            if page["label"] in small_pages and page.get("kind") != "floor":
                problems += [
                    f"{small}→{large} {page['label']}: {p}"
                    for p in compare_sizes(small_pages[page["label"]], page)
                ]
    return problems


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            str(cell).ljust(width) if index == 0 else str(cell).rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return lines
