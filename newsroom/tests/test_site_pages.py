"""The whole-site checks see every state a reader page can be in."""

import pytest
from django.test import Client

from .site_pages import import_demo_site, reader_pages

pytestmark = pytest.mark.django_db


def test_the_korean_stale_story_page_carries_the_stale_korean_notice():
    import_demo_site()
    html = Client().get(reader_pages("ko")["story-korean-stale"]).content.decode()
    assert "korean-stale" in html


def test_photos_placed_in_bodies_show_on_the_story_pages_in_both_languages():
    import_demo_site()
    for language in ("en", "ko"):
        pages = reader_pages(language)
        english_only = Client().get(pages["story-english-only"]).content.decode()
        assert english_only.count('class="photo story-body-photo"') == 1
        assert "Line 9 and its connections" in english_only  # in English, as the text around it
        with_korean_body = Client().get(pages["story"]).content.decode()
        assert with_korean_body.count('class="photo story-body-photo"') == 1
        assert "열람실은 시험 기간 동안 자정까지 문을 연다." in with_korean_body


def test_the_library_story_page_carries_badges_and_an_editor_s_pick_in_both_languages():
    import_demo_site()
    for language in ("en", "ko"):
        pages = reader_pages(language)
        for name in ("story", "story-newest-comments"):
            html = Client().get(pages[name]).content.decode()
            assert 'class="comment-picks' in html
            assert "comment-badge-pick" in html
            assert "comment-badge-reporter" in html
            assert "comment-badge-newsroom" in html
            assert 'class="comment-order' in html
