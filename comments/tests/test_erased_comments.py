"""An erased comment (`Comment.erased_at`) keeps its place in its thread and nothing else: no reply,
no report, no approval, no pick (comments/erasure.py, posting.py, status.py, views.py, admin.py)."""

import pytest
from django.utils import translation

from comments.erasure import ERASED_TEXT, erase_address_data
from comments.models import Comment, CommentReport, ModerationLogEntry
from comments.posting import NOT_AVAILABLE
from comments.status import UNPICKED, ErasedComment, change_status, set_pick

from .factories import make_comment, make_moderator, make_story, page_elements, post_form, read_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

QUEUE = "/admin/comments/comment/"
ADDRESS = "annabel.quist@example.org"


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing", slug="harbour-ferry-evening")


@pytest.fixture
def editor(django_user_model):
    return make_moderator(django_user_model, username="editor", email="editor@example.com", group="Editors")


@pytest.fixture
def moderator(django_user_model):
    return make_moderator(django_user_model)


def erase(comment):
    """`comment` (a stored Comment by ADDRESS) after its author's data was erased."""
    with translation.override("en"):
        erase_address_data(ADDRESS)
    comment.refresh_from_db()
    assert comment.erased_at is not None
    return comment


@pytest.fixture
def erased(story):
    return erase(make_comment(story, author_name="Annabel Quist", author_email=ADDRESS, text="Winter boats?"))


def test_replytocom_with_an_erased_comment_offers_no_reply(client, story, erased):
    response = client.get(story.get_absolute_url() + f"?replytocom={erased.pk}")
    _, fields = read_form(response)
    assert fields.get("parent", "") == ""
    assert "hidden" in page_elements(response)["replying-to"].attrs


def test_a_reply_posted_to_an_erased_comment_is_refused_with_the_text_kept(client, story, erased):
    before = Comment.objects.count()
    response = post_form(client, story, parent=str(erased.pk), text="Replying to nobody now.")
    page = response.content.decode()
    assert str(NOT_AVAILABLE).split(".")[0] in page
    assert "Replying to nobody now." in page
    assert Comment.objects.count() == before


def test_a_reply_that_climbs_to_an_erased_comment_is_refused(client, story, erased, settings):
    settings.COMMENTS_MAX_DEPTH = 2
    reply = make_comment(story, parent=erased, text="A reply from before the erasure.")
    before = Comment.objects.count()
    post_form(client, story, parent=str(reply.pk), text="Would land under the erased one.")
    assert Comment.objects.count() == before


def test_the_report_page_of_an_erased_comment_is_not_found(client, erased):
    assert client.get(f"/en/comments/{erased.pk}/report/").status_code == 404


def test_a_report_sent_about_an_erased_comment_is_not_stored(client, erased):
    response = client.post(f"/en/comments/{erased.pk}/report/", {"reason": "spam"})
    assert response.status_code == 404
    assert not CommentReport.objects.filter(comment=erased).exists()
    assert Comment.objects.get(pk=erased.pk).status == "approved"


def test_an_erased_comment_cannot_be_approved_again(story, moderator):
    comment = make_comment(story, author_email=ADDRESS, status=Comment.Status.SPAM)
    erase(comment)
    with pytest.raises(ErasedComment):
        change_status(comment, Comment.Status.APPROVED, actor=moderator)
    assert Comment.objects.get(pk=comment.pk).status == "spam"


def test_an_erased_comment_may_still_be_removed(story, erased, moderator):
    assert change_status(erased, Comment.Status.REMOVED, actor=moderator) is True


def test_the_approve_action_skips_an_erased_comment_and_says_so(client, story, moderator):
    comment = make_comment(story, author_email=ADDRESS, status=Comment.Status.SPAM)
    other = make_comment(story, status=Comment.Status.SPAM)
    erase(comment)
    client.force_login(moderator)
    response = client.post(QUEUE, {"action": "approve", "_selected_action": [comment.pk, other.pk]}, follow=True)
    page = response.content.decode()
    assert "1 comment was left as it is: it was erased at its author" in page
    assert Comment.objects.get(pk=comment.pk).status == "spam"
    assert Comment.objects.get(pk=other.pk).status == "approved"


def test_the_one_comment_approve_button_refuses_an_erased_comment(client, story, moderator):
    comment = make_comment(story, author_email=ADDRESS, status=Comment.Status.SPAM)
    erase(comment)
    client.force_login(moderator)
    response = client.post(f"{QUEUE}{comment.pk}/moderate/approve/", follow=True)
    assert "was erased at its author" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == "spam"


def test_an_erased_comment_cannot_be_picked(erased, editor):
    with pytest.raises(ErasedComment):
        set_pick(erased, True, actor=editor)
    assert Comment.objects.get(pk=erased.pk).picked_at is None


def test_the_pick_action_skips_an_erased_comment_and_says_so(client, erased, editor):
    client.force_login(editor)
    response = client.post(QUEUE, {"action": "pick", "_selected_action": [erased.pk]}, follow=True)
    assert "1 comment was left as it is: it was erased at its author" in response.content.decode()
    assert Comment.objects.get(pk=erased.pk).picked_at is None


def test_erasing_a_pick_unpicks_it_and_logs_it(story, editor):
    comment = make_comment(story, author_email=ADDRESS, text="Picked once.")
    set_pick(comment, True, actor=editor)
    erase(comment)
    assert comment.picked_at is None and comment.picked_by is None
    assert ModerationLogEntry.objects.filter(comment=comment, reason=UNPICKED).exists()


@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_pick_erased_before_erasures_unpicked_is_not_in_the_picks_box(client, story, editor, language):
    comment = make_comment(story, author_email=ADDRESS, text="Picked once.")
    set_pick(comment, True, actor=editor)
    erase(comment)
    Comment.objects.filter(pk=comment.pk).update(picked_at=comment.created_at, picked_by=editor)
    page = client.get(f"/{language}/stories/{story.slug}/").content.decode()
    assert f'id="pick-{comment.pk}"' not in page and "comment-picks-title" not in page


def test_the_admin_page_of_an_erased_comment_is_read_only_and_names_no_one(client, erased, moderator):
    client.force_login(moderator)
    url = f"/admin/comments/comment/{erased.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="author_name"' not in html and 'name="text"' not in html
    client.post(url, {"author_name": "Bob Replier", "text": "Typed back in.", "author_url": ""})
    erased.refresh_from_db()
    assert (erased.author_name, erased.text) == ("", str(ERASED_TEXT))
    assert str(erased).startswith("\u2068Name removed\u2069: ")
