"""Fixtures for the seed page, shared by the parser, command and page tests."""

import pytest

from .story_pages import SEED_PAGE, parse_page


@pytest.fixture
def seed_page():
    if not SEED_PAGE.is_file():
        pytest.skip(f"seed page {SEED_PAGE} is absent: the seed tests need the shared seed folder")
    return SEED_PAGE


@pytest.fixture
def seed_story(seed_page):
    return parse_page(seed_page)
