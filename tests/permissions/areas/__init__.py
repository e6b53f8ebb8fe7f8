"""Matrix areas: each feature adds its URLs to the permission matrix in its own module.

An area module defines:
  NAMESPACES  URL namespaces it owns (every named URL in them needs an entry)
  EXPECTED    {url name: function(actor, visibility) -> outcome} (see ../expected.py)
  POSTS       {url name: valid POST body} for URLs that are asked with POST
  build(world) -> {kwarg name: value}: objects it makes in the world's community (put
              E.SECRET in their private text so leaks are caught), and the values
              its URLs' kwargs take; kwarg names must not clash with other areas'
  query_for(world, url_name) -> str (optional): a query string for a URL
  kwargs_for(world, url_name) -> dict | None (optional): a URL's kwargs, when names
              alone cannot say (the admin's object_id differs per model); None
              falls back to build()'s values by name

EXPECTED keys may be rules with a `*` (see ../catalogue.py), and an entry wrapped in
E.unscoped(...) is asked once, not on each visibility (see ../expected.py).
"""

from . import (
    accounts,
    activity,
    admin_site,
    alignment,
    coordination,
    dashboard,
    discussions,
    email,
    events,
    interactions,
    knowledge,
    messaging,
    privacy,
    reports,
    search,
    site,
)

AREAS = [
    discussions,
    interactions,
    events,
    messaging,
    activity,
    knowledge,
    search,
    dashboard,
    coordination,
    alignment,
    reports,
    email,
    privacy,
    site,
    accounts,
    admin_site,
]
