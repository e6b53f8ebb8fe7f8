"""Real processes for the fault and load tests: a private PostgreSQL cluster (so it can
be stopped without touching the machine's), the site under gunicorn with
production-like settings, and a few threads of browsing and posting that record
when each request started and ended and how it was answered.

Nothing here imports pytest; the fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from ..notifications.email.workers import REPO_ROOT, log_tail, wait_for

# --- a private PostgreSQL cluster -----------------------------------------------------


def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL server binaries, if any are installed."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """initdb + pg_ctl on a private port, with its data and socket in a temporary
    folder. Run as the `postgres` OS user when this process is root (the server
    refuses to run as root). No fsync (the cluster is thrown away afterwards; a
    killed server loses nothing the OS holds), but commits stay synchronous: with
    synchronous_commit off, a crash loses replies the site already answered for."""

    def __init__(self, port: int):
        self.port = port
        self.bin = postgres_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="copplatform-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, user="postgres", group="postgres")

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, timeout=timeout, capture_output=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> PrivatePostgres:
        self._run(
            *("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-N"),
            *("-E", "UTF8", "--locale=C.UTF-8"),
        )
        return self

    def start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1",
                "-c fsync=off -c full_page_writes=off",
                "-c max_connections=40 -c jit=off",
            ]
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: the server processes die at once, as in a crash; every client
        connection is cut and new ones are refused."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def load(self, source_url: str, database: str, env: dict) -> None:
        """A new database here holding a copy of `source_url` (schema and rows)."""
        psql = [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        subprocess.run([*psql, "-qc", f'CREATE DATABASE "{database}"'], check=True, env=env)
        dump = subprocess.Popen(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", "-d", source_url],
            stdout=subprocess.PIPE,
            env=env,
        )
        subprocess.run(
            [*psql, "-q", "-v", "ON_ERROR_STOP=1", "-d", database],
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            check=True,
            env=env,
        )
        dump.stdout.close()
        if dump.wait(timeout=60) != 0:
            raise RuntimeError("pg_dump failed")

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the site under gunicorn -----------------------------------------------------------


class Site:
    """gunicorn (sync workers, one per core) on loopback, settings as in production
    where they matter here: DEBUG off, persistent database connections checked before
    reuse (CONN_MAX_AGE, CONN_HEALTH_CHECKS), Redis as cache and Celery broker."""

    def __init__(self, port: int, *, database_url: str, redis_url: str, workers: int = 2):
        self.port = port
        self.workers = workers
        self.dir = Path(tempfile.mkdtemp(prefix="copplatform-site-"))
        (self.dir / "staticfiles").mkdir()
        self.log = self.dir / "gunicorn.log"
        env = {key: value for key, value in os.environ.items() if key != "CACHE_URL"}
        self.env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "copplatform.settings.base",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "CONN_MAX_AGE": "60",
            "CONN_HEALTH_CHECKS": "true",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "DATA_DIR": str(self.dir),
            "BENCH_FLOOR_PAGE": "true",
            "QUERY_TIMING": "false",
            "LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Site:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *(str(Path(sys.executable).with_name("gunicorn")), "copplatform.wsgi"),
                    *("--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)),
                    *("--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning"),
                    "--preload",  # Django is imported once, before the workers fork
                ],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def answers() -> bool:
            try:
                return get(self.port, "/accounts/login/").status == 200
            except OSError:
                return False

        if not wait_for(answers, timeout=60, interval=0.3):
            log = self.tail()
            self.close()
            raise RuntimeError(f"gunicorn did not answer:\n{log}")
        return self

    def tail(self, lines: int = 40) -> str:
        return log_tail(self.log, lines)

    def close(self) -> None:
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)


# --- requests ----------------------------------------------------------------------------

# A client may send the unmasked CSRF secret as the token; the test picks its own.
CSRF_SECRET = "faults" + "0" * 26


@dataclass
class Answer:
    status: int
    body: str
    headers: dict


def request(port, method, path, *, cookie="", form=None, timeout=10.0) -> Answer:
    """One request on a fresh connection (gunicorn's sync workers close each one),
    never following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Cookie": f"csrftoken={CSRF_SECRET}; {cookie}".rstrip("; ")}
    body = None
    if form is not None:
        body = urlencode({**form, "csrfmiddlewaretoken": CSRF_SECRET})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read().decode(errors="replace"), response.headers)
    finally:
        connection.close()


