"""After `manage.py restore` no cache serves a story page of before: the page versions move on, the proxies
are told. The restore runs in this process, into the test's own database, and the pages come from the
real page cache (local memory, or Redis when REDIS_URL is set)."""

import sqlite3
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from articles.models import ListingsVersion, Story
from articles.tests.page_cache_helpers import cached_page_keys
from articles.tests.test_purge import RecordingProxy
from comments.tests.factories import make_comment, make_story
from operations.backups import RESTORED_VERSIONS, backups_in, move_page_versions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def restorable_database(tmp_path):
    """The test's database where `restore` can write into it: on SQLite a file holding a copy of the
    in-memory test database (there is no file to restore into otherwise), on PostgreSQL the test
    database itself. Afterwards the in-memory one is the test's database again."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    path = tmp_path / "site.sqlite3"
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    in_memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None  # Django never closes an in-memory database: set it aside
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = in_memory


def back_up(directory):
    call_command("backup", str(directory), stdout=StringIO(), stderr=StringIO())
    return backups_in(directory)[-1]


def restore(folder):
    out = StringIO()
    call_command("restore", str(folder), "--force", stdout=out, stderr=StringIO())
    return out.getvalue()


def page_of(story):
    return Client().get(story.get_absolute_url()).content.decode()


def test_a_story_page_cached_after_the_backup_is_not_served_after_the_restore(restorable_database, tmp_path):
    story = make_story(slug="harbour-ferry", headline="Harbour ferry adds a crossing")
    make_comment(story, text="Comment before the backup.")
    folder = back_up(tmp_path / "backups")
    make_comment(story, text="Comment A, after the backup.")
    assert "Comment A" in page_of(story)
    assert cached_page_keys(), "the story page is in the page cache"
    assert "Comment A" in page_of(story)

    output = restore(folder)
    make_comment(Story.objects.get(slug="harbour-ferry"), text="Comment B, after the restore.")
    html = page_of(story)

    assert "Comment B" in html
    assert "Comment A" not in html
    assert "Comment before the backup." in html
    assert "the page versions of 1 stories moved on" in output


def test_the_restore_moves_the_listings_version_and_bans_every_page_in_the_proxy(
    restorable_database, tmp_path, settings
):
    make_story(slug="harbour-ferry")
    folder = back_up(tmp_path / "backups")
    listings = ListingsVersion.current()
    proxy = RecordingProxy()
    settings.NEWSROOM_PURGE_URLS = [proxy.url]
    try:
        restore(folder)
    finally:
        proxy.close()

    assert proxy.bans() == ["all"]
    assert ListingsVersion.current() not in ("", listings)


def test_restored_page_versions_start_in_a_random_range_far_from_the_counted_ones(restorable_database):
    stories = [make_story(slug=f"story-{number}") for number in range(3)]
    Story.objects.filter(pk=stories[0].pk).bump_page_version()

    moved = move_page_versions(connection)
    first = set(Story.objects.values_list("page_version", flat=True))
    move_page_versions(connection)
    second = set(Story.objects.values_list("page_version", flat=True))

    assert moved == 3
    (start,) = first
    assert RESTORED_VERSIONS[0] <= start < RESTORED_VERSIONS[1]
    assert second != first
    # 2**30 changes of a story after a restore still fit the field (PositiveIntegerField, `integer` on PostgreSQL).
    assert RESTORED_VERSIONS[1] + 2**30 <= connection.ops.integer_field_range("PositiveIntegerField")[1] + 1
