import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Story
from articles.tests.factories import make_outlet
from articles.tests.feed_reading import EMAIL_ADDRESS, FORMATS, entry_dates, feed_links, read_feed, shown_text
from articles.tests.page_cache_helpers import PAGE_CACHE_QUERY
from comments.models import Comment

from .factories import make_comment, make_story

pytestmark = pytest.mark.django_db

SEOUL = dt.timedelta(hours=9)


def comments_feed_url(kind, story, language="en"):
    with translation.override(language):
        return reverse(f"comments:feed_{kind}", kwargs={"slug": story.slug})


def minutes_ago(minutes):
    return timezone.now() - dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("kind", FORMATS)
class TestStoryCommentsFeed:
    def test_lists_approved_comments_newest_first(self, client, kind):
        story = make_story()
        make_comment(story, author_name="Early Reader", created_at=minutes_ago(30))
        make_comment(story, author_name="Late Reader", created_at=minutes_ago(5))
        feed = read_feed(client.get(comments_feed_url(kind, story)))
        assert [entry.author for entry in feed.entries] == ["Late Reader", "Early Reader"]
        assert [shown_text(entry, "title") for entry in feed.entries] == [
            "Comment by Late Reader",
            "Comment by Early Reader",
        ]

    def test_leaves_out_comments_that_are_not_approved(self, client, kind):
        story = make_story()
        make_comment(story, author_name="Approved Reader")
        for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REMOVED):
            make_comment(story, author_name=f"{status} author", text=f"A {status} comment.", status=status)
        feed = read_feed(client.get(comments_feed_url(kind, story)))
        assert [entry.author for entry in feed.entries] == ["Approved Reader"]

    def test_leaves_out_comments_on_other_stories(self, client, kind):
        story, other = make_story(), make_story()
        make_comment(story, author_name="On this story")
        make_comment(other, author_name="On another story")
        feed = read_feed(client.get(comments_feed_url(kind, story)))
        assert [entry.author for entry in feed.entries] == ["On this story"]

    def test_never_shows_an_email_address(self, client, kind):
        story = make_story()
        make_comment(story, author_name="Ann Reader", author_email="ann.reader@example.com")
        response = client.get(comments_feed_url(kind, story))
        feed = read_feed(response)
        assert "ann.reader@example.com" not in response.content.decode()
        assert not EMAIL_ADDRESS.search(response.content.decode())
        assert "email" not in feed.entries[0].get("author_detail", {})

    def test_entry_shows_the_comment_text_as_text_in_paragraphs(self, client, kind):
        story = make_story()
        make_comment(story, text="Tom & Jerry <b>agree</b>.\n\n<script>alert(1)</script>")
        entry = read_feed(client.get(comments_feed_url(kind, story))).entries[0]
        assert entry.summary.count("<p>") == 2
        assert shown_text(entry, "summary") == "Tom & Jerry <b>agree</b>.\n\n<script>alert(1)</script>"

    def test_markup_in_a_name_reaches_the_reader_as_text(self, client, kind):
        story = make_story()
        make_comment(story, author_name="<i>Bold</i> & Co")
        entry = read_feed(client.get(comments_feed_url(kind, story))).entries[0]
        assert shown_text(entry, "title") == "Comment by <i>Bold</i> & Co"

    def test_entry_links_to_the_comment(self, client, kind):
        story = make_story()
        comment = make_comment(story)
        entry = read_feed(client.get(comments_feed_url(kind, story))).entries[0]
        assert entry.link == f"http://testserver{comment.get_absolute_url()}"
        assert client.get(comment.get_absolute_url())["Location"].endswith(f"#comment-{comment.pk}")

    def test_dates_are_in_the_outlet_zone_with_its_offset(self, client, kind):
        story = make_story(outlet=make_outlet(time_zone="Asia/Seoul"))
        posted = dt.datetime(2026, 11, 4, 11, 30, tzinfo=dt.UTC)
        make_comment(story, created_at=posted)
        dates = entry_dates(read_feed(client.get(comments_feed_url(kind, story))).entries[0])
        assert dates
        assert all(date.utcoffset() == SEOUL and date == posted for date in dates)

    def test_korean_feed_names_the_story_by_its_korean_headline(self, client, kind):
        story = make_story(headline="Port reopens", headline_ko="항구 재개장")
        make_comment(story)
        feed = read_feed(client.get(comments_feed_url(kind, story, "ko")))
        assert feed.feed.title == "“항구 재개장”에 달린 댓글"
        assert feed.feed.language == "ko"
        with translation.override("ko"):
            assert feed.feed.link == f"http://testserver{story.get_absolute_url()}#comments"

    def test_unpublished_story_has_no_feed(self, client, kind):
        draft = make_story(status=Story.Status.DRAFT)
        make_comment(draft)
        scheduled = make_story(published_at=timezone.now() + dt.timedelta(days=1))
        assert client.get(comments_feed_url(kind, draft)).status_code == 404
        assert client.get(comments_feed_url(kind, scheduled)).status_code == 404

    def test_story_without_comments_gives_an_empty_feed(self, client, kind):
        feed = read_feed(client.get(comments_feed_url(kind, make_story())))
        assert feed.entries == []

    def test_query_count_does_not_grow_with_comments(self, client, kind, django_assert_max_num_queries):
        story = make_story()
        for number in range(30):
            make_comment(story, text=f"Comment {number}.", created_at=minutes_ago(60 - number))
        with django_assert_max_num_queries(2 + PAGE_CACHE_QUERY):
            feed = read_feed(client.get(comments_feed_url(kind, story)))
        assert len(feed.entries) == 20


class TestAutodiscovery:
    def test_story_page_announces_the_site_feed_and_its_comments_feed(self, client):
        story = make_story(headline="Port reopens")
        links = feed_links(client.get(story.get_absolute_url()))
        assert [href for _, _, href in links] == [
            reverse("articles:feed_rss"),
            reverse("articles:feed_atom"),
            comments_feed_url("rss", story),
            comments_feed_url("atom", story),
        ]
        assert links[2][:2] == ("application/rss+xml", "Comments on “Port reopens” (RSS)")
        assert links[3][:2] == ("application/atom+xml", "Comments on “Port reopens” (Atom)")

    def test_korean_story_page_names_the_comments_feed_in_korean(self, client):
        story = make_story(headline="Port reopens", headline_ko="항구 재개장")
        with translation.override("ko"):
            links = feed_links(client.get(story.get_absolute_url()))
        assert links[2][1:] == ("“항구 재개장”에 달린 댓글 (RSS)", comments_feed_url("rss", story, "ko"))
