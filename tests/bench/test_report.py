"""The benchmark's arithmetic and table (bench/report.py, bench/run.py's helpers):
pure functions, checked without running any benchmark."""

import pytest

from bench import report, run

X = "\N{MULTIPLICATION SIGN}"  # the table writes ratios to the floor with it


def _page(label, queries=5, median=10.0, p95=12.0, kind="member", **extra):
    return {
        "label": label,
        "kind": kind,
        "status": 200,
        "queries": queries,
        "median_ms": median,
        "p95_ms": p95,
        **extra,
    }


def _digest(reads=(10, 10, 10), writes=(2, 5, 81)):
    # As bench/digest_throughput.py writes it, read back from JSON (string keys).
    return {
        "kind": "digest_weekly",
        "workers": 2,
        "queries": {
            size: {"queries": r + w, "reads": r, "writes": w}
            for size, r, w in zip(("1", "10", "100"), reads, writes, strict=True)
        },
        "batched": {
            "members": 10000,
            "members_per_second": 190.4,
            "members_per_second_per_worker": 95.2,
            "projected_100k_seconds": 525,
        },
    }


def test_summary_gives_the_median_and_the_95th_percentile():
    times = [float(n) for n in range(1, 101)]

    assert report.summary(times) == {"median_ms": 50.5, "p95_ms": 95.0}
    assert report.summary([7.0]) == {"median_ms": 7.0, "p95_ms": 7.0}
    with pytest.raises(ValueError):
        report.summary([])


def test_ratio_to_the_floor():
    assert report.ratio(25.0, 5.0) == 5.0
    # Three decimals: the S→M growth is a ratio of two of these.
    assert report.ratio(7.0, 3.0) == 2.333
    assert report.ratio(None, 5.0) is None
    assert report.ratio(5.0, 0) is None


def test_query_budgets_by_kind_of_page():
    assert report.query_budget("member") == 12
    assert report.query_budget("dashboard") == 20
    assert report.query_budget("report") is None

    assert report.page_problems(_page("thread list", queries=12)) == []
    assert report.page_problems(_page("thread list", queries=13)) == ["13 queries > 12"]
    assert report.page_problems(_page("dashboard", kind="dashboard", queries=20)) == []
    assert report.page_problems(_page("x", status=500, queries=1)) == ["status 500"]
    assert report.page_problems(_page("report", kind="report", queries=40, median=1500.0)) == [
        "median 1500 ms > 1000 ms"
    ]
    assert report.page_problems({"label": "gone", "skipped": "no URL"}) == []


def test_sizes_must_keep_the_query_count_and_grow_at_most_a_quarter():
    small = _page("home", queries=9, median=40.0)

    assert report.compare_sizes(small, _page("home", queries=9, median=50.0)) == []
    assert report.compare_sizes(small, _page("home", queries=10, median=52.0)) == [
        "queries 9 → 10",
        "median +30%",
    ]


def test_a_deep_page_costs_at_most_twice_page_one():
    first = _page("list", queries=6, median=20.0)

    assert report.deep_problems(first, _page("list, deep", queries=6, median=40.0)) == []
    assert report.deep_problems(first, _page("list, deep", queries=7, median=41.0)) == [
        "deep page 7 queries > page 1 6",
        f"deep page 41 ms > 2{X} page 1 (20 ms)",
    ]


def test_capacity_against_the_floor_and_the_load_budgets():
    assert report.capacity_share(50.0, 5.0) == 0.1
    assert report.capacity_share(None, 5.0) is None
    load = {
        "errors": 0,
        "routes": [
            {"name": "floor", "kind": "floor", "capacity_share": 1.0},
            {"name": "thread page", "kind": "top", "capacity_share": 0.10},
            {"name": "community home", "kind": "top", "capacity_share": 0.08},
            {"name": "facilitator dashboard", "kind": "dashboard", "capacity_share": 0.05},
        ],
    }

    assert report.throughput_problems(load) == ["community home: 8% of the floor's capacity < 10%"]
    assert report.throughput_problems({**load, "routes": [], "errors": 3}) == [
        "3 errors under load"
    ]


