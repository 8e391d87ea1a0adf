"""A query that gets no answer is cut by the watchdog, and its connection is never used again."""

import socket
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler

from resilience.query_watchdog import QueryWatchdog, deadline, watching_queries

from .listeners import FreezingProxy

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="cuts a PostgreSQL socket: SQLite has none")


@pytest.fixture
def proxied_connection(db):
    """A connection of its own to the test database through a FreezingProxy → (connection, proxy)."""
    with FreezingProxy(int(connection.settings_dict["PORT"] or 5432)) as proxy:
        handler = ConnectionHandler(
            {"default": {**connection.settings_dict, "HOST": "127.0.0.1", "PORT": str(proxy.port)}}
        )
        proxied = handler["default"]
        with proxied.cursor() as cursor:
            cursor.execute("SELECT 1")
        yield proxied, proxy
        proxied.close()


@postgresql_only
def test_a_query_on_a_frozen_connection_fails_at_its_deadline_and_the_connection_is_closed(proxied_connection):
    proxied, proxy = proxied_connection
    proxy.freeze()
    started = time.monotonic()
    with pytest.raises(OperationalError), deadline(proxied, 1), proxied.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert 1 <= time.monotonic() - started < 2
    assert proxied.connection is None


@postgresql_only
def test_every_query_of_a_request_is_watched(proxied_connection, settings):
    settings.DATABASE_STATEMENT_TIMEOUT = 1  # a deadline of 1.5 s
    proxied, proxy = proxied_connection
    with watching_queries(proxied):
        with proxied.cursor() as cursor:
            cursor.execute("SELECT 1")  # answered: nothing is cut
            assert cursor.fetchone() == (1,)
        proxy.freeze()
        started = time.monotonic()
        with pytest.raises(OperationalError), proxied.cursor() as cursor:
            cursor.execute("SELECT 2")
    assert 1.5 <= time.monotonic() - started < 2.5
    assert proxied.connection is None


@postgresql_only
def test_the_health_check_on_a_frozen_connection_is_cut_after_a_second(proxied_connection):
    proxied, proxy = proxied_connection
    proxied.health_check_enabled, proxied.health_check_done = True, False
    proxy.freeze()
    started = time.monotonic()
    with watching_queries(proxied):
        pass
    assert time.monotonic() - started < 2
    assert proxied.connection is None  # the next query reconnects, within connect_timeout


def test_a_socket_whose_query_ended_in_time_is_never_shut_down():
    watchdog = QueryWatchdog(tick=0.01)
    left, right = socket.socketpair()
    with left, right:
        token = watchdog.arm(left.fileno(), 0.05)
        assert watchdog.disarm(token) is False
        time.sleep(0.2)
        left.sendall(b"still open")
        assert right.recv(64) == b"still open"
        token = watchdog.arm(left.fileno(), 0.05)
        time.sleep(0.2)
        assert watchdog.disarm(token) is True
        assert right.recv(64) == b""  # shut down: the peer reads the end of the stream
