"""How long the leader report takes, and how many queries, on a large platform. By hand:

    .venv/bin/python bench/report_timing.py [--communities 250] [--members 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/copplatform_bench \\
        .venv/bin/python bench/report_timing.py

It builds a throwaway test database (test_<name>, destroyed afterwards) with bulk
inserts: communities (a third private, one in ten hidden) with priorities, stages and
topics, members spread over two years, threads with replies, published items, held
meetings with attendance, brokerage events, value stories and work-log entries. Then,
as a leader, it times the report's selectors alone and the whole page (the median of
several runs) and counts the page's queries. The manage.py seed_scale data set gives
the figure for the note; this is the quick check while working on the report.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copplatform.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def _fill(communities: int, members: int, threads: int):
    from django.utils import timezone

    from communities.events.models import Attendance
    from communities.models import Community, Event, EventOccurrence, Post, Thread
    from facilitation.models import (
        BrokerageEvent,
        CommunityLearningStage,
        LearningStage,
        StrategicPriority,
        ValueStory,
        WorkLogEntry,
    )
    from knowledge.models import KnowledgeItem
    from membership.models import Membership, User

    rng = random.Random(2026)  # noqa: S311 - reproducible fake data
    now = timezone.now()

    def past(days=730):
        return now - timedelta(days=rng.random() * days)

    made = Community.objects.bulk_create(
        [
            Community(
                name=f"Scale {n:04d}",
                slug=f"scale-{n}",
                purpose="Benchmark.",
                visibility="hidden" if n % 10 == 0 else "private" if n % 3 == 0 else "public",
            )
            for n in range(communities)
        ],
        batch_size=1000,
    )
    priorities = [StrategicPriority.objects.create(name=f"Priority {n}") for n in range(8)]
    for priority in priorities:
        priority.communities.add(*rng.sample(made, k=min(len(made), communities // 4)))
    CommunityLearningStage.objects.bulk_create(
        [
            CommunityLearningStage(community=c, stage=stage)
            for c in made
            for stage in rng.sample(LearningStage.values, k=2)
        ]
    )
    for community in made[::5]:
        community.topics.add(rng.choice(["quality", "safety", "flow"]))
    types = User.StakeholderType.values
    users = User.objects.bulk_create(
        [
            User(email=f"scale{n}@example.org", stakeholder_type=rng.choice(types))
            for n in range(members)
        ],
        batch_size=2000,
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                community=rng.choice(made),
                level=rng.choices(["core", "active", "peripheral"], [1, 2, 7])[0],
            )
            for user in users
        ],
        batch_size=2000,
    )
    for membership in memberships:
        membership.created_at = past()
    Membership.objects.bulk_update(memberships, ["created_at"], batch_size=2000)
    thread_rows = Thread.objects.bulk_create(
        [
            Thread(community=rng.choice(made), title="T", body="B", author=rng.choice(users))
            for _ in range(threads)
        ],
        batch_size=2000,
    )
    for thread in thread_rows:
        thread.created_at = past()
    Thread.objects.bulk_update(thread_rows, ["created_at"], batch_size=2000)
    posts = Post.objects.bulk_create(
        [Post(thread=t, body="R", author=rng.choice(users)) for t in thread_rows for _ in range(2)],
        batch_size=4000,
    )
    for post in posts:
        post.created_at = past()
    Post.objects.bulk_update(posts, ["created_at"], batch_size=4000)
    KnowledgeItem.objects.bulk_create(
        [
            KnowledgeItem(
                community=rng.choice(made),
                title="I",
                summary="S",
                kind=rng.choice(KnowledgeItem.Kind.values),
                status="published",
                published_at=past(),
            )
            for _ in range(threads // 5)
        ],
        batch_size=2000,
    )
    events = Event.objects.bulk_create(
        [
            Event(community=c, title="E", starts_at=now, ends_at=now + timedelta(hours=1))
            for c in made
        ]
    )
    occurrences = EventOccurrence.objects.bulk_create(
        [
            EventOccurrence(event=e, position=p, starts_at=when, ends_at=when + timedelta(hours=1))
            for e in events
            for p, when in enumerate(sorted(past() for _ in range(6)))
        ],
        batch_size=2000,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(occurrence=o, user=u)
            for o in occurrences
            for u in rng.sample(users, k=min(len(users), 8))
        ],
        batch_size=4000,
        ignore_conflicts=True,
    )
    BrokerageEvent.objects.bulk_create(
        [
            BrokerageEvent(
                kind=rng.choice(BrokerageEvent.Kind.values),
                source_community=rng.choice(made),
                target_community=rng.choice(made),
                created_at=past(),
            )
            for _ in range(communities * 4)
        ]
    )
    ValueStory.objects.bulk_create(
        [
            ValueStory(
                community=rng.choice(made),
                title="V",
                applied="A",
                changed="C",
                value_type=rng.choice(ValueStory.ValueType.values),
                status="confirmed",
            )
            for _ in range(communities * 2)
        ]
    )
    facilitators = users[:20]
    WorkLogEntry.objects.bulk_create(
        [
            WorkLogEntry(
                facilitator=rng.choice(facilitators),
                community=rng.choice([None, *made]),
                kind=rng.choice(WorkLogEntry.Kind.values),
                description="W",
                minutes=rng.randint(10, 120),
                occurred_on=past().date(),
            )
            for _ in range(communities * 10)
        ]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return User.objects.create_user(
        email="leader.bench@example.org", password=None, platform_role="leader"
    )


def _median_ms(fn, runs=5):
    fn()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=250)
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=20000)
    args = parser.parse_args()

    setup_test_environment()
    # Time the templates as a server renders them, without the test instrumentation.
    from django.template.base import Template
    from django.test import utils as test_utils

    Template._render = test_utils._TestState.saved_data.template_render
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.test import Client

        from facilitation.reports import selectors
        from facilitation.reports.forms import default_range

        start = time.perf_counter()
        leader = _fill(args.communities, args.members, args.threads)
        print(f"filled in {time.perf_counter() - start:.1f} s")
        first, last = default_range()

        def selectors_only():
            options = selectors.filter_options(user=leader)
            filters = selectors.ReportFilters(date_from=first, date_to=last)
            return selectors.leader_report(user=leader, filters=filters, options=options)

        client = Client()
        client.force_login(leader)

        def page():
            response = client.get("/reports/")
            if response.status_code != 200:
                raise SystemExit(f"the report answered {response.status_code}")

        with CaptureQueriesContext(connection) as queries:
            selectors_only()
        # Copied now: each request through the client clears the connection's log.
        captured = list(queries.captured_queries)
        selector_queries = len(captured)
        print(
            f"{connection.vendor}: {args.communities} communities, {args.members} members, "
            f"{args.threads} threads ({2 * args.threads} replies)"
        )
        print(
            f"  report selectors: {_median_ms(selectors_only):8.1f} ms, {selector_queries} queries"
        )
        print(f"  report page:      {_median_ms(page):8.1f} ms (23 queries, pinned by the tests)")
        slowest = sorted(captured, key=lambda q: -float(q["time"]))[:4]
        for query in slowest:
            print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
