"""Comment counts on story cards: every kind of list, only approved comments, plural forms, one query."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from articles.models import FrontPagePin, Outlet, Section, Story
from articles.tests.factories import make_outlet
from comments.models import Comment
from comments.status import change_status

from .factories import make_comment, make_story

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ko"]
CARD_PAGES = ["home", "hashtag", "section", "outlet", "reporter", "search"]


def card_pages(story):
    """{name: path} of each page that lists `story` as a card or a search hit, in the active language."""
    return {
        "home": reverse("articles:home"),
        "hashtag": story.hashtags.get().get_absolute_url(),
        "section": story.section.get_absolute_url(),
        "outlet": story.outlet.get_absolute_url(),
        "reporter": story.get_reporter_url(),
        "search": reverse("articles:search") + "?q=ferry",
    }


def make_ferry_story(headline, **fields):
    """A published story that every card page lists: the Ferry hashtag, the World section, Harbour Times."""
    section, _ = Section.objects.get_or_create(slug="world", defaults={"name": "World"})
    outlet = Outlet.objects.filter(name="Harbour Times").first() or make_outlet(name="Harbour Times")
    return make_story(
        headline=headline, hashtags=["Ferry"], section=section, outlet=outlet, reporter="Seo Yun", **fields
    )


def cards(html):
    """{story path: the HTML of its card} of a page (story cards and search hits)."""
    found = {}
    for card in re.findall(r'<article class="(?:story-card|search-hit).*?</article>', html, re.S):
        path = re.search(r'<h2[^>]*><a href="([^"]+)"', card).group(1)
        found[path] = card
    return found


def count_link(card):
    """(href, text) of the card's link to its comments, or None."""
    match = re.search(r'<a class="comment-count" href="([^"]+)">([^<]+)</a>', card)
    return (match.group(1), match.group(2)) if match else None


def expected_text(count, language):
    with translation.override(language):
        return ngettext("%(counter)s comment", "%(counter)s comments", count) % {"counter": count}


def in_language(language, function):
    with translation.override(language):
        return function()


@pytest.fixture
def stories():
    """Three ferry stories: one with a comment, one with three approved (and some not), one with none."""
    one = make_ferry_story("Ferry one")
    three = make_ferry_story("Ferry three")
    none = make_ferry_story("Ferry none")
    make_comment(one)
    for _ in range(3):
        make_comment(three)
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED):
        make_comment(three, status=status)
        make_comment(none, status=status)
    return {"one": one, "three": three, "none": none}


@pytest.mark.parametrize("page", CARD_PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_card_shows_how_many_approved_comments_its_story_has(client, stories, page, language):
    html = client.get(in_language(language, lambda: card_pages(stories["one"])[page])).content.decode()
    shown = {path: count_link(card) for path, card in cards(html).items()}
    story_url = {name: in_language(language, story.get_absolute_url) for name, story in stories.items()}
    assert shown == {
        story_url["one"]: (f"{story_url['one']}#comments", expected_text(1, language)),
        story_url["three"]: (f"{story_url['three']}#comments", expected_text(3, language)),
        story_url["none"]: None,
    }


def test_english_cards_say_one_comment_and_three_comments(client, stories):
    html = client.get(reverse("articles:home")).content.decode()
    assert ">1 comment</a>" in html
    assert ">3 comments</a>" in html


def test_a_story_without_approved_comments_shows_no_count(client, stories):
    card = cards(client.get(reverse("articles:home")).content.decode())[stories["none"].get_absolute_url()]
    assert count_link(card) is None
    assert "comment" not in card


@pytest.mark.parametrize("slot", [FrontPagePin.Slot.LEAD, FrontPagePin.Slot.FEATURED])
def test_pinned_stories_on_the_front_page_show_their_count(client, stories, slot):
    FrontPagePin.objects.create(story=stories["three"], slot=slot)
    card = cards(client.get(reverse("articles:home")).content.decode())[stories["three"].get_absolute_url()]
    assert count_link(card)[1] == "3 comments"


def test_counts_agree_with_the_comments_readers_see(stories):
    counted = dict(Story.objects.with_comment_counts().values_list("pk", "comment_count"))
    approved = {story.pk: Comment.objects.filter(story=story).approved().count() for story in stories.values()}
    assert counted == approved == {stories["one"].pk: 1, stories["three"].pk: 3, stories["none"].pk: 0}


def home_count(story):
    """The text of `story`'s count on the home page for a reader without cookies, or None."""
    link = count_link(cards(Client().get(reverse("articles:home")).content.decode())[story.get_absolute_url()])
    return link[1] if link else None


def test_an_approved_comment_counts_on_the_cards_at_once():
    story = make_ferry_story("Ferry approved")
    make_comment(story)
    held = make_comment(story, status=Comment.Status.PENDING)
    assert home_count(story) == "1 comment"
    change_status(held, Comment.Status.APPROVED)
    assert home_count(story) == "2 comments"


def test_a_removed_comment_leaves_the_cards_at_once():
    story = make_ferry_story("Ferry removed")
    comment = make_comment(story)
    assert home_count(story) == "1 comment"
    change_status(comment, Comment.Status.REMOVED)
    assert home_count(story) is None


def page_queries(path):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("page", CARD_PAGES)
def test_the_query_count_does_not_grow_with_the_number_of_cards(page, django_assert_max_num_queries):
    first = make_ferry_story("Ferry first")
    make_comment(first)
    path = card_pages(first)[page]
    few, html = page_queries(path)
    assert html.count('class="comment-count"') == 1
    for number in range(12):
        story = make_ferry_story(f"Ferry {number}")
        for _ in range(number % 3 + 1):
            make_comment(story)
    with django_assert_max_num_queries(few):
        html = Client().get(path).content.decode()
    assert html.count('class="comment-count"') == 13
