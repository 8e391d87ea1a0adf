"""The privacy page: what is kept and for how long, and how to appeal a moderation decision, in both languages."""

import pytest

from .factories import make_story, page_elements

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "heading"), [("en", "How to appeal"), ("ko", "이의 제기 방법")])
def test_privacy_page_says_how_to_appeal_at_the_configured_address(client, settings, language, heading):
    settings.COMMENTS_APPEALS_EMAIL = "appeals@news.example"
    response = client.get(f"/{language}/privacy/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    appeals = page_elements(page)["appeals"]
    assert appeals.tag == "h2"
    assert heading in appeals.text
    assert 'href="mailto:appeals@news.example"' in page


def test_privacy_page_gives_the_configured_retention(client, settings):
    settings.COMMENTS_KEEP_IP_DAYS = 14
    settings.COMMENTS_HELD_VISIBLE_HOURS = 1
    page = client.get("/en/privacy/").content.decode()
    assert "are deleted after 14 days." in page
    assert "show it to you for 1 hour." in page


def test_the_appeals_address_defaults_to_the_site_s_sender(client, settings):
    assert settings.COMMENTS_APPEALS_EMAIL == settings.DEFAULT_FROM_EMAIL
    assert f"mailto:{settings.DEFAULT_FROM_EMAIL}" in client.get("/en/privacy/").content.decode()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_page_links_to_the_privacy_page_in_its_language(client, language):
    story = make_story()
    page = client.get(f"/{language}/stories/{story.slug}/").content.decode()
    assert f'href="/{language}/privacy/"' in page


def test_an_address_in_the_setting_is_escaped(client, settings):
    settings.COMMENTS_APPEALS_EMAIL = 'x"><script>@news.example'
    page = client.get("/en/privacy/").content.decode()
    assert "<script>@" not in page
