"""Every named URL, asked by someone allowed to use it (the permission matrix says who),
with generated input (Hypothesis): random and huge text, unicode, null bytes,
negative and huge numbers, bad dates, bad ids, lists, missing fields and uploads.
Bad input must get a 4xx or a page that says what is wrong: never a 5xx, never an
uncaught exception (the test client raises a view's exception).

What is sent to a URL: the fields of the forms on its own page (read from the page as
that actor: `<form method="post">` and htmx `hx-post` forms that post to it, GET forms
and links that add query parameters to it), the fields of its valid body in the
matrix (expected.POSTS and areas/), its matrix query string, and the paging
parameters every list takes (`page`, and the keyset cursor `before`). Each field is
sent valid, generated or not at all; a few unknown fields come too.

The seed is fixed (the same examples every run, in CI too); FUZZ_EXAMPLES raises the
number of examples per URL for a longer hunt, FUZZ_RANDOM=1 draws new ones.
"""

import os
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from copplatform.pagination import CURSOR_PARAM

from . import expected as E
from .catalogue import URLS, expected_for, method_for, post_body

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
PAGING = ("page", CURSOR_PARAM)  # the keyset cursor is ?before=
UNKNOWN_FIELDS = ("id", "pk", "next", "action", "user", "community", "csrfmiddlewaretoken")

# --- generated values --------------------------------------------------------

_unicode = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
_tricky = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "0",
        "-1",
        "-0",
        "1.5",
        "1e309",
        "NaN",
        "inf",
        "99999999999999999999",
        "-99999999999999999999",
        "2147483648",
        "9223372036854775808",
        "0x10",
        "\u00b2",  # a digit to str.isdigit(), not to int()
        "\u0661\u0662",
        "2026-02-30",
        "2026-13-01",
        "0000-00-00",
        "9999-12-31T25:61",
        "31/12/2026",
        "2026-06-01T09:00:00+99:00",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "%00",
        "[]",
        "{}",
        "null",
        "true",
        "on",
        "\u202e\u0645\u0631\u062d\u0628\u0627",
        "\U0001f469\u200d\u2695\ufe0f",
        "e\u0301" * 20,
        "eyJhIjogMX0",  # base64 of a JSON object: a forged cursor
        "!!!not-base64!!!",
    ]
)
_numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
_huge = st.sampled_from([1_000, 20_000, 200_000]).flatmap(
    lambda size: st.sampled_from(["A", "\u00e9", "<b>", "1", "\x00"]).map(lambda c: c * size)
)
TEXT = st.one_of(_tricky, _unicode, _numbers, _huge)
UPLOAD = st.builds(
    SimpleUploadedFile,
    name=st.sampled_from(
        ["notes.txt", "../../escape.pdf", "x" * 300 + ".png", "r\u00e9sum\u00e9.docx", "a"]
    ),
    content=st.one_of(
        st.binary(max_size=300),
        st.just(b"%PDF-1.4\n" + b"\x00" * 100),
        st.just(b"\x89PNG\r\n\x1a\n" + b"\xff" * 50),
        st.just(b"<svg onload=alert(1)>"),
    ),
    content_type=st.sampled_from(["text/plain", "application/pdf", "image/png", "", "x/y"]),
)


def _field_values(samples):
    generated = [TEXT, st.lists(TEXT, min_size=2, max_size=3)]
    if samples:
        return st.one_of(st.sampled_from(sorted(samples)), *generated)
    return st.one_of(*generated)


def payloads(fields: dict, uploads: set):
    """Dicts of some of `fields` (name -> valid samples), generated or valid, plus
    uploads for file fields and a few unknown fields."""
    optional = {name: _field_values(samples) for name, samples in fields.items()}
    optional.update({name: UPLOAD for name in uploads})
    unknown = st.dictionaries(
        st.one_of(st.sampled_from(UNKNOWN_FIELDS), st.text(min_size=1, max_size=8)),
        TEXT,
        max_size=2,
    )
    return st.tuples(st.fixed_dictionaries({}, optional=optional), unknown).map(
        lambda pair: {**pair[1], **pair[0]}
    )


# --- what a page says about its URL ------------------------------------------


