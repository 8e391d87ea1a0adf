"""The comment form's fields: what each refuses, how errors are shown, CSRF; and how comments render safely."""

import pytest
from django.test import Client

from comments.models import Comment

from .factories import field_errors, make_comment, make_story, page_elements, post_form, read_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

DRAFT = "My carefully written draft."


@pytest.fixture
def story():
    return make_story()


@pytest.fixture
def known_commenter(story):
    """ann@example.com, the default author of `post_form`: her comments are approved at once."""
    return make_comment(story, author_email="ann@example.com", text="An earlier comment.")


# Field by field.


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example/", "data:text/html,hi"])
def test_website_that_is_not_http_or_https_is_refused_at_the_website_field(client, story, url):
    response = post_form(client, story, text=DRAFT, author_url=url)
    assert response.status_code == 400
    assert "Enter a valid URL." in field_errors(response, "author_url")
    assert read_form(response)[1]["text"] == DRAFT
    assert not Comment.objects.exists()


def test_website_with_a_script_scheme_gets_one_error_message(client, story):
    response = post_form(client, story, author_url="javascript:alert(1)")
    assert field_errors(response, "author_url") == ["Enter a valid URL."]


def test_website_without_a_scheme_is_stored_as_https(client, story):
    post_form(client, story, author_url="ann.example")
    assert Comment.objects.get().author_url == "https://ann.example"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("text", "a" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
        ("author_name", "n" * 101, "Ensure this value has at most 100 characters (it has 101)."),
        ("author_email", "e" * 243 + "@example.com", "Ensure this value has at most 254 characters (it has 255)."),
        ("author_url", "https://a.example/" + "p" * 183, "Ensure this value has at most 200 characters (it has 201)."),
    ],
    ids=["text", "name", "email", "website"],
)
def test_over_long_field_is_refused_at_that_field(client, story, field, value, message):
    response = post_form(client, story, **{field: value})
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert not Comment.objects.exists()


def test_longest_allowed_values_are_accepted(client, story):
    response = post_form(client, story, text="a" * 5000, author_name="n" * 100, author_email="e" * 242 + "@example.com")
    assert response.status_code == 303
    assert len(Comment.objects.get().text) == 5000


def test_longest_comment_with_line_breaks_as_a_browser_sends_them_is_accepted(client, story):
    paragraphs = "\r\n".join(["a" * 999] * 5)
    response = post_form(client, story, text=paragraphs)
    assert response.status_code == 303


def test_nul_byte_in_the_text_is_refused_at_the_text_field(client, story):
    response = post_form(client, story, text="Hello\x00world")
    assert response.status_code == 400
    assert field_errors(response, "text") == ["Null characters are not allowed."]
    assert not Comment.objects.exists()


def test_nul_byte_in_the_name_is_refused_at_the_name_field(client, story):
    response = post_form(client, story, author_name="Ann\x00")
    assert response.status_code == 400
    assert field_errors(response, "author_name") == ["Null characters are not allowed."]


def test_text_of_only_white_space_is_refused(client, story):
    response = post_form(client, story, text=" \r\n\t ")
    assert response.status_code == 400
    assert field_errors(response, "text") == ["This field is required."]


def test_invalid_email_is_refused_at_the_email_field(client, story):
    response = post_form(client, story, author_email="not-an-address")
    assert field_errors(response, "author_email") == ["Enter a valid email address."]


# Errors a screen reader can follow.


@pytest.fixture
def empty_form_response(client, story):
    return post_form(client, story, text="", author_name="", author_email="")


def test_empty_required_fields_are_refused_with_an_error_at_each(empty_form_response):
    assert empty_form_response.status_code == 400
    for field in ("text", "author_name", "author_email"):
        assert field_errors(empty_form_response, field) == ["This field is required."], field


def test_error_summary_lists_each_missing_field_with_a_link_to_it(empty_form_response):
    summary = page_elements(empty_form_response)["comment-errors"]
    assert "Comment: This field is required." in summary.text
    assert "Name: This field is required." in summary.text
    assert "Email: This field is required." in summary.text
    page = empty_form_response.content.decode()
    for field in ("id_text", "id_author_name", "id_author_email"):
        assert f'<a class="alert-link" href="#{field}">' in page


@pytest.mark.parametrize("field", ["text", "author_name", "author_email"])
def test_invalid_input_is_marked_and_described_by_its_error(empty_form_response, field):
    elements = page_elements(empty_form_response)
    widget = elements[f"id_{field}"]
    described_by = widget.attrs["aria-describedby"].split()
    assert widget.attrs["aria-invalid"] == "true"
    assert f"error_1_id_{field}" in described_by
    assert [name for name in described_by if name not in elements] == []


