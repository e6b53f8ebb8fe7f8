"""Demo data for facilitation's dashboard (called by seed_demo; idempotent)."""


def seed(users, communities):
    return None
