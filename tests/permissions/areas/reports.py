"""Permission matrix entries for facilitation's reports URLs (see __init__.py)."""

from .. import expected as E  # noqa: F401

NAMESPACES: tuple[str, ...] = ("reports",)
EXPECTED: dict = {}
POSTS: dict = {}


def build(world):
    return {}