def test_valid_field_of_a_refused_form_is_not_marked_invalid(client, story):
    response = post_form(client, story, author_name="")
    assert "aria-invalid" not in page_elements(response)["id_text"].attrs


def test_every_visible_input_has_a_label(client, story):
    page = client.get(story.get_absolute_url()).content.decode()
    for field in ("text", "author_name", "author_email", "author_url", "remember"):
        assert f'for="id_{field}"' in page, field


# CSRF.


def test_post_without_the_csrf_token_is_refused(story):
    client = Client(enforce_csrf_checks=True)
    response = post_form(client, story, csrfmiddlewaretoken=None)
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_post_with_the_csrf_token_of_the_page_is_accepted(story):
    client = Client(enforce_csrf_checks=True)
    assert post_form(client, story).status_code == 303


# What a comment looks like: escaped, linked, with its line breaks.

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", ["author_name", "text"])
def test_markup_in_a_posted_comment_is_shown_as_text(client, story, known_commenter, field, payload):
    post_form(client, story, **{field: f"Hi {payload}"})
    page = Client().get(story.get_absolute_url()).content.decode()
    assert Comment.objects.get(**{field: f"Hi {payload}"}).status == Comment.Status.APPROVED
    assert payload not in page
    assert payload.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;") in page


def test_script_url_as_text_is_not_made_a_link(client, story, known_commenter):
    post_form(client, story, text="Try javascript:alert(1) now")
    page = Client().get(story.get_absolute_url()).content.decode()
    assert "Try javascript:alert(1) now" in page
    assert 'href="javascript:' not in page


def test_quote_in_a_website_address_cannot_leave_the_href(client, story, known_commenter):
    url = 'https://ann.example/"onmouseover="alert(1)'
    post_form(client, story, author_url=url)
    page = Client().get(story.get_absolute_url()).content.decode()
    assert Comment.objects.filter(author_url=url).exists()
    assert '"onmouseover="' not in page
    assert 'href="https://ann.example/&quot;onmouseover=&quot;alert(1)"' in page


def test_refused_form_shows_markup_in_the_draft_as_text(client, story):
    payload = PAYLOADS[1]
    response = post_form(client, story, text=payload, author_name=payload, author_email="")
    page = response.content.decode()
    assert payload not in page
    assert read_form(response)[1]["author_name"] == payload


def test_bare_web_address_in_the_text_is_linked_as_user_content(client, story):
    make_comment(story, text="Timetable at https://ferry.example/times?day=mon&x=1. See you.")
    page = client.get(story.get_absolute_url()).content.decode()
    link = '<a href="https://ferry.example/times?day=mon&amp;x=1" rel="nofollow ugc">'
    assert f"Timetable at {link}https://ferry.example/times?day=mon&amp;x=1</a>. See you." in page


def test_authors_website_links_their_name_without_passing_rank_or_the_opener(client, story):
    comment = make_comment(story, author_name="Ann Reader", author_url="https://ann.example/")
    author = page_elements(client.get(story.get_absolute_url()))[f"comment-{comment.pk}-author"]
    assert author.text == "Ann Reader"
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<a href="https://ann.example/" rel="nofollow ugc noopener"><bdi>Ann Reader</bdi></a>' in page


def test_line_breaks_and_paragraphs_of_the_text_are_kept(client, story):
    make_comment(story, text="Line one\nLine two\n\nA second paragraph.")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<p>Line one<br>Line two</p>\n<p>A second paragraph.</p>" in page


def test_line_breaks_sent_by_a_browser_are_stored_as_newlines(client, story):
    post_form(client, story, text="Line one\r\nLine two")
    assert Comment.objects.get().text == "Line one\nLine two"


def test_email_address_is_not_shown_with_the_comment(client, story):
    make_comment(story, author_email="secret.reader@example.com")
    assert "secret.reader@example.com" not in client.get(story.get_absolute_url()).content.decode()


def test_comment_text_carries_the_language_it_is_written_in(client):
    from .factories import make_comment, make_story

    story = make_story()
    make_comment(story, text="좋은 기사 감사합니다. 다음 소식도 기다릴게요.")
    make_comment(story, text="Thanks for the clear report.")
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<div class="comment-text" lang="ko"><p>좋은 기사 감사합니다.' in page
    assert '<div class="comment-text"><p>Thanks for the clear report.' in page
