"""`make bench`: issue #8's benchmark, end to end, on PostgreSQL.

    .venv/bin/python bench/run.py [--sizes S,M] [--runs 30] [--duration 60] [--users 50]
        [--workers 2] [--digest-members 10000] [--no-load] [--out bench/results/<date>.json]

For each size: makes sure database `copplatform_bench_<size>` exists, is migrated
and holds that size's scale data set (seeded once; a marker table in the database
records the fingerprint of the migrations, the generator and the seed, and a
mismatch re-seeds); times every key page in a child process (bench/pages.py); runs
gunicorn on loopback with locust headless against it (bench/locustfile.py); runs
the digest throughput hook (bench/digest_throughput.py, when it exists: real weekly
digests for the first --digest-members members). Then writes
the JSON and prints the table (bench/report.py) with the sizes side by side.

BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the
server and a database to connect to for creating the benchmark's own; nothing else
on that server is touched.
"""

import argparse
import csv
import datetime
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
SEED = 2026
MARKER_TABLE = "bench_seed_marker"
DIGEST_SCRIPT = ROOT / "bench" / "digest_throughput.py"
# The same number of members at every size, so S and M time the same work and the
# bench stays minutes long (every member of M took ~9 minutes under load).
DIGEST_MEMBERS = 10_000
DIGEST_BASELINE_MEMBERS = 500  # one task per member, for comparison
# Settings for every child process: production-like (DEBUG off, real middleware
# stack), the Server-Timing header on, the floor page routed, a per-process cache.
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "copplatform.settings.base",
    "DEBUG": "false",
    "QUERY_TIMING": "true",
    "BENCH_FLOOR_PAGE": "true",
    "CACHE_URL": "locmemcache://",
    "LOG_LEVEL": "WARNING",
    "CONN_MAX_AGE": "60",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}


class BenchError(SystemExit):
    pass


def database_url(server_url: str, name: str) -> str:
    return urlunparse(urlparse(server_url)._replace(path=f"/{name}"))


def connect(url: str):
    import psycopg2

    parts = urlparse(url)
    return psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname=parts.path.lstrip("/"),
        connect_timeout=5,
    )


def require_postgres(server_url: str) -> None:
    if not server_url.startswith(("postgres://", "postgresql://")):
        raise BenchError(f"make bench needs PostgreSQL: BENCH_DATABASE_URL={server_url!r}")
    try:
        connect(server_url).close()
    except Exception as error:
        raise BenchError(
            "make bench needs PostgreSQL and could not reach it at "
            f"{urlparse(server_url).hostname}:{urlparse(server_url).port or 5432} ({error}).\n"
            "Start PostgreSQL or set BENCH_DATABASE_URL=postgres://user@host:port/postgres."
        ) from error


def fingerprint(size: str, seed: int) -> str:
    """What the seeded data depends on: every migration, the generator, size and seed."""
    digest = hashlib.sha256(f"{size}:{seed}".encode())
    files = sorted(ROOT.glob("*/migrations/*.py")) + sorted(ROOT.glob("*/*/migrations/*.py"))
    files += [ROOT / "facilitation" / "scale.py", ROOT / "facilitation" / "bulkload.py"]
    for path in files:
        if ".venv" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def child_env(url: str, **extra) -> dict:
    return {**os.environ, **BENCH_ENV, "DATABASE_URL": url, **extra}


