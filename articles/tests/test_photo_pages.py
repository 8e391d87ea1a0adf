"""A story's lead photo where readers meet it: the story page, the cards, share metadata, the video poster."""

import json
import re

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from articles.models import Section, Story
from photos.tests.factories import make_photo

from .factories import make_hashtag, make_outlet, make_story
from .page_metadata import parse
from .test_corrections import CARD_PAGE_QUERIES
from .test_sections import SECTION_PAGE_QUERIES
from .test_views import STORY_PAGE_QUERIES

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ko"]


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def story_url(story, language):
    with translation.override(language):
        return story.get_absolute_url()


def json_ld(html):
    """The page's JSON-LD object, read as a crawler reads it."""
    [script] = parse(html).json_ld
    return json.loads(script)


def attributes(tag):
    """{name: value} of an HTML start tag's attributes (values unescaped enough for our text)."""
    found = dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
    found.update({name: "" for name in re.findall(r"\s([a-z-]+)(?=[\s>])", tag) if name not in found})
    return found


def lead_figure(html):
    match = re.search(r'<figure class="photo story-lead-photo">.*?</figure>', html, re.S)
    assert match, "no lead photo on the page"
    return match.group(0)


def image_tag(html, css_class):
    match = re.search(rf'<img class="{css_class}"[^>]*>', html)
    assert match, f"no {css_class} image"
    return attributes(match.group(0))


@pytest.fixture
def photo():
    return make_photo(
        2000,
        1250,
        alt_text="Ferries moored at a harbour under a yellow sky",
        alt_text_ko="노란 하늘 아래 항구에 정박한 여객선들",
        caption="The harbour at dawn.",
        caption_ko="새벽의 항구.",
        credit="Kim Ji-ho / Newsroom",
    )


@pytest.fixture
def story(photo):
    return make_story(headline="Ferry timetable changes", headline_ko="여객선 시간표 변경", lead_photo=photo)


class TestStoryPage:
    @pytest.mark.parametrize(
        ("language", "alt", "caption"),
        [
            ("en", "Ferries moored at a harbour under a yellow sky", "The harbour at dawn."),
            ("ko", "노란 하늘 아래 항구에 정박한 여객선들", "새벽의 항구."),
        ],
    )
    def test_the_lead_photo_speaks_the_page_s_language(self, client, story, language, alt, caption):
        figure = lead_figure(page(client, story_url(story, language)))
        image = image_tag(figure, "photo-image")
        assert image["alt"] == alt
        assert "lang" not in image
        assert f'<span class="photo-caption-text">{caption}</span>' in figure
        assert "Kim Ji-ho / Newsroom" in figure

    def test_the_srcset_names_each_rendition_s_real_width_and_the_image_its_size(self, client, story, photo):
        image = image_tag(lead_figure(page(client, story_url(story, "en"))), "photo-image")
        widths = [int(item.rsplit(" ", 1)[1].rstrip("w")) for item in image["srcset"].split(", ")]
        assert widths == [480, 800, 1200, 1600]
        assert (image["width"], image["height"]) == ("800", "500")
        assert image["sizes"] == "(min-width: 43.5rem) 42rem, calc(100vw - 1.5rem)"
        assert image["src"] == photo.w800.url

    def test_the_lead_photo_loads_at_once(self, client, story):
        image = image_tag(lead_figure(page(client, story_url(story, "en"))), "photo-image")
        assert "loading" not in image

    def test_a_missing_korean_text_falls_back_on_the_english_marked_as_english(self, client, story, photo):
        photo.alt_text_ko = photo.caption_ko = ""
        photo.save()
        figure = lead_figure(page(client, story_url(story, "ko")))
        image = image_tag(figure, "photo-image")
        assert (image["alt"], image["lang"]) == ("Ferries moored at a harbour under a yellow sky", "en")
        assert '<span class="photo-caption-text" lang="en">The harbour at dawn.</span>' in figure

    def test_an_english_page_falls_back_on_korean_alternative_text(self, client, story, photo):
        photo.alt_text = ""
        photo.save()
        image = image_tag(lead_figure(page(client, story_url(story, "en"))), "photo-image")
        assert (image["alt"], image["lang"]) == ("노란 하늘 아래 항구에 정박한 여객선들", "ko")

    def test_a_decorative_photo_has_empty_alternative_text(self, client, photo):
        decorative = make_photo(alt_text="", alt_text_ko="", decorative=True)
        story = make_story(lead_photo=decorative)
        for language in LANGUAGES:
            assert image_tag(lead_figure(page(client, story_url(story, language))), "photo-image")["alt"] == ""

    def test_a_story_without_a_photo_has_no_figure(self, client):
        html = page(client, story_url(make_story(), "en"))
        assert "story-lead-photo" not in html
        assert 'class="photo-image"' not in html

    def test_editing_the_photo_s_caption_reaches_the_cached_page_at_once(self, story, photo):
        reader = Client()
        assert "The harbour at dawn." in page(reader, story_url(story, "en"))
        photo.caption = "The harbour at first light."
        photo.save()
        assert "The harbour at first light." in page(reader, story_url(story, "en"))

    def test_one_photo_leads_many_stories(self, client, photo):
        stories = [make_story(lead_photo=photo) for _ in range(3)]
        for story in stories:
            assert image_tag(lead_figure(page(client, story_url(story, "en"))), "photo-image")["src"] == photo.w800.url

    def test_a_photo_a_story_uses_cannot_be_deleted(self, story, photo):
        with pytest.raises(ProtectedError):
            photo.delete()
        story.lead_photo = None
        story.save()
        photo.delete()

    def test_the_photo_adds_no_query_to_the_story_page(self, client, story, django_assert_max_num_queries):
        related = make_hashtag("Harbour")
        for number in range(5):
            make_story(hashtags=[related], lead_photo=make_photo(800, 600), headline=f"Related {number}")
        story.hashtag_links.create(hashtag=related, position=0)
        with django_assert_max_num_queries(STORY_PAGE_QUERIES):
            html = page(Client(), story_url(story, "ko"))
        assert html.count('class="card-photo"') == 5  # the related stories' small pictures


