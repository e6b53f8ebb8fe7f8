"""The error page for a request that failed because the database was unreachable.

While PostgreSQL is down (a restart, a fail-over) every request fails, wherever it
first touches the database: the session, the user, the view or the template. This
is the handler Django calls for any uncaught exception (`handler500`); it runs inside
the `except` block, so it can tell an unreachable database from a bug. The first
answers 503 with a Retry-After and a page that says to try again shortly; anything
else keeps the ordinary 500 page. Neither page touches the database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error

# Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 5


def database_unavailable(error: BaseException | None) -> bool:
    """An error raised because the database could not be reached (connection refused
    or lost), as opposed to a bad query, which raises ProgrammingError, IntegrityError
    or DataError."""
    return isinstance(error, OperationalError | InterfaceError)


@requires_csrf_token
def handle_server_error(request, template_name="500.html"):
    if not database_unavailable(sys.exc_info()[1]):
        return server_error(request, template_name)
    # No request context: its processors (navigation counts) would query the database.
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
