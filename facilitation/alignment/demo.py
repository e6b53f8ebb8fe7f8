"""Demo data for facilitation's alignment (called by seed_demo; idempotent)."""


def seed(users, communities):
    return None