class _Forms(HTMLParser):
    """The fields of a page's forms, by (method, action), and its links' queries."""

    def __init__(self):
        super().__init__()
        self.forms = []  # (method, action, {name: {samples}}, {upload names})
        self.links = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "option" and self._select is not None:
            self._select.add(attrs.get("value") or "")
            return
        if tag == "form":
            method = "post" if "hx-post" in attrs else (attrs.get("method") or "get").lower()
            action = attrs.get("hx-post") or attrs.get("hx-get") or attrs.get("action") or ""
            self._form = (method, action, {}, set())
            self.forms.append(self._form)
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if self._form is None or not attrs.get("name"):
            return
        fields, uploads = self._form[2], self._form[3]
        name = attrs["name"]
        if tag == "input" and attrs.get("type") == "file":
            uploads.add(name)
        elif tag in ("input", "button", "textarea"):
            fields.setdefault(name, set()).add(attrs.get("value") or "")
        elif tag == "select":
            self._select = fields.setdefault(name, set())

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def _names(url, url_name):
    try:
        return resolve(urlsplit(url).path).view_name == url_name
    except Resolver404:
        return False


class Surface:
    """What a URL takes: GET query fields, and POST fields if it accepts a POST."""

    def __init__(self, url_name, url, page_html):
        self.url_name, self.url = url_name, url
        query = parse_qs(urlsplit(url).query, keep_blank_values=True)
        self.get_fields = {name: set(values) for name, values in query.items()}
        for name in PAGING:
            self.get_fields.setdefault(name, set())
        self.post_fields, self.uploads = {}, set()
        self.accepts_post = method_for(url_name) == "POST"
        for name, value in post_body(url_name).items():
            self.post_fields.setdefault(name, set()).add(str(value))
        parser = _Forms()
        parser.feed(page_html)
        for method, action, fields, uploads in parser.forms:
            target = urljoin(url, action) if action else url
            if not _names(target, url_name):
                continue
            if method == "post":
                self.accepts_post = True
                for name, samples in fields.items():
                    self.post_fields.setdefault(name, set()).update(samples)
                self.uploads |= uploads
            else:
                for name, samples in fields.items():
                    self.get_fields.setdefault(name, set()).update(samples)
        for href in parser.links:
            target = urljoin(url, href)
            if _names(target, url_name):
                for name, values in parse_qs(urlsplit(target).query).items():
                    self.get_fields.setdefault(name, set()).update(values)
        self.post_fields.pop("csrfmiddlewaretoken", None)

    def requests(self):
        get = st.tuples(st.just("GET"), payloads(self.get_fields, set()))
        if not self.accepts_post:
            return get
        return st.one_of(get, st.tuples(st.just("POST"), payloads(self.post_fields, self.uploads)))


# --- the test ----------------------------------------------------------------


def allowed_actor(url_name, visibility):
    """The least powerful actor the matrix lets use the URL (an admin if nobody may)."""
    rule = expected_for(url_name)
    return next((a for a in E.ACTORS if rule(a, visibility) == E.OK), E.ADMIN)


def _sign_in(client, world, actor):
    client.logout()
    if world.actors[actor] is not None:
        client.force_login(world.actors[actor])


def _send(client, url, method, data):
    if method == "POST":
        return client.post(url, data)
    path = urlsplit(url).path
    return client.get(path, data)


@pytest.mark.parametrize("routed", sorted(URLS), indirect=True)
def test_generated_input_never_gets_a_server_error(client, db, world, routed):
    url_name = routed
    actor = allowed_actor(url_name, world.visibility)
    url = world.url_for(url_name)
    with transaction.atomic():
        _sign_in(client, world, actor)
        page = client.get(url) if method_for(url_name) == "GET" else None
        html = page.content.decode(errors="replace") if page and not page.streaming else ""
        transaction.set_rollback(True)
    surface = Surface(url_name, url, html)

    @settings(
        max_examples=EXAMPLES * (2 if surface.accepts_post else 1),
        derandomize=os.environ.get("FUZZ_RANDOM") != "1",
        database=None,
        deadline=None,
        report_multiple_bugs=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=surface.requests())
    def asked(request):
        method, data = request
        note(f"{method} {url} as {actor}")
        with transaction.atomic():
            _sign_in(client, world, actor)
            response = _send(client, url, method, data)
            if response.streaming:
                # Read to the end: the client's wrapper closes it as a server would.
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
        assert response.status_code < 500, f"{method} {url} as {actor}: {response.status_code}"

    asked()
