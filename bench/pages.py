"""Time issue #8's key pages on one scale database: `bench/run.py` runs this once per
size, with DATABASE_URL naming the database and BENCH_FLOOR_PAGE on.

    .venv/bin/python bench/pages.py --out pages.json [--runs 30] [--sessions s.json]

Each page is requested through Django's test Client, so every middleware runs, as a
signed-in user (force_login): one warm-up request, --runs timed ones (median and
95th percentile of the wall time in this process: the server's time without the
network) and one more that counts the queries (and reads the Server-Timing header's
SQL time). The floor (`/bench/floor/`, the bare layout) is measured first and last,
and once before each timed request of every page (the same client): each page's
median is also given as a multiple of the median of its own interleaved floor
requests, so the ratio compares times taken in the same seconds.

--sessions writes session cookies for the benchmark's users, for the load run.
"""

import argparse
import contextlib
import html
import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copplatform.settings.base")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from bench import report  # noqa: E402
from copplatform import runtime  # noqa: E402
from facilitation import scale  # noqa: E402

F, L, M = scale.FACILITATOR_EMAIL, scale.LEADER_EMAIL, scale.MEMBER_EMAIL
DEEP_PAGE = 1000
SQL_TIME = re.compile(r'db;desc="(\d+) queries";dur=([\d.]+)')

# label, kind (its budget: member ≤ 12 queries, dashboard ≤ 20, report ≤ 1 s), URL
# name, arguments, user, query string. {community} is the largest community the
# member belongs to, {thread} its latest thread with a full page of replies,
# {facilitated} the facilitator's largest community.
PAGES = [
    ("floor", "floor", "bench_floor", [], M, ""),
    ("community directory", "member", "communities:directory", [], M, ""),
    ("community home", "member", "communities:home", ["{community}"], M, ""),
    ("thread list", "member", "discussions:list", ["{community}"], M, ""),
    ("thread page", "member", "discussions:thread", ["{community}", "{thread}"], M, ""),
    ("home feed", "member", "activity:home_feed", [], M, ""),
    ("notification centre", "member", "notifications:list", [], M, ""),
    ("member directory", "member", "membership:members", ["{community}"], M, ""),
    ("expertise search", "member", "membership:find_expertise", [], M, "q=nursing"),
    ("knowledge list", "member", "knowledge:repertoire", ["{community}"], M, ""),
    ("knowledge search", "member", "search:search", [], M, "q=care+quality"),
    ("event list", "member", "events:list", ["{community}"], M, ""),
    ("audit log", "member", "membership:audit", ["{facilitated}"], F, ""),
    ("facilitator dashboard", "dashboard", "dashboard:index", [], F, ""),
    ("leader report", "report", "reports:report", [], L, ""),
]
# Long lists: their deepest page (page DEEP_PAGE, or the last one before that) is
# measured too, as "<label>, deep", against page 1.
DEEP = [
    "community directory",
    "thread list",
    "member directory",
    "expertise search",
    "knowledge list",
    "audit log",
]


def placeholders() -> dict[str, str]:
    from communities.discussions.services import REPLIES_PER_PAGE
    from communities.models import Community, Thread

    member_community = (
        Community.objects.filter(memberships__user__email=M).order_by("-member_count").first()
    )
    facilitated = (
        Community.objects.filter(facilitator_assignments__user__email=F)
        .order_by("-member_count")
        .first()
    )
    if member_community is None or facilitated is None:
        raise SystemExit("No scale data here: run `manage.py seed_scale --size S` first.")
    # A thread with a full page of replies, the latest such: the thread page then
    # renders the same number of replies at every size (the latest thread of all had
    # 3 replies at S and 13 at M, so the sizes compared different pages).
    threads = Thread.objects.filter(community=member_community).order_by("-last_activity_at")
    thread = threads.filter(reply_count__gte=REPLIES_PER_PAGE).first() or threads.first()
    return {
        "community": member_community.slug,
        "facilitated": facilitated.slug,
        "thread": str(thread.pk if thread else 0),
    }


def deep_query(label: str, url: str, client: Client) -> str:
    """The query string of a list's deepest page up to DEEP_PAGE: numbered lists
    (`?page=`) jump there (Paginator gives the last page beyond the end); lists on
    keyset cursors (`?before=`) are followed from page 1 through their own "Next"
    links, which keep the page's query (each step a page request, not timed), to the
    deepest page that is full (one with a "Next" link)."""
    from copplatform.pagination import CURSOR_PARAM

    path, _, query = url.partition("?")
    next_link = re.compile(r'href="(\?[^"]*)" rel="next"')
    body = client.get(url).content.decode()
    found = full = None
    for _ in range(DEEP_PAGE - 1):
        match = next_link.search(body)
        if not match or f"{CURSOR_PARAM}=" not in match.group(1):
            break
        found = html.unescape(match.group(1))[1:]
        body = client.get(f"{path}?{found}").content.decode()
        if next_link.search(body):
            full = found  # a page with a next one is a full page
    # The deepest full page: a last page holding a few rows would flatter the list
    # and make sizes compare pages of different lengths.
    if found:
        return full or found
    # No cursor: a numbered list, or a keyset list of one page (which ignores `page`).
    return f"{query}&page={DEEP_PAGE}" if query else f"page={DEEP_PAGE}"


