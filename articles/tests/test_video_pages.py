"""A story's video on its page, in its JSON-LD, in the admin and in the page cache."""

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import translation

from articles.models import Story
from comments.tests.factories import read_form

from .factories import make_outlet, make_story
from .page_metadata import parse
from .test_views import STORY_PAGE_QUERIES

pytestmark = pytest.mark.django_db

YOUTUBE_ADDRESS = "https://youtu.be/aqz-KE-bpKQ?t=90"
PUBLISHED = dt.datetime(2024, 11, 4, 11, 0, tzinfo=dt.UTC)


def url_in(language, story):
    with translation.override(language):
        return story.get_absolute_url()


def main_html(client, language, story):
    response = client.get(url_in(language, story))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") :]


def video_object(client, language, story):
    (text,) = parse(client.get(url_in(language, story)).content.decode()).json_ld
    return json.loads(text).get("video")


@pytest.fixture
def story():
    return make_story(
        outlet=make_outlet(name="Harbour Wire", time_zone="Asia/Seoul"),
        headline="Port reopens after storm",
        headline_ko="폭풍 후 항구 재개장",
        intro="The port reopened on Monday.",
        intro_ko="항구가 월요일에 다시 문을 열었다.",
        video_url=YOUTUBE_ADDRESS,
        published_at=PUBLISHED,
    )


class TestStoryPage:
    def test_english_page_shows_our_poster_as_a_link_to_the_video_on_youtube(self, client, story):
        html = main_html(client, "en", story)
        assert 'data-video-player="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1&amp;start=90"' in html
        assert 'href="https://www.youtube.com/watch?v=aqz-KE-bpKQ&amp;t=90s"' in html
        assert 'aria-label="Watch the video “Port reopens after storm” on YouTube (opens YouTube)"' in html
        assert 'data-play-label="Play the video “Port reopens after storm”"' in html
        assert '<span class="story-video-headline" lang="en" aria-hidden="true">Port reopens after storm</span>' in html
        assert re.search(r'<img class="story-video-image" src="/static/img/video-poster\.svg" alt=""', html)
        assert '<script src="/static/js/video.js" defer></script>' in html

    def test_korean_page_puts_the_korean_headline_on_the_poster(self, client, story):
        html = main_html(client, "ko", story)
        assert '<span class="story-video-headline" lang="ko" aria-hidden="true">폭풍 후 항구 재개장</span>' in html
        assert "“폭풍 후 항구 재개장”" in html

    def test_korean_page_without_a_korean_headline_shows_the_english_one_marked_english(self, client, story):
        story.headline_ko = ""
        story.save()
        html = main_html(client, "ko", story)
        assert '<span class="story-video-headline" lang="en" aria-hidden="true">Port reopens after storm</span>' in html

    def test_page_loads_nothing_from_the_video_host(self, client, story):
        html = client.get(url_in("en", story)).content.decode()
        loaded = re.findall(r'<(?:img|iframe|script|link|source|video)\b[^>]*\b(?:src|href)="([^"]+)"', html)
        assert loaded
        assert [address for address in loaded if not address.startswith(("/", "http://testserver/"))] == []

    def test_vimeo_video_links_to_vimeo_and_plays_without_tracking(self, client, story):
        story.video_url = "https://vimeo.com/76979871/8f3a2b1c9d"
        story.save()
        html = main_html(client, "en", story)
        player = "https://player.vimeo.com/video/76979871?h=8f3a2b1c9d&amp;dnt=1&amp;autoplay=1"
        assert f'data-video-player="{player}"' in html
        assert 'href="https://vimeo.com/76979871/8f3a2b1c9d"' in html
        assert "on Vimeo (opens Vimeo)" in html

    def test_story_without_a_video_has_no_poster_and_no_script(self, client, story):
        story.video_url = None
        story.save()
        html = main_html(client, "en", story)
        assert "story-video" not in html
        assert "video.js" not in html

    def test_stored_address_of_another_host_shows_no_video(self, client, story):
        # What a shell or a future importer could store without validation: the page shows no video.
        Story.objects.filter(pk=story.pk).update(video_url="https://evil.example/watch?v=aqz-KE-bpKQ")
        html = main_html(client, "en", Story.objects.get(pk=story.pk))
        assert "story-video" not in html
        assert "evil.example" not in html

    def test_headline_is_escaped_on_the_poster(self, client, story):
        story.headline = 'Port "reopens" <b>now</b>'
        story.save()
        html = main_html(client, "en", story)
        assert "Watch the video “Port &quot;reopens&quot; &lt;b&gt;now&lt;/b&gt;” on YouTube" in html
        assert "<b>now</b>" not in html

    def test_a_video_adds_no_query(self, client, story, django_assert_max_num_queries):
        with django_assert_max_num_queries(STORY_PAGE_QUERIES):
            assert client.get(url_in("en", story)).status_code == 200
        with django_assert_max_num_queries(STORY_PAGE_QUERIES):
            assert Client(HTTP_COOKIE="sessionid=x").get(url_in("ko", story)).status_code == 200


