"""Notice when the SQLite file is deleted, moved or replaced under the running server; lose nothing.

An open SQLite connection keeps writing into a deleted or moved file's inode, and the
`-wal`/`-shm` side files belong to the *path*: opening the file now at the path while
another connection (another worker) still holds the old database makes SQLite reset
the old database's `-wal`, and acknowledged comments in it are gone.

So the process notes the (st_dev, st_ino) of the first file it opens (`connection_created`);
`check_database_file` compares the file at the configured path with it before a request is
handled and again after a write request, before the answer is sent. When the file is
missing or is not that file, the connection is closed without opening the path again, and
every request of this process answers 503 until the server is restarted, with one ERROR
line saying what to do. SQLite does not checkpoint a moved database when its last
connection closes: acknowledged writes stay in the path's `-wal` and come back when the
operator puts the original file back. A process that never opened the database (a fresh
worker after a restart) opens whatever file is at the path: that is normal startup.
"""

import logging
import os
import threading
from urllib.parse import urlsplit

from django.db import connections

from .outages import DatabaseFileGone

logger = logging.getLogger(__name__)


class OpenedFile:
    """The identity of the SQLite file this process opened first at one path, and whether it was lost since.

    One per path and process (gunicorn's gthread worker runs several threads, each with its
    own connection); `lock` guards both attributes.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.identity = None  # (st_dev, st_ino) of the first file opened at the path
        self.lost = None  # the DatabaseFileGone message once the file was missing or replaced

    def note(self, identity):
        with self.lock:
            if self.identity is None:
                self.identity = identity

    def lose(self, message):
        """Remember the loss (logged at ERROR the first time) and return the message to raise."""
        with self.lock:
            first = self.lost is None
            if first:
                self.lost = message
        if first:
            logger.error("%s", message)
        return self.lost


opened_files = {}
opened_files_lock = threading.Lock()


def opened_file(path):
    """This process's OpenedFile for `path` (made on first use)."""
    with opened_files_lock:
        return opened_files.setdefault(path, OpenedFile())


def database_path(settings_dict):
    """The file path of an SQLite database NAME (a path or a `file:` URI); None for in-memory ones."""
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:":
        return None
    if name.startswith("file:"):
        parts = urlsplit(name)
        if "mode=memory" in parts.query or parts.path.startswith("memorydb"):
            return None
        return parts.path or None
    return name


def file_identity(path):
    """(st_dev, st_ino) of the file at `path`; raises FileNotFoundError when there is none."""
    status = os.stat(path)
    return status.st_dev, status.st_ino


def note_file_identity(sender, connection, **kwargs):
    """`connection_created` receiver: remember which file this SQLite connection (and process) opened."""
    if connection.vendor != "sqlite":
        return
    path = database_path(connection.settings_dict)
    if path and os.path.isfile(path):
        opened_file(path).note(file_identity(path))


def lost_file_message(path):
    return (
        f"the SQLite file {path} was replaced or moved; "
        "restart the server after putting the right file back (keep its -wal and -shm files)"
    )


def check_database_file(*, after_write=False, connection=None):
    """Raise DatabaseFileGone when the SQLite file at the path is missing or not the one this process opened.

    The connection is then closed, the path is never opened again, and every later check of
    the process raises too, until restart. `after_write` only adds to the message (a write
    made meanwhile went into the old file, which the operator keeps). Does nothing on other
    engines and in-memory databases. `connection`: a database wrapper, the default one when None.
    """
    connection = connection or connections["default"]
    if connection.vendor != "sqlite":
        return
    path = database_path(connection.settings_dict)
    if path is None:
        return
    opened = opened_file(path)
    if opened.lost is not None:
        connection.close()
        raise DatabaseFileGone(opened.lost)
    try:
        current = file_identity(path)
    except FileNotFoundError:
        current = None
    if current is not None and current == opened.identity:
        return
    if opened.identity is None:
        if current is None:
            # Nothing opened yet: an outage, and no new empty database is made at the path.
            raise DatabaseFileGone(f"the SQLite file {path} is missing")
        return  # a process's first connection opens whatever file is there: normal startup
    connection.close()
    message = opened.lose(lost_file_message(path))
    if current is None:
        message = f"the SQLite file {path} is missing; {message}"
    if after_write:
        message = f"{message} (found after a write request)"
    raise DatabaseFileGone(message)
