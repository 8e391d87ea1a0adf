"""Backups of the whole site: the database and the uploaded media, in one folder with a manifest.

A backup is a folder `newsroom-YYYYMMDDTHHMMSSZ` (UTC) holding

- `database.sqlite3` or `database.pgdump` (operations.databases),
- `media/`: every file of the default storage (photos and their renditions), copied through
  Django's storage API, so a bucket is backed up like MEDIA_ROOT,
- `manifest.json`: the format and its version, the time (UTC), the database vendor and
  details, Django's version, the applied migrations and the rows of every table (read from
  the copied database itself), and each file with its size and SHA-256.

The folder is written as `.newsroom-….partial` and renamed once complete, so a folder with
the final name is always whole; a failed backup removes its partial folder. The database is
copied before the media: every file the copied database names was in the storage when its
copy began (files uploaded later come along too, and do no harm).

Restoring checks everything before writing anything: the manifest, every checksum, the
vendor, that the database is empty (or `replace`), that no file in the storage would be
overwritten by different content (or `replace`). Then the database, then the files, then the
restored database's rows and migrations are compared with the manifest. Last, every story's
`page_version` moves to a new random range (`move_page_versions`): the page caches key story
pages by that counter, and the restore brought back numbers they used for other content since.
"""

import datetime as dt
import hashlib
import json
import os
import posixpath
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from . import databases
from .databases import DATABASE_FILES, BackupError

FORMAT = "newsroom-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_FOLDER = "media"
FOLDER_PREFIX = "newsroom-"
FOLDER_PATTERN = re.compile(r"^newsroom-\d{8}T\d{6}Z$")
CHUNK_BYTES = 1024 * 1024


def folder_name(moment):
    """`newsroom-20261201T031500Z` for an aware datetime (shown in UTC)."""
    return FOLDER_PREFIX + moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def make_folder(path):
    """Make the folder `path` (a Path) and the folders above it that are missing; BackupError when it, or a
    folder on its way, is a file."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        file = next((part for part in (path, *path.parents) if part.exists() and not part.is_dir()), path)
        raise BackupError(
            f"{file} is a file, not a folder: give the folder that holds the backups (made if missing)"
        ) from None


def owner_only(path, flags):
    """`open`'s opener for a new file readable and writable by its owner only (0600, whatever the umask)."""
    return os.open(path, flags, 0o600)


def copy_stream(source, target):
    """Copy the open binary file `source` into the new file at `target` (a Path, made 0600); returns
    (size, sha256 hex)."""
    digest = hashlib.sha256()
    size = 0
    with open(target, "xb", opener=owner_only) as out:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def file_digest(path):
    """(size, sha256 hex) of the file at `path`."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def stored_digest(storage, name):
    """(size, sha256 hex) of the file `name` in `storage`."""
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def storage_files(storage, folder=""):
    """Every file name in `storage` under `folder`, depth first, sorted; nothing for a missing folder."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from storage_files(storage, posixpath.join(folder, name) if folder else name)


def safe_media_name(name):
    """`name` when it is a relative POSIX path inside the media folder; BackupError otherwise."""
    if (
        not isinstance(name, str)
        or not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or any(part in ("", ".", "..") for part in name.split("/"))
    ):
        raise BackupError(f"the manifest names a file outside the media folder: {name!r}")
    return name


@dataclass
class BackupReport:
    """What `create_backup` wrote: the folder (Path), the manifest (dict) and the files that vanished meanwhile."""

    folder: Path
    manifest: dict
    vanished: list = field(default_factory=list)


def create_backup(parent, *, connection, storage, now=None):
    """Back the database of `connection` and every file of `storage` up into a new folder in `parent`.

    `parent`: a Path (made if missing). Returns a BackupReport; raises BackupError (nothing is
    left behind but a folder that was already there).
    """
    vendor = databases.check_vendor(connection)
    databases.open_database(connection)
    now = now or dt.datetime.now(dt.UTC)
    parent = Path(parent)
    make_folder(parent)
    name = folder_name(now)
    final = parent / name
    if final.exists():
        raise BackupError(f"{final} already exists: one backup per second at most")
    partial = parent / f".{name}.partial"
    partial.mkdir(mode=0o700)
    try:
        database_file = partial / DATABASE_FILES[vendor]
        # Made empty first, 0600: sqlite3 and pg_dump write into it and keep its mode.
        open(database_file, "xb", opener=owner_only).close()
        dump = databases.dump_sqlite if vendor == "sqlite" else databases.dump_postgresql
        rows, migrations, details = dump(connection, database_file)
        size, sha256 = file_digest(database_file)
        media, vanished = copy_media(storage, partial / MEDIA_FOLDER)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": now.astimezone(dt.UTC).isoformat(),
            "django": django.get_version(),
            "database": {
                "vendor": vendor,
                "file": database_file.name,
                "size": size,
                "sha256": sha256,
                **details,
            },
            "migrations": migrations,
            "rows": rows,
            "media": {
                "storage": f"{type(storage).__module__}.{type(storage).__qualname__}",
                "files": media,
                "bytes": sum(entry["size"] for entry in media),
            },
        }
        with open(partial / MANIFEST, "x", encoding="utf-8", opener=owner_only) as out:
            out.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupReport(final, manifest, vanished)