class TestJsonLd:
    def test_video_is_a_video_object_with_our_poster_and_the_publication_time(self, client, story):
        assert video_object(client, "en", story) == {
            "@type": "VideoObject",
            "name": "Port reopens after storm",
            "description": "The port reopened on Monday.",
            "embedUrl": "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?start=90",
            "url": "https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=90s",
            "thumbnailUrl": "http://testserver/static/img/video-poster.svg",
            "uploadDate": "2024-11-04T20:00:00+09:00",
        }

    def test_korean_page_describes_the_video_in_korean(self, client, story):
        video = video_object(client, "ko", story)
        assert video["name"] == "폭풍 후 항구 재개장"
        assert video["description"] == "항구가 월요일에 다시 문을 열었다."

    def test_story_without_a_video_has_no_video_object(self, client, story):
        story.video_url = None
        story.save()
        assert video_object(client, "en", story) is None


class TestPageCache:
    def test_each_save_of_one_story_object_shows_at_once(self, story):
        for address in ["https://vimeo.com/76979871", YOUTUBE_ADDRESS, "https://youtu.be/eRsGyueVLvQ"]:
            Client().get(story.get_absolute_url())
            story.video_url = address
            story.save()
            player = story.video.player_url()
            assert player.replace("&", "&amp;") in Client().get(story.get_absolute_url()).content.decode()

    def test_a_save_from_an_object_read_before_another_save_still_shows(self, story):
        first, second = Story.objects.get(pk=story.pk), Story.objects.get(pk=story.pk)
        first.video_url = "https://vimeo.com/76979871"
        first.save()
        assert "player.vimeo.com" in Client().get(story.get_absolute_url()).content.decode()
        second.video_url = "https://youtu.be/eRsGyueVLvQ"
        second.save()
        assert "youtube-nocookie.com/embed/eRsGyueVLvQ" in Client().get(story.get_absolute_url()).content.decode()

    def test_adding_changing_and_removing_the_video_shows_at_once(self, client, story):
        story.video_url = None
        story.save()
        assert "story-video" not in Client().get(story.get_absolute_url()).content.decode()
        assert "story-video" not in Client().get(story.get_absolute_url()).content.decode()
        for address, player in [
            ("https://vimeo.com/76979871", "player.vimeo.com/video/76979871"),
            (YOUTUBE_ADDRESS, "youtube-nocookie.com/embed/aqz-KE-bpKQ"),
        ]:
            version = Story.objects.get(pk=story.pk).page_version
            story.video_url = address
            story.save()
            assert Story.objects.get(pk=story.pk).page_version > version
            assert player in Client().get(story.get_absolute_url()).content.decode()
        story.video_url = None
        story.save()
        assert "story-video" not in Client().get(story.get_absolute_url()).content.decode()


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))
    return client


def change_url(story):
    return f"/admin/articles/story/{story.pk}/change/"


class TestAdmin:
    def test_editor_pastes_a_youtube_address(self, editor_client, story):
        story.video_url = None
        story.save()
        fields = read_form(editor_client.get(change_url(story)), "story_form")[1]
        response = editor_client.post(change_url(story), {**fields, "video_url": " https://youtu.be/aqz-KE-bpKQ "})
        assert response.status_code == 302
        assert Story.objects.get(pk=story.pk).video_url == "https://youtu.be/aqz-KE-bpKQ"

    @pytest.mark.parametrize(
        "address",
        ["https://www.dailymotion.com/video/x8abcd", "https://youtube.com.evil.example/watch?v=aqz-KE-bpKQ"],
    )
    def test_other_hosts_are_refused_with_a_message_and_nothing_is_lost(self, editor_client, story, address):
        fields = read_form(editor_client.get(change_url(story)), "story_form")[1]
        data = {**fields, "video_url": address, "intro": "A new intro the editor typed."}
        response = editor_client.post(change_url(story), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert f"Only YouTube and Vimeo videos can be embedded: “{address}” is not the address of one." in html
        assert "A new intro the editor typed." in html
        assert Story.objects.get(pk=story.pk).video_url == YOUTUBE_ADDRESS

    def test_emptying_the_field_removes_the_video(self, editor_client, story):
        fields = read_form(editor_client.get(change_url(story)), "story_form")[1]
        assert fields["video_url"] == YOUTUBE_ADDRESS
        assert editor_client.post(change_url(story), {**fields, "video_url": ""}).status_code == 302
        assert Story.objects.get(pk=story.pk).video_url is None
