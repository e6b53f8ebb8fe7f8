"""Permission matrix entries for the URLs outside any namespace that are ours.

The home page is for everyone (signed in, it shows the person's own communities, so
it is asked on every visibility for leaks). The health check answers whoever asks
(load balancers are not signed in) and says nothing about content. Choosing a
language is for everyone. The benchmark's floor (routed only when BENCH_FLOOR_PAGE is
on; the catalogue routes it) is the bare layout for a signed-in person.
"""

from .. import expected as E

NAMESPACES: tuple[str, ...] = ()

EXPECTED: dict = {
    "home": E.anyone,
    "healthz": E.unscoped(E.anyone),
    "set_language": E.unscoped(E.anyone),
    "bench_floor": E.unscoped(E.signed_in),
}
POSTS: dict = {"set_language": {"language": "en", "next": "/"}}


def build(world) -> dict:
    return {}
