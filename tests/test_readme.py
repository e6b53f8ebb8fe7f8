"""The README is the newcomer's manual: it must keep up with the code."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()
ENV_READ = re.compile(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"')


def test_every_environment_variable_the_settings_read_is_in_the_readme_table():
    names = set()
    for settings_file in (REPO / "copplatform" / "settings").glob("*.py"):
        names |= set(ENV_READ.findall(settings_file.read_text()))

    assert len(names) > 20, "the pattern stopped matching the settings"
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert missing == []


def test_readme_shows_the_two_commands_and_the_demo_password():
    from membership.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    assert "make run" in README
    assert "make test" in README
    assert DEMO_PASSWORD in README
    for email, *_ in DEMO_ACCOUNTS:
        assert email in README


def test_ci_runs_the_readme_test_command():
    assert "make test" in (REPO / ".ci" / "run").read_text()
