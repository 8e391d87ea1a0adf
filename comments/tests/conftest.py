import importlib

import pytest
from django.apps import apps


@pytest.fixture
def staff_groups(db):
    """The Moderators and Editors groups, as the data migration makes them.

    Transactional tests flush the database, groups included; this puts them back.
    """
    migration = importlib.import_module("comments.migrations.0002_moderator_groups")
    migration.create_groups(apps, None)
