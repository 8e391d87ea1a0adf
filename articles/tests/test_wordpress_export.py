"""Reading WordPress exports (WXR) into dataclasses, without a database: our own files in wordpress/."""

import datetime as dt
import io
import random
from pathlib import Path

import pytest

from articles.wordpress import (
    Attachment,
    Author,
    Category,
    Post,
    Skipped,
    Tag,
    TermRef,
    WordPressExportError,
    WordPressSite,
    check_export,
    comment_feed_addresses,
    old_addresses,
    plain_text,
    read_export,
)
from articles.wordpress import items as wxr

EXPORTS = Path(__file__).parent / "wordpress"
HARBOUR = EXPORTS / "harbour-times-wxr-1.2.xml"
OLD_BLOG = EXPORTS / "old-blog-wxr-1.0.xml"
UTC = dt.UTC


def line_of(path, needle):
    """The line (from 1) of the first line of `path` holding `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} is not in {path}")


def item_line(path, post_id):
    """The line of the <item> whose wp:post_id is `post_id`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    end = lines.index(f"\t\t<wp:post_id>{post_id}</wp:post_id>")
    return max(number for number, line in enumerate(lines[:end], start=1) if line.strip() == "<item>")


@pytest.fixture(scope="module")
def harbour():
    return list(read_export(HARBOUR, "Asia/Seoul"))


@pytest.fixture(scope="module")
def posts(harbour):
    return {item.id: item for item in harbour if isinstance(item, Post)}


@pytest.fixture(scope="module")
def culture_week(posts):
    return posts[10]


def of_type(items, kind):
    return [item for item in items if isinstance(item, kind)]