def _results():
    floor = _page("floor", kind="floor", queries=3, median=5.0, floor_ratio=1.0)
    return {
        "sizes": {
            "S": {
                "pages": [
                    floor,
                    _page("thread list", queries=6, median=20.0, floor_ratio=4.0),
                    _page(
                        "thread list, deep",
                        queries=6,
                        median=30.0,
                        floor_ratio=6.0,
                        deep_of="thread list",
                    ),
                ],
                "load": {"skipped": "--no-load"},
                "digest": _digest(),
            },
            "M": {
                "pages": [
                    floor,
                    _page("thread list", queries=7, median=30.0, floor_ratio=6.0),
                    _page(
                        "thread list, deep",
                        queries=7,
                        median=90.0,
                        floor_ratio=18.0,
                        deep_of="thread list",
                    ),
                ],
                "load": {
                    "users": 50,
                    "duration_s": 60,
                    "workers": 2,
                    "total_rps": 123.4,
                    "errors": 0,
                    "routes": [
                        {
                            "name": "floor",
                            "kind": "floor",
                            "requests": 600,
                            "rps": 10.0,
                            "errors": 0,
                            "p95_ms": 40.0,
                            "server_median_ms": 5.0,
                            "capacity_share": 1.0,
                        }
                    ],
                },
                "digest": _digest(),
            },
        }
    }


def test_the_budget_report_names_every_broken_budget():
    assert report.budget_report(_results()) == [
        f"M thread list, deep: deep page 90 ms > 2{X} page 1 (30 ms)",
        "S→M thread list: queries 6 → 7",
        f"S→M thread list: {X}floor +50% (median +50%)",
        "S→M thread list, deep: queries 6 → 7",
        f"S→M thread list, deep: {X}floor +200% (median +200%)",
    ]


def test_the_table_shows_the_sizes_side_by_side_then_the_load():
    table = report.render_table(_results())
    lines = table.splitlines()

    assert lines[0].split() == [
        "page",
        *("S", "queries", "S", "median", "S", "p95", "S", f"{X}floor", "S", "budget"),
        *("M", "queries", "M", "median", "M", "p95", "M", f"{X}floor", "M", "budget"),
    ]
    row = next(line for line in lines if line.startswith("thread list "))
    assert row.split() == [
        *("thread", "list", "6", "20.0", "ms", "12.0", "ms", f"4.0{X}", "ok"),
        *("7", "30.0", "ms", "12.0", "ms", f"6.0{X}", "ok"),
    ]
    assert "Load at S: skipped (--no-load)" in table
    assert "Load at M: 50 users, 60 s, 2 gunicorn workers: 123.4 requests/s, 0 errors" in table
    assert "Budgets broken:" in table
    assert "  - S→M thread list: queries 6 → 7" in lines


def test_a_clean_run_says_so():
    results = _results()
    del results["sizes"]["M"]

    assert report.render_table(results).endswith("Budgets: all held.")


def test_each_size_has_its_own_database_on_the_same_server():
    assert (
        run.database_url("postgres://me:pw@db.local:5433/postgres", "copplatform_bench_m")
        == "postgres://me:pw@db.local:5433/copplatform_bench_m"
    )


def test_the_seed_marker_changes_with_the_size_and_the_seed():
    assert run.fingerprint("S", 2026) == run.fingerprint("S", 2026)
    assert run.fingerprint("S", 2026) != run.fingerprint("M", 2026)
    assert run.fingerprint("S", 2026) != run.fingerprint("S", 7)


def test_locust_stats_become_routes_with_their_capacity_against_the_floor(tmp_path):
    stats = tmp_path / "locust_stats.csv"
    stats.write_text(
        "Type,Name,Request Count,Failure Count,95%\n"
        "GET,floor,600,0,40\n"
        "GET,thread page,300,2,200\n"
        ",Aggregated,900,2,150\n"
    )

    routes = run.routes_from_csv(
        stats, {"floor": [4.0, 5.0, 6.0], "thread page": [40.0, 50.0, 60.0]}, duration=60
    )

    assert routes == [
        {
            "name": "floor",
            "kind": "floor",
            "requests": 600,
            "errors": 0,
            "rps": 10.0,
            "p95_ms": 40.0,
            "server_median_ms": 5.0,
            "capacity_share": 1.0,
        },
        {
            "name": "thread page",
            "kind": "top",
            "requests": 300,
            "errors": 2,
            "rps": 5.0,
            "p95_ms": 200.0,
            "server_median_ms": 50.0,
            "capacity_share": 0.1,
        },
    ]


def test_without_postgresql_the_benchmark_stops_with_a_clear_message():
    with pytest.raises(SystemExit, match="make bench needs PostgreSQL"):
        run.require_postgres("sqlite:///var/db.sqlite3")
    with pytest.raises(SystemExit, match=r"could not reach it at 127\.0\.0\.1:1 "):
        run.require_postgres("postgres://nobody@127.0.0.1:1/postgres")


def test_sizes_compare_their_ratios_to_the_floor_when_both_have_one():
    # M timed on a busier machine: its median grew 60%, its floor as much.
    small = _page("home", median=40.0, floor_ratio=8.0)

    assert report.compare_sizes(small, _page("home", median=64.0, floor_ratio=8.8)) == []
    assert report.compare_sizes(small, _page("home", median=64.0, floor_ratio=10.4)) == [
        f"{X}floor +30% (median +60%)"
    ]


