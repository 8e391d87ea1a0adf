"""The Disqus export reader (comments/disqus/export.py), pure: what it reads, what it refuses."""

import datetime as dt
import io

import pytest

from comments.disqus.export import (
    DisqusCategory,
    DisqusComment,
    DisqusExportError,
    DisqusThread,
    index_export,
    message_text,
    read_export,
    unwrap_link,
)

from .disqus_imports import BILLION_LAUGHS, HARBOUR_DISQUS, HEADER, TRUNCATED

UTC = dt.UTC


def items(text):
    return list(read_export(io.BytesIO(text.encode())))


def refusal(text):
    with pytest.raises(DisqusExportError) as caught:
        items(text)
    return caught.value


def test_the_export_reads_as_categories_threads_and_comments_in_file_order():
    read = list(read_export(HARBOUR_DISQUS))
    assert [type(item) for item in read[:2]] == [DisqusCategory, DisqusThread]
    assert sum(isinstance(item, DisqusThread) for item in read) == 7
    assert [item.id for item in read if isinstance(item, DisqusComment)] == list(range(9001, 9015))


def test_a_thread_has_its_link_title_identifier_and_flags():
    thread = next(item for item in read_export(HARBOUR_DISQUS) if isinstance(item, DisqusThread))
    assert thread == DisqusThread(
        id=5001,
        identifier="10 https://harbour.example/?p=10",
        forum="harbourtimes",
        link="http://harbour.example/2024/05/06/harbour-culture-week/?utm_source=twitter#disqus_thread",
        title="Harbour hosts the port cities’ culture week",
        created_at=dt.datetime(2024, 5, 6, 8, 31, tzinfo=UTC),
        is_closed=False,
        is_deleted=False,
        line=8,
    )
    assert thread.addresses == (thread.link, "https://harbour.example/?p=10")


def test_a_comment_has_its_thread_parent_author_and_status():
    comments = {item.id: item for item in read_export(HARBOUR_DISQUS) if isinstance(item, DisqusComment)}
    reply = comments[9002]
    assert (reply.thread_id, reply.parent_id, reply.line) == (5001, 9001, 142)
    assert (reply.author_name, reply.author_email, reply.author_username, reply.anonymous) == (
        "Choi Minho",
        "minho@mail.example",
        "choiminho",
        False,
    )
    assert reply.created_at == dt.datetime(2024, 5, 6, 10, 2, tzinfo=UTC)
    assert (comments[9001].parent_id, comments[9001].status) == (None, "approved")
    assert (comments[9004].status, comments[9005].status) == ("spam", "removed")
    guest = comments[9006]
    assert (guest.anonymous, guest.author_email, guest.author_username) == (True, "", "")


def test_the_index_keeps_threads_and_counts_comments_by_thread():
    index = index_export(HARBOUR_DISQUS)
    assert (index.forum, index.categories, index.comments, len(index.threads)) == ("harbourtimes", 1, 14, 7)
    assert index.comment_counts == {5001: 7, 5002: 1, 5003: 2, 5004: 2, 5006: 1, 5007: 1}


def test_a_time_without_a_zone_is_utc_and_one_with_a_zone_is_made_utc():
    comments = items(
        HEADER
        + '<post dsq:id="1"><createdAt>2012-12-12T12:12:12</createdAt><thread dsq:id="2"/></post>'
        + '<post dsq:id="3"><createdAt>2012-12-12T21:12:12+09:00</createdAt><thread dsq:id="2"/></post></disqus>'
    )
    assert [comment.created_at for comment in comments] == [dt.datetime(2012, 12, 12, 12, 12, 12, tzinfo=UTC)] * 2


def test_a_hand_made_file_may_name_thread_and_parent_by_their_text():
    (comment,) = items(HEADER + '<post dsq:id="1"><thread>2</thread><parent>3</parent></post></disqus>')
    assert (comment.thread_id, comment.parent_id) == (2, 3)


# Comment text.


def test_disqus_redirects_in_links_are_unwrapped():
    wrapped = "https://disq.us/url?url=https%3A%2F%2Fexample.org%2Fpage%3Fa%3D1%3AxYz12-3&cuid=9"
    assert unwrap_link(wrapped) == "https://example.org/page?a=1"
    assert unwrap_link("https://disq.us/url?url=http%3A%2F%2Fexample.org%3A8080&cuid=9") == "http://example.org:8080"
    assert unwrap_link("https://example.org/url?url=x") == "https://example.org/url?url=x"


def test_a_message_becomes_plain_text_with_paragraphs_line_breaks_and_link_addresses():
    message = (
        '<p>First <a href="https://disq.us/url?url=https%3A%2F%2Fexample.org%2Fa%3Ahash1&amp;cuid=1">here</a>.</p>'
        "<p>Second<br>line &amp; more.</p>"
    )
    assert message_text(message) == "First here (https://example.org/a).\n\nSecond\nline & more."


# Refused.


@pytest.mark.parametrize(
    ("path", "line", "column", "reason"),
    [
        (TRUNCATED, 310, 1, "unclosed token (the file ends here: is it cut short?)"),
        (BILLION_LAUGHS, 3, 14, "the file declares the entity 'lol'"),
    ],
    ids=["truncated", "billion-laughs"],
)
def test_a_malformed_file_is_refused_with_its_line_and_column(path, line, column, reason):
    with pytest.raises(DisqusExportError) as caught:
        index_export(path)
    assert (caught.value.path, caught.value.line, caught.value.column) == (str(path), line, column)
    assert caught.value.reason.startswith(reason)


def test_an_external_entity_is_refused_and_not_read():
    error = refusal(
        '<?xml version="1.0"?>\n<!DOCTYPE disqus [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        '<disqus xmlns="http://disqus.com"><post><message>&secret;</message></post></disqus>'
    )
    assert "declares the external entity 'secret' (file:///etc/passwd): refused" in error.reason


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("<thread><link>https://x.example/</link></thread>", 3, "<thread> has no dsq:id"),
        ('<post dsq:id="x1"><thread dsq:id="2"/></post>', 3, "the dsq:id of <post> is 'x1', not a number"),
        ('<post dsq:id="1">\n<message>Hi</message>\n</post>', 3, "<post> 1 has no <thread dsq:id>"),
        (
            '<post dsq:id="1"><thread dsq:id="2"/>\n<isSpam>maybe</isSpam></post>',
            4,
            "<isSpam> is 'maybe', not true or false",
        ),
        (
            '<post dsq:id="1"><thread dsq:id="2"/>\n<createdAt>yesterday</createdAt></post>',
            4,
            "<createdAt> is 'yesterday', not a time (2024-05-06T09:12:44Z)",
        ),
    ],
)
def test_an_element_without_what_it_needs_is_refused_with_its_line(body, line, reason):
    error = refusal(HEADER + body + "</disqus>")
    assert (error.line, error.reason) == (line, reason)


def test_a_file_of_another_kind_is_refused():
    error = refusal('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>')
    assert error.reason == (
        "the root element is <feed> (namespace http://www.w3.org/2005/Atom), not <disqus>: this is not a Disqus export"
    )
    assert (error.line, error.column) == (2, 1)
