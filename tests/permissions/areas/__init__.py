"""Matrix areas: each feature adds its URLs to the permission matrix in its own module.

An area module defines:
  NAMESPACES  URL namespaces it owns (every named URL in them needs an entry)
  EXPECTED    {url name: function(actor, visibility) -> outcome} (see ../expected.py)
  POSTS       {url name: valid POST body} for URLs that are asked with POST
  build(world) -> {kwarg name: value}: objects it makes in the world's community (put
              E.SECRET in their private text so leaks are caught), and the values
              its URLs' kwargs take; kwarg names must not clash with other areas'
  query_for(world, url_name) -> str (optional): a query string for a URL
"""

from . import (
    activity,
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
]
