"""The load `bench/run.py` puts on gunicorn: members browsing a community (its home,
thread list, a thread) and facilitators on their dashboard, all also loading the
floor page, with no think time. BENCH_SESSIONS names the JSON `bench/pages.py
--sessions` wrote (session cookies and paths); BENCH_SERVER_TIMES, where to write
each route's server times read from the Server-Timing header at the end.
"""

import json
import os
import re
from collections import defaultdict
from pathlib import Path

from locust import FastHttpUser, constant, events, task

SETUP = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text())
PATHS = SETUP["paths"]
TOTAL = re.compile(r"total;dur=([\d.]+)")
server_times: dict[str, list[float]] = defaultdict(list)


@events.request.add_listener
def _server_time(name, response, exception, **kwargs):
    if exception is None and response is not None:
        match = TOTAL.search(response.headers.get("Server-Timing") or "")
        if match:
            server_times[name].append(float(match.group(1)))


@events.quitting.add_listener
def _write_server_times(environment, **kwargs):
    target = os.environ.get("BENCH_SERVER_TIMES")
    if target:
        Path(target).write_text(json.dumps(server_times))


class _Browser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    role = ""

    def on_start(self):
        self.headers = {"Cookie": f"{SETUP['cookie']}={SETUP[self.role]}"}

    def _get(self, name):
        with self.client.get(
            PATHS[name],
            name=name,
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # A redirect would be the sign-in page: the session did not hold.
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")

    @task(1)
    def floor(self):
        self._get("floor")


class Member(_Browser):
    weight = 4
    role = "member"

    @task(3)
    def community_home(self):
        self._get("community home")

    @task(3)
    def thread_list(self):
        self._get("thread list")

    @task(3)
    def thread_page(self):
        self._get("thread page")


class Facilitator(_Browser):
    weight = 1
    role = "facilitator"

    @task(3)
    def dashboard(self):
        if "facilitator dashboard" in PATHS:
            self._get("facilitator dashboard")
