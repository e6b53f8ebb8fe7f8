"""Permission matrix entries for facilitation's coordination URLs (see __init__.py)."""

from .. import expected as E  # noqa: F401

NAMESPACES: tuple[str, ...] = ("coordination",)
EXPECTED: dict = {}
POSTS: dict = {}


def build(world):
    return {}
