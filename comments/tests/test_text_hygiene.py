"""Text hygiene of comments: control characters, invisible text, names isolated from the text around them."""

import hashlib
import io
import unicodedata
import xml.dom.minidom

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Rss201rev2Feed
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.models import Story
from articles.text import is_blank, is_invisible
from comments.forms import CommentForm, form_token
from comments.models import Comment, text_fingerprint
from comments.moderation import AuthorHistory, Candidate, ModerationRules, decide_comment_status, first_keyword_in

from .factories import field_errors, make_comment, make_moderator, make_story, post_form, read_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

RLO, PDF, FSI, PDI = "\u202e", "\u202c", "\u2068", "\u2069"
INVISIBLE_ONLY = ["\u200b", "\u200b\u200c\u200d", "\u00ad", "\ufeff", "\u2060", "\u3164", "\u115f\u1160", "\uffa0",
                  "\u200e\u200f", RLO, "\ufe0f", "\u034f", "\U000e0041", "\u2800", " \u200b\n\u200b "]  # fmt: skip
CONTROLS = ["\x01", "\x08", "\x1f", "\x7f", "\x80", "\x9f", "\ufffe", "\uffff"]


@pytest.fixture
def story():
    return make_story(headline="Night ferries return to the river")


def feed_url(kind, story, language):
    with translation.override(language):
        return reverse(f"comments:feed_{kind}", kwargs={"slug": story.slug})


# Where XML is written: a stored control character never takes a feed down.


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_comment_feeds_answer_with_a_vertical_tab_stored_in_a_comment(client, story, kind, language):
    comment = make_comment(story, text="fine")
    # Stored before text hygiene: update() bypasses the clean-on-save.
    Comment.objects.filter(pk=comment.pk).update(text="a\x0bb", author_name="Ann\x1bReader")
    response = client.get(feed_url(kind, story, language))
    assert response.status_code == 200
    document = xml.dom.minidom.parseString(response.content).documentElement.toxml()
    assert "AnnReader" in document
    assert "&lt;p&gt;a\nb&lt;/p&gt;" in document


@pytest.mark.parametrize("char", CONTROLS)
def test_comment_feed_answers_with_any_control_character_stored(client, story, char):
    comment = make_comment(story)
    Comment.objects.filter(pk=comment.pk).update(text=f"a{char}b", author_name=f"Ann{char}")
    response = client.get(feed_url("rss", story, "en"))
    assert response.status_code == 200
    xml.dom.minidom.parseString(response.content)
    assert char not in response.content.decode()


# Where text enters: the comment form.


@hypothesis_settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300), name=st.text(max_size=100))
def test_what_the_comment_form_accepts_needs_no_cleaning_to_be_written_as_xml(text, name):
    story = Story(pk=1)
    data = {"text": text, "author_name": name, "author_email": "ann@example.com", "token": form_token(story.pk)}
    form = CommentForm(data, story=story)
    if not form.is_valid():
        return
    cleaned = form.cleaned_data
    assert not is_blank(cleaned["text"]) and not is_blank(cleaned["author_name"])
    # Django's own writer, not the site's cleaning one: the form's output must be XML-safe already.
    feed = Rss201rev2Feed(title=cleaned["author_name"], link="https://news.example/", description="-")
    feed.add_item(title=cleaned["author_name"], link="https://news.example/1/", description=cleaned["text"])
    feed.write(io.StringIO(), "utf-8")


@pytest.mark.parametrize("text", INVISIBLE_ONLY)
def test_comment_of_only_invisible_characters_is_refused_like_an_empty_one(client, story, text):
    empty = post_form(client, story, text="")
    response = post_form(client, story, text=text)
    assert response.status_code == 400
    assert field_errors(response, "text") == field_errors(empty, "text") == ["This field is required."]
    assert read_form(response)[0] == reverse("comments:post", kwargs={"slug": story.slug}) + "#comment-errors"
    assert not Comment.objects.exists()


def test_known_commenters_invisible_comment_is_not_published(client, story):
    make_comment(story, author_email="ann@example.com", text="An earlier comment.")
    response = post_form(client, story, text="\u200b")
    assert response.status_code == 400
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("name", ["\u200b", "\u3164", RLO, "\u00ad \u200d"])
def test_name_of_only_invisible_characters_is_refused_like_an_empty_one(client, story, name):
    response = post_form(client, story, author_name=name)
    assert response.status_code == 400
    assert field_errors(response, "author_name") == ["This field is required."]


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_are_removed_from_a_posted_comment_and_name(client, story, char):
    response = post_form(client, story, text=f"Late{char} ferry", author_name=f"Ann{char} Reader")
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert (comment.text, comment.author_name) == ("Late ferry", "Ann Reader")


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x85"])
def test_pasted_line_break_controls_become_line_breaks(client, story, char):
    assert post_form(client, story, text=f"one{char}two").status_code == 303
    assert Comment.objects.get().text == "one\ntwo"


