"""The XSS corpus in every text field of the demo data, crawled as every demo account
and signed out: no page, CSV export or calendar carries anything that could run.

Slow by nature (a few hundred pages per account, each parsed by html5lib); the
facilitator's and the admin's crawls take the longest.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from membership.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD

from .crawl import crawl
from .poison import EXEMPT, poison, writable_text_fields


@pytest.fixture
def poisoned_demo(db):
    call_command("seed_demo", force=True, stdout=StringIO())
    return poison()


@pytest.mark.parametrize("email", [None] + [row[0] for row in DEMO_ACCOUNTS])
def test_no_page_export_or_calendar_runs_what_members_wrote(client, poisoned_demo, email):
    if email:
        assert client.login(email=email, password=DEMO_PASSWORD)

    result = crawl(client)

    assert result.problems == []
    assert len(result.pages) > 20
    # The crawl saw member text, so the checks had something to catch.
    assert poisoned_demo.seen_in("".join(result.bodies))


def test_every_exempt_field_exists_and_every_other_text_field_is_poisoned(db):
    labels = {label for label, _, _ in writable_text_fields()}
    assert len([label for label in labels if ".Historical" not in label]) >= 70
    for exempt in EXEMPT:
        app_model, name = exempt.rsplit(".", 1)
        from django.apps import apps

        apps.get_model(app_model)._meta.get_field(name)  # raises if it is gone
        assert exempt not in labels
