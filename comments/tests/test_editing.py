"""Its author edits or withdraws a comment from the browser it was posted from, within the edit window."""

import datetime as dt

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.cookies import EDIT_COOKIE, edit_secrets
from comments.editing import edit_comment
from comments.models import Comment, CommentVersion, ModerationListEntry, ModerationLogEntry, StoryModeration
from comments.moderation import (
    APPROVED,
    GONE,
    MODERATED,
    NOT_AUTHOR,
    NOT_EDITABLE,
    PENDING,
    REMOVED,
    SPAM,
    TIME_UP,
    edit_seconds_left,
    status_after_edit,
    why_not_editable,
)
from comments.posting import Refusal
from comments.status import change_status

from .factories import make_comment, make_moderator, make_story, page_elements, post_form, read_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

AWAITING = "Your comment is awaiting moderation."


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing")


@pytest.fixture
def known_commenter(story):
    """ann@example.com, the default author of `post_form`, has an approved comment already."""
    return make_comment(story, author_email="ann@example.com", author_name="Ann Reader", text="My first comment.")


def post_comment(client, story, text="The evening crossing is a good idea."):
    """Post a comment from `client` (a browser) and return it as stored."""
    response = post_form(client, story, text=text)
    assert response.status_code == 303, response.status_code
    return Comment.objects.get(text=text)


def edit_url(comment):
    return f"/en/comments/{comment.pk}/edit/"


def withdraw_url(comment):
    return f"/en/comments/{comment.pk}/withdraw/"


def send_edit(client, comment, text):
    """Open the edit page as a browser would, change the text, send the form; returns the response."""
    page = client.get(edit_url(comment))
    assert page.status_code == 200, page.status_code
    _action, fields = read_form(page, "edit-comment-form")
    return client.post(edit_url(comment), {**fields, "text": text})


def make_it_older(comment, minutes):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


def signed_edit_cookie(value):
    """The edit cookie's value for `value` ("id:secret,..."), signed as the site signs it."""
    response = HttpResponse()
    response.set_signed_cookie(EDIT_COOKIE, value, salt=EDIT_COOKIE)
    return response.cookies[EDIT_COOKIE].value


def secrets_in(client):
    """{comment id: secret} the site reads from the edit cookie `client` (a browser) holds."""
    request = RequestFactory().get("/")
    request.COOKIES[EDIT_COOKIE] = client.cookies[EDIT_COOKIE].value
    return edit_secrets(request)


def kept_text(response):
    element = page_elements(response).get("kept-text")
    return element.text.strip() if element is not None else None


# The policy, with plain values.

POSTED = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def refusal(status=APPROVED, *, is_author=True, moderated=False, minutes_after=5, window=15):
    return why_not_editable(
        status,
        is_author=is_author,
        moderated=moderated,
        posted_at=POSTED,
        now=POSTED + dt.timedelta(minutes=minutes_after),
        minutes=window,
    )


def test_policy_lets_the_author_edit_an_approved_or_held_comment_inside_the_window():
    assert (refusal(APPROVED), refusal(PENDING)) == (None, None)


def test_policy_refuses_whoever_is_not_the_author_first():
    assert refusal(REMOVED, is_author=False, minutes_after=60) == NOT_AUTHOR


def test_policy_says_a_removed_comment_is_gone_and_spam_is_not_editable():
    assert (refusal(REMOVED), refusal(SPAM)) == (GONE, NOT_EDITABLE)


def test_policy_refuses_a_comment_someone_else_moderated():
    assert refusal(APPROVED, moderated=True) == MODERATED


def test_policy_closes_the_window_at_its_last_second():
    assert refusal(minutes_after=14.99) is None
    assert refusal(minutes_after=15) == TIME_UP


def test_policy_with_no_window_lets_nobody_edit():
    assert refusal(minutes_after=0, window=0) == TIME_UP
    assert edit_seconds_left(POSTED, POSTED, 0) == 0


def test_policy_counts_the_seconds_left_in_any_zone():
    seoul = dt.timezone(dt.timedelta(hours=9))
    assert edit_seconds_left(POSTED, POSTED.astimezone(seoul) + dt.timedelta(minutes=10), 15) == 300