def wxr_text(items="", version="1.2", channel_extra=""):
    """A small WXR document around `items` (str of <item> elements)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" xmlns:wp="http://wordpress.org/export/{version}/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<channel>\n"
        "<title>Test</title>\n"
        "<link>https://test.example</link>\n"
        f"<wp:wxr_version>{version}</wp:wxr_version>\n"
        f"{channel_extra}{items}"
        "</channel>\n</rss>\n"
    )


def post_item(post_id="5", fields=""):
    return (
        "<item>\n"
        "<title>A post</title>\n"
        f"<wp:post_id>{post_id}</wp:post_id>\n"
        "<wp:post_type>post</wp:post_type>\n"
        "<wp:status>publish</wp:status>\n"
        f"{fields}"
        "</item>\n"
    )


def line_in(text, needle):
    """The line (from 1) of `text` where `needle` starts."""
    return text[: text.index(needle)].count("\n") + 1


def read_text(text, zone="UTC"):
    return list(read_export(io.BytesIO(text.encode()), zone))


# The site, its authors and terms.


def test_the_site_comes_first_with_its_title_address_language_and_version(harbour):
    site = harbour[0]
    assert isinstance(site, WordPressSite)
    assert (site.title, site.link, site.language, site.wxr_version) == (
        "Harbour Times",
        "https://harbour.example",
        "en-US",
        "1.2",
    )
    assert site.description == "News from the harbour & the city"
    assert site.base_blog_url == "https://harbour.example"


def test_the_site_is_followed_by_authors_categories_and_tags_before_any_post(harbour):
    kinds = [type(item) for item in harbour]
    first_post = kinds.index(Post)
    assert set(kinds[1:first_post]) == {Author, Category, Tag, Skipped}


def test_authors_have_login_display_name_and_email(harbour):
    authors = {author.login: author for author in of_type(harbour, Author)}
    assert authors["mina"].display_name == "Kim Mina"
    assert authors["mina"].email == "mina@harbour.example"
    assert authors["junho"].byline == "이준호"


def test_an_author_without_display_name_is_bylined_by_name_then_login():
    author = Author(None, "jlee", "", "", "Jae", "Lee", 1)
    assert author.byline == "Jae Lee"
    assert Author(None, "jlee", "", "", "", "", 1).byline == "jlee"


def test_categories_have_decoded_slugs_names_and_parents(harbour):
    categories = {category.slug: category for category in of_type(harbour, Category)}
    assert categories["국제"].name == "국제"
    assert categories["국제"].parent == "world"
    assert categories["world"].parent == ""
    assert categories["news-politics"].name == "News & Politics"


def test_tags_keep_their_unicode_names(harbour):
    tags = {tag.slug: tag.name for tag in of_type(harbour, Tag)}
    assert tags == {"우크라이나": "우크라이나", "ukraine": "Ukraine"}


def test_menus_and_terms_of_other_taxonomies_are_skipped(harbour):
    terms = [item for item in of_type(harbour, Skipped) if item.wordpress_id in (8, 9)]
    assert {(item.kind, item.detail) for item in terms} == {
        (wxr.SKIPPED_MENU, "nav_menu"),
        (wxr.SKIPPED_OTHER_TERM, "series"),
    }


# Posts.


def test_each_post_has_its_title_link_author_and_line(culture_week):
    assert culture_week.title == "Harbour hosts the port cities’ culture week"
    assert culture_week.link == "https://harbour.example/2024/05/06/harbour-culture-week/"
    assert culture_week.author_login == "mina"
    assert culture_week.line == item_line(HARBOUR, 10)


def test_the_content_and_excerpt_are_wordpress_html_as_stored(culture_week):
    assert culture_week.content.startswith("The harbour opened its culture week on Monday.\nShips from")
    assert '[gallery ids="21,22"]' in culture_week.content
    assert culture_week.excerpt == "Six port cities, one week of <em>music</em> &amp; open ships."
    assert plain_text(culture_week.excerpt) == "Six port cities, one week of music & open ships."


def test_the_publication_time_is_the_gmt_date_in_utc(culture_week):
    assert culture_week.published_at == dt.datetime(2024, 5, 6, 8, 30, tzinfo=UTC)
    assert culture_week.local_date == dt.datetime(2024, 5, 6, 17, 30)
    assert culture_week.modified_at == dt.datetime(2024, 5, 7, 0, 0, tzinfo=UTC)


def test_a_gmt_date_of_zeros_falls_back_to_the_local_date_in_the_site_zone(posts):
    draft = posts[12]
    assert draft.published_at == dt.datetime(2024, 5, 3, 0, 0, tzinfo=UTC)  # 09:00 in Seoul


def test_the_fallback_follows_the_zone_the_caller_gives():
    items = read_export(HARBOUR, "Europe/Tallinn")
    draft = next(item for item in items if isinstance(item, Post) and item.id == 12)
    assert draft.published_at == dt.datetime(2024, 5, 3, 6, 0, tzinfo=UTC)  # 09:00 EEST


def test_a_percent_encoded_korean_slug_is_decoded(posts):
    assert posts[11].slug == "부산항-문화-주간-개막"
    assert posts[11].post_name.startswith("%eb%b6%80")


def test_categories_and_tags_of_a_post_keep_slugs_and_unicode_names(culture_week):
    assert culture_week.categories == (TermRef("world", "World"), TermRef("news-politics", "News & Politics"))
    assert culture_week.tags == (TermRef("ukraine", "Ukraine"), TermRef("우크라이나", "우크라이나"))
    assert culture_week.other_terms == (("series", TermRef("port-cities", "Port cities")),)


def test_the_featured_image_and_stickiness_are_read(culture_week, posts):
    assert culture_week.thumbnail_id == 21
    assert culture_week.sticky is True
    assert posts[11].sticky is False
    assert posts[11].thumbnail_id is None
    assert culture_week.postmeta["_edit_last"] == "1"


def test_comments_open_or_closed(culture_week, posts):
    assert culture_week.comments_open is True
    assert posts[11].comments_open is False


@pytest.mark.parametrize(
    ("post_id", "status", "story_status", "scheduled"),
    [
        (10, "publish", "published", False),
        (13, "future", "published", True),
        (12, "draft", "draft", False),
        (14, "pending", "in_review", False),
        (15, "private", "draft", False),
    ],
)
def test_each_wordpress_status_maps_to_a_story_status(posts, post_id, status, story_status, scheduled):
    post = posts[post_id]
    assert (post.status, post.story_status, post.scheduled) == (status, story_status, scheduled)


def test_a_scheduled_post_keeps_its_time_to_come(posts):
    assert posts[13].published_at == dt.datetime(2024, 6, 1, 0, 0, tzinfo=UTC)


def test_a_password_protected_post_becomes_a_draft(posts):
    assert posts[17].status == "publish"
    assert posts[17].password_protected is True
    assert posts[17].story_status == "draft"


def test_trashed_posts_are_skipped_with_their_comments_counted(harbour, posts):
    assert 16 not in posts
    trashed = next(item for item in of_type(harbour, Skipped) if item.wordpress_id == 16)
    assert (trashed.kind, trashed.detail, trashed.comment_count) == (wxr.SKIPPED_TRASH, "post", 2)
    assert trashed.line == item_line(HARBOUR, 16)


@pytest.mark.parametrize(
    ("wordpress_id", "kind", "detail", "comment_count"),
    [
        (30, wxr.SKIPPED_PAGE, "", 1),
        (31, wxr.SKIPPED_MENU, "nav_menu_item", 0),
        (32, wxr.SKIPPED_CUSTOM_POST_TYPE, "product", 0),
        (33, wxr.SKIPPED_AUTO_DRAFT, "", 0),
    ],
)
def test_pages_menus_custom_types_and_auto_drafts_are_skipped(harbour, wordpress_id, kind, detail, comment_count):
    skipped = next(item for item in of_type(harbour, Skipped) if item.wordpress_id == wordpress_id)
    assert (skipped.kind, skipped.detail, skipped.comment_count) == (kind, detail, comment_count)


# Comments.


def comments_by_id(post):
    return {comment.id: comment for comment in post.comments}


def test_comments_keep_author_email_url_ip_and_gmt_time(culture_week):
    comment = comments_by_id(culture_week)[101]
    assert (comment.author, comment.author_email, comment.author_url, comment.author_ip) == (
        "Park Jisoo",
        "jisoo@mail.example",
        "https://jisoo.example",
        "203.0.113.7",
    )
    assert comment.published_at == dt.datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
    assert comment.post_id == 10
    assert comment.line == line_of(HARBOUR, "<wp:comment_id>101</wp:comment_id>") - 1


def test_replies_name_their_parent_comment(culture_week):
    comments = comments_by_id(culture_week)
    assert comments[101].parent_id is None
    assert comments[102].parent_id == 101
    assert comments[103].parent_id == 102


def test_a_comment_with_a_gmt_date_of_zeros_falls_back_to_its_local_date(culture_week):
    assert comments_by_id(culture_week)[103].published_at == dt.datetime(2024, 5, 6, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("comment_id", "status"), [(101, "approved"), (103, "pending"), (104, "spam"), (105, "removed")]
)
def test_comment_statuses_map_to_ours(culture_week, comment_id, status):
    assert comments_by_id(culture_week)[comment_id].status == status


def test_pingbacks_and_trackbacks_are_skipped_and_follow_their_post(harbour, culture_week):
    assert set(comments_by_id(culture_week)) == {101, 102, 103, 104, 105}
    after = harbour[harbour.index(culture_week) + 1 : harbour.index(culture_week) + 3]
    assert [(item.kind, item.wordpress_id, item.post_id) for item in after] == [
        (wxr.SKIPPED_PINGBACK, 106, 10),
        (wxr.SKIPPED_TRACKBACK, 107, 10),
    ]


def test_comment_text_becomes_plain_paragraphs_with_link_addresses(culture_week):
    comments = comments_by_id(culture_week)
    assert plain_text(comments[101].content) == (
        "Lovely photos.\nThe concerts start at seven.\n\nWill there be a second week?"
    )
    assert plain_text(comments[102].content) == (
        "Not this year, see the programme (https://harbour.example/programme/)."
    )


# Attachments.


def test_attachments_have_url_file_alt_caption_and_parent(harbour):
    attachments = {item.id: item for item in of_type(harbour, Attachment)}
    quay = attachments[21]
    assert quay.url == "https://harbour.example/wp-content/uploads/2024/05/quay.jpg"
    assert quay.file == "2024/05/quay.jpg"
    assert (quay.alt, quay.caption, quay.parent_id) == ("Ships at the old quay", "The old quay at dawn", 10)
    assert quay.is_image is True
    assert (attachments[22].alt, attachments[22].file) == ("야경", "2024/05/항구.jpg")
    assert attachments[23].is_image is False
    assert attachments[23].parent_id is None


# A whole file at once.


def test_check_export_counts_everything_by_kind():
    summary = check_export(HARBOUR, "Asia/Seoul")
    assert summary.site.title == "Harbour Times"
    assert (summary.authors, summary.categories, summary.tags, summary.attachments) == (2, 3, 2, 3)
    assert summary.posts == {"publish": 3, "future": 1, "draft": 1, "pending": 1, "private": 1}
    assert summary.comments == {"approved": 2, "pending": 1, "spam": 1, "removed": 1}
    assert summary.skipped == {
        wxr.SKIPPED_MENU: 2,
        wxr.SKIPPED_OTHER_TERM: 1,
        wxr.SKIPPED_PINGBACK: 1,
        wxr.SKIPPED_TRACKBACK: 1,
        wxr.SKIPPED_TRASH: 1,
        wxr.SKIPPED_PAGE: 1,
        wxr.SKIPPED_CUSTOM_POST_TYPE: 1,
        wxr.SKIPPED_AUTO_DRAFT: 1,
    }
    assert summary.skipped_comments == 3


def test_a_binary_file_object_reads_like_a_path():
    with HARBOUR.open("rb") as stream:
        assert [getattr(item, "id", None) for item in read_export(stream, "Asia/Seoul")] == [
            getattr(item, "id", None) for item in read_export(HARBOUR, "Asia/Seoul")
        ]


def test_items_come_while_the_file_is_still_being_read():
    class CountingStream(io.BytesIO):
        reads = 0

        def read(self, size=-1):
            CountingStream.reads += 1
            return super().read(min(size, 4096))

    stream = CountingStream(HARBOUR.read_bytes())
    items = read_export(stream, "Asia/Seoul")
    first_post = next(item for item in items if isinstance(item, Post))
    assert first_post.id == 10
    assert stream.tell() < len(stream.getvalue()) / 2


# WXR 1.0.


def test_a_wxr_1_0_file_is_read():
    items = list(read_export(OLD_BLOG, "Asia/Seoul"))
    site, category, tag, post = items
    assert (site.wxr_version, site.language, site.link) == ("1.0", "ko", "http://old.example/blog")
    assert (category.slug, tag.slug) == ("uncategorized", "harbour")
    assert post.title == "Hello world & harbour"
    assert post.published_at == dt.datetime(2009, 3, 14, 11, 20, tzinfo=UTC)
    assert post.sticky is False
    assert [(comment.author, comment.status) for comment in post.comments] == [("Mr WordPress", "approved")]


def test_wxr_1_0_terms_written_twice_count_once_and_its_tag_domain_is_tags():
    post = of_type(read_export(OLD_BLOG), Post)[0]
    assert post.categories == (TermRef("uncategorized", "Uncategorized"),)
    assert post.tags == (TermRef("harbour", "harbour"),)


def test_wxr_1_1_namespaces_are_read():
    items = read_text(wxr_text(post_item(), version="1.1"))
    assert items[0].wxr_version == "1.1"
    assert of_type(items, Post)[0].id == 5


# Old addresses.


def test_old_addresses_are_the_permalink_the_id_and_the_date_permalinks(harbour, posts):
    site = harbour[0]
    assert old_addresses(posts[11], site) == [
        "/2024/05/06/부산항-문화-주간-개막/",
        "/?p=11",
        "/2024/05/부산항-문화-주간-개막/",
        "/부산항-문화-주간-개막/",
    ]


def test_old_addresses_of_a_blog_in_a_folder_keep_the_folder():
    site, _, _, post = read_export(OLD_BLOG)
    assert old_addresses(post, site) == [
        "/blog/2009/03/14/hello-world/",
        "/blog/?p=1",
        "/blog/2009/03/hello-world/",
        "/blog/hello-world/",
    ]


def test_a_posts_comment_feeds_are_its_addresses_with_feed_after_them(harbour, posts):
    assert comment_feed_addresses(posts[11], harbour[0]) == [
        "/2024/05/06/부산항-문화-주간-개막/feed/",
        "/?p=11&feed",
        "/2024/05/부산항-문화-주간-개막/feed/",
        "/부산항-문화-주간-개막/feed/",
    ]


def test_a_draft_permalink_with_a_query_is_kept_with_it(harbour, posts):
    assert old_addresses(posts[12], harbour[0])[0] == "/?p=12"


# Files that are refused.


def refusal(path):
    with pytest.raises(WordPressExportError) as caught:
        list(read_export(path))
    return caught.value


def test_a_billion_laughs_file_is_refused_at_its_first_entity():
    error = refusal(EXPORTS / "billion-laughs.xml")
    assert (error.line, error.path) == (3, str(EXPORTS / "billion-laughs.xml"))
    assert "declares the entity 'lol'" in error.reason
    assert "billion laughs" in error.reason


def test_an_external_entity_is_refused_and_not_read():
    error = refusal(EXPORTS / "external-entity.xml")
    assert error.line == 3
    assert "external entity 'secret' (file:///etc/passwd)" in error.reason


def test_a_truncated_file_fails_with_file_line_and_column():
    path = EXPORTS / "truncated.xml"
    error = refusal(path)
    last_line = len(path.read_text(encoding="utf-8").splitlines())
    assert (error.line, error.column) == (last_line, 3)
    assert str(error) == f"{path}:{last_line}:3: unclosed token (the file ends here: is it cut short?)"


def test_posts_before_the_fault_of_a_truncated_file_are_read_first():
    # Why the save step checks the whole file before writing (export module docstring).
    read = []
    with pytest.raises(WordPressExportError):
        for item in read_export(EXPORTS / "truncated.xml"):
            read.append(item)
    assert [item.id for item in of_type(read, Post)] == [10, 11]


def test_check_export_fails_on_a_truncated_file_like_reading_does():
    with pytest.raises(WordPressExportError, match="truncated.xml:281:3"):
        check_export(EXPORTS / "truncated.xml")


def test_a_file_with_another_root_is_refused():
    error = refusal(EXPORTS / "atom-feed.xml")
    assert (error.line, error.column) == (2, 1)
    assert error.reason.startswith("the root element is <feed> (namespace http://www.w3.org/2005/Atom), not <rss>")


def test_an_rss_feed_without_wxr_version_is_refused():
    error = refusal(EXPORTS / "plain-rss-feed.xml")
    assert error.line == line_of(EXPORTS / "plain-rss-feed.xml", "<item>")
    assert "no <wp:wxr_version> before the first <item>" in error.reason


def test_a_wxr_version_we_do_not_know_is_refused():
    text = wxr_text(post_item()).replace("<wp:wxr_version>1.2<", "<wp:wxr_version>2.0<")
    line = line_in(text, "<wp:wxr_version>")
    with pytest.raises(WordPressExportError, match=rf"^<export>:{line}:1: WXR version '2.0' is not one this importer"):
        read_text(text)


def test_malformed_xml_fails_with_expats_position_and_reason():
    text = wxr_text(post_item(fields="<title>a & b</title>\n"))
    with pytest.raises(WordPressExportError) as caught:
        read_text(text)
    error = caught.value
    # expat points just past the "&" that starts no entity: "<title>a &" is 10 characters.
    assert (error.line, error.column, error.reason) == (line_in(text, "a & b"), 11, "not well-formed (invalid token)")


def test_an_item_without_a_post_id_is_refused_at_the_item():
    text = wxr_text("<item>\n<title>No id</title>\n<wp:post_type>post</wp:post_type>\n</item>\n")
    with pytest.raises(WordPressExportError, match=rf":{line_in(text, '<item>')}:1: <item> has no <wp:post_id>$"):
        read_text(text)


def test_an_id_that_is_not_a_number_is_refused_at_its_element():
    text = wxr_text(post_item(post_id="12a"))
    line = line_in(text, "<wp:post_id>")
    with pytest.raises(WordPressExportError, match=rf":{line}:1: <wp:post_id> is '12a', not a number$"):
        read_text(text)


def test_an_unreadable_date_is_refused_at_its_element():
    text = wxr_text(post_item(fields="<wp:post_date_gmt>2024-02-30 10:00:00</wp:post_date_gmt>\n"))
    line = line_in(text, "<wp:post_date_gmt>")
    with pytest.raises(WordPressExportError, match=rf":{line}:1: <wp:post_date_gmt> is '2024-02-30 10:00:00': day is"):
        read_text(text)


def test_a_comment_without_an_id_is_refused():
    text = wxr_text(post_item(fields="<wp:comment><wp:comment_content>Hi</wp:comment_content></wp:comment>\n"))
    with pytest.raises(WordPressExportError, match=rf":{line_in(text, '<wp:comment>')}:1: <wp:comment> has no <wp:"):
        read_text(text)


def test_an_unknown_zone_is_refused_before_reading():
    with pytest.raises(Exception, match="Mars/Olympus"):
        read_export(HARBOUR, "Mars/Olympus")


def test_an_entity_a_doctype_would_define_elsewhere_is_refused_not_dropped():
    text = wxr_text(post_item()).replace("<rss ", '<!DOCTYPE rss SYSTEM "https://evil.example/wxr.dtd">\n<rss ', 1)
    text = text.replace("<title>Test</title>", "<title>&company;</title>")
    with pytest.raises(WordPressExportError, match=r":\d+:\d+: undefined entity &company;$"):
        read_text(text)


def test_a_file_in_a_multi_byte_encoding_is_refused_with_what_to_do():
    text = wxr_text(post_item()).replace('encoding="UTF-8"', 'encoding="EUC-KR"')
    with pytest.raises(WordPressExportError) as caught:
        list(read_export(io.BytesIO(text.encode("euc-kr"))))
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert caught.value.reason.startswith("the file is in EUC-KR, which this reader cannot decode")
    assert "iconv -f EUC-KR -t UTF-8" in caught.value.reason


def test_a_file_cut_or_garbled_anywhere_fails_only_with_a_wordpress_export_error():
    data = HARBOUR.read_bytes()
    rng = random.Random(10)
    damaged = [data[:offset] for offset in range(0, len(data), 211)]
    for _ in range(200):
        garbled = bytearray(data)
        for _ in range(3):
            garbled[rng.randrange(len(garbled))] = rng.choice(b"<>&;/\"'0123456789 ]x\n\x00\xff")
        damaged.append(bytes(garbled))
    for text in damaged:
        try:
            list(read_export(io.BytesIO(text), "Asia/Seoul"))
        except WordPressExportError as error:
            assert error.line >= 1 and error.column >= 1
