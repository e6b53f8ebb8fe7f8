"""actions reminders (being built)."""


def plan(now) -> int:
    return 0