def test_control_character_in_the_website_is_removed(client, story):
    assert post_form(client, story, author_url="https://ann.exa\x01mple/").status_code == 303
    assert Comment.objects.get().author_url == "https://ann.example/"


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\u202e", "\ufeff"])
def test_website_with_an_invisible_character_is_refused_with_the_text_kept(client, story, char):
    response = post_form(client, story, text="See my notes", author_url=f"https://ann.exa{char}mple/")
    page = response.content.decode()
    assert response.status_code == 400
    assert "This address contains invisible characters." in page
    assert "See my notes" in page
    assert not Comment.objects.exists()


def test_emoji_joined_by_zero_width_joiner_is_stored_whole(client, story):
    post_form(client, story, text="Coding on the ferry 👩\u200d💻")
    assert Comment.objects.get().text == "Coding on the ferry 👩\u200d💻"


def test_name_starting_with_an_override_is_stored_without_it_and_shown_isolated(client, story):
    assert post_form(client, story, author_name=f"{RLO}evil Reader").status_code == 303
    comment = Comment.objects.get()
    assert comment.author_name == "evil Reader"
    page = client.get(story.get_absolute_url()).content.decode()
    assert (
        f'<span id="comment-{comment.pk}-author" class="comment-author fw-semibold"><bdi>evil Reader</bdi></span>'
        in page
    )


def test_paired_bidi_controls_in_a_name_are_kept(client, story):
    post_form(client, story, author_name=f"{RLO}evil{PDF} Reader")
    assert Comment.objects.get().author_name == f"{RLO}evil{PDF} Reader"


def test_any_save_of_a_comment_stores_clean_text_and_no_unpaired_override(story):
    comment = make_comment(story, text="a\x0bb\x00c", author_name=f"{RLO}evil", reason="held\x01")
    comment.refresh_from_db()
    assert (comment.text, comment.author_name, comment.reason) == ("a\nbc", "evil", "held")


# Names put inline into interface text are isolated.


def test_name_stored_with_an_override_renders_inside_bdi_everywhere_inline(client, story):
    comment = make_comment(story, author_name="Ann")
    Comment.objects.filter(pk=comment.pk).update(author_name=f"{RLO}evil")
    page = client.get(story.get_absolute_url()).content.decode()
    assert f"<bdi>{RLO}evil</bdi>" in page
    reply = client.get(f"{story.get_absolute_url()}?replytocom={comment.pk}").content.decode()
    assert f'<strong><bdi class="replying-to-name">{RLO}evil</bdi></strong>' in reply
    report = client.get(reverse("comments:report", args=[comment.pk])).content.decode()
    assert f"<bdi>{RLO}evil</bdi> wrote:" in report


def test_moderators_email_isolates_the_name_in_its_sentence(
    story, mailoutbox, django_user_model, staff_groups, django_capture_on_commit_callbacks
):
    from comments.notifications import notify_moderators

    make_moderator(django_user_model)
    comment = make_comment(story, status=Comment.Status.PENDING, author_name="Ann")
    Comment.objects.filter(pk=comment.pk).update(author_name=f"{RLO}evil")
    comment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        notify_moderators(comment)
    assert f"Author: {FSI}evil{PDI} <" in mailoutbox[0].body


def test_comment_admin_title_isolates_the_name(story):
    comment = make_comment(story, author_name="Ann", text="Hello")
    Comment.objects.filter(pk=comment.pk).update(author_name=f"{RLO}evil")
    comment.refresh_from_db()
    assert str(comment) == f"{FSI}evil{PDI}: Hello"


# Invisible text in the rules: keywords and duplicates.


@pytest.mark.parametrize("hidden", ["\u200b", "\u00ad", "\u200d", "\u200c", "\u3164", "\u2060", "\ufeff", "\u034f"])
def test_blocked_keyword_with_an_invisible_character_inside_is_caught(hidden):
    assert first_keyword_in(f"cheap ca{hidden}sino here", ["casino"]) == "casino"
    decision = decide_comment_status(
        Candidate(text=f"Visit our ca{hidden}sino", author_name="Bot", author_email="bot@example.com"),
        AuthorHistory(has_approved_comment=True),
        ModerationRules(blocked_keywords=("casino",)),
    )
    assert (decision.status, decision.rule) == ("spam", "blocked_keyword")


def test_invisible_character_does_not_join_two_words_into_a_keyword_they_are_not():
    assert first_keyword_in("cas\u200bino", ["cas"]) is None


