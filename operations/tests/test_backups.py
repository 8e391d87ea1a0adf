"""`manage.py backup` and `manage.py restore`, on whichever database the suite runs on (SQLite or PostgreSQL)."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Story
from comments.models import Comment, ModerationLogEntry
from comments.tests.factories import make_comment, make_story
from operations.backups import FOLDER_PATTERN, MANIFEST, backups_in, create_backup, file_digest

from .second_site import SecondSite, postgresql_url

pytestmark = pytest.mark.django_db(transaction=True)

PHOTO = b"\xff\xd8\xff\xe0 a photo's bytes \x00\x01" * 50
RENDITION = b"RIFF a rendition" * 20


@pytest.fixture
def site_content():
    """A story with an approved comment, a reply and a spam comment, their moderation log, and two uploads."""
    story = make_story(headline="Harbour festival opens", headline_ko="항구 축제 개막", slug="harbour-festival")
    first = make_comment(story, text="Lovely photos of the harbour.")
    reply = make_comment(story, text="I was there too!", parent=first)
    spam = make_comment(story, text="Buy cheap watches", status=Comment.Status.SPAM)
    ModerationLogEntry.objects.create(comment=first, from_status="pending", to_status="approved", reason="looks fine")
    ModerationLogEntry.objects.create(comment=spam, from_status="pending", to_status="spam", reason="keyword: watches")
    ModerationLogEntry.objects.create(comment=reply, from_status="", to_status="approved", reason="")
    default_storage.save("photos/2026/12/harbour.jpg", ContentFile(PHOTO))
    default_storage.save("renditions/photos/항구-640.webp", ContentFile(RENDITION))
    return story


@pytest.fixture
def second_site(tmp_path):
    """An empty second database (a second SQLite file, or a second PostgreSQL database) and media folder."""
    if connection.vendor == "sqlite":
        yield SecondSite(tmp_path)
        return
    name = f"{connection.settings_dict['NAME']}_restored"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield SecondSite(tmp_path, url=postgresql_url(name))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def back_up(directory, *args):
    """Run `manage.py backup DIRECTORY ARGS`; returns the new backup folder."""
    before = set(backups_in(directory))
    call_command("backup", str(directory), *args, stdout=StringIO(), stderr=StringIO())
    (folder,) = set(backups_in(directory)) - before
    return folder


def read_site(story):
    """What SecondSite.content() reads, from the test's own database and storage."""
    from operations.backups import storage_files

    return {
        "stories": sorted([s.slug, s.headline, s.headline_ko, s.body] for s in Story.objects.all()),
        "comments": sorted(
            [c.text, c.author_email, c.status, c.parent.text if c.parent else None]
            for c in Comment.objects.select_related("parent")
        ),
        "log": sorted(
            [e.comment.text, e.from_status, e.to_status, e.reason]
            for e in ModerationLogEntry.objects.select_related("comment")
        ),
        "media": {name: default_storage.open(name).read().hex() for name in storage_files(default_storage)},
    }


def test_a_backup_restored_into_an_empty_database_has_every_story_comment_log_entry_and_upload(
    site_content, second_site, tmp_path
):
    folder = back_up(tmp_path / "backups")

    result = second_site.manage("restore", str(folder))

    assert result.returncode == 0, result.stderr
    assert "every table's rows match the manifest" in result.stdout
    restored = second_site.content()
    original = read_site(site_content)
    assert restored == original
    assert len(restored["comments"]) == 3 and len(restored["log"]) == 3
    assert bytes.fromhex(restored["media"]["photos/2026/12/harbour.jpg"]) == PHOTO


def test_the_restored_site_needs_no_migration(site_content, second_site, tmp_path):
    folder = back_up(tmp_path / "backups")
    assert second_site.manage("restore", str(folder)).returncode == 0

    check = second_site.manage("migrate", "--check")

    assert check.returncode == 0, check.stdout + check.stderr


