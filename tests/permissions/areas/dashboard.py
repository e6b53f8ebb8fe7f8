"""Permission matrix entries for facilitation's dashboard URLs (see __init__.py)."""

from .. import expected as E  # noqa: F401

NAMESPACES: tuple[str, ...] = ("dashboard",)
EXPECTED: dict = {}
POSTS: dict = {}


def build(world):
    return {}
