"""Fixtures of the comment tests."""

import importlib

import pytest
from django.apps import apps


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
    migration = importlib.import_module("comments.migrations.0002_moderator_groups")
    migration.create_groups(apps, None)
