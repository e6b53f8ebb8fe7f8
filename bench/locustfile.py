"""The load `bench/run.py` puts on gunicorn: members browsing a community (its home,
thread list, a thread) and facilitators on their dashboard, all also loading the
floor page, with no think time. BENCH_SESSIONS names the JSON `bench/pages.py
--sessions` wrote (session cookies and paths); BENCH_SERVER_TIMES, where to write
each route's server times read from the Server-Timing header at the end.

Posting (tests/faults/test_load.py): when the JSON also lists `reply_paths` (and a
`csrf` secret), posters join in: members who browse the same pages and reply, each
reply carrying a unique marker; BENCH_POSTS names the file where the markers of the
replies the site accepted are written at the end, one a line, for the test to find
in the database. A role's session may be a list: each user then takes the next one.
"""

import itertools
import json
import os
import random
import re
import uuid
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, constant, events, task

SETUP = json.loads(Path(os.environ["BENCH_SESSIONS"]).read_text())
PATHS = SETUP["paths"]
REPLY_PATHS = SETUP.get("reply_paths", [])
_next_session = itertools.count()
accepted_posts: list[str] = []
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
    posts = os.environ.get("BENCH_POSTS")
    if posts:
        Path(posts).write_text("".join(f"{marker}\n" for marker in accepted_posts))


class _Browser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    role = ""

    def on_start(self):
        session = SETUP[self.role]
        if isinstance(session, list):
            session = session[next(_next_session) % len(session)]
        cookie = f"{SETUP['cookie']}={session}"
        if "csrf" in SETUP:
            cookie += f"; csrftoken={SETUP['csrf']}"
        self.headers = {"Cookie": cookie}

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


class Poster(Member):
    """A member who also replies (only when the setup lists threads to reply to)."""

    abstract = not REPLY_PATHS
    weight = 3

    @task(6)
    def reply(self):
        marker = f"load-marker-{uuid.uuid4().hex}"
        body = urlencode({"body": f"Load reply {marker}", "csrfmiddlewaretoken": SETUP["csrf"]})
        headers = {**self.headers, "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(
            random.choice(REPLY_PATHS),  # noqa: S311 (a load generator's choice)
            data=body,
            name="reply",
            headers=headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # The site answers a saved reply with a redirect to it.
            if response.status_code == 302:
                accepted_posts.append(marker)
            else:
                response.failure(f"status {response.status_code}")
