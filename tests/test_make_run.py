"""`make run`, the README's first command, serves the site with a worker and beat.

It runs on the embedded defaults (SQLite and the filesystem broker) in a fresh data
folder, whatever services the surrounding environment configures.
"""

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import port_for

pytestmark = pytest.mark.services

REPO = Path(__file__).resolve().parent.parent
SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CACHE_URL", "DEBUG")


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def test_make_run_serves_the_home_page_with_a_running_worker_and_beat(tmp_path):
    port = port_for(18700)
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(DATA_DIR=str(tmp_path), CELERY_HEARTBEAT_SECONDS="1")
    log = (tmp_path / "make-run.log").open("w+")
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        home = health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                home = _get(base + "/")
                health = json.loads(_get(base + "/healthz")[1])
                if health["checks"]["last_worker_heartbeat"]:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        log.seek(0)
        output = log.read()

        assert home is not None, f"the site never answered:\n{output[-3000:]}"
        assert home[0] == 200
        assert "Open communities" in home[1]
        assert health["status"] == "ok"
        assert health["checks"]["last_worker_heartbeat"], f"no heartbeat:\n{output[-3000:]}"
        assert f"Open http://127.0.0.1:{port}/" in output
        assert "facilitator@example.org" in output
        assert (tmp_path / "db.sqlite3").exists()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
