"""The SQLite file deleted or replaced under a running server is noticed, never written into blindly."""

import os

import pytest
from django.db.utils import ConnectionHandler

from resilience.outages import DatabaseFileGone, is_database_outage
from resilience.sqlite_file import check_database_file, database_path


@pytest.fixture
def sqlite_connection(tmp_path, django_db_blocker):
    """A connection of its own to an SQLite file (not the test database)."""
    django_db_blocker.unblock()
    path = tmp_path / "site.sqlite3"
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}})
    connection = handler["default"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
        cursor.execute("INSERT INTO note VALUES ('in the first file')")
    yield connection, path
    connection.close()
    django_db_blocker.restore()


def notes(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM note")
        return [row[0] for row in cursor.fetchall()]


def test_a_deleted_file_is_an_outage_and_no_empty_file_is_made(sqlite_connection):
    connection, path = sqlite_connection
    check_database_file(connection=connection)
    path.unlink()
    with pytest.raises(DatabaseFileGone) as raised:
        check_database_file(connection=connection)
    assert is_database_outage(raised.value)
    assert not path.exists()


def test_a_replaced_file_is_reopened_before_the_next_request(sqlite_connection, tmp_path):
    connection, path = sqlite_connection
    replacement = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "new.sqlite3")}}
    )["default"]
    with replacement.cursor() as cursor:
        cursor.execute("CREATE TABLE note (text TEXT)")
        cursor.execute("INSERT INTO note VALUES ('in the new file')")
    replacement.close()
    os.replace(tmp_path / "new.sqlite3", path)
    assert notes(connection) == ["in the first file"]  # what SQLite alone would keep doing
    check_database_file(connection=connection)
    assert notes(connection) == ["in the new file"]


def test_a_write_into_a_file_replaced_meanwhile_is_not_acknowledged(sqlite_connection, tmp_path):
    connection, path = sqlite_connection
    os.replace(path, tmp_path / "moved-away.sqlite3")
    path.write_bytes((tmp_path / "moved-away.sqlite3").read_bytes())
    with pytest.raises(DatabaseFileGone):
        check_database_file(after_write=True, connection=connection)


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
