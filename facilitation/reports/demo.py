"""Demo data for facilitation's reports (called by seed_demo; idempotent)."""


def seed(users, communities):
    return None
