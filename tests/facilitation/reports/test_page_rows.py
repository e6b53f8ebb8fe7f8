"""The report page shows the communities that matter most in each per-community
table (a bounded number of rows, so its cost does not grow with the platform); the
print view and the CSV export list every community."""

import csv
import io
import re
from html import unescape

import pytest

from facilitation.models import StrategicPriority
from facilitation.reports import views

from ...factories import CommunityFactory
from .helpers import add_members, add_thread, add_work

pytestmark = pytest.mark.django_db
SHOWN = 2


@pytest.fixture
def six(leader, facilitator, community):
    """Six named communities (A-F: F is the facilitator's, empty) and one hidden;
    a different two lead each table."""
    community.name = "Ward F"
    community.save()
    priorities = [StrategicPriority.objects.create(name=f"Priority {i}") for i in range(3)]
    wards = {letter: CommunityFactory(name=f"Ward {letter}") for letter in "ABCDE"}
    # Members: D 30, B 20, the others 6 (A first among equals by name).
    for letter, count in {"A": 6, "B": 20, "C": 6, "D": 30, "E": 6}.items():
        add_members(wards[letter], count)
    # Threads and replies: E 9, C 4, the others none.
    add_thread(wards["E"], replies=8)
    add_thread(wards["C"], replies=3)
    # Facilitators' hours: A 3 h, C 2 h, B 1 h; and one entry tied to no community.
    for letter, minutes in {"A": 180, "C": 120, "B": 60}.items():
        add_work(facilitator, wards[letter], minutes=minutes)
    add_work(facilitator, None, minutes=30)
    # Priorities served: C three, E two, A one.
    for letter, count in {"C": 3, "E": 2, "A": 1}.items():
        for priority in priorities[:count]:
            priority.communities.add(wards[letter])
    add_members(CommunityFactory(name="Secret Ward", visibility="hidden"), 7)
    return wards


@pytest.fixture
def page(client, leader, six, monkeypatch):
    monkeypatch.setattr(views, "PAGE_ROWS", SHOWN)
    client.force_login(leader)
    response = client.get("/reports/")
    assert response.status_code == 200
    return response.content.decode()


def _block(body: str, slug: str) -> str:
    start = body.index(f'id="table-{slug}"')
    return body[start : body.index("</section>", start)]


def _row_names(body: str, slug: str) -> list[str]:
    table = _block(body, slug)
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    return [unescape(name) for name in re.findall(r'<th scope="row">([^<]*)</th>', table)]


@pytest.mark.parametrize(
    "slug, names",
    [
        ("catalogue", ["Ward D", "Ward B", "1 hidden community"]),
        ("levels", ["Ward D", "Ward B", "1 hidden community"]),
        ("activity", ["Ward E", "Ward C", "1 hidden community"]),
        ("work-by-community", ["Ward A", "Ward C", "Not tied to a community"]),
        ("coverage", ["Ward C", "Ward E", "1 hidden community"]),
    ],
)
def test_the_page_shows_the_rows_that_matter_most(page, slug, names):
    assert _row_names(page, slug) == names


def test_the_page_says_how_many_and_links_to_every_row(page):
    block = _block(page, "catalogue")
    assert "The 2 communities with the most members, of 6 communities." in block
    assert 'aria-describedby="rows-catalogue"' in block and 'id="rows-catalogue"' in block
    assert "See all 6 communities in the printable version" in block
    assert re.search(r'href="/reports/print/\?[^"]*#table-catalogue"', block)
    assert "Download CSV (all 6 communities)" in block
    # A total still counts every community: 68 members and the 7 hidden ones.
    assert "The total counts every community." in _block(page, "levels")
    assert '<td class="num">75</td>' in _block(page, "levels")
    work = _block(page, "work-by-community")
    assert "of 3 communities" in work and "The total counts" not in work
    # Tables that are not per community are whole, with no such note.
    assert 'id="rows-monthly"' not in page and "Download CSV</a>" not in _block(page, "catalogue")


def test_the_csv_and_the_print_view_keep_every_row(client, leader, six, monkeypatch):
    monkeypatch.setattr(views, "PAGE_ROWS", SHOWN)
    client.force_login(leader)
    every = [f"Ward {letter}" for letter in "ABCDEF"]
    for slug in ("catalogue", "levels", "activity", "coverage"):
        response = client.get(f"/reports/export/{slug}.csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert [row[0] for row in rows[1:7]] == every, slug
        assert rows[7][0] == "1 hidden community", slug
    printed = client.get("/reports/print/").content.decode()
    for slug in ("catalogue", "levels", "activity", "coverage"):
        assert _row_names(printed, slug) == [*every, "1 hidden community"], slug
    assert "printable version" not in printed


def test_small_counts_do_not_decide_the_order(client, leader, monkeypatch):
    """Suppressed member counts ("fewer than 5") sort as none: the order of the rows
    shown tells nothing the cells do not."""
    monkeypatch.setattr(views, "PAGE_ROWS", 1)
    for name, count in (("Ward A", 1), ("Ward B", 4), ("Ward C", 0)):
        community = CommunityFactory(name=name)
        if count:
            add_members(community, count)
    client.force_login(leader)
    body = client.get("/reports/").content.decode()
    assert _row_names(body, "catalogue") == ["Ward A"]
