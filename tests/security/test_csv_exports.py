"""CSV exports never hand a spreadsheet a formula: one helper writes every CSV, and
every export, filled with formula-looking names and titles, comes out neutralised."""

import csv
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import get_resolver, reverse

from communities.models import Community
from copplatform.csv_export import neutralise_cell, write_rows
from facilitation.models import StrategicPriority, ValueStory
from facilitation.reports.tables import TABLE_SLUGS
from membership.management.commands.seed_demo import DEMO_PASSWORD

from .crawl import csv_problems

REPO = Path(__file__).resolve().parents[2]
APP_DIRS = ["communities", "copplatform", "facilitation", "knowledge", "membership"]
FORMULAS = [
    '=HYPERLINK("https://evil.example","x")',
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_becomes_text(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain", "a=b", "1-2", "", "'=already", "mail@x.org"])
def test_other_text_is_left_alone(value):
    assert neutralise_cell(value) == value


def test_numbers_stay_numbers():
    assert neutralise_cell(-3) == -3 and neutralise_cell(2.5) == 2.5
    assert neutralise_cell(None) == ""


def test_written_rows_read_back_as_text():
    buffer = io.StringIO()
    write_rows(buffer, [FORMULAS, [1, -2, "ok"]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows[0] == ["'" + value for value in FORMULAS]
    assert rows[1] == ["1", "-2", "ok"]
    assert csv_problems(buffer.getvalue()) == []


def test_no_code_writes_csv_but_the_helper():
    writers = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(REPO))
        for folder in APP_DIRS
        for path in (REPO / folder).rglob("*.py")
        if writers.search(path.read_text()) and path.name != "csv_export.py"
    ]
    assert offenders == []


def test_every_csv_url_is_an_export_tested_here():
    csv_routes = {
        str(pattern) for pattern in _all_patterns(get_resolver()) if ".csv" in str(pattern)
    }
    assert csv_routes == {"export/<slug:table>.csv"}  # facilitation/reports


def _all_patterns(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _all_patterns(pattern)
        else:
            yield pattern.pattern


def test_every_report_table_neutralises_formulas(client, db):
    call_command("seed_demo", force=True, stdout=StringIO())
    for number, community in enumerate(Community.objects.order_by("pk")):
        Community.objects.filter(pk=community.pk).update(
            name=f"{FORMULAS[number % len(FORMULAS)]} {number}"
        )
    for number, priority in enumerate(StrategicPriority.objects.order_by("pk")):
        StrategicPriority.objects.filter(pk=priority.pk).update(
            name=f"{FORMULAS[number % len(FORMULAS)]} p{number}"
        )
    ValueStory.objects.update(title='=HYPERLINK("https://evil.example")')
    assert client.login(email="admin@example.org", password=DEMO_PASSWORD)

    cells = []
    for table in TABLE_SLUGS:
        response = client.get(reverse("reports:export", args=[table]))
        assert response.status_code == 200
        text = response.content.decode()
        assert csv_problems(text) == [], table
        cells += [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    # The formula-looking names did reach the exports, as text.
    assert {"'" + value for value in FORMULAS} & {cell.rsplit(" ", 1)[0] for cell in cells}