def _timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    client.get(url)
    return (time.perf_counter() - started) * 1000


def measure(client: Client, url: str, runs: int, floor_url: str | None = None) -> dict:
    """With `floor_url`, each timed request of the page follows one of the floor (same
    client): the page's ratio to the floor then compares times taken in the same
    seconds, whatever the machine did meanwhile."""
    client.get(url)  # warm-up: caches, first-use permission rows
    times, floor_times = [], []
    for _ in range(runs):
        if floor_url:
            floor_times.append(_timed(client, floor_url))
        times.append(_timed(client, url))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    sql = SQL_TIME.search(response.get("Server-Timing", ""))
    return {
        "status": response.status_code,
        "queries": len(queries),
        "sql_ms": float(sql.group(2)) if sql else None,
        **report.summary(times),
        **({"paired_floor_ms": report.summary(floor_times)["median_ms"]} if floor_times else {}),
        "bytes": len(getattr(response, "content", b"")),
    }


def clients() -> dict[str, Client]:
    from membership.models import User

    signed_in = {}
    for email in (F, L, M):
        user = User.objects.filter(email=email).first()
        if user is None:
            raise SystemExit(f"No user {email}: run `manage.py seed_scale` first.")
        client = Client()
        client.force_login(user)
        signed_in[email] = client
    return signed_in


def run(runs: int, only: list[str] | None = None) -> dict:
    if not settings.BENCH_FLOOR_PAGE:
        raise SystemExit("Set BENCH_FLOOR_PAGE=true: the floor page is measured too.")
    with contextlib.suppress(RuntimeError):
        setup_test_environment()
    values = placeholders()
    signed_in = clients()
    # The leader report's platform-wide row as the hourly task keeps it (a row an
    # earlier version kept may lack what this one reads).
    from facilitation.snapshots.services import report_period_refresh

    report_period_refresh()
    # The garbage collector as a server worker has it (copplatform.wsgi).
    runtime.settle()
    floor_url = reverse("bench_floor")
    pages = []
    for label, kind, name, args, email, query in PAGES:
        if only and label not in only and kind != "floor":
            continue
        entry = {"label": label, "kind": kind, "user": email}
        try:
            url = reverse(name, args=[arg.format(**values) for arg in args])
        except NoReverseMatch:
            pages.append({**entry, "skipped": f"no URL named {name}"})
            continue
        client = signed_in[email]
        full = f"{url}?{query}" if query else url
        paired = floor_url if kind != "floor" else None
        pages.append({**entry, "url": full, **measure(client, full, runs, paired)})
        print(f"  {label:<28} {pages[-1]['queries']:>3} queries {pages[-1]['median_ms']:>8.1f} ms")
        if label in DEEP:
            deep = f"{url}?{deep_query(label, full, client)}"
            pages.append(
                {**entry, "label": f"{label}, deep", "url": deep, "deep_of": label}
                | measure(client, deep, runs, floor_url)
            )
            print(
                f"  {label + ', deep':<28} {pages[-1]['queries']:>3} queries "
                f"{pages[-1]['median_ms']:>8.1f} ms"
            )
    # The floor again at the end: the machine's load may have changed meanwhile.
    floor_end = measure(signed_in[M], floor_url, runs)
    floor = pages[0]
    floor["median_ms"] = min(floor["median_ms"], floor_end["median_ms"])
    floor["p95_ms"] = min(floor["p95_ms"], floor_end["p95_ms"])
    for page in pages:
        if not page.get("skipped"):
            # Each page against the floor requests interleaved with its own.
            page["floor_ratio"] = report.ratio(
                page["median_ms"], page.get("paired_floor_ms") or floor["median_ms"]
            )
    return {"placeholders": values, "runs": runs, "pages": pages}


def session_cookies() -> dict[str, str]:
    """A session cookie per benchmark user (the load generator signs in with them)."""
    return {
        email: client.cookies[settings.SESSION_COOKIE_NAME].value
        for email, client in clients().items()
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--out", required=True, help="write the results (JSON) here")
    parser.add_argument("--sessions", help="also write session cookies (JSON) here")
    parser.add_argument("--page", action="append", help="only this page (repeat)")
    args = parser.parse_args(argv)
    results = run(args.runs, args.page)
    Path(args.out).write_text(json.dumps(results, indent=2))
    if args.sessions:
        sessions = session_cookies()
        values = results["placeholders"]
        paths = {
            "floor": reverse("bench_floor"),
            "community home": reverse("communities:home", args=[values["community"]]),
            "thread list": reverse("discussions:list", args=[values["community"]]),
            "thread page": reverse(
                "discussions:thread", args=[values["community"], values["thread"]]
            ),
        }
        with contextlib.suppress(NoReverseMatch):
            paths["facilitator dashboard"] = reverse("dashboard:index")
        Path(args.sessions).write_text(
            json.dumps(
                {
                    "cookie": settings.SESSION_COOKIE_NAME,
                    "member": sessions[M],
                    "facilitator": sessions[F],
                    "paths": paths,
                }
            )
        )


if __name__ == "__main__":
    main()
