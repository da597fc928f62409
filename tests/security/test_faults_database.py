"""A busy or briefly unavailable database answers a retryable error, never a masked crash.

The soak (scripts/soak.py, 50 clients on SQLite) hit `database is locked` after SQLite's
20-second busy timeout on a few writes; they came back as INTERNAL_SERVER_ERROR, which tells
the phone nothing it can act on, while a PostgreSQL statement timeout already answers
QUERY_TIMEOUT.
"""

from django.db import OperationalError
from graphql import GraphQLError

from backend.graphql.errors import format_error


def _formatted(exception: Exception) -> dict:
    return format_error(GraphQLError("boom", path=["visitPropose"], original_error=exception))


def test_a_statement_timeout_is_a_retryable_error():
    formatted = _formatted(OperationalError("canceling statement due to statement timeout"))

    assert formatted["extensions"]["code"] == "QUERY_TIMEOUT"


def test_a_locked_database_is_a_retryable_error():
    formatted = _formatted(OperationalError("database is locked"))

    assert formatted["extensions"]["code"] == "SERVICE_BUSY"
    assert formatted["message"] == "The server is busy. Try again in a moment."
