"""Demo data for facilitation's coordination (called by seed_demo; idempotent)."""


def seed(users, communities):
    return None