class TestShareMetadata:
    def meta(self, html, name):
        match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)
        return match.group(1) if match else None

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_og_twitter_and_json_ld_take_the_lead_photo_1200_wide(self, client, story, photo, language):
        html = page(client, story_url(story, language))
        url = "http://testserver" + photo.share.url
        assert url.endswith(".jpg")
        assert self.meta(html, "og:image") == url
        assert (self.meta(html, "og:image:width"), self.meta(html, "og:image:height")) == ("1200", "750")
        assert self.meta(html, "og:image:alt") == photo.text_for(language).alt
        assert self.meta(html, "twitter:card") == "summary_large_image"
        assert self.meta(html, "twitter:image") == url
        image = json_ld(html)["image"]
        assert image == {
            "@type": "ImageObject",
            "url": url,
            "width": 1200,
            "height": 750,
            "description": photo.text_for(language).alt,
        }

    def test_a_small_original_is_shared_at_its_own_width(self, client):
        story = make_story(lead_photo=make_photo(900, 600))
        html = page(client, story_url(story, "en"))
        assert (self.meta(html, "og:image:width"), self.meta(html, "og:image:height")) == ("900", "600")

    def test_without_a_photo_the_site_logo_stays(self, client):
        html = page(client, story_url(make_story(), "en"))
        assert self.meta(html, "og:image") == "http://testserver/static/img/logo.png"
        assert self.meta(html, "twitter:card") == "summary"
        assert self.meta(html, "twitter:image") is None
        assert "image" not in json_ld(html)


class TestVideoPoster:
    @pytest.fixture
    def video_story(self, photo):
        return make_story(lead_photo=photo, video_url="https://www.youtube.com/watch?v=aqz-KE-bpKQ")

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_lead_photo_is_the_poster_of_the_video(self, client, video_story, photo, language):
        html = page(client, story_url(video_story, language))
        poster = image_tag(html, "story-video-image story-video-photo")
        assert poster["alt"] == ""  # the link around it says what it does
        assert photo.w800.url in poster["src"] and "1600w" in poster["srcset"]
        assert "video-poster.svg" not in html
        assert "story-lead-photo" not in html  # the photo is not shown twice
        caption = re.search(r'<figcaption class="story-video-caption.*?</figcaption>', html, re.S).group(0)
        assert photo.text_for(language).caption in caption and "Kim Ji-ho / Newsroom" in caption

    def test_the_video_s_thumbnail_is_the_photo(self, client, video_story, photo):
        video = json_ld(page(client, story_url(video_story, "en")))["video"]
        assert video["thumbnailUrl"] == "http://testserver" + photo.share.url

    def test_a_video_without_a_photo_keeps_the_drawn_poster(self, client):
        story = make_story(video_url="https://www.youtube.com/watch?v=aqz-KE-bpKQ")
        assert "video-poster.svg" in page(client, story_url(story, "en"))


