"""Fixtures of the comment tests."""

import pytest


@pytest.fixture
def no_posting_limits(settings):
    """Post as fast as a test does: no minimum time on the form, no flood window."""
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    return settings
