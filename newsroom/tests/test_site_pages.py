"""The whole-site checks see every state a reader page can be in."""

import pytest
from django.test import Client

from .site_pages import import_demo_site, reader_pages

pytestmark = pytest.mark.django_db


def test_the_korean_stale_story_page_carries_the_stale_korean_notice():
    import_demo_site()
    html = Client().get(reader_pages("ko")["story-korean-stale"]).content.decode()
    assert "korean-stale" in html