def test_restore_refuses_a_database_that_has_tables_and_force_replaces_it(site_content, second_site, tmp_path):
    folder = back_up(tmp_path / "backups")
    assert second_site.manage("migrate", "--noinput").returncode == 0

    refused = second_site.manage("restore", str(folder))
    forced = second_site.manage("restore", str(folder), "--force")

    assert refused.returncode != 0
    assert "restore failed: the database already holds" in refused.stderr
    assert "give --force to replace everything in it" in refused.stderr
    assert forced.returncode == 0, forced.stderr
    assert second_site.content()["stories"] == read_site(site_content)["stories"]


def test_restore_refuses_to_overwrite_an_upload_that_differs_and_writes_nothing(site_content, second_site, tmp_path):
    folder = back_up(tmp_path / "backups")
    other = second_site.media / "photos" / "2026" / "12" / "harbour.jpg"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"another photo")

    refused = second_site.manage("restore", str(folder))

    assert refused.returncode != 0
    assert "1 file(s) of the backup are already in the storage with other content" in refused.stderr
    assert other.read_bytes() == b"another photo"
    assert not (second_site.media / "renditions").exists()
    assert second_site.manage("restore", str(folder), "--force").returncode == 0
    assert other.read_bytes() == PHOTO


def test_the_manifest_names_the_time_vendor_migrations_rows_and_every_file_with_its_checksum(site_content, tmp_path):
    folder = back_up(tmp_path / "backups")

    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))

    assert FOLDER_PATTERN.match(folder.name)
    created = dt.datetime.fromisoformat(manifest["created_at"])
    assert created.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=5)
    assert folder.name == "newsroom-" + created.strftime("%Y%m%dT%H%M%SZ")
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["articles"]
    assert manifest["rows"]["articles.story"] == 1
    assert manifest["rows"]["comments.comment"] == 3
    assert manifest["rows"]["comments.moderationlogentry"] == 3
    files = {entry["name"]: entry for entry in manifest["media"]["files"]}
    assert set(files) == {"photos/2026/12/harbour.jpg", "renditions/photos/항구-640.webp"}
    photo = files["photos/2026/12/harbour.jpg"]
    assert (photo["size"], photo["sha256"]) == file_digest(folder / "media" / "photos/2026/12/harbour.jpg")
    assert (manifest["database"]["size"], manifest["database"]["sha256"]) == file_digest(
        folder / manifest["database"]["file"]
    )


def test_the_backup_folder_and_every_file_in_it_are_readable_by_their_owner_only(site_content, tmp_path):
    folder = back_up(tmp_path / "backups")

    files = [path for path in folder.rglob("*") if path.is_file()]
    assert {path.name for path in files} >= {
        "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump",
        MANIFEST,
        "harbour.jpg",
    }
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (folder / "media").stat().st_mode & 0o777 == 0o700
    assert {path.name: path.stat().st_mode & 0o777 for path in files} == {path.name: 0o600 for path in files}


@pytest.mark.parametrize("under", ["", "backups"], ids=["the folder", "a folder on its way"])
def test_a_backup_into_a_file_says_the_file_is_not_a_folder(site_content, tmp_path, under):
    file = tmp_path / "notes.txt"
    file.write_text("not a folder")

    with pytest.raises(CommandError, match=f"backup failed: {file} is a file, not a folder: give the folder that"):
        call_command("backup", str(file / under), stdout=StringIO())

    assert file.read_text() == "not a folder"


def test_a_damaged_backup_is_refused_before_anything_is_written(site_content, tmp_path, settings):
    folder = back_up(tmp_path / "backups")
    (folder / "media" / "photos/2026/12/harbour.jpg").write_bytes(b"bit rot")
    settings.MEDIA_ROOT = tmp_path / "empty-media"

    with pytest.raises(CommandError, match="the backup is damaged: .*harbour.jpg does not match its size and SHA-256"):
        call_command("restore", str(folder), "--force", stdout=StringIO())

    assert not (tmp_path / "empty-media").exists()
    assert Story.objects.count() == 1


