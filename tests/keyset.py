"""Walking a keyset-paginated page (copplatform/pagination.py) the way a reader does:
from page 1, following each page's "Next" link, counting every page's queries."""

import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

NEXT_LINK = re.compile(r'href="(\?[^"]*before=[^"]+)" rel="next"')


def walk(client, url: str, rows_of) -> tuple[list[list], list[int]]:
    """Every page's rows (`rows_of(response)`) and its query count, first to last."""
    client.get(url)  # warm-up: first-visit writes and caches are not the page's cost
    pages, counts = [], []
    next_url = url
    while next_url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(next_url)
        assert response.status_code == 200, next_url
        pages.append(rows_of(response))
        counts.append(len(queries))
        link = NEXT_LINK.search(response.content.decode())
        next_url = url.split("?")[0] + html.unescape(link.group(1)) if link else None
    return pages, counts