def copy_media(storage, target):
    """Copy every file of `storage` into the folder `target`; returns ([{name, size, sha256}], [vanished names])."""
    target.mkdir(mode=0o700)
    entries, vanished = [], []
    for name in storage_files(storage):
        destination = target / safe_media_name(name)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source:
                size, sha256 = copy_stream(source, destination)
        except FileNotFoundError:
            vanished.append(name)  # deleted between the listing and the copy
            continue
        entries.append({"name": name, "size": size, "sha256": sha256})
    return entries, vanished


def backups_in(parent):
    """The complete backup folders in `parent` (Paths), oldest first."""
    parent = Path(parent)
    if not parent.is_dir():
        return []
    return sorted(
        (path for path in parent.iterdir() if FOLDER_PATTERN.match(path.name) and (path / MANIFEST).is_file()),
        key=lambda path: path.name,
    )


def prune_backups(parent, keep):
    """Delete the complete backups in `parent` but the `keep` newest; returns the deleted Paths."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    old = backups_in(parent)[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old


# Restoring


def read_manifest(folder):
    """The manifest of the backup `folder` (a Path) as a dict, checked for shape; BackupError otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder")
    path = folder / MANIFEST
    if not path.is_file():
        found = [backup.name for backup in backups_in(folder)]
        hint = f"; the backups in it: {', '.join(found[-5:])}" if found else ""
        raise BackupError(f"{folder} is not a backup folder (it has no {MANIFEST}){hint}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not the manifest of a Newsroom backup")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is in version {manifest.get('version')!r} of the backup format; this code reads {FORMAT_VERSION}"
        )
    database = manifest.get("database")
    media = manifest.get("media")
    if (
        not isinstance(database, dict)
        or database.get("vendor") not in DATABASE_FILES
        or database.get("file") != DATABASE_FILES[database["vendor"]]
        or not isinstance(manifest.get("rows"), dict)
        or not isinstance(manifest.get("migrations"), dict)
        or not isinstance(media, dict)
        or not isinstance(media.get("files"), list)
        or not all(isinstance(entry, dict) and {"name", "size", "sha256"} <= entry.keys() for entry in media["files"])
    ):
        raise BackupError(f"{path} lacks the database, rows, migrations or media entries of a backup manifest")
    for entry in media["files"]:
        safe_media_name(entry["name"])
    return manifest


def verify_backup(folder, manifest):
    """Check the size and SHA-256 of the database file and of every media file; BackupError names the first
    that differs."""
    folder = Path(folder)
    expected = [(folder / manifest["database"]["file"], manifest["database"])]
    expected += [(folder / MEDIA_FOLDER / entry["name"], entry) for entry in manifest["media"]["files"]]
    for path, entry in expected:
        if not path.is_file():
            raise BackupError(f"the backup is incomplete: {path} is missing")
        if file_digest(path) != (entry["size"], entry["sha256"]):
            raise BackupError(f"the backup is damaged: {path} does not match its size and SHA-256 in the manifest")


def media_conflicts(storage, manifest):
    """(names already in `storage` with other content, names already there with the same content)."""
    differ, same = [], []
    for entry in manifest["media"]["files"]:
        name = entry["name"]
        if storage.exists(name):
            (same if stored_digest(storage, name) == (entry["size"], entry["sha256"]) else differ).append(name)
    return differ, same


def restore_media(storage, folder, manifest, *, skip=()):
    """Save every file of the backup into `storage` but those in `skip`, replacing what is there; returns the count."""
    written = 0
    for entry in manifest["media"]["files"]:
        name = entry["name"]
        if name in skip:
            continue
        if storage.exists(name):
            storage.delete(name)
        with open(Path(folder) / MEDIA_FOLDER / name, "rb") as source:
            saved = storage.save(name, File(source, name=posixpath.basename(name)))
        if saved != name:
            raise BackupError(f"the storage saved {name} as {saved}: restore the remaining files with --force")
        written += 1
    return written


def state_differences(manifest, rows, migrations):
    """Sentences for each table whose row count, and each app whose migrations, differ from the manifest."""
    differences = [
        f"{label}: {count} rows in the backup, {rows.get(label, 'no table')} restored"
        for label, count in sorted(manifest["rows"].items())
        if rows.get(label) != count
    ]
    differences += [
        f"migrations of {app} differ from the backup's"
        for app in sorted(set(manifest["migrations"]) | set(migrations))
        if sorted(manifest["migrations"].get(app, [])) != migrations.get(app, [])
    ]
    return differences