def prepare(server_url: str, size: str, seed: int) -> str:
    """The database for `size`, created, migrated and seeded unless the marker says
    it already is at this fingerprint."""
    name = f"copplatform_bench_{size.lower()}"
    url = database_url(server_url, name)
    admin = connect(server_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"[{size}] creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    wanted = fingerprint(size, seed)
    connection = connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(id int PRIMARY KEY, size text, seed int, fingerprint text, seeded_at timestamptz)"
        )
        cursor.execute(f"SELECT fingerprint FROM {MARKER_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    if row and row[0] == wanted:
        print(f"[{size}] {name}: already seeded at this migration and seed")
        connection.close()
        return url
    env = child_env(url)
    print(f"[{size}] {name}: migrating and seeding (M takes a few minutes)")
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [PYTHON, "manage.py", "seed_scale", "--size", size, "--seed", str(seed)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (1, %s, %s, %s, now()) ON CONFLICT (id) "
            "DO UPDATE SET size = EXCLUDED.size, seed = EXCLUDED.seed, "
            "fingerprint = EXCLUDED.fingerprint, seeded_at = EXCLUDED.seeded_at",
            [size, seed, wanted],
        )
        # The load's pages written out now, not by a checkpoint during the timing.
        cursor.execute("CHECKPOINT")
    connection.close()
    print(f"[{size}] seeded in {time.perf_counter() - started:.0f} s")
    return url


def measure_pages(url: str, size: str, runs: int, workdir: Path) -> dict:
    out, sessions = workdir / f"pages-{size}.json", workdir / f"sessions-{size}.json"
    print(f"[{size}] timing pages ({runs} requests each)")
    subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "pages.py"),
            "--runs",
            str(runs),
            "--out",
            str(out),
            "--sessions",
            str(sessions),
        ],
        cwd=ROOT,
        env=child_env(url),
        check=True,
    )
    return json.loads(out.read_text())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            time.sleep(0.3)
    raise BenchError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def routes_from_csv(stats_csv: Path, server_times: dict, duration: float) -> list[dict]:
    """Locust's per-route stats, with the median server time under load and the
    route's capacity as a share of the floor's."""
    kinds = {
        "community home": "top",
        "thread list": "top",
        "thread page": "top",
        "facilitator dashboard": "dashboard",
        "floor": "floor",
    }
    routes = []
    with stats_csv.open() as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            times = server_times.get(row["Name"]) or []
            routes.append(
                {
                    "name": row["Name"],
                    "kind": kinds.get(row["Name"], ""),
                    "requests": int(row["Request Count"]),
                    "errors": int(row["Failure Count"]),
                    "rps": round(int(row["Request Count"]) / duration, 1),
                    "p95_ms": float(row["95%"]),
                    "server_median_ms": report.summary(times)["median_ms"] if times else None,
                }
            )
    floor = next((route for route in routes if route["name"] == "floor"), None)
    for route in routes:
        route["capacity_share"] = report.capacity_share(
            route["server_median_ms"], floor and floor["server_median_ms"]
        )
    return routes


def measure_load(
    url: str, size: str, workdir: Path, *, users: int, duration: int, workers: int
) -> dict:
    sessions = workdir / f"sessions-{size}.json"
    port = free_port()
    env = child_env(url, ALLOWED_HOSTS="127.0.0.1")
    print(f"[{size}] load: gunicorn ({workers} workers), locust {users} users for {duration} s")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "copplatform.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        prefix = workdir / f"locust-{size}"
        times_file = workdir / f"server-times-{size}.json"
        started = time.perf_counter()
        locust_log = (workdir / f"locust-{size}.log").open("w")
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{duration}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "BENCH_SESSIONS": str(sessions),
                "BENCH_SERVER_TIMES": str(times_file),
            },
            check=False,  # locust exits 1 when any request failed: counted below
            stdout=subprocess.DEVNULL,
            stderr=locust_log,  # its own summary: the table below says it
        )
        elapsed = time.perf_counter() - started
        locust_log.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    server_times = json.loads(times_file.read_text()) if times_file.exists() else {}
    routes = routes_from_csv(Path(f"{prefix}_stats.csv"), server_times, duration)
    return {
        "users": users,
        "duration_s": duration,
        "elapsed_s": round(elapsed, 1),
        "workers": workers,
        "total_rps": round(sum(route["requests"] for route in routes) / duration, 1),
        "errors": sum(route["errors"] for route in routes),
        "routes": routes,
    }


