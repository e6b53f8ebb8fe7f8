"""Every response can say what it cost: a `Server-Timing` header and a log line with
the number of SQL queries, their time and the whole request's time, so a slow page
or a query-count regression shows where it happens (browser dev tools read the
header). On with QUERY_TIMING (default: DEBUG); the benchmark turns it on too.
"""

import logging
import time

from django.db import connections

logger = logging.getLogger("copplatform.timing")


class QueryTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = 0
        sql_seconds = 0.0

        def count(execute, sql, params, many, context):
            nonlocal queries, sql_seconds
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries += 1
                sql_seconds += time.perf_counter() - started

        started = time.perf_counter()
        with _wrapped(count):
            response = self.get_response(request)
        total_ms = (time.perf_counter() - started) * 1000
        sql_ms = sql_seconds * 1000
        response["Server-Timing"] = (
            f'db;desc="{queries} queries";dur={sql_ms:.1f}, total;dur={total_ms:.1f}'
        )
        logger.info(
            "%s %s %s: %d queries, %.1f ms SQL, %.1f ms total",
            request.method,
            request.path,
            response.status_code,
            queries,
            sql_ms,
            total_ms,
        )
        return response


class _wrapped:
    """execute_wrapper on every configured database at once."""

    def __init__(self, wrapper):
        self.wrapper = wrapper
        self.stack = []

    def __enter__(self):
        for alias in connections:
            manager = connections[alias].execute_wrapper(self.wrapper)
            manager.__enter__()
            self.stack.append(manager)

    def __exit__(self, *exc):
        while self.stack:
            self.stack.pop().__exit__(*exc)
