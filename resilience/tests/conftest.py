"""Fixtures of the outage tests: a database that refuses every query, or every write."""

import contextlib

import pytest
from django.db import OperationalError, connection

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@contextlib.contextmanager
def database_refusing(*, writes_only=False, message="connection refused"):
    """Every query (or every write) on the test's connection raises OperationalError, as in an outage.

    Yields the list of SQL statements that were tried.
    """
    tried = []

    def refuse(execute, sql, params, many, context):
        tried.append(sql)
        if not writes_only or sql.lstrip().upper().startswith(WRITES):
            raise OperationalError(message)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield tried


@pytest.fixture
def posting(settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    return settings
