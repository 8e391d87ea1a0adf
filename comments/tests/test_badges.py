"""Badges on comments: "Newsroom" for staff, "Reporter" for the story's own reporter, from the account only."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import pgettext

from articles.models import Story
from comments.models import Comment
from comments.status import change_status
from comments.threads import NEWSROOM, REPORTER, author_role

from .factories import make_comment, make_story, post_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]


@pytest.fixture
def reporter(django_user_model):
    return django_user_model.objects.create_user(
        "seo", email="seo@newsroom.example", first_name="Seo", last_name="Yun", is_staff=True
    )


@pytest.fixture
def desk(django_user_model):
    return django_user_model.objects.create_user("desk", email="desk@newsroom.example", is_staff=True)


@pytest.fixture
def story(reporter):
    story = make_story(reporter="Seo Yun")
    Story.objects.filter(pk=story.pk).update(created_by=reporter)
    story.refresh_from_db()
    return story


def post_as(user, story, **fields):
    """Post the comment form as `user` (logged in), or as a visitor (None); returns the stored comment."""
    client = Client()
    if user is not None:
        client.force_login(user)
    post_form(client, story, **fields)
    return Comment.objects.get(text=fields["text"])


def badges(html, comment):
    """The badge classes shown in `comment`'s header in its thread."""
    header = re.search(rf'<li id="comment-{comment.pk}".*?</header>', html, re.S)[0]
    return re.findall(r'class="badge comment-badge comment-badge-(\w+)"', header)


def page(story, language="en"):
    with translation.override(language):
        url = story.get_absolute_url()
    return Client().get(url).content.decode()


def test_a_comment_posted_from_a_staff_account_carries_the_newsroom_badge(story, desk):
    comment = post_as(desk, story, text="We have asked the ferry operator.", author_name="News desk")
    html = page(story)
    assert badges(html, comment) == ["newsroom"]
    header = re.search(rf'<li id="comment-{comment.pk}".*?</header>', html, re.S)[0]
    assert ">Newsroom</span>" in header


def test_a_comment_by_the_story_s_reporter_carries_the_reporter_badge_only(story, reporter):
    comment = post_as(reporter, story, text="The timetable is in the second paragraph.", author_name="Seo Yun")
    html = page(story)
    assert badges(html, comment) == ["reporter"]
    assert ">Reporter</span>" in html


def test_the_reporter_of_another_story_is_newsroom_here(story, reporter):
    other = make_story()
    comment = post_as(reporter, other, text="A word on the other story.", author_name="Seo Yun")
    assert badges(page(other), comment) == ["newsroom"]


@pytest.mark.parametrize(
    "typed",
    [
        {"author_name": "Seo Yun", "author_email": "seo@newsroom.example"},
        {"author_name": "News desk", "author_email": "desk@newsroom.example"},
    ],
)
def test_a_visitor_typing_a_staff_address_is_held_and_gets_no_badge(story, reporter, desk, typed):
    make_comment(story, author_email=typed["author_email"])  # an approved one: the next is not held as a first
    comment = post_as(None, story, text="Trust me, I work there.", **typed)
    assert (comment.status, comment.rule) == (Comment.Status.PENDING, "staff_address")
    assert comment.user is None
    change_status(comment, Comment.Status.APPROVED, reason="a moderator let it through")
    assert badges(page(story), comment) == []


def test_a_visitor_typing_a_staff_name_gets_no_badge(story, reporter, desk):
    make_comment(story, author_email="someone@example.org")  # an approved one: the next is not held as a first
    comment = post_as(
        None, story, text="Trust me, I work there.", author_name="Newsroom", author_email="someone@example.org"
    )
    assert comment.status == Comment.Status.APPROVED
    assert comment.user is None
    assert badges(page(story), comment) == []


@pytest.mark.parametrize("change", [{"is_staff": False}, {"is_active": False}])
def test_an_account_that_is_no_longer_staff_or_active_loses_its_badge(story, desk, change):
    comment = post_as(desk, story, text="Posted while on the desk.", author_name="News desk")
    type(desk).objects.filter(pk=desk.pk).update(**change)
    Story.objects.filter(pk=story.pk).bump_page_version()
    assert badges(page(story), comment) == []


def test_author_role_reads_the_account_not_the_typed_name(story, reporter, desk):
    assert author_role(Comment(story=story, user=reporter, author_name="Anyone"), story) == REPORTER
    assert author_role(Comment(story=story, user=desk, author_name="Seo Yun"), story) == NEWSROOM
    assert author_role(Comment(story=story, user=None, author_name="Seo Yun"), story) == ""


def test_a_story_without_a_recorded_author_has_no_reporter_badge(desk):
    imported = make_story(reporter="Desk")
    comment = post_as(desk, imported, text="From the desk.", author_name="Desk")
    assert badges(page(imported), comment) == ["newsroom"]


def test_badges_are_in_the_page_s_language(story, reporter, desk):
    by_reporter = post_as(reporter, story, text="Reporter here.", author_name="Seo Yun")
    by_desk = post_as(desk, story, text="Desk here.", author_name="Desk")
    html = page(story, "ko")
    with translation.override("ko"):
        reporter_label = pgettext("comment badge", "Reporter")
        newsroom_label = pgettext("comment badge", "Newsroom")
    assert f'comment-badge-reporter">{reporter_label}</span>' in html
    assert f'comment-badge-newsroom">{newsroom_label}</span>' in html
    assert badges(html, by_reporter) == ["reporter"]
    assert badges(html, by_desk) == ["newsroom"]


def test_badges_cost_no_query_per_comment(story, django_user_model):
    staff = [django_user_model.objects.create_user(f"staff{number}", is_staff=True) for number in range(6)]
    make_comment(story, user=staff[0])
    with CaptureQueriesContext(connection) as few:
        Client().get(story.get_absolute_url() + "?cpage=1&comments=oldest")
    for user in staff[1:]:
        make_comment(story, user=user)
        make_comment(story, user=user, parent=story.comments.first())
    with CaptureQueriesContext(connection) as many:
        html = Client().get(story.get_absolute_url() + "?cpage=1&comments=newest").content.decode()
    assert html.count("comment-badge-newsroom") == 11
    assert len(many) == len(few)