def test_an_edit_never_loosens_the_status():
    assert status_after_edit(APPROVED, APPROVED) == APPROVED
    assert status_after_edit(APPROVED, PENDING) == PENDING
    assert status_after_edit(APPROVED, SPAM) == SPAM
    assert status_after_edit(PENDING, APPROVED) == PENDING
    assert status_after_edit(PENDING, SPAM) == SPAM


# The story page offers it to its author alone.


def test_the_author_sees_edit_and_withdraw_with_the_minutes_left(client, story, known_commenter):
    comment = post_comment(client, story)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "You can edit this for 15 more minutes:" in page
    assert f'href="{edit_url(comment)}"' in page
    assert f'href="{withdraw_url(comment)}"' in page


def test_the_minutes_left_count_down(client, story, known_commenter):
    comment = post_comment(client, story)
    make_it_older(comment, 3)
    assert "You can edit this for 12 more minutes:" in client.get(story.get_absolute_url()).content.decode()


def test_another_browser_sees_no_edit_link(client, story, known_commenter):
    comment = post_comment(client, story)
    page = Client().get(story.get_absolute_url()).content.decode()
    assert comment.text in page
    assert edit_url(comment) not in page


def test_the_author_sees_no_edit_link_once_the_window_is_over(client, story, known_commenter):
    comment = post_comment(client, story)
    make_it_older(comment, 16)
    page = client.get(story.get_absolute_url()).content.decode()
    assert comment.text in page
    assert edit_url(comment) not in page


def test_a_held_comment_offers_edit_to_its_author_too(client, story):
    comment = post_comment(client, story)
    assert comment.status == Comment.Status.PENDING
    page = client.get(story.get_absolute_url()).content.decode()
    assert AWAITING in page
    assert f'href="{edit_url(comment)}"' in page


def test_a_comment_the_rules_made_spam_offers_no_edit(client, story, settings):
    settings.COMMENTS_BLOCKED_KEYWORDS = ["casino"]
    comment = post_comment(client, story, text="Visit the casino tonight.")
    assert comment.status == Comment.Status.SPAM
    page = client.get(story.get_absolute_url()).content.decode()
    assert AWAITING in page
    assert edit_url(comment) not in page
    assert client.get(edit_url(comment)).status_code == 409


def test_editing_is_off_with_no_minutes(client, story, known_commenter, settings):
    settings.COMMENTS_EDIT_MINUTES = 0
    response = post_form(client, story)
    assert EDIT_COOKIE not in response.cookies
    comment = Comment.objects.get(text="A thoughtful comment about the ferry timetable.")
    assert edit_url(comment) not in client.get(story.get_absolute_url()).content.decode()
    assert client.get(edit_url(comment)).status_code == 403


