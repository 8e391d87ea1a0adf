"""Copy the site's database into one file and back, per vendor, while the site keeps running.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in one step
under a read transaction, so the copy is the database at one moment; in WAL mode writers
go on meanwhile. The copy is switched to a rollback journal so that it is one
self-contained file. Restoring runs the same API the other way, into the configured path.

PostgreSQL: `pg_dump --format=custom` in a snapshot that this process exports from a
REPEATABLE READ transaction (`pg_export_snapshot()`), so the row counts and the migration
state written in the manifest are read from exactly what the dump holds. Restoring is
`pg_restore --single-transaction --no-owner --no-privileges`: all of it or nothing, owned
by the user the site connects as. Both tools are Debian's `postgresql-client`; the
connection settings reach them through libpq's environment variables (the password never
appears on a command line).

Every function takes a Django database wrapper (`django.db.connections[alias]`) and raises
BackupError with a sentence for the operator.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.db import DatabaseError
from django.db.migrations.recorder import MigrationRecorder

from resilience.sqlite_file import database_path

SUPPORTED_VENDORS = ("sqlite", "postgresql")
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

# libpq reads these; settings.DATABASES OPTIONS of the same meaning go along (sslmode, …).
LIBPQ_SETTINGS = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}
POSTGRESQL_CLIENT_HINT = "install Debian's postgresql-client (apt-get install postgresql-client)"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def check_vendor(connection):
    """The connection's vendor (str), or BackupError for a database these commands cannot copy."""
    if connection.vendor not in SUPPORTED_VENDORS:
        raise BackupError(f"backups support SQLite and PostgreSQL; this site's database is {connection.vendor}")
    return connection.vendor


def open_database(connection, *, restoring=False):
    """Connect `connection`, or raise BackupError naming what is missing.

    SQLite would make an empty file where none is: a backup refuses a missing file (it would copy an
    empty database), a restore a missing folder (it makes the file, not the folder). Another error
    of SQLite names the file. A server's errors already name its host and port: they pass unchanged
    (DatabaseError).
    """
    path = database_path(connection.settings_dict) if connection.vendor == "sqlite" else None
    if path is not None:
        folder = Path(path).absolute().parent
        if not folder.is_dir():
            what_to_do = (
                "make it, or set SQLITE_PATH to where the database goes" if restoring else "is SQLITE_PATH right?"
            )
            raise BackupError(
                f"the SQLite database {path} cannot be opened: the folder {folder} does not exist ({what_to_do})"
            )
        if not restoring and not Path(path).is_file():
            raise BackupError(f"there is no SQLite database at {path}: nothing to back up (is SQLITE_PATH right?)")
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        if path is None:
            raise
        raise BackupError(f"the SQLite database {path} cannot be opened: {error}") from None


def model_tables():
    """{model label (`articles.story`, `articles.story_hashtags`): table name} of every table Django manages."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables[meta.label_lower] = meta.db_table
    return dict(sorted(tables.items()))


def quote_name(name):
    """An SQL identifier in double quotes (SQLite and PostgreSQL alike)."""
    return '"' + name.replace('"', '""') + '"'


def database_state(cursor, table_names):
    """(rows, migrations) read through a DB-API `cursor`: {model label: row count} of the tables that
    exist (`table_names`: the names present), and {app: [applied migration names, sorted]}."""
    rows = {}
    for label, table in model_tables().items():
        if table in table_names:
            cursor.execute(f"SELECT COUNT(*) FROM {quote_name(table)}")
            rows[label] = cursor.fetchone()[0]
    migrations = {}
    if MigrationRecorder.Migration._meta.db_table in table_names:
        cursor.execute(f"SELECT app, name FROM {quote_name(MigrationRecorder.Migration._meta.db_table)}")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return rows, {app: sorted(names) for app, names in sorted(migrations.items())}


def current_state(connection):
    """(rows, migrations) of the database `connection` points at, as `database_state` gives them."""
    with connection.cursor() as cursor:
        return database_state(cursor, set(connection.introspection.table_names(cursor)))


# SQLite


def sqlite_path(connection):
    """The file of the SQLite database, or BackupError for an in-memory one."""
    path = database_path(connection.settings_dict)
    if path is None:
        raise BackupError("the SQLite database is in memory: there is no file to restore into")
    return path


def dump_sqlite(connection, target):
    """Copy the database into the new file `target` (a Path); returns (rows, migrations, details)."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        rows, migrations = database_state(cursor, {name for (name,) in cursor.fetchall()})
        cursor.execute("PRAGMA integrity_check")
        verdict = cursor.fetchone()[0]
    finally:
        copy.close()
    if verdict != "ok":
        raise BackupError(f"the copy of the SQLite database fails SQLite's integrity check: {verdict}")
    return rows, migrations, {"sqlite_version": sqlite3.sqlite_version}


def restore_sqlite(connection, source):
    """Replace the content of the configured SQLite file with the copy `source` (a Path)."""
    path = sqlite_path(connection)
    connection.close()
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    target = sqlite3.connect(path, timeout=connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))
    try:
        copy.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise BackupError(f"could not write the SQLite file {path}: {error}") from None
    finally:
        target.close()
        copy.close()


# PostgreSQL


def postgresql_tool(name):
    """The path of pg_dump or pg_restore, or BackupError saying how to install it."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (PostgreSQL backups need it): {POSTGRESQL_CLIENT_HINT}")
    return path


def libpq_environment(settings_dict):
    """os.environ plus the PG* variables that point libpq at the database of `settings_dict`."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for setting, variable in LIBPQ_SETTINGS.items():
        if settings_dict.get(setting):
            environment[variable] = str(settings_dict[setting])
    options = settings_dict.get("OPTIONS", {})
    for option, variable in LIBPQ_OPTIONS.items():
        if options.get(option):
            environment[variable] = str(options[option])
    environment["PGAPPNAME"] = "newsroom-backup"
    return environment


def run_tool(command, settings_dict, what):
    """Run a PostgreSQL client `command` (list) against the database; BackupError with its stderr if it fails."""
    try:
        result = subprocess.run(
            command, env=libpq_environment(settings_dict), capture_output=True, text=True, check=False
        )
    except OSError as error:
        raise BackupError(f"could not run {command[0]}: {error}") from None
    if result.returncode != 0:
        detail = result.stderr.strip() or f"exit status {result.returncode}"
        raise BackupError(f"{what} failed: {detail}")
    return result


def dump_postgresql(connection, target):
    """pg_dump the database into the new file `target` (a Path); returns (rows, migrations, details)."""
    from django.db import transaction

    pg_dump = postgresql_tool("pg_dump")
    connection.ensure_connection()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # Counting a large table may take longer than the site's statement_timeout.
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        rows, migrations = database_state(cursor, set(connection.introspection.table_names(cursor)))
        run_tool(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            connection.settings_dict,
            "pg_dump",
        )
    version = run_tool([pg_dump, "--version"], connection.settings_dict, "pg_dump --version").stdout.strip()
    return rows, migrations, {"server_version": connection.pg_version, "pg_dump": version}


def restore_postgresql(connection, source, *, replace):
    """pg_restore `source` (a Path) into the database, in one transaction; `replace` drops what is there first."""
    pg_restore = postgresql_tool("pg_restore")
    connection.close()
    command = [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges"]
    if replace:
        command += ["--clean", "--if-exists"]
    command += [f"--dbname={connection.settings_dict['NAME']}", str(source)]
    run_tool(command, connection.settings_dict, "pg_restore")
