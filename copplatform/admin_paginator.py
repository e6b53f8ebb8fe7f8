"""The admin's lists of big tables without COUNT(*) over the whole table.

Django's change list counts its rows for the paginator; show_full_result_count =
False only spares the second count of the unfiltered table. Over millions of rows
that count is the page's cost, so an unfiltered list on PostgreSQL takes the
planner's estimate (pg_class.reltuples, kept by ANALYZE and autovacuum) once the
table is past ESTIMATE_ABOVE rows; a filtered or a small one is counted exactly.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 50_000


class EstimatedCountPaginator(Paginator):
    estimate_above = ESTIMATE_ABOVE

    @cached_property
    def count(self) -> int:
        estimate = self._estimate()
        if estimate is not None and estimate > self.estimate_above:
            return estimate
        return super().count

    def _estimate(self) -> int | None:
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None or query.where or query.distinct or query.combinator:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        # -1: never analysed yet.
        return int(row[0]) if row and row[0] is not None and row[0] >= 0 else None