def test_sql_statements_are_counted_as_reads_and_writes_without_transaction_control():
    statements = [
        "BEGIN",
        'SELECT "membership_deliveryrecord"."id" FROM "membership_deliveryrecord"',
        'SAVEPOINT "s1_x1"',
        'UPDATE "membership_deliveryrecord" SET "updated_at" = NULL',
        'RELEASE SAVEPOINT "s1_x1"',
        '  INSERT INTO "x" VALUES (1)',
        'DELETE FROM "x"',
        "WITH recent AS (SELECT 1) SELECT * FROM recent",
        "WITH gone AS (DELETE FROM x RETURNING id) SELECT count(*) FROM gone",
        "COMMIT",
        "ROLLBACK",
    ]

    assert report.count_statements(statements) == {"reads": 2, "writes": 4}
    assert report.count_statements([]) == {"reads": 0, "writes": 0}


def test_digest_reads_stay_within_the_budget_and_constant_writes_are_free():
    assert report.digest_problems(_digest()) == []
    # Int keys, as the script holds them before writing its JSON.
    digest = _digest()
    digest["queries"] = {int(size): row for size, row in digest["queries"].items()}
    assert report.digest_problems(digest) == []


def test_digest_reads_over_the_budget_or_growing_with_the_batch_break_it():
    assert report.digest_problems(_digest(reads=(9, 10, 11))) == [
        "batch of 100: 11 reads > 10",
        "reads grow with the batch: 9 for 1, 10 for 10, 11 for 100",
    ]
    assert report.digest_problems(_digest(reads=(3, 4, 4))) == [
        "reads grow with the batch: 3 for 1, 4 for 10, 4 for 100"
    ]


def test_missing_or_failed_digest_figures_are_a_broken_budget():
    failed = {"exit": 1, "output": "Traceback …\nSystemExit: Fewer than 1,000 members here.\n"}
    # A results file from before reads and writes were recorded.
    old = _digest()
    old["queries"] = {"100": {"queries": 91}}

    assert report.digest_problems(None) == ["no digest figures"]
    assert report.digest_problems(failed) == [
        "digest run failed (exit 1): SystemExit: Fewer than 1,000 members here."
    ]
    assert report.digest_problems({"exit": -9, "output": ""}) == [
        "digest run failed (exit -9): no output"
    ]
    assert report.digest_problems({"kind": "digest_weekly"}) == [
        "digest figures incomplete (no queries per batch or no timed run)"
    ]
    assert report.digest_problems(old) == ["batch of 100: reads not recorded (91 queries)"]


def test_the_budget_report_and_the_table_give_the_digests_per_size():
    results = _results()
    del results["sizes"]["M"]
    table = report.render_table(results)

    assert (
        "Digests at S: digest_weekly, 10,000 members: 190.4 members/s, 95.2 per worker "
        "(2 workers); 100,000 members in ~525 s; a batch of 1/10/100: 10/10/10 reads, "
        "2/5/81 writes (a claim per email, by design)"
    ) in table.splitlines()
    assert table.endswith("Budgets: all held.")

    results["sizes"]["M"] = {"pages": [], "digest": {"exit": 1, "output": "boom"}}
    results["sizes"]["S"]["digest"] = _digest(reads=(10, 10, 12))
    assert report.budget_report(results) == [
        "S digests: batch of 100: 12 reads > 10",
        "S digests: reads grow with the batch: 10 for 1, 10 for 10, 12 for 100",
        "M digests: digest run failed (exit 1): boom",
    ]
    assert "Digests at M: digest run failed (exit 1): boom" in report.render_table(results)


def test_the_digest_hook_sends_real_weekly_digests_to_a_fixed_number_of_members(tmp_path):
    command = run.digest_command(tmp_path / "digest-S.json", members=10000)

    assert command[1:] == [
        str(run.DIGEST_SCRIPT),
        *("--kind", "digest_weekly", "--window-days", "7"),
        *("--members", "10000", "--baseline-members", "500"),
        *("--json", str(tmp_path / "digest-S.json")),
    ]
    assert run.digest_command(tmp_path / "d.json", members=2000)[-3] == "200"


def test_the_digest_run_needs_at_least_the_scripts_thousand_members(monkeypatch, capsys):
    monkeypatch.setenv("BENCH_DIGEST_MEMBERS", "500")

    with pytest.raises(SystemExit):
        run.main([])
    assert "must be at least 1000" in capsys.readouterr().err
