"""How long a search takes, compared with a plain list of threads. Run by hand:

    .venv/bin/python bench/search_timing.py [--threads 5000] [--items 3000] [--terms 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/copplatform_bench \\
        .venv/bin/python bench/search_timing.py

It builds a throwaway test database (test_<name>, destroyed afterwards), fills it
with threads (each with two replies), published knowledge items and glossary terms
spread over public and private communities, then times, as a signed-in member of
some of them:
  - the baselines: the first page of threads, and of knowledge items, they may read,
    newest first, with its count (what a plain list page asks);
  - search: count and first page of results for a few queries (common, rare, none).
Each figure is the median of several runs; the ratio is search / baseline.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copplatform.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

# A health-care vocabulary used often, and a long tail of rarer words (Zipf-like),
# so a query matches a realistic share of rows rather than nearly all of them.
COMMON = [
    "patient",
    "care",
    "team",
    "plan",
    "review",
    "clinic",
    "nurse",
    "ward",
    "family",
    "doctor",
    "medicine",
    "dose",
    "safety",
    "handover",
    "wait",
    "bed",
    "flow",
    "community",
    "letter",
    "referral",
]
TAIL = [
    f"{a}{b}{c}" for a in "bcdfgklmnprst" for b in "aeiou" for c in ("lan", "rix", "tom", "vel")
]
RARE = ["naloxone", "deprescribing", "tapering", "boarding"]
QUERIES = ["patient", "naloxone", "deprescribing tapering", '"patient care"', "zzzyzx"]


def _text(rng, words):
    picked = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.35:
            picked.append(rng.choice(COMMON))
        elif roll < 0.353:
            picked.append(rng.choice(RARE))
        else:
            picked.append(TAIL[min(int(rng.paretovariate(0.9)) - 1, len(TAIL) - 1)])
    return " ".join(picked)


def _fill(threads: int, items: int, terms: int):
    from communities.models import Community, Post, Thread
    from knowledge.models import GlossaryTerm, KnowledgeItem
    from membership.models import User
    from membership.services import membership_ensure

    rng = random.Random(2026)  # noqa: S311 - reproducible fake data
    communities = [
        Community.objects.create(
            name=f"Bench {n}",
            slug=f"bench-{n}",
            purpose="Benchmark.",
            visibility="private" if n % 3 == 0 else "public",
        )
        for n in range(12)
    ]
    viewer = User.objects.create_user(email="bench@example.org", password=None)
    for community in communities[::2]:
        membership_ensure(user=viewer, community=community, level="active")
    rows = [
        Thread(
            community=rng.choice(communities),
            title=_text(rng, 6).capitalize(),
            body=_text(rng, 80),
        )
        for _ in range(threads)
    ]
    Thread.objects.bulk_create(rows, batch_size=1000)
    Post.objects.bulk_create(
        [Post(thread=thread, body=_text(rng, 40)) for thread in rows for _ in range(2)],
        batch_size=2000,
    )
    KnowledgeItem.objects.bulk_create(
        [
            KnowledgeItem(
                community=rng.choice(communities),
                kind=rng.choice(KnowledgeItem.Kind.values),
                title=_text(rng, 6).capitalize(),
                summary=_text(rng, 20),
                body=_text(rng, 150),
                status=KnowledgeItem.Status.PUBLISHED,
            )
            for _ in range(items)
        ],
        batch_size=1000,
    )
    GlossaryTerm.objects.bulk_create(
        [
            GlossaryTerm(
                term=f"{rng.choice(TAIL)} {n}",
                definition=_text(rng, 30),
                community=rng.choice([None, *communities]),
            )
            for n in range(terms)
        ],
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return viewer


def _median_ms(fn, runs=7):
    fn()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=5000)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--terms", type=int, default=2000)
    parser.add_argument("--explain", help="print the query plans for this query")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from knowledge import search
        from membership import permissions

        viewer = _fill(args.threads, args.items, args.terms)

        def baseline():
            threads = permissions.threads_readable_by(viewer)
            threads.count()
            list(threads.select_related("community").order_by("-last_activity_at")[:20])

        def item_baseline():
            items = permissions.items_readable_by(viewer).filter(status="published")
            items.count()
            list(items.select_related("community").order_by("-updated_at")[:20])

        if args.explain:
            query = search.parse_query(args.explain)
            for source in search.SOURCES:
                rows = source.matches(viewer, query, search.SearchFilters()).order_by(
                    "-search_rank", "-search_date", "-pk"
                )
                print(f"--- {source.kind}")
                print(rows.values_list("pk")[:20].explain(analyze=True))
            return
        base = _median_ms(baseline)
        item_base = _median_ms(item_baseline)
        print(
            f"{connection.vendor}: {args.threads} threads ({2 * args.threads} replies), "
            f"{args.items} knowledge items, {args.terms} glossary terms"
        )
        print(f"  baseline thread list (count + first 20): {base:.1f} ms")
        print(f"  baseline item list (count + first 20): {item_base:.1f} ms")
        for text in QUERIES:
            query = search.parse_query(text)

            def run(query=query):
                results = search.search(user=viewer, query=query, filters=search.SearchFilters())
                results.count()
                return results[0:20]

            count = search.search(user=viewer, query=query, filters=search.SearchFilters()).count()
            took = _median_ms(run)
            items_only = search.SearchFilters(kind="item")

            def run_items(query=query, filters=items_only):
                results = search.search(user=viewer, query=query, filters=filters)
                results.count()
                return results[0:20]

            item_took = _median_ms(run_items)
            print(
                f"  search {text!r:24} {count:6d} hits  {took:8.1f} ms  x{took / base:.1f}"
                f"   items only {item_took:8.1f} ms  x{item_took / item_base:.1f} of item list"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
