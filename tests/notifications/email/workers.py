"""Real processes for the delivery engine's fault tests and its benchmark: a Celery
worker in a process of its own (so its children can be killed), a private Redis
(so it can be restarted) and an SMTP sink that counts what each address received.

The test settings list this module in NOTIFICATIONS_EXTRA_BUILDER_MODULES, so the
stand-in kind of email below is registered in the worker processes too. It imports
nothing from pytest: a worker loads it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from membership.notifications import delivery
from membership.notifications.delivery import Email

REPO_ROOT = Path(__file__).resolve().parents[3]

# A kind of email with no content of its own (one query-free line per member), for
# tests about delivery rather than content.
STAND_IN_KIND = "engine_stand_in"


@delivery.register(STAND_IN_KIND)
def _stand_in(records):
    return {
        record.pk: Email("emails/engine_test", {"line": f"hello {record.user_id}"})
        for record in records
    }


def wait_for(condition, timeout=30.0, interval=0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


# --- the SMTP sink ------------------------------------------------------------------


class _Counting:
    """aiosmtpd handler: counts the messages each recipient received, optionally
    taking `delay` seconds over each RCPT (between the claim and the message, where
    a kill leaves the record claimed and the member without it)."""

    def __init__(self, delay: float):
        self.delay = delay
        self.counts: Counter[str] = Counter()
        self.total = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            self.counts[address.lower()] += 1
        self.total += 1
        return "250 Message accepted for delivery"


class SmtpSink:
    """A real SMTP server on loopback, in a thread of this process."""

    def __init__(self, port: int, delay: float = 0.0):
        from aiosmtpd.controller import Controller

        self.port = port
        self.handler = _Counting(delay)
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=port)

    @property
    def counts(self) -> Counter[str]:
        return self.handler.counts

    @property
    def total(self) -> int:
        return self.handler.total

    def start(self) -> SmtpSink:
        # aiosmtpd logs every command at INFO: thousands of lines, and time.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


# --- a private Redis --------------------------------------------------------------


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """redis-server on loopback with no persistence: a restart loses every queued
    message, as a crash of an unpersisted broker would."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._dir = tempfile.mkdtemp(prefix="copplatform-redis-")
        self._process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        options = {"port": self.port, "bind": "127.0.0.1", "appendonly": "no", "dir": self._dir}
        command = ["redis-server", "--save", ""]  # no snapshots: a restart starts empty
        for name, value in options.items():
            command += [f"--{name}", str(value)]
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if not wait_for(lambda: _redis_ping(self.port), timeout=10):
            self.stop()
            raise RuntimeError(f"redis-server did not start on port {self.port}")
        return self

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = None

    def restart(self) -> None:
        """Killed and started again: whatever was queued is gone."""
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


# --- a Celery worker in a process of its own --------------------------------------------


def database_url() -> str:
    """The URL of the database this process is using (the test database under
    pytest), for a worker in another process."""
    from django.db import connection

    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    configured = os.environ.get("DATABASE_URL", "")
    if configured:
        return urlunsplit(urlsplit(configured)._replace(path="/" + quote(database["NAME"])))
    user = quote(database.get("USER") or "")
    password = quote(database.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(database['NAME'])}"


def worker_env(*, smtp_port: int, broker_url: str | None = None, **extra: str) -> dict:
    """The environment of a worker that shares this process's database, broker
    (or `broker_url`) and queue, and sends to the SMTP server on `smtp_port`."""
    from django.conf import settings

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "copplatform.settings.test",
        "TEST_CELERY_WORKER": "1",
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "PYTHONPATH": os.pathsep.join(
            [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        **extra,
    }
    broker_url = broker_url or settings.CELERY_BROKER_URL
    env["CELERY_BROKER_URL"] = broker_url
    if broker_url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        env["TEST_BROKER_DIR"] = str(Path(folder).parent)
    return env


def log_tail(path: Path, lines: int = 40) -> str:
    """The last `lines` lines of a process's log file ("" when there is none)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (name) state ppid ...": the name may hold spaces, so split after ")".
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


class WorkerProcess:
    """`celery -A copplatform worker --pool=prefork` in a session of its own, so the
    whole worker, or one of its pool children, can be killed."""

    def __init__(self, env: dict, *, queue: str, concurrency: int = 2, name: str = "fault"):
        self.env = env
        self.queue = queue
        self.concurrency = concurrency
        self.name = name
        self.log = Path(tempfile.mkstemp(prefix=f"copplatform-worker-{name}-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> WorkerProcess:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "celery", "-A", "copplatform", "worker"),
                    *("--pool=prefork", "-c", str(self.concurrency), "--prefetch-multiplier=1"),
                    *("-Q", self.queue, "-n", f"{self.name}-{os.getpid()}@%h", "-l", "INFO"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                ],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def children(self) -> list[int]:
        return _children_of(self.process.pid) if self.process else []

    def wait_until_ready(self, timeout: float = 30.0) -> None:
        """Until the pool has all its children and the consumer is connected."""

        def ready():
            return len(self.children()) >= self.concurrency and " ready." in self.tail(200)

        if not wait_for(ready, timeout, interval=0.2):
            raise RuntimeError(f"the worker did not start:\n{self.tail()}")

    def kill_child(self, *, smtp_port: int) -> int:
        """SIGKILL one pool child while it is sending (it holds a connection to the
        SMTP server on `smtp_port`), as the OOM killer would; the worker replaces it.

        Only a busy child: an idle one may be holding the pool's queue lock while it
        waits for work, and billiard cannot recover that lock from a dead child (the
        whole pool then waits forever), which is not the failure under test."""
        import psutil

        def sending() -> int | None:
            for pid in self.children():
                with suppress(psutil.Error):
                    for conn in psutil.Process(pid).net_connections(kind="tcp"):
                        if conn.raddr and conn.raddr.port == smtp_port:
                            return pid
            return None

        deadline = time.monotonic() + 10
        while (pid := sending()) is None:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no child was sending:\n{self.tail()}")
            time.sleep(0.005)
        os.kill(pid, signal.SIGKILL)
        self.kills += 1
        return pid

    def kill(self) -> None:
        """SIGKILL the worker and its children at once (a machine that dies)."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def tail(self, lines: int = 40) -> str:
        return log_tail(self.log, lines)

    def close(self) -> None:
        self.kill()
        self.log.unlink(missing_ok=True)


# --- the broker, seen from this process ----------------------------------------------


def _reset_connections(app) -> None:
    # The pools stay in kombu's registry (keyed by URL), open, for the next user of
    # that URL; the app only forgets which one it was using.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def publishing_to(app, url: str):
    """Make this process's Celery app publish to another broker for a while.

    Celery reads CELERY_BROKER_URL from the environment before its own setting, and
    may hold a broker_write_url of its own (copied at start-up, or left by a test),
    so all of them change."""
    names = ["broker_url", "broker_write_url", "broker_read_url", "broker_transport_options"]
    saved = {name: app.conf.get(name) for name in names}
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.update(
        broker_url=url,
        broker_write_url=url,
        broker_read_url=url,
        broker_transport_options={"visibility_timeout": 3600},
    )
    _reset_connections(app)
    try:
        yield
    finally:
        _reset_connections(app)
        app.conf.update(saved)
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env


def queued(app, queue: str) -> int:
    """How many messages wait in `queue` (taken but unacknowledged ones aside)."""
    with app.connection_for_write() as connection:
        try:
            return connection.default_channel.queue_declare(queue=queue, passive=True).message_count
        except connection.channel_errors:
            return 0


def purge(app, queue: str) -> None:
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
