"""The error page when the database is unreachable: 503 with a retry hint, and the
ordinary 500 page for anything else (copplatform/errors.py). Django calls the handler
inside its `except` block; these tests do the same. tests/faults/ stops a real
PostgreSQL under load."""

from django.db import InterfaceError, OperationalError
from django.urls import get_resolver

from copplatform.errors import RETRY_AFTER_SECONDS, handle_server_error


def answer_to(error, rf):
    try:
        raise error
    except Exception:
        return handle_server_error(rf.get("/c/anything/"))


def test_an_unreachable_database_answers_503_with_a_retry_hint(rf):
    response = answer_to(OperationalError("connection refused"), rf)

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert "Briefly unavailable" in page
    assert "try again in a few seconds" in page


def test_a_connection_lost_mid_request_answers_503(rf):
    assert answer_to(InterfaceError("connection already closed"), rf).status_code == 503


def test_any_other_error_keeps_the_500_page(rf):
    response = answer_to(ValueError("a bug"), rf)

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "Retry-After" not in response


def test_the_handler_is_the_sites_500_handler():
    assert get_resolver().resolve_error_handler(500) is handle_server_error
