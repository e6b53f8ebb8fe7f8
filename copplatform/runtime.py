"""Set-up for a process that serves requests (copplatform.wsgi; the benchmark's page
timer does the same, so it measures what a gunicorn worker runs).

CPython's cyclic garbage collector runs a young collection every 700 net container
allocations and, every hundred of those, a full one that walks every object in the
process: Django, its apps, URLconf and templates, some 130,000 objects that live as
long as the process. A page that builds more rows (the leader report at 500
communities) triggers more full collections, so its time grew with the platform for
reasons that had nothing to do with its own work. Freezing what start-up loaded keeps
those objects out of every later collection, and a larger young generation makes
collections rarer; cycles made by requests are still collected.
"""

import gc

from django.conf import settings


def settle() -> None:
    """Load the URLconf (and with it every view module), collect once, and freeze
    what is left in the permanent generation. Call once per process, after Django's
    set-up and before the first request (after fork, for a pre-forking server)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()
    young, middle, old = gc.get_threshold()
    gc.set_threshold(max(young, settings.GC_YOUNG_THRESHOLD), middle, old)