def test_a_backup_of_the_other_database_vendor_is_refused(site_content, tmp_path):
    folder = back_up(tmp_path / "backups")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    other, other_file = (
        ("postgresql", "database.pgdump") if connection.vendor == "sqlite" else ("sqlite", "database.sqlite3")
    )
    (folder / manifest["database"]["file"]).rename(folder / other_file)
    manifest["database"].update(vendor=other, file=other_file)
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")

    with pytest.raises(
        CommandError, match=f"this is a backup of a {other} database and the site runs on {connection.vendor}"
    ):
        call_command("restore", str(folder), "--force", stdout=StringIO())


def test_a_folder_that_is_not_a_backup_is_refused_with_the_backups_it_holds(site_content, tmp_path):
    folder = back_up(tmp_path / "backups")

    with pytest.raises(CommandError, match=f"is not a backup folder .*; the backups in it: {folder.name}"):
        call_command("restore", str(tmp_path / "backups"), stdout=StringIO())
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("restore", str(tmp_path / "nowhere"), stdout=StringIO())


def test_keep_deletes_all_but_the_newest_backups(site_content, tmp_path):
    backups = tmp_path / "backups"
    old = [
        create_backup(backups, connection=connection, storage=default_storage, now=moment).folder
        for moment in (dt.datetime(2026, 11, day, 3, 15, tzinfo=dt.UTC) for day in (1, 2, 3))
    ]
    (backups / "notes.txt").write_text("kept")

    newest = back_up(backups, "--keep", "2")

    assert backups_in(backups) == [old[2], newest]
    assert (backups / "notes.txt").exists()


def test_a_postgresql_backup_without_pg_dump_says_how_to_install_it_and_leaves_nothing(
    site_content, tmp_path, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is needed on PostgreSQL only; SQLite is copied by Python itself")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    with pytest.raises(CommandError, match=r"pg_dump is not installed .*apt-get install postgresql-client"):
        call_command("backup", str(tmp_path / "backups"), stdout=StringIO())

    assert list((tmp_path / "backups").iterdir()) == []


def test_a_database_that_cannot_be_reached_is_a_clear_error(site_content, tmp_path, second_site):
    if second_site.url:
        second_site.url = second_site.url.replace(f":{connection.settings_dict['PORT'] or 5432}/", ":1/")
    else:
        second_site.sqlite_path = tmp_path / "no-such-folder" / "db.sqlite3"

    result = second_site.manage("backup", str(tmp_path / "backups"))

    assert result.returncode != 0
    assert "CommandError: backup failed:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not any(Path(tmp_path / "backups").glob("*newsroom-*"))


def test_a_restore_into_a_missing_sqlite_folder_names_the_folder(site_content, tmp_path, second_site):
    if second_site.url:
        pytest.skip("SQLite's file only; PostgreSQL's errors name the server")
    folder = back_up(tmp_path / "backups")
    second_site.sqlite_path = tmp_path / "no-such-folder" / "db.sqlite3"

    result = second_site.manage("restore", str(folder))

    assert result.returncode != 0
    assert (
        f"restore failed: the SQLite database {second_site.sqlite_path} cannot be opened: the folder "
        f"{tmp_path / 'no-such-folder'} does not exist"
    ) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_backup_of_a_missing_sqlite_file_refuses_to_copy_an_empty_database(site_content, tmp_path, second_site):
    if second_site.url:
        pytest.skip("SQLite's file only")
    second_site.sqlite_path = tmp_path / "never-made.sqlite3"

    result = second_site.manage("backup", str(tmp_path / "backups"))

    assert result.returncode != 0
    assert f"there is no SQLite database at {second_site.sqlite_path}: nothing to back up" in result.stderr
    assert not second_site.sqlite_path.exists()
