"""The permission matrix's catalogue: every named URL the resolver knows, and the
entry (tests/permissions/expected.py and areas/) that says how it must answer.

Needs no database, so the readable table (table.py) is built from it too.

An area's EXPECTED keys are URL names ("events:detail", "home"), or rules: names
with a `*` ("admin:*"), for framework URLs that share one answer. A URL takes its
exact entry if it has one, else the one rule that matches it; a URL with neither, a
URL two rules match, an entry naming no URL and a rule matching none all fail
test_matrix.py.
"""

import importlib
from fnmatch import fnmatchcase

from django.test import override_settings
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver

from . import expected as E
from .areas import AREAS

# Settings that route optional URLs. The catalogue reads the URL configuration with
# all of them on, so an optional page needs an entry like any other; test_matrix.py
# turns the setting on while it asks that page.
OPTIONAL_URLS = {"bench_floor": "BENCH_FLOOR_PAGE"}
# Patterns without a name, so no entry can list them: the admin's own redirects (an
# object's bare address to its change page, and the catch-all that sends unknown
# admin addresses to the admin's login). Every other pattern must have a name.
UNNAMED_PREFIXES = ("admin/",)


def _walk(patterns, namespace=None, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if namespace and inner:
                inner = f"{namespace}:{inner}"
            yield from _walk(
                pattern.url_patterns, inner or namespace, prefix + str(pattern.pattern)
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def _all_patterns():
    """Every (name, route, pattern), optional URLs routed."""
    import copplatform.urls

    with override_settings(**{setting: True for setting in OPTIONAL_URLS.values()}):
        importlib.reload(copplatform.urls)
        clear_url_caches()
        found = list(_walk(get_resolver().url_patterns))
    importlib.reload(copplatform.urls)
    clear_url_caches()
    return found


PATTERNS = _all_patterns()
URLS = {name: pattern for name, _route, pattern in PATTERNS if name}
ROUTES = {name: route.replace("^", "").replace("$", "") for name, route, _ in PATTERNS if name}
UNNAMED_ROUTES = [route for name, route, _ in PATTERNS if not name]

EXPECTED = {**E.EXPECTED}
POSTS = dict(E.POSTS)
AREA_OF = dict.fromkeys(E.EXPECTED, None)
for area in AREAS:
    assert not set(area.EXPECTED) & set(EXPECTED), f"{area.__name__} repeats a URL"
    EXPECTED.update(area.EXPECTED)
    POSTS.update(area.POSTS)
    AREA_OF.update(dict.fromkeys(area.EXPECTED, area))

EXACT = {key: rule for key, rule in EXPECTED.items() if "*" not in key}
RULES = {key: rule for key, rule in EXPECTED.items() if "*" in key}


def rules_matching(url_name):
    return [key for key in RULES if fnmatchcase(url_name, key)]


def entry_key(url_name):
    """The EXPECTED key that answers for a URL: its own entry, else its one rule."""
    if url_name in EXACT:
        return url_name
    matching = rules_matching(url_name)
    assert len(matching) == 1, f"{url_name}: no entry, or more than one rule: {matching}"
    return matching[0]


def expected_for(url_name):
    return EXPECTED[entry_key(url_name)]


def area_for(url_name):
    return AREA_OF[entry_key(url_name)]


def method_for(url_name):
    return "POST" if entry_key(url_name) in POSTS or url_name in POSTS else "GET"


def post_body(url_name):
    return POSTS.get(url_name, POSTS.get(entry_key(url_name), {}))


def visibilities_for(url_name):
    """Community-scoped URLs are asked on every visibility; the others once, on the
    hidden community (the strictest leak checks: its name and its private text)."""
    return E.VISIBILITIES if E.community_scoped(expected_for(url_name)) else ["hidden"]


def cases():
    """(url name, visibility) for every question the matrix asks."""
    return [
        (name, visibility)
        for name in sorted(URLS)
        if name in EXACT or len(rules_matching(name)) == 1
        for visibility in visibilities_for(name)
    ]