def migration_notes(connection):
    """Sentences comparing the migrations applied in the database of `connection` with the code's."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    replaced = {old for migration in loader.disk_migrations.values() for old in migration.replaces or ()}
    unknown = sorted(
        key
        for key in loader.applied_migrations
        if key[0] in loader.migrated_apps and key not in loader.disk_migrations and key not in replaced
    )
    notes = []
    if unknown:
        names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        notes.append(
            f"the backup was made by newer code: {len(unknown)} applied migration(s) this code lacks ({names}); "
            "deploy the code the backup was made with"
        )
    if MigrationExecutor(connection).migration_plan(loader.graph.leaf_nodes()):
        notes.append("this code has migrations the backup lacks: run `manage.py migrate`")
    return notes


@dataclass
class RestoreReport:
    """What `restore_backup` did: files written and left alone (same content), the stories whose page
    version moved (None when it could not: a note says why), and notes for the operator."""

    written: int
    unchanged: int
    notes: list
    moved_stories: int | None = None


# Where restored stories' page versions start: far above the small numbers a site counts up from, and
# 2**30 changes below PositiveIntegerField's largest value (2**31 - 1, an `integer` on PostgreSQL).
RESTORED_VERSIONS = (2**29, 2**30)


def move_page_versions(connection):
    """Give every story of the database of `connection` one new random `page_version` in RESTORED_VERSIONS,
    through the ORM: the listings version moves with it and, once the transaction commits, each caching
    proxy is sent a BAN of every page (articles.purge). Returns the number of stories.

    Why: the page caches (Django's, the fragments of the story page, Varnish) key a story page by its
    story's id and `page_version`, a counter. A restore brings back the numbers of the backup's day,
    which the caches used since for newer pages of the same story (comments added after the backup):
    counting on from them would serve those pages again. From a random start in a range of 2**29
    numbers, the chance that a story meets a number a cache still holds a page under is about the
    number of its changes since the backup (or since an earlier restore) in 2**29, whatever the number
    of restores; no counter reaches the field's largest value before 2**30 changes. Raises
    DatabaseError (nothing changed) when the restored tables are not those of this code's models.
    """
    from articles.models import Story

    start = RESTORED_VERSIONS[0] + secrets.randbelow(RESTORED_VERSIONS[1] - RESTORED_VERSIONS[0])
    with transaction.atomic(using=connection.alias):
        return Story.objects.using(connection.alias).update(page_version=start)


def restore_backup(folder, *, connection, storage, replace=False):
    """Bring the backup in `folder` back into the database of `connection` and into `storage`.

    Refuses (BackupError, nothing written) a damaged backup, another vendor's backup, a
    database that has tables, and files in the storage with other content, unless `replace`.
    """
    manifest = read_manifest(folder)
    verify_backup(folder, manifest)
    vendor = databases.check_vendor(connection)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"this is a backup of a {manifest['database']['vendor']} database and the site runs on {vendor}: "
            "restore it into the same kind of database (to move between them, restore it there, then "
            "`manage.py dumpdata` and `loaddata`)"
        )
    databases.open_database(connection, restoring=True)
    tables = connection.introspection.table_names()
    if tables and not replace:
        raise BackupError(
            f"the database already holds {len(tables)} table(s) ({', '.join(sorted(tables)[:3])}, …): restore into "
            "an empty database, or give --force to replace everything in it"
        )
    differ, same = media_conflicts(storage, manifest)
    if differ and not replace:
        raise BackupError(
            f"{len(differ)} file(s) of the backup are already in the storage with other content ({differ[0]}, …): "
            "give --force to overwrite them"
        )
    source = Path(folder) / manifest["database"]["file"]
    if vendor == "sqlite":
        databases.restore_sqlite(connection, source)
    else:
        databases.restore_postgresql(connection, source, replace=bool(tables))
    written = restore_media(storage, folder, manifest, skip=set(same))
    rows, migrations = databases.current_state(connection)
    differences = state_differences(manifest, rows, migrations)
    notes = migration_notes(connection)
    try:
        moved = move_page_versions(connection)
    except DatabaseError as error:
        moved = None
        notes.append(
            f"the stories' page versions could not be moved ({error}): the page caches may serve pages from "
            "before the restore; after `manage.py migrate`, clear the cache (Redis) and ban every page in the proxy"
        )
    if differences:
        raise BackupError("the restored database differs from the backup: " + "; ".join(differences))
    return RestoreReport(written, len(same), notes, moved)


def describe_size(size):
    """A byte count for people: 512 B, 3.4 kB, 1.2 MB, 5.0 GB."""
    if size < 1000:
        return f"{size} B"
    for unit in ("kB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            break
    return f"{size:.1f} {unit}"
