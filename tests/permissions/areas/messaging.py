"""Permission matrix entries for the messaging URLs (see __init__.py)."""

NAMESPACES: tuple[str, ...] = ()
EXPECTED: dict = {}
POSTS: dict = {}


def build(world) -> dict:
    return {}
