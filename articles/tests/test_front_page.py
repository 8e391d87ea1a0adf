"""The curated front page: a pinned lead, up to N pinned featured stories, then the latest."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import timezone

from articles.models import FrontPagePin, Story
from photos.tests.factories import make_photo

from .factories import make_correction, make_hashtag, make_outlet, make_story
from .page_cache_helpers import PAGE_CACHE_QUERY

pytestmark = pytest.mark.django_db

# The masthead, the pins (their stories and outlets) and their hashtags, the count of the
# latest stories, the page of them and their hashtags.
FRONT_PAGE_QUERIES = 1 + 2 + 3 + PAGE_CACHE_QUERY


def headlines(client, url="/en/"):
    """The card headlines of a page, in order."""
    html = client.get(url).content.decode()
    return re.findall(r'<h2 class="h4 mb-1"><a href="[^"]+">([^<]+)</a></h2>', html)


def pin(story, slot=FrontPagePin.Slot.FEATURED, **fields):
    return FrontPagePin.objects.create(story=story, slot=slot, **fields)


@pytest.fixture
def stories():
    """Five public stories, "Story 1" the newest."""
    outlet = make_outlet()
    now = timezone.now()
    return [
        make_story(headline=f"Story {number}", outlet=outlet, published_at=now - dt.timedelta(hours=number))
        for number in range(1, 6)
    ]


def test_without_pins_the_newest_story_leads(client, stories):
    assert headlines(client) == ["Story 1", "Story 2", "Story 3", "Story 4", "Story 5"]


def test_pinned_lead_comes_first_and_is_not_repeated(client, stories):
    pin(stories[3], FrontPagePin.Slot.LEAD)
    assert headlines(client) == ["Story 4", "Story 1", "Story 2", "Story 3", "Story 5"]


def test_featured_stories_follow_the_lead_in_their_order(client, stories):
    pin(stories[4], FrontPagePin.Slot.LEAD)
    pin(stories[2], position=2)
    pin(stories[3], position=1)
    assert headlines(client) == ["Story 5", "Story 4", "Story 3", "Story 1", "Story 2"]


def test_featured_without_a_lead_follow_the_newest_story(client, stories):
    pin(stories[3])
    assert headlines(client) == ["Story 1", "Story 4", "Story 2", "Story 3", "Story 5"]


def test_the_lead_is_shown_larger(client, stories):
    pin(stories[3], FrontPagePin.Slot.LEAD)
    html = client.get("/en/").content.decode()
    assert 'class="story-list story-list-lead"' in html
    assert html.index("story-list-lead") < html.index("Story 4") < html.index("Story 1")


@pytest.mark.parametrize("slot", [FrontPagePin.Slot.LEAD, FrontPagePin.Slot.FEATURED])
def test_a_pinned_story_keeps_its_corrected_mark(client, stories, slot):
    make_correction(stories[3], text="The ferry leaves at nine, not ten.")
    pin(stories[3], slot)
    page = client.get("/en/").content.decode()
    card = page[page.index(">Story 4<") :]
    card = card[: card.index("</article>")]
    assert "Corrected" in card


def test_lapsed_pin_is_ignored(client, stories):
    pin(stories[3], FrontPagePin.Slot.LEAD, ends_at=timezone.now() - dt.timedelta(minutes=1))
    pin(stories[4], ends_at=timezone.now() + dt.timedelta(hours=1))
    assert headlines(client) == ["Story 1", "Story 5", "Story 2", "Story 3", "Story 4"]


def test_pins_lapse_at_their_end_time_by_the_clock_given():
    story = make_story()
    ends = timezone.now() + dt.timedelta(hours=2)
    pin(story, ends_at=ends)
    assert list(FrontPagePin.objects.showing(now=ends - dt.timedelta(seconds=1))) == [story.front_page_pin]
    assert list(FrontPagePin.objects.showing(now=ends)) == []


def test_pinned_story_shows_only_while_public(client, stories):
    scheduled = make_story(headline="Scheduled story", published_at=timezone.now() + dt.timedelta(hours=3))
    pin(scheduled, FrontPagePin.Slot.LEAD)
    pin(stories[4])
    Story.objects.filter(pk=stories[4].pk).update(status=Story.Status.DRAFT)
    assert headlines(client) == ["Story 1", "Story 2", "Story 3", "Story 4"]
    later = timezone.now() + dt.timedelta(hours=4)
    assert [p.story for p in FrontPagePin.objects.showing(now=later)] == [scheduled]


def test_no_more_featured_stories_than_the_setting(client, stories, settings):
    settings.NEWSROOM_FEATURED_STORIES = 2
    for position, story in enumerate(stories[2:]):
        pin(story, position=position)
    assert headlines(client) == ["Story 1", "Story 3", "Story 4", "Story 2", "Story 5"]


def test_pinning_shows_at_once(client, stories):
    assert headlines(client)[0] == "Story 1"
    pin(stories[2], FrontPagePin.Slot.LEAD)
    assert headlines(client)[0] == "Story 3"


def test_pinned_stories_are_left_out_of_later_pages(client, settings):
    settings.NEWSROOM_STORIES_PER_PAGE = 2
    outlet = make_outlet()
    now = timezone.now()
    stories = [
        make_story(headline=f"Paged {number}", outlet=outlet, published_at=now - dt.timedelta(hours=number))
        for number in range(1, 6)
    ]
    pin(stories[4], FrontPagePin.Slot.LEAD)
    pages = [headlines(client, f"/en/?page={page}") for page in (1, 2)]
    assert pages == [["Paged 5", "Paged 1", "Paged 2"], ["Paged 3", "Paged 4"]]


def test_korean_front_page_is_curated_too(client, stories):
    pin(stories[3], FrontPagePin.Slot.LEAD)
    html = client.get("/ko/").content.decode()
    assert html.index(stories[3].headline_ko) < html.index(stories[0].headline_ko)


def test_query_count_is_constant(client, django_assert_max_num_queries):
    outlets = [make_outlet() for _ in range(3)]
    tags = [make_hashtag(f"Front{number}") for number in range(6)]
    # Every other story, pinned ones among them, has a lead photo: its card shows a small picture.
    photos = [make_photo(800, 600) for _ in range(3)]
    stories = [
        make_story(outlet=outlets[n % 3], hashtags=tags[: n % 6 + 1], lead_photo=photos[n % 3] if n % 2 else None)
        for n in range(30)
    ]
    pin(stories[10], FrontPagePin.Slot.LEAD)
    for position, story in enumerate(stories[11:15]):
        pin(story, position=position)
    with django_assert_max_num_queries(FRONT_PAGE_QUERIES):
        response = client.get("/en/")
    assert response.status_code == 200
    # 25 cards (the lead, four featured, twenty latest): the 12 of stories with a photo show it.
    assert response.content.decode().count('class="card-photo"') == 12


class TestPinRules:
    def test_one_lead_at_a_time(self):
        pin(make_story(), FrontPagePin.Slot.LEAD)
        second = FrontPagePin(story=make_story(), slot=FrontPagePin.Slot.LEAD)
        with pytest.raises(ValidationError) as error:
            second.full_clean()
        assert "slot" in error.value.message_dict
        with pytest.raises(IntegrityError):
            second.save()

    def test_a_story_is_pinned_once(self):
        story = make_story()
        pin(story)
        with pytest.raises(ValidationError):
            FrontPagePin(story=story, slot=FrontPagePin.Slot.LEAD).full_clean()

    def test_a_draft_cannot_be_pinned(self):
        with pytest.raises(ValidationError) as error:
            FrontPagePin(story=make_story(status=Story.Status.DRAFT)).full_clean()
        assert "story" in error.value.message_dict

    def test_featured_pins_are_refused_beyond_the_setting_unless_lapsed(self, settings):
        settings.NEWSROOM_FEATURED_STORIES = 1
        pin(make_story())
        with pytest.raises(ValidationError, match="at most 1 story"):
            FrontPagePin(story=make_story()).full_clean()
        FrontPagePin(story=make_story(), ends_at=timezone.now() - dt.timedelta(days=1)).full_clean()


class TestPinAdmin:
    @pytest.fixture
    def admin_client_(self, client, django_user_model):
        client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.com", "x"))
        return client

    def test_editor_pins_a_lead_through_the_form(self, admin_client_, stories):
        data = {"story": stories[3].pk, "slot": "lead", "position": "0", "ends_at_0": "", "ends_at_1": ""}
        response = admin_client_.post("/admin/articles/frontpagepin/add/", data)
        assert response.status_code == 302, response.content.decode()
        assert headlines(admin_client_)[0] == "Story 4"

    def test_a_second_lead_is_refused_beside_the_place_field(self, admin_client_, stories):
        pin(stories[0], FrontPagePin.Slot.LEAD)
        data = {"story": stories[3].pk, "slot": "lead", "position": "0", "ends_at_0": "", "ends_at_1": ""}
        response = admin_client_.post("/admin/articles/frontpagepin/add/", data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {
            "slot": ["Another story is pinned as the lead: remove or change that pin first."]
        }
        assert FrontPagePin.objects.get().story == stories[0]

    def test_the_story_picker_offers_published_stories_only(self, admin_client_, stories):
        make_story(headline="Story draft in the works", status=Story.Status.DRAFT, published_at=None)
        make_story(headline="Story waiting for review", status=Story.Status.IN_REVIEW, published_at=None)
        query = {"app_label": "articles", "model_name": "frontpagepin", "field_name": "story", "term": "Story"}
        response = admin_client_.get("/admin/autocomplete/", query)
        offered = {item["text"] for item in response.json()["results"]}
        assert offered == {f"Story {number}" for number in range(1, 6)}

    def test_pin_list_says_what_shows(self, admin_client_, stories):
        pin(stories[0], ends_at=timezone.now() - dt.timedelta(hours=1))
        response = admin_client_.get("/admin/articles/frontpagepin/")
        assert response.status_code == 200
        assert 'alt="False"' in response.content.decode()


class TestPinCommand:
    def test_pins_the_lead_once(self, stories):
        call_command("pin_story", stories[2].slug, "--lead", "--unless-pinned", stdout=io.StringIO())
        call_command("pin_story", stories[3].slug, "--lead", "--unless-pinned", stdout=io.StringIO())
        assert FrontPagePin.objects.get().story == stories[2]

    def test_refuses_a_time_without_offset(self, stories):
        with pytest.raises(CommandError):
            call_command("pin_story", stories[2].slug, "--ends", "2026-12-24T18:00", stdout=io.StringIO())

    def test_refuses_an_unknown_story(self):
        with pytest.raises(CommandError, match="No story"):
            call_command("pin_story", "no-such-story", stdout=io.StringIO())
