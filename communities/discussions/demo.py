"""Demo content for this feature, called by `seed_demo` (idempotent)."""


def seed(users: dict, communities: dict) -> None:
    """users: demo accounts by email; communities: demo communities by slug."""