def get(port, path, **kwargs) -> Answer:
    return request(port, "GET", path, **kwargs)


def post(port, path, form, **kwargs) -> Answer:
    return request(port, "POST", path, form=form, **kwargs)


# --- a few threads of browsing and posting -------------------------------------------


@dataclass
class Outcome:
    kind: str  # "browse" or "post"
    path: str
    started: float  # time.monotonic()
    ended: float
    status: int | None  # None: no answer (refused, reset or timed out)
    error: str = ""
    marker: str = ""
    unavailable_page: bool = False  # the 503 page, not a traceback or a blank 500

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


@dataclass
class World:
    """What the load needs: a session cookie per member, pages to read and threads
    to reply to."""

    cookie_name: str
    sessions: list[str]
    pages: list[str]
    reply_paths: list[str]
    extra: dict = field(default_factory=dict)


MARKER = re.compile(r"fault-marker-[0-9a-f]{32}")
UNAVAILABLE_TITLE = "Briefly unavailable"


class Load:
    """`threads` simulated members, each reading a page then, one time in `post_every`,
    replying with a unique marker, `pause` seconds apart, until stopped."""

    def __init__(self, port, world: World, *, threads=4, post_every=3, pause=0.05):
        self.port = port
        self.world = world
        self.threads = threads
        self.post_every = post_every
        self.pause = pause
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def _one(self, kind, path, cookie, form=None, marker=""):
        started = time.monotonic()
        try:
            answer = request(self.port, "POST" if form else "GET", path, cookie=cookie, form=form)
        except (OSError, http.client.HTTPException) as error:
            outcome = Outcome(kind, path, started, time.monotonic(), None, repr(error), marker)
        else:
            outcome = Outcome(
                kind,
                path,
                started,
                time.monotonic(),
                answer.status,
                marker=marker,
                unavailable_page=answer.status == 503 and UNAVAILABLE_TITLE in answer.body,
            )
        with self._lock:
            self.outcomes.append(outcome)

    def _member(self, number: int):
        chooser = random.Random(number)  # noqa: S311 (a test's choice of page)
        session = self.world.sessions[number % len(self.world.sessions)]
        cookie = f"{self.world.cookie_name}={session}"
        step = 0
        while not self._stop.is_set():
            step += 1
            if step % self.post_every == 0:
                marker = f"fault-marker-{uuid.uuid4().hex}"
                path = chooser.choice(self.world.reply_paths)
                self._one("post", path, cookie, {"body": f"Load reply {marker}"}, marker)
            else:
                self._one("browse", chooser.choice(self.world.pages), cookie)
            self._stop.wait(self.pause)

    def start(self) -> Load:
        for number in range(self.threads):
            worker = threading.Thread(target=self._member, args=(number,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> list[Outcome]:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=30)
        return sorted(self.outcomes, key=lambda outcome: outcome.started)

    def count(self) -> int:
        with self._lock:
            return len(self.outcomes)

    def wait_for_replies_within(self, since: float, replies: int, timeout: float = 60) -> None:
        """Until `replies` replies started and were answered after `since`."""

        def done() -> int:
            with self._lock:
                return sum(o.kind == "post" and o.started >= since for o in self.outcomes)

        if not wait_for(lambda: done() >= replies, timeout=timeout, interval=0.05):
            raise AssertionError(f"only {done()} replies were answered in the window")

    def wait_for_requests(self, more: int, timeout: float = 60) -> None:
        target = self.count() + more
        if not wait_for(lambda: self.count() >= target, timeout=timeout, interval=0.05):
            raise AssertionError(f"the load stalled at {self.count()} requests")


def posted_markers(outcomes: list[Outcome]) -> set[str]:
    """Markers of the replies the site answered with success (a redirect to them)."""
    return {o.marker for o in outcomes if o.kind == "post" and o.status == 302}


def summary(outcomes: list[Outcome]) -> str:
    statuses: dict = {}
    for outcome in outcomes:
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items(), key=str))


ARTIFACTS = REPO_ROOT / "artifacts" / "faults"


def record(name: str, text: str) -> None:
    """Print a test's numbers and keep them in artifacts/faults/<name>.txt: under
    xdist (CI) nothing a passing test prints is shown."""
    print(f"\n{text}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.txt").write_text(text + "\n")
