"""bench/facilitation_timing.py keeps working: pages parse, missing URL names are
skipped with a message, existing pages are timed and their queries counted."""

import json

import pytest

from bench import facilitation_timing
from facilitation import scale


def test_a_page_spec_names_the_url_its_arguments_the_user_and_a_query():
    page = facilitation_timing.parse_page(
        "thread=discussions:thread/{community}/{thread}@f@scale.example.org?page=2"
    )
    assert page == {
        "label": "thread",
        "name": "discussions:thread",
        "args": ["{community}", "{thread}"],
        "email": "f@scale.example.org",
        "query": "page=2",
    }
    for spec in facilitation_timing.DEFAULT_PAGES:
        assert facilitation_timing.parse_page(spec)["email"].endswith("@scale.example.org")


@pytest.mark.django_db
def test_it_times_existing_pages_and_skips_missing_ones(tmp_path, capsys):
    scale.seed("XS", seed=1)
    out = tmp_path / "results.json"
    facilitation_timing.main(
        [
            "--runs",
            "2",
            "--json",
            str(out),
            "--page",
            f"missing=nowhere:index@{scale.LEADER_EMAIL}",
            "--page",
            f"community home=communities:home/{{community}}@{scale.FACILITATOR_EMAIL}",
        ]
    )
    printed = capsys.readouterr().out
    assert "skipped: no URL named 'nowhere:index'" in printed
    missing, home = json.loads(out.read_text())
    assert missing["skipped"]
    assert home["status"] == 200
    assert home["queries"] > 0
    assert home["median_ms"] > 0
