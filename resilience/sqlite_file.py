"""Notice when the SQLite file is deleted or replaced under the running server.

An open SQLite connection keeps writing into a deleted file's inode: posts are
acknowledged and gone. Each connection notes the file's (st_dev, st_ino) when it
is made (`connection_created`); `check_database_file` compares it with the file at
the configured path before a request is handled and again after a write request,
before the answer is sent. A missing file is an outage (no new empty file is made:
the check runs before anything connects); a replaced file means reconnecting
before the request, or not acknowledging a write made to the old file after it.
"""

import os
from urllib.parse import urlsplit

from django.db import connections

from .outages import DatabaseFileGone

IDENTITY = "newsroom_file_identity"


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
    status = os.stat(path)
    return status.st_dev, status.st_ino


def note_file_identity(sender, connection, **kwargs):
    """`connection_created` receiver: remember which file this SQLite connection opened."""
    if connection.vendor != "sqlite":
        return
    path = database_path(connection.settings_dict)
    if path and os.path.isfile(path):
        setattr(connection, IDENTITY, file_identity(path))


def check_database_file(*, after_write=False, connection=None):
    """Raise DatabaseFileGone when the SQLite file is missing, or was replaced during a write.

    Before a request (`after_write` False) a replaced file closes the connection, so the next
    query opens the new file. Does nothing on other engines and in-memory databases.
    `connection`: a database wrapper, the default one when None.
    """
    connection = connection or connections["default"]
    if connection.vendor != "sqlite":
        return
    path = database_path(connection.settings_dict)
    if path is None:
        return
    try:
        current = file_identity(path)
    except FileNotFoundError:
        raise DatabaseFileGone(f"the SQLite file {path} is missing") from None
    noted = getattr(connection, IDENTITY, None)
    if connection.connection is None or noted is None or noted == current:
        return
    if after_write:
        raise DatabaseFileGone(f"the SQLite file {path} was replaced while this request wrote to it")
    connection.close()