def card_pages(story):
    """{name: path} of every page that lists `story` as a card or a search hit (English)."""
    return {
        "home": reverse("articles:home"),
        "hashtag": story.hashtags.get().get_absolute_url(),
        "section": story.section.get_absolute_url(),
        "outlet": story.outlet.get_absolute_url(),
        "reporter": story.get_reporter_url(),
        "search": reverse("articles:search") + "?q=ferry",
    }


QUERIES = {**CARD_PAGE_QUERIES, "section": SECTION_PAGE_QUERIES}


class TestCards:
    @pytest.fixture
    def stories(self):
        """Twelve stories of one outlet, reporter, section and hashtag, each with a photo of its own."""
        tag = make_hashtag("Ferry")
        outlet = make_outlet(name="Harbour Times")
        section = Section.objects.create(name="Harbour", slug="harbour")
        return [
            make_story(
                headline=f"Ferry story {number}",
                hashtags=[tag],
                outlet=outlet,
                section=section,
                reporter="Seo Yun",
                lead_photo=make_photo(800, 600),
            )
            for number in range(12)
        ]

    @pytest.mark.parametrize("name", list(QUERIES))
    def test_every_card_shows_its_small_picture_in_the_same_number_of_queries(
        self, client, stories, name, django_assert_max_num_queries
    ):
        path = card_pages(stories[0])[name]
        with django_assert_max_num_queries(QUERIES[name]):
            html = page(client, path)
        pictures = [attributes(tag) for tag in re.findall(r'<img class="card-photo"[^>]*>', html)]
        assert len(pictures) == 12
        assert {(picture["width"], picture["height"]) for picture in pictures} == {("300", "200")}
        assert all(picture["src"].endswith(".webp") for picture in pictures)
        assert ["loading" in picture for picture in pictures] == [False] * 3 + [True] * 9

    @pytest.mark.parametrize("name", list(QUERIES))
    def test_the_card_picture_has_the_alternative_text_of_the_page_s_language(self, client, stories, name):
        with translation.override("ko"):
            path = card_pages(stories[0])[name].replace("?q=ferry", "?q=Ferry")
        html = page(client, path)
        first = attributes(re.search(r'<img class="card-photo"[^>]*>', html).group(0))
        assert first["alt"] == "노란 하늘 아래 항구에 정박한 여객선들"

    def test_stories_without_photos_have_cards_without_pictures(self, client):
        make_story(headline="Ferry without a photo")
        assert 'class="card-photo"' not in page(client, reverse("articles:home"))

    def test_pinned_stories_show_their_pictures_too(self, client, stories, django_assert_max_num_queries):
        from articles.models import FrontPagePin

        FrontPagePin.objects.create(story=stories[5], slot=FrontPagePin.Slot.LEAD)
        FrontPagePin.objects.create(story=stories[7], slot=FrontPagePin.Slot.FEATURED)
        with django_assert_max_num_queries(CARD_PAGE_QUERIES["home"]):
            html = page(client, reverse("articles:home"))
        assert html.count('class="card-photo"') == 12


def test_a_reporter_picks_a_lead_photo_from_the_library_by_caption(client, django_user_model):
    from django.contrib.auth.models import Group

    reporter = django_user_model.objects.create_user("reporter", password="x", is_staff=True)
    reporter.groups.add(Group.objects.get(name="Reporters"))
    client.force_login(reporter)
    wanted = make_photo(caption="Lanterns over the night market")
    make_photo(caption="A ferry at the quay")
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "story", "field_name": "lead_photo", "term": "lanterns"},
    )
    assert response.status_code == 200
    assert [item["id"] for item in json.loads(response.content)["results"]] == [str(wanted.pk)]


def test_story_admin_form_sets_the_lead_photo(client, admin_user):
    client.force_login(admin_user)
    photo = make_photo()
    story = make_story()
    html = client.get(reverse("admin:articles_story_change", args=[story.pk])).content.decode()
    assert 'name="lead_photo"' in html
    Story.objects.filter(pk=story.pk).update(lead_photo=photo)
    assert Story.objects.get(pk=story.pk).lead_photo == photo