def digest_command(out: Path, members: int = DIGEST_MEMBERS) -> list[str]:
    """Real weekly digests (a daily run has nothing to say to members on the weekly
    default) for the first `members` members, and a tenth as many, at most
    DIGEST_BASELINE_MEMBERS, one task per member."""
    return [
        PYTHON,
        str(DIGEST_SCRIPT),
        *("--kind", "digest_weekly", "--window-days", "7"),
        *("--members", str(members)),
        *("--baseline-members", str(min(DIGEST_BASELINE_MEMBERS, max(members // 10, 1)))),
        *("--json", str(out)),
    ]


def digest_throughput(
    url: str, size: str, workdir: Path, members: int = DIGEST_MEMBERS
) -> dict | None:
    """Hook for digest throughput (members per second per worker): runs
    bench/digest_throughput.py, when that file exists, as `digest_command()` on the
    size's database, and returns the JSON object it wrote (or its output, when it
    wrote none)."""
    if not DIGEST_SCRIPT.exists():
        return None
    out = workdir / f"digest-{size}.json"
    print(f"[{size}] digest throughput ({DIGEST_SCRIPT.name}, {members:,} members)")
    finished = subprocess.run(
        digest_command(out, members),
        cwd=ROOT,
        # The script runs with the settings it was written for (the test settings:
        # its Celery queue, eager mode off for its real workers), on this database.
        env=child_env(url, DJANGO_SETTINGS_MODULE="copplatform.settings.test"),
        capture_output=True,
        text=True,
        check=False,
    )
    if out.exists():
        return json.loads(out.read_text())
    return {"exit": finished.returncode, "output": (finished.stdout + finished.stderr)[-2000:]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "S,M"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 30)))
    parser.add_argument(
        "--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 60)), help="s"
    )
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", 50)))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument(
        "--digest-members",
        type=int,
        default=int(os.environ.get("BENCH_DIGEST_MEMBERS", DIGEST_MEMBERS)),
        help="members sent a weekly digest at each size",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-load", action="store_true", help="pages only, no load run")
    parser.add_argument("--out", help="default bench/results/<date>.json")
    args = parser.parse_args(argv)
    if args.digest_members < 1000:
        # digest_throughput.py refuses to run on fewer than 1,000 members.
        parser.error("--digest-members (BENCH_DIGEST_MEMBERS) must be at least 1000")

    server_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_SERVER)
    require_postgres(server_url)
    # WhiteNoise looks for STATIC_ROOT at start-up (as `make run` makes it).
    (ROOT / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)
    sizes = [size.strip().upper() for size in args.sizes.split(",") if size.strip()]
    started = datetime.datetime.now(datetime.UTC)
    results = {
        "started_at": started.isoformat(timespec="seconds"),
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
        "settings": {key: value for key, value in vars(args).items() if key != "out"},
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="copplatform-bench-") as tmp:
        workdir = Path(tmp)
        for size in sizes:
            url = prepare(server_url, size, args.seed)
            # The machine is shared: the load average before each stage says how busy
            # it was (read the pages as ratios to the floor measured alongside).
            load_average = {"pages": os.getloadavg()}
            data = measure_pages(url, size, args.runs, workdir)
            load_average["load"] = os.getloadavg()
            if args.no_load:
                data["load"] = {"skipped": "--no-load"}
            else:
                data["load"] = measure_load(
                    url,
                    size,
                    workdir,
                    users=args.users,
                    duration=args.duration,
                    workers=args.workers,
                )
            load_average["digest"] = os.getloadavg()
            data["digest"] = digest_throughput(url, size, workdir, args.digest_members)
            load_average["end"] = os.getloadavg()
            data["load_average"] = load_average
            results["sizes"][size] = data
    results["budgets_broken"] = report.budget_report(results)
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"{started:%Y-%m-%d}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(report.render_table(results))
    print(f"\nWritten to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    main()