@pytest.mark.parametrize("copy", ["hel\u200blo", "hel\u00adlo", "\ufeffhello", "HELLO\u200d", "hel\u3164lo"])
def test_same_text_with_invisible_characters_is_a_duplicate(client, story, copy):
    assert text_fingerprint(copy) == text_fingerprint("hello")
    assert post_form(client, story, text="hello").status_code == 303
    response = post_form(client, story, text=copy)
    assert response.status_code == 409
    assert Comment.objects.count() == 1


# Admin edits of a comment.


def test_admin_edit_to_invisible_only_text_is_refused_as_empty(client, story, django_user_model, staff_groups):
    client.force_login(make_moderator(django_user_model, group="Editors"))
    comment = make_comment(story, text="The ferry is late.")
    url = f"/admin/comments/comment/{comment.pk}/change/"
    _, fields = read_form(client.get(url), "comment_form")
    response = client.post(url, {**fields, "text": "\u200b\u200b"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["text"] == ["This field is required."]
    response = client.post(url, {**fields, "text": "The ferry\x0b is late.", "author_name": f"{RLO}Ann"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.text, comment.author_name) == ("The ferry\n is late.", "Ann")


# The data migration: text cleaned, fingerprints recomputed, collisions kept apart.


def old_fingerprint(text):
    return hashlib.sha256(" ".join(unicodedata.normalize("NFKC", text).casefold().split()).encode()).hexdigest()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_migration_cleans_comments_and_recomputes_fingerprints_keeping_colliding_copies_apart():
    old = migrate([("comments", "0005_moderation_log_protects"), ("articles", "0009_story_search")])
    Story = old.get_model("articles", "Story")
    Outlet = old.get_model("articles", "Outlet")
    Comment = old.get_model("comments", "Comment")
    outlet = Outlet.objects.create(name="Harbour Wire", slug="harbour-wire")
    story = Story.objects.create(headline="Ferries", slug="ferries", body="x", outlet=outlet)
    rows = [
        ("hello", "ann@example.com"),  # the older copy: unchanged
        ("hel\u200blo", "ann@example.com"),  # now a duplicate of the first: keeps its old fingerprint
        ("hey\u200bthere", "bob@example.com"),  # gets the new fingerprint
        ("a\x0bb", "cat@example.com"),  # cleaned to "a\nb"
    ]
    moment = "2026-11-01T00:00:00Z"
    # bulk_create sends no pre_save: comments as stored before text hygiene.
    Comment.objects.bulk_create(
        Comment(story=story, author_name=f"{RLO}n{number}", author_email=email, text=text,
                fingerprint=old_fingerprint(text), created_at=moment)
        for number, (text, email) in enumerate(rows)
    )  # fmt: skip
    try:
        new = migrate([("comments", "0006_clean_stored_text_and_fingerprints")])
        version = new.get_model("articles", "Story").objects.get().page_version
        stored = list(
            new.get_model("comments", "Comment")
            .objects.order_by("id")
            .values_list("text", "fingerprint", "author_name")
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert [text for text, _fp, _name in stored] == ["hello", "hel\u200blo", "hey\u200bthere", "a\nb"]
    assert [fingerprint for _text, fingerprint, _name in stored] == [
        text_fingerprint("hello"),
        old_fingerprint("hel\u200blo"),
        text_fingerprint("heythere"),
        text_fingerprint("a\nb"),
    ]
    assert [name for _text, _fp, name in stored] == ["n0", "n1", "n2", "n3"]
    assert version == 1  # the story page showing the cleaned comments is not served from the cache


# "Zalgo" text: a bounded number of combining marks per letter, in the form and on any save.


def test_zalgo_comment_is_stored_with_at_most_thirty_marks_on_its_letter(client, story):
    make_comment(story, author_email="ann@example.com", text="An earlier comment.")
    response = post_form(client, story, text="Zalgo" + "\u0301" * 3000, author_name="Ann" + "\u0316" * 500)
    assert response.status_code == 303
    comment = Comment.objects.get(text__startswith="Zalgo")
    assert comment.status == Comment.Status.APPROVED
    assert (comment.text, comment.author_name) == ("Zalgo" + "\u0301" * 30, "Ann" + "\u0316" * 30)


def test_any_save_of_a_comment_cuts_a_long_mark_run(story):
    comment = make_comment(story, text="Zalgo" + "\u0301\u20dd" * 1000)
    comment.refresh_from_db()
    assert comment.text == "Zalgo" + "\u0301\u20dd" * 15


# Blocked e-mail addresses: invisible characters refused, entries compared as `comparable_text`.

BLOCKED = ModerationRules(blocked_emails=("@spam.example", "bad@example.org"))


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\u2060", "\ufeff", "\u202e"])
def test_email_with_an_invisible_character_is_refused_with_the_text_kept(client, story, char):
    response = post_form(client, story, text="See my notes", author_email=f"x@spam{char}.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert field_errors(response, "author_email") == [
        "This address contains invisible characters. Type it again without them."
    ]
    assert "See my notes" in page
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "email",
    ["x@spam\u200b.example", "x@spam\u00ad.example", "X@SPAM.EXAMPLE", "x@ｓｐａｍ.example", "x@sub.spam.example",
     "x@a.b.spam.example", "bad@ｅxample.org", "BAD@example.org", "bad@exa\u200bmple.org"],
)  # fmt: skip
def test_blocked_address_is_caught_however_it_is_written(email):
    decision = decide_comment_status(
        Candidate(text="Hello", author_name="Bot", author_email=email), AuthorHistory(True), BLOCKED
    )
    assert (decision.status, decision.rule) == ("spam", "blocked_email")


@pytest.mark.parametrize(
    "email", ["x@notspam.example", "x@spam.example.org", "good@example.org", "bad@sub.example.org"]
)
def test_blocked_domain_does_not_catch_a_domain_that_only_ends_like_it(email):
    decision = decide_comment_status(
        Candidate(text="Hello", author_name="Ann", author_email=email), AuthorHistory(True), BLOCKED
    )
    assert decision.rule == "known_commenter"


# Keywords and duplicates: case folding and Latin accents.


@pytest.mark.parametrize("written", ["CASİNO", "càsino", "CASÍNO", "ca\u0301sino"])
def test_blocked_keyword_written_with_accents_or_a_dotted_capital_i_is_caught(written):
    decision = decide_comment_status(
        Candidate(text=f"Visit our {written} tonight", author_name="Bot", author_email="bot@example.com"),
        AuthorHistory(True),
        ModerationRules(blocked_keywords=("casino",)),
    )
    assert (decision.status, decision.rule) == ("spam", "blocked_keyword")


def test_korean_keyword_still_matches_inside_a_word_and_not_a_neighbour():
    assert first_keyword_in("불법 도박을 하지 마세요", ["도박"]) == "도박"
    assert first_keyword_in("도바 기사", ["도박"]) is None


def test_keyword_spelled_in_compatibility_jamo_matches_when_listed_that_way():
    # Loose jamo are not composed into syllables (see README): a moderator lists the jamo spelling.
    assert first_keyword_in("ㄷㅗㅂㅏㄱ 사이트", ["ㄷㅗㅂㅏㄱ"]) == "ㄷㅗㅂㅏㄱ"


def test_same_text_with_accents_is_a_duplicate():
    assert text_fingerprint("Café RÉSUMÉ") == text_fingerprint("cafe resume")
    assert text_fingerprint("도박") != text_fingerprint("도바")


def accented_fingerprint(text):
    """The fingerprint of 0006's rules: accents counted."""
    folded = unicodedata.normalize("NFKC", "".join(c for c in text if not is_invisible(c))).casefold()
    return hashlib.sha256(" ".join(folded.split()).encode()).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_migration_cuts_stored_zalgo_text_and_recomputes_fingerprints_without_accents():
    old = migrate([("comments", "0007_editors_add_corrections"), ("articles", "0012_corrections")])
    Story = old.get_model("articles", "Story")
    Comment = old.get_model("comments", "Comment")
    outlet = old.get_model("articles", "Outlet").objects.create(name="Harbour Wire", slug="harbour-wire")
    story = Story.objects.create(headline="Ferries", slug="ferries", body="x", outlet=outlet)
    Story.objects.filter(pk=story.pk).update(body="Zalgo" + "\u0301" * 3000)
    moment = "2026-11-01T00:00:00Z"
    rows = [("Zalgo" + "\u0301" * 3000, "ann@example.com"), ("Café", "bob@example.com")]
    Comment.objects.bulk_create(
        Comment(story=story, author_name="n", author_email=email, text=text,
                fingerprint=accented_fingerprint(text), created_at=moment)
        for text, email in rows
    )  # fmt: skip
    try:
        new = migrate([("comments", "0008_limit_marks_and_fingerprints_without_accents")])
        stored_story = new.get_model("articles", "Story").objects.values_list("body", "page_version").get()
        stored = list(new.get_model("comments", "Comment").objects.order_by("id").values_list("text", "fingerprint"))
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert stored_story[0] == "Zalgo" + "\u0301" * 30
    assert stored_story[1] > 1  # the cached page goes
    assert stored == [
        ("Zalgo" + "\u0301" * 30, text_fingerprint("Zalgo" + "\u0301" * 30)),
        ("Café", text_fingerprint("cafe")),
    ]
