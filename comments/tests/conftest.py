"""Fixtures of the comment tests."""

import pytest

from newsroom.tests.migration_data import restore_migration_data


@pytest.fixture
def no_posting_limits(settings):
    """Post as fast as a test does: no minimum time on the form, no flood window."""
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    return settings


@pytest.fixture
def staff_groups(db):
    """The Moderators and Editors groups, as the data migration makes them.

    Transactional tests flush the database, groups included; this puts them back.
    """
    restore_migration_data()