def test_the_edit_cookie_is_httponly_and_holds_no_key_the_database_has(client, story, known_commenter):
    response = post_form(client, story)
    cookie = response.cookies[EDIT_COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    comment = Comment.objects.get(text="A thoughtful comment about the ferry timetable.")
    assert len(comment.edit_key) == 64
    assert comment.edit_key not in cookie.value


# Editing inside the window.


def test_the_edit_form_is_prefilled_with_the_comment_text(client, story, known_commenter):
    comment = post_comment(client, story, text="Line one.\n\nLine two.")
    _action, fields = read_form(client.get(edit_url(comment)), "edit-comment-form")
    assert fields["text"] == "Line one.\n\nLine two."
    assert fields["csrfmiddlewaretoken"]


def test_an_edit_inside_the_window_keeps_an_approved_comment_approved_with_the_new_text(client, story, known_commenter):
    comment = post_comment(client, story)
    response = send_edit(client, comment, "The evening crossing is a very good idea.")
    assert response.status_code == 303
    assert response["Location"] == f"{story.get_absolute_url()}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert (comment.text, comment.status) == ("The evening crossing is a very good idea.", Comment.Status.APPROVED)


def test_the_edited_comment_shows_edited_with_its_time(client, story, known_commenter):
    comment = post_comment(client, story)
    send_edit(client, comment, "Edited once.")
    comment.refresh_from_db()
    html = Client().get(story.get_absolute_url()).content.decode()
    local = timezone.localtime(comment.edited_at, story.outlet.zone)
    assert f'edited <time datetime="{local.isoformat(timespec="seconds")}">' in html
    assert "Edited once." in html


def test_an_unedited_comment_does_not_say_edited(client, story, known_commenter):
    post_comment(client, story)
    assert "comment-edited" not in Client().get(story.get_absolute_url()).content.decode()


def test_the_author_is_told_the_comment_was_updated(client, story, known_commenter):
    comment = post_comment(client, story)
    response = send_edit(client, comment, "Edited once.")
    assert "Your comment was updated." in client.get(response["Location"]).content.decode()


def test_the_same_text_again_stores_no_version(client, story, known_commenter):
    comment = post_comment(client, story)
    assert send_edit(client, comment, comment.text).status_code == 303
    comment.refresh_from_db()
    assert comment.edited_at is None
    assert not CommentVersion.objects.exists()


def test_the_author_can_edit_again_within_the_window(client, story, known_commenter):
    comment = post_comment(client, story)
    send_edit(client, comment, "Second text.")
    assert send_edit(client, comment, "Third text.").status_code == 303
    comment.refresh_from_db()
    assert comment.text == "Third text."


# The moderation rules again.


def test_an_edit_that_adds_links_sends_an_approved_comment_back_to_the_queue(client, story, known_commenter, settings):
    settings.COMMENTS_MAX_LINKS = 1
    comment = post_comment(client, story)
    send_edit(client, comment, "See https://a.example/ and https://b.example/ for times.")
    comment.refresh_from_db()
    assert (comment.status, comment.rule) == (Comment.Status.PENDING, "links")
    entry = comment.log.last()
    assert (entry.from_status, entry.to_status) == (Comment.Status.APPROVED, Comment.Status.PENDING)
    assert entry.reason.startswith("edited by its author; links:")


def test_an_edit_that_adds_a_held_word_sends_it_back_to_the_queue(client, story, known_commenter, settings):
    settings.COMMENTS_MODERATION_KEYWORDS = ["lawsuit"]
    comment = post_comment(client, story)
    send_edit(client, comment, "There will be a lawsuit about this.")
    comment.refresh_from_db()
    assert (comment.status, comment.rule) == (Comment.Status.PENDING, "moderation_keyword")


def test_an_edit_sent_back_to_the_queue_emails_the_moderators(
    client, story, known_commenter, settings, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    make_moderator(django_user_model, email="mod@example.com")
    settings.COMMENTS_MAX_LINKS = 0
    with django_capture_on_commit_callbacks(execute=True):
        comment = post_comment(client, story)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        send_edit(client, comment, "More at https://a.example/")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["mod@example.com"]
    assert "More at https://a.example/" in mailoutbox[0].body


def test_a_comment_back_in_the_queue_is_shown_to_its_author_as_awaiting_and_hidden_from_others(
    client, story, known_commenter, settings
):
    settings.COMMENTS_MAX_LINKS = 0
    comment = post_comment(client, story)
    response = send_edit(client, comment, "More at https://a.example/")
    page = client.get(response["Location"]).content.decode()
    assert AWAITING in page
    assert "Your comment appears once a moderator has read it." in page
    assert "More at https://a.example/" not in Client().get(story.get_absolute_url()).content.decode()


def test_a_held_comment_stays_held_after_an_edit_the_rules_would_approve(client, story, known_commenter):
    comment = post_comment(client, story)
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PENDING, rule="links")
    send_edit(client, comment, "No links any more.")
    comment.refresh_from_db()
    assert (comment.status, comment.rule) == (Comment.Status.PENDING, "links")


def test_an_edit_on_a_story_put_under_pre_moderation_goes_back_to_the_queue(client, story, known_commenter):
    comment = post_comment(client, story)
    StoryModeration.objects.create(story=story, premoderate=True)
    send_edit(client, comment, "Edited under pre-moderation.")
    comment.refresh_from_db()
    assert (comment.status, comment.rule) == (Comment.Status.PENDING, "story_premoderation")


def test_an_edit_outside_the_staffed_hours_goes_back_to_the_queue(client, story, known_commenter, settings):
    comment = post_comment(client, story)
    now = timezone.localtime(timezone.now(), story.outlet.zone)
    start = (now + dt.timedelta(hours=2)).strftime("%H:%M")
    end = (now + dt.timedelta(hours=3)).strftime("%H:%M")
    settings.COMMENTS_STAFFED_HOURS = f"{start}-{end}"
    send_edit(client, comment, "Edited at night.")
    comment.refresh_from_db()
    assert (comment.status, comment.rule) == (Comment.Status.PENDING, "quiet_hours")


def test_an_edit_with_a_blocked_word_is_refused_with_the_entry_s_reason_and_the_comment_stays(
    client, story, known_commenter
):
    comment = post_comment(client, story)
    before = (comment.status, comment.text)
    ModerationListEntry.objects.create(kind="keyword", action="block", value="casino", public_reason="No ads.")
    response = send_edit(client, comment, "Try the casino.")
    assert response.status_code == 403
    html = response.content.decode()
    assert "No ads." in html
    assert "How to appeal this decision" in html
    assert kept_text(response) == "Try the casino."
    comment.refresh_from_db()
    assert (comment.status, comment.text) == before  # the earlier text is still published
    assert not comment.versions.exists()


def test_an_edit_with_a_blocked_word_and_no_reason_is_refused_all_the_same(client, story, known_commenter):
    comment = post_comment(client, story)
    ModerationListEntry.objects.create(kind="keyword", action="block", value="casino")
    response = send_edit(client, comment, "Try the casino.")
    assert response.status_code == 403
    assert "was not saved: your comment stays as it was" in response.content.decode()
    comment.refresh_from_db()
    assert comment.text != "Try the casino."


# Every version is kept.


def test_every_earlier_text_is_kept_as_a_version(client, story, known_commenter):
    comment = post_comment(client, story, text="First text.")
    send_edit(client, comment, "Second text.")
    send_edit(client, comment, "Third text.")
    versions = list(comment.versions.values_list("text", "edited_by"))
    assert versions == [("First text.", None), ("Second text.", None)]
    first = comment.versions.first()
    assert first.written_at == Comment.objects.get(pk=comment.pk).created_at


def test_each_edit_is_in_the_moderation_log(client, story, known_commenter):
    comment = post_comment(client, story, text="First text.")
    send_edit(client, comment, "Second text.")
    reasons = list(comment.log.values_list("reason", flat=True))
    assert len(reasons) == 2
    assert reasons[1] == "edited by its author; known_commenter: This e-mail address has approved comments."


def test_a_version_cannot_be_changed_or_deleted(client, story, known_commenter):
    comment = post_comment(client, story, text="First text.")
    send_edit(client, comment, "Second text.")
    version = comment.versions.get()
    with pytest.raises(ValueError):
        version.save()
    with pytest.raises(ValueError):
        version.delete()


def test_the_admin_change_page_shows_the_earlier_versions_to_a_moderator(
    client, story, known_commenter, django_user_model, staff_groups
):
    comment = post_comment(client, story, text="What I wrote first.")
    send_edit(client, comment, "What I wrote then.")
    moderator = Client()
    moderator.force_login(make_moderator(django_user_model))
    html = moderator.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert "Earlier versions" in html
    assert "What I wrote first." in html
    assert "edited by its author" in html


def test_a_moderator_s_correction_in_admin_keeps_the_text_it_replaced(
    client, story, known_commenter, django_user_model, staff_groups
):
    comment = post_comment(client, story, text="A text with a typo.")
    moderator_user = make_moderator(django_user_model)
    moderator = Client()
    moderator.force_login(moderator_user)
    _action, fields = read_form(moderator.get(f"/admin/comments/comment/{comment.pk}/change/"), "comment_form")
    response = moderator.post(
        f"/admin/comments/comment/{comment.pk}/change/", {**fields, "text": "A text without a typo."}
    )
    assert response.status_code == 302
    version = comment.versions.get()
    assert (version.text, version.edited_by) == ("A text with a typo.", moderator_user)
    # The moderator acted: its author can no longer change it.
    assert client.get(edit_url(comment)).status_code == 409


# The page cache and the page's queries.


def test_a_cached_story_page_shows_the_new_text_at_once(client, story, known_commenter):
    comment = post_comment(client, story, text="Before the edit.")
    assert "Before the edit." in Client().get(story.get_absolute_url()).content.decode()
    send_edit(client, comment, "After the edit.")
    html = Client().get(story.get_absolute_url()).content.decode()
    assert "After the edit." in html
    assert "Before the edit." not in html


def test_the_author_s_page_runs_as_many_queries_as_a_stranger_s(client, story, known_commenter, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    for number in range(3):
        post_comment(client, story, text=f"My comment number {number}.")
    stranger = Client()
    with CaptureQueriesContext(connection) as strangers:
        assert stranger.get(story.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as authors:
        html = client.get(story.get_absolute_url()).content.decode()
    assert html.count("comment-edit-link") == 3
    assert len(authors) == len(strangers)


# Refused: not this browser's, too late, moderated. The text sent is kept.


def test_an_edit_after_the_window_is_refused_with_the_text_kept(client, story, known_commenter):
    comment = post_comment(client, story)
    _action, fields = read_form(client.get(edit_url(comment)), "edit-comment-form")
    make_it_older(comment, 16)
    response = client.post(edit_url(comment), {**fields, "text": "My long careful correction."})
    assert response.status_code == 403
    assert "The 15 minutes for changing this comment are over" in response.content.decode()
    assert kept_text(response) == "My long careful correction."
    comment.refresh_from_db()
    assert comment.text == "The evening crossing is a good idea."


def test_the_edit_page_after_the_window_says_the_time_is_over(client, story, known_commenter):
    comment = post_comment(client, story)
    make_it_older(comment, 16)
    response = client.get(edit_url(comment))
    assert response.status_code == 403
    assert "The 15 minutes for changing this comment are over" in response.content.decode()
    assert 'id="edit-comment-form"' not in response.content.decode()


def test_a_longer_window_is_configurable(client, story, known_commenter, settings):
    settings.COMMENTS_EDIT_MINUTES = 30
    comment = post_comment(client, story)
    make_it_older(comment, 20)
    assert send_edit(client, comment, "Still in time.").status_code == 303


def test_a_browser_without_the_cookie_cannot_edit(client, story, known_commenter):
    comment = post_comment(client, story)
    other = Client()
    response = other.post(edit_url(comment), {"text": "Not mine to change."})
    assert response.status_code == 403
    assert "only from the browser it was posted from" in response.content.decode()
    assert kept_text(response) == "Not mine to change."
    comment.refresh_from_db()
    assert comment.text == "The evening crossing is a good idea."


def test_a_forged_cookie_cannot_edit_even_with_the_site_s_signing_key(client, story, known_commenter):
    comment = post_comment(client, story)
    other = Client()
    # Whoever has SECRET_KEY can sign a cookie, but not guess the secret whose hash the comment keeps.
    other.cookies[EDIT_COOKIE] = signed_edit_cookie(f"{comment.pk}:guessed-secret")
    assert secrets_in(other) == {comment.pk: "guessed-secret"}
    response = other.post(edit_url(comment), {"text": "Forged."})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.text == "The evening crossing is a good idea."


def test_the_secret_of_one_comment_does_not_edit_another(client, story, known_commenter):
    mine = post_comment(client, story, text="My own comment.")
    theirs = post_comment(Client(), story, text="Somebody else's comment.")
    own_secret = secrets_in(client)[mine.pk]
    # The real secret of this browser's comment, put under the other comment's id.
    client.cookies[EDIT_COOKIE] = signed_edit_cookie(f"{theirs.pk}:{own_secret}")
    assert client.post(edit_url(theirs), {"text": "Taken over."}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.text == "Somebody else's comment."


def test_a_stranger_gets_not_found_for_a_held_comment(client, story):
    comment = post_comment(client, story)
    assert comment.status == Comment.Status.PENDING
    assert Client().get(edit_url(comment)).status_code == 404
    assert Client().get(withdraw_url(comment)).status_code == 404


def test_an_edit_after_a_moderator_acted_is_refused_with_the_text_kept(client, story, django_user_model, staff_groups):
    comment = post_comment(client, story)
    _action, fields = read_form(client.get(edit_url(comment)), "edit-comment-form")
    change_status(comment, Comment.Status.APPROVED, actor=make_moderator(django_user_model), reason="approved")
    response = client.post(edit_url(comment), {**fields, "text": "Changed after approval."})
    assert response.status_code == 409
    assert "moderated since you posted it" in response.content.decode()
    assert kept_text(response) == "Changed after approval."
    comment.refresh_from_db()
    assert comment.text == "The evening crossing is a good idea."


def test_an_edit_read_before_a_moderator_acted_and_saved_after_is_refused(client, story, known_commenter):
    comment = post_comment(client, story)
    as_read = Comment.objects.select_related("story__outlet").get(pk=comment.pk)
    change_status(Comment.objects.get(pk=comment.pk), Comment.Status.PENDING, reason="reported 3 times")
    with pytest.raises(Refusal) as refused:
        edit_comment(as_read, text="Saved too late.", secret=secrets_in(client)[comment.pk], ip_address="192.0.2.9")
    assert (refused.value.code, refused.value.status) == (MODERATED, 409)
    comment.refresh_from_db()
    assert comment.text == "The evening crossing is a good idea."
    assert not comment.versions.exists()


def test_an_edit_of_a_removed_comment_is_refused(client, story, known_commenter, django_user_model, staff_groups):
    comment = post_comment(client, story)
    change_status(comment, Comment.Status.REMOVED, actor=make_moderator(django_user_model), reason="removed")
    response = client.get(edit_url(comment))
    assert response.status_code == 409
    assert "no longer shown" in response.content.decode()


def test_an_edit_on_a_story_whose_comments_closed_is_refused_with_the_text_kept(client, story, known_commenter):
    comment = post_comment(client, story)
    _action, fields = read_form(client.get(edit_url(comment)), "edit-comment-form")
    type(story).objects.filter(pk=story.pk).update(comments_enabled=False)
    response = client.post(edit_url(comment), {**fields, "text": "Too late, closed."})
    assert response.status_code == 403
    assert kept_text(response) == "Too late, closed."


def test_the_edit_form_needs_its_csrf_token(story, known_commenter):
    browser = Client(enforce_csrf_checks=True)
    comment = post_comment(browser, story)
    response = browser.post(edit_url(comment), {"text": "Without the token."})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.text == "The evening crossing is a good idea."


def test_a_logged_in_member_of_staff_edits_their_comment_from_another_browser(client, story, django_user_model):
    staff = django_user_model.objects.create_user("desk", email="desk@example.com", is_staff=True)
    client.force_login(staff)
    comment = post_comment(client, story)
    other = Client()
    other.force_login(staff)
    assert send_edit(other, comment, "Edited from my other browser.").status_code == 303
    comment.refresh_from_db()
    assert comment.text == "Edited from my other browser."


# The same limits and cleaning as a new comment.


def test_an_edit_over_the_length_limit_is_refused_at_the_field_with_the_text_kept(client, story, known_commenter):
    comment = post_comment(client, story)
    response = send_edit(client, comment, "x" * 5001)
    assert response.status_code == 400
    assert "at most 5000 characters" in page_elements(response)["error_1_id_text"].text
    _action, fields = read_form(response, "edit-comment-form")
    assert fields["text"] == "x" * 5001


def test_an_edit_to_nothing_visible_is_refused_and_points_to_withdraw(client, story, known_commenter):
    comment = post_comment(client, story)
    response = send_edit(client, comment, "\u200b \u200b")
    assert response.status_code == 400
    assert "To take it down, withdraw it instead." in page_elements(response)["error_1_id_text"].text


def test_an_edit_loses_its_control_characters(client, story, known_commenter):
    comment = post_comment(client, story)
    send_edit(client, comment, "Bell\x07 and escape\x1b gone.")
    comment.refresh_from_db()
    assert comment.text == "Bell and escape gone."


def test_a_second_edit_within_the_flood_window_is_refused_with_the_text_kept(client, story, known_commenter, settings):
    comment = post_comment(client, story)
    settings.COMMENTS_FLOOD_SECONDS = 15
    assert send_edit(client, comment, "First edit.").status_code == 303
    response = send_edit(client, comment, "Second edit, too soon.")
    assert response.status_code == 429
    assert "You are editing too quickly." in response.content.decode()
    _action, fields = read_form(response, "edit-comment-form")
    assert fields["text"] == "Second edit, too soon."


def test_an_edit_just_after_posting_is_not_too_quick(client, story, known_commenter, settings):
    settings.COMMENTS_FLOOD_SECONDS = 15
    comment = post_comment(client, story)
    assert send_edit(client, comment, "Typo fixed at once.").status_code == 303


def test_an_edit_to_another_of_the_author_s_texts_on_the_story_is_refused(client, story, known_commenter):
    comment = post_comment(client, story)
    response = send_edit(client, comment, "My first comment.")
    assert response.status_code == 409
    assert "You have already posted this text on this story." in page_elements(response)["error_1_id_text"].text


# Withdrawing.


def test_withdrawing_asks_first(client, story, known_commenter):
    comment = post_comment(client, story)
    response = client.get(withdraw_url(comment))
    assert response.status_code == 200
    assert comment.text in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_a_withdrawn_comment_is_removed_and_no_longer_shown(client, story, known_commenter):
    comment = post_comment(client, story)
    response = client.post(withdraw_url(comment))
    assert response.status_code == 303
    assert response["Location"] == f"{story.get_absolute_url()}#comments"
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    html = client.get(response["Location"]).content.decode()
    assert "Your comment was withdrawn." in html
    assert comment.text not in html


def test_a_withdrawal_is_logged_as_withdrawn_by_its_author(client, story, known_commenter):
    comment = post_comment(client, story)
    client.post(withdraw_url(comment))
    entry = ModerationLogEntry.objects.filter(comment=comment).last()
    assert (entry.from_status, entry.to_status, entry.reason, entry.actor) == (
        Comment.Status.APPROVED,
        Comment.Status.REMOVED,
        "withdrawn by its author",
        None,
    )


def test_replies_of_others_stay_when_a_comment_is_withdrawn(client, story, known_commenter):
    comment = post_comment(client, story)
    reply = make_comment(story, parent=comment, text="A reply that stays.")
    client.post(withdraw_url(comment))
    html = Client().get(story.get_absolute_url()).content.decode()
    assert "A reply that stays." in html
    assert "This comment is not available." in html
    reply.refresh_from_db()
    assert reply.status == Comment.Status.APPROVED


def test_a_held_comment_can_be_withdrawn(client, story):
    comment = post_comment(client, story)
    assert client.post(withdraw_url(comment)).status_code == 303
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED


def test_a_withdrawal_after_the_window_is_refused(client, story, known_commenter):
    comment = post_comment(client, story)
    make_it_older(comment, 16)
    assert client.post(withdraw_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_another_browser_cannot_withdraw(client, story, known_commenter):
    comment = post_comment(client, story)
    assert Client().post(withdraw_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_a_withdrawn_comment_cannot_be_edited_or_withdrawn_again(client, story, known_commenter):
    comment = post_comment(client, story)
    client.post(withdraw_url(comment))
    assert client.get(edit_url(comment)).status_code == 409
    assert client.post(withdraw_url(comment)).status_code == 409
    assert ModerationLogEntry.objects.filter(comment=comment, to_status=Comment.Status.REMOVED).count() == 1


# The privacy page says so.


def test_the_privacy_page_tells_of_the_edit_cookie_for_the_configured_minutes(client, settings):
    settings.COMMENTS_EDIT_MINUTES = 10
    page = client.get("/en/privacy/").content.decode()
    assert "So that you can edit or withdraw your comment for 10 minutes after posting it" in page


def test_the_privacy_page_says_nothing_of_editing_when_it_is_off(client, settings):
    settings.COMMENTS_EDIT_MINUTES = 0
    assert "edit or withdraw your comment" not in client.get("/en/privacy/").content.decode()
