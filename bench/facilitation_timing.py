"""How long the facilitation pages take on the scale data set. Run by hand:

    createdb -h 127.0.0.1 -U postgres copplatform_scale
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/copplatform_scale
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py seed_scale --size S
    .venv/bin/python bench/facilitation_timing.py [--runs 20] [--json out.json]
        [--page "label=url:name[/arg/arg]@email[?query]" ...]

Unlike bench/search_timing.py it builds nothing: it reads the database DATABASE_URL
names, filled by `manage.py seed_scale`. Each page is requested through Django's
test Client, so the whole middleware stack runs, as a signed-in user
(force_login): first a warm-up request, then --runs timed requests (median and
95th percentile of the wall time), and one more under CaptureQueriesContext for
the number of queries. A URL name this checkout does not have is skipped with a
message, so the script runs on any branch.

In a page spec, `{community}` is the slug of the largest scale community (public,
facilitated by facilitator@scale.example.org), `{thread}` the id of its latest
thread and `{item}` of its latest published knowledge item.
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copplatform.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from facilitation import scale  # noqa: E402

F, L, M = scale.FACILITATOR_EMAIL, scale.LEADER_EMAIL, scale.MEMBER_EMAIL
# The pages issue #6 needs measured first, then the everyday pages to compare with.
DEFAULT_PAGES = [
    f"facilitator dashboard=dashboard:index@{F}",
    f"leader report=reports:report@{L}",
    f"home=home@{M}",
    f"community directory=communities:directory@{M}",
    f"community home=communities:home/{{community}}@{F}",
    f"thread list=discussions:list/{{community}}@{F}",
    f"thread page=discussions:thread/{{community}}/{{thread}}@{F}",
    f"knowledge list=knowledge:repertoire/{{community}}@{F}",
    f"event list=events:list/{{community}}@{F}",
    f"notifications=notifications:list@{M}",
    f"home feed=activity:home_feed@{M}",
]


def parse_page(spec: str) -> dict:
    """`label=url:name[/arg/arg]@email[?query]` → its parts."""
    label, _, rest = spec.partition("=")
    rest, _, query = rest.partition("?")
    target, _, email = rest.partition("@")
    if not (label and target and email):
        raise SystemExit(f"page {spec!r}: write label=url:name[/arg...]@email[?query]")
    name, *args = target.split("/")
    return {"label": label, "name": name, "args": args, "email": email, "query": query}


def placeholders() -> dict[str, str]:
    from communities.models import Community, Thread
    from knowledge.models import KnowledgeItem

    community = (
        Community.objects.filter(slug__startswith=scale.SLUG_PREFIX, visibility="public")
        .order_by("-member_count")
        .first()
    )
    if community is None:
        raise SystemExit("No scale data here: run `manage.py seed_scale --size S` first.")
    thread = Thread.objects.filter(community=community).order_by("-last_activity_at").first()
    item = (
        KnowledgeItem.objects.filter(community=community, status="published")
        .order_by("-updated_at")
        .first()
    )
    return {
        "community": community.slug,
        "thread": str(thread.pk if thread else 0),
        "item": str(item.pk if item else 0),
    }


def measure(client: Client, url: str, runs: int) -> dict:
    response = client.get(url)  # warm-up: caches, first-use permission rows
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    times.sort()
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    slowest = sorted(queries.captured_queries, key=lambda query: -float(query["time"]))
    return {
        "status": response.status_code,
        "queries": len(queries),
        "slowest": [(float(query["time"]) * 1000, query["sql"]) for query in slowest[:3]],
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "bytes": len(getattr(response, "content", b"")),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page")
    parser.add_argument("--page", action="append", help="a page spec (repeat); default: all")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--slowest", type=int, default=0, help="print each page's N slowest queries"
    )
    args = parser.parse_args(argv)

    from membership.models import User

    # Allows the test client's host and keeps mail in memory (already done under pytest).
    with contextlib.suppress(RuntimeError):
        setup_test_environment()
    values = placeholders()
    results = []
    print(
        f"{connection.vendor} database {connection.settings_dict['NAME']}, "
        f"{args.runs} timed requests per page"
    )
    print(f"{'page':<24} {'user':<32} {'status':>6} {'queries':>7} {'median':>9} {'p95':>9}")
    for spec in args.page or DEFAULT_PAGES:
        page = parse_page(spec)
        try:
            url = reverse(page["name"], args=[arg.format(**values) for arg in page["args"]])
        except NoReverseMatch:
            print(f"{page['label']:<24} skipped: no URL named {page['name']!r} on this checkout")
            results.append({**page, "skipped": "no such URL name"})
            continue
        if page["query"]:
            url = f"{url}?{page['query']}"
        user = User.objects.filter(email=page["email"]).first()
        if user is None:
            print(f"{page['label']:<24} skipped: no user {page['email']}")
            results.append({**page, "skipped": "no such user"})
            continue
        client = Client()
        client.force_login(user)
        row = measure(client, url, args.runs)
        results.append({**page, "url": url, **row})
        print(
            f"{page['label']:<24} {page['email']:<32} {row['status']:>6} {row['queries']:>7} "
            f"{row['median_ms']:>7.1f}ms {row['p95_ms']:>7.1f}ms"
        )
        for took, sql in row["slowest"][: args.slowest]:
            print(f"    {took:8.1f} ms  {sql[:300]}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
