"""A database that refuses every query, or every write, for the outage tests and the whole-site checks."""

import contextlib

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
