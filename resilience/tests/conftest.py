"""Fixtures of the resilience tests."""

import pytest


@pytest.fixture
def posting(settings):
    """Comments may be posted at once and in a row: no minimum time, no flood window."""
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    return settings
