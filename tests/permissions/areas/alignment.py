"""Permission matrix entries for facilitation's alignment URLs (see __init__.py)."""

from .. import expected as E  # noqa: F401

NAMESPACES: tuple[str, ...] = ("alignment",)
EXPECTED: dict = {}
POSTS: dict = {}


def build(world):
    return {}
