"""The SQLite file deleted, moved or replaced under a running server is noticed, and nothing acknowledged is lost."""

import logging
import os
import sqlite3
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

from resilience.outages import DatabaseFileGone, is_database_outage
from resilience.sqlite_file import check_database_file, database_path


def sqlite_handler(path, **options):
    return ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": options}}
    )["default"]


@pytest.fixture
def sqlite_connection(tmp_path, django_db_blocker):
    """A connection of its own to an SQLite file in WAL mode (not the test database)."""
    django_db_blocker.unblock()
    path = tmp_path / "site.sqlite3"
    connection = sqlite_handler(path, init_command="PRAGMA journal_mode=WAL;")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
        cursor.execute("INSERT INTO note VALUES ('in the first file')")
    yield connection, path
    connection.close()
    django_db_blocker.restore()


def notes(path):
    """The notes in the file at `path`, read by a connection of their own."""
    reader = sqlite3.connect(path)
    try:
        return [row[0] for row in reader.execute("SELECT text FROM note")]
    finally:
        reader.close()


def test_a_deleted_file_is_an_outage_and_no_empty_file_is_made(sqlite_connection):
    connection, path = sqlite_connection
    check_database_file(connection=connection)
    path.unlink()
    with pytest.raises(DatabaseFileGone) as raised:
        check_database_file(connection=connection)
    assert is_database_outage(raised.value)
    assert "is missing" in str(raised.value)
    assert not path.exists()


def test_a_replaced_file_is_never_opened_and_every_later_request_is_an_outage(sqlite_connection, tmp_path, caplog):
    connection, path = sqlite_connection
    replacement = sqlite_handler(tmp_path / "new.sqlite3")
    with replacement.cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
        cursor.execute("INSERT INTO note VALUES ('in the new file')")
    replacement.close()
    os.replace(tmp_path / "new.sqlite3", path)
    with caplog.at_level(logging.ERROR, logger="resilience.sqlite_file"):
        for _ in range(3):
            with pytest.raises(DatabaseFileGone) as raised:
                check_database_file(connection=connection)
    assert connection.connection is None
    assert "was replaced or moved; restart the server after putting the right file back" in str(raised.value)
    assert [record.getMessage() for record in caplog.records] == [str(raised.value)]  # once per process


def test_an_acknowledged_write_in_the_wal_comes_back_when_the_moved_file_is_put_back(sqlite_connection, tmp_path):
    connection, path = sqlite_connection
    # A second connection holds the database open, so the write stays in the -wal file.
    other = sqlite_handler(path)
    with other.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM note")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO note VALUES ('acknowledged')")
    wal = Path(f"{path}-wal")
    wal_size = wal.stat().st_size
    moved = tmp_path / "moved-away.sqlite3"
    os.replace(path, moved)
    path.write_bytes(b"")  # what the operator created at the path
    for holder in (connection, other):
        with pytest.raises(DatabaseFileGone):
            check_database_file(connection=holder)
    assert path.read_bytes() == b""  # never opened
    # SQLite does not checkpoint a moved database on close: the write stays in the path's -wal,
    # untouched because nothing opened the empty file with it.
    assert wal.stat().st_size == wal_size
    path.unlink()
    os.replace(moved, path)
    assert notes(path) == ["in the first file", "acknowledged"]


def test_a_write_found_after_the_file_was_moved_is_not_acknowledged(sqlite_connection, tmp_path):
    connection, path = sqlite_connection
    os.replace(path, tmp_path / "moved-away.sqlite3")
    path.write_bytes((tmp_path / "moved-away.sqlite3").read_bytes())
    with pytest.raises(DatabaseFileGone):
        check_database_file(after_write=True, connection=connection)


def test_a_process_that_never_opened_the_database_opens_the_file_at_the_path(tmp_path, django_db_blocker):
    path = tmp_path / "restored.sqlite3"
    writer = sqlite3.connect(path)
    writer.execute("CREATE TABLE note (text TEXT)")
    writer.close()
    connection = sqlite_handler(path)
    with django_db_blocker.unblock():
        check_database_file(connection=connection)  # a fresh worker after a restart: normal startup
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM note")
            assert cursor.fetchone() == (0,)
        connection.close()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("/srv/newsroom/db.sqlite3", "/srv/newsroom/db.sqlite3"),
        ("file:/srv/newsroom/db.sqlite3?mode=ro", "/srv/newsroom/db.sqlite3"),
        (":memory:", None),
        ("file:memorydb_default?mode=memory&cache=shared", None),
    ],
)
def test_database_path_reads_plain_paths_and_file_uris(name, path):
    assert database_path({"NAME": name}) == path
