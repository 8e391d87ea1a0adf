"""Reply notifications and "your comment is published": every rule of comments/subscriptions.py.

Most tests run tasks at once (the immediate backend of the tests, on commit); the batching tests
use the database queue and its worker, as test_mail.py does, and move a waiting task's time to now.
Korean mail is asserted by its links and the story's Korean headline: the Korean translations of
the new strings come with the lead's next makemessages.
"""

import datetime as dt
import io
import itertools
import re

import pytest
from django.core import mail as django_mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Comment, QueuedReply, Subscriber, ThreadSubscription
from comments.status import change_status, record_new_comment
from comments.subscriptions import address_key, confirmation_path, unsubscribe_path

from .factories import make_comment, make_moderator, make_story, page_elements, post_form, signing_hours_ago
from .test_mail import database_queue, run_worker  # noqa: F401 - the database queue fixture and its worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

REPLIES_TASK = "comments.subscriptions.mail_replies"
SITE = "http://127.0.0.1:8000"  # settings.SITE_URL in development mode


@pytest.fixture
def story():
    return make_story(
        headline="Harbour ferry adds an evening crossing",
        headline_ko="항구 페리 저녁 운항 추가",
        slug="harbour-ferry-evening",
    )


@pytest.fixture
def moderator(django_user_model):
    return make_moderator(django_user_model, email="mod@example.com")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a block enqueued on commit (the immediate task backend sends then), as a request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def mails_to(address):
    return [message for message in django_mail.outbox if message.to == [address]]


def make_subscriber(email, *, confirmed=True, language="en"):
    return Subscriber.objects.create(
        email=email,
        address_key=address_key(email),
        language=language,
        token=f"token-{address_key(email)[:20]}",
        confirmed_at=timezone.now() if confirmed else None,
    )


_numbers = itertools.count(1)


def arrive(story, status, **fields):
    """A comment stored as posting stores it (through `record_new_comment`, with its first log entry)."""
    values = {
        "author_name": "Reader",
        "author_email": "reader@example.com",
        "text": f"Comment {next(_numbers)}.",
        "created_at": timezone.now(),
        **fields,
    }
    return record_new_comment(Comment(story=story, status=status, **values), reason="test")


def followed_thread(story, email="ann@example.com", **subscriber):
    """An approved comment by `email`, who asked for notifications and follows its thread."""
    subscriber = make_subscriber(email, **subscriber)
    root = arrive(story, Comment.Status.APPROVED, author_name="Ann Reader", author_email=email, notify_author=True)
    ThreadSubscription.objects.get_or_create(subscriber=subscriber, thread=root)
    return root


def approve(comment, moderator):
    return change_status(comment, Comment.Status.APPROVED, actor=moderator, reason="approved in admin")


def confirm_link(message):
    return re.search(r"http://\S+/notifications/confirm/\S+/", message.body)[0]


# Asking: the box, the confirmation e-mail, its rate limit.


def test_ticking_the_box_e_mails_one_confirmation_link(client, story, committed):
    with committed():
        response = post_form(client, story, notify="on")
    assert response.status_code == 303
    assert Comment.objects.get().notify_author is True
    [message] = mails_to("ann@example.com")
    assert message.subject == "[Newsroom] Confirm your address for reply notifications"
    assert "Harbour ferry adds an evening crossing" in message.body
    assert confirm_link(message).startswith(f"{SITE}/en/notifications/confirm/")
    assert "A thoughtful comment" not in message.body  # nothing a visitor typed is e-mailed to the address
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.language, subscriber.confirmed_at) == ("ann@example.com", "en", None)


def test_a_korean_page_sends_the_confirmation_with_korean_links_and_headline(client, story, committed):
    with committed():
        post_form(client, story, page_url="/ko/stories/harbour-ferry-evening/", notify="on")
    [message] = mails_to("ann@example.com")
    assert confirm_link(message).startswith(f"{SITE}/ko/notifications/confirm/")
    assert "항구 페리 저녁 운항 추가" in message.body
    assert f"<{SITE}/ko/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert Subscriber.objects.get().language == "ko"


def test_without_the_box_nothing_is_kept_or_sent(client, story, committed):
    with committed():
        post_form(client, story)
    assert Comment.objects.get().notify_author is False
    assert not Subscriber.objects.exists()
    assert mails_to("ann@example.com") == []


def test_a_comment_the_rules_call_spam_asks_for_nothing(client, story, committed):
    with committed():
        post_form(client, story, notify="on", fax_number="robot")
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert not Subscriber.objects.exists()
    assert mails_to("ann@example.com") == []


def test_an_address_gets_one_confirmation_a_day_however_it_is_typed(client, story, committed):
    with committed():
        post_form(client, story, notify="on", text="First.")
        post_form(client, story, notify="on", text="Second.", author_email="ANN@example.com")
    assert len(mails_to("ann@example.com")) == 1
    assert Subscriber.objects.count() == 1
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - dt.timedelta(hours=25))
    with committed():
        post_form(client, story, notify="on", text="Third.")
    assert len(mails_to("ann@example.com")) == 2


def test_a_confirmed_address_is_not_asked_again(client, story, committed):
    make_subscriber("ann@example.com")
    with committed():
        post_form(client, story, notify="on")
    assert mails_to("ann@example.com") == []


@pytest.mark.usefixtures("database_queue")
def test_no_confirmation_goes_out_for_a_comment_a_moderator_called_spam_first(
    client, story, mailoutbox, moderator, committed
):
    with committed():
        post_form(client, story, notify="on")
    change_status(Comment.objects.get(), Comment.Status.SPAM, actor=moderator, reason="marked as spam in admin")
    run_worker()
    assert mails_to("ann@example.com") == []


def test_the_form_keeps_the_box_ticked_when_it_comes_back_with_errors(client, story):
    response = post_form(client, story, notify="on", author_email="not-an-address")
    assert response.status_code == 400
    assert "checked" in page_elements(response)["id_notify"].attrs


# The confirmation link: a page with a button, no login, no change on GET.


def test_the_confirmation_page_asks_and_a_get_confirms_nothing(client, story):
    subscriber = make_subscriber("ann@example.com", confirmed=False)
    response = client.get(confirmation_path(subscriber))
    assert response.status_code == 200
    assert "Confirm my address" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_pressing_confirm_confirms_and_the_link_works_again(story):
    subscriber = make_subscriber("ann@example.com", confirmed=False)
    browser = Client(enforce_csrf_checks=True)
    path = confirmation_path(subscriber)
    page = browser.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = browser.post(path, {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "Your address is confirmed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    again = browser.post(path, {"csrfmiddlewaretoken": token})
    assert "It was confirmed already" in again.content.decode()


def test_an_altered_or_expired_confirmation_link_is_refused(client, story, settings):
    subscriber = make_subscriber("ann@example.com", confirmed=False)
    altered = confirmation_path(subscriber).replace("/confirm/token-", "/confirm/tokem-")
    assert client.get(altered).status_code == 400
    assert client.post(altered).status_code == 400
    with signing_hours_ago(settings.COMMENTS_CONFIRMATION_DAYS * 24 + 1):
        expired = confirmation_path(subscriber)
    response = client.post(expired)
    assert response.status_code == 400
    assert "This confirmation link does not work" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


# Replies: only approved ones, only to confirmed followers, batched.


def test_nothing_is_mailed_to_an_address_that_has_not_confirmed(story, moderator, committed):
    root = followed_thread(story, confirmed=False)
    with committed():
        arrive(story, Comment.Status.APPROVED, parent=root, author_email="bo@example.com")
    assert mails_to("ann@example.com") == []


def test_an_approved_reply_is_mailed_with_its_author_excerpt_link_and_unsubscribe_headers(story, committed):
    root = followed_thread(story)
    with committed():
        reply = arrive(
            story, Comment.Status.APPROVED, parent=root, author_name="Bo Kim", text="The last boat leaves at 23:40."
        )
    [message] = mails_to("ann@example.com")
    assert message.subject == "[Newsroom] A new reply on “Harbour ferry adds an evening crossing”"
    assert "Bo Kim" in message.body
    assert "> The last boat leaves at 23:40." in message.body
    assert f"{SITE}/en/comments/{reply.pk}/" in message.body
    subscriber = Subscriber.objects.get()
    unsubscribe_url = f"{SITE}/en/notifications/unsubscribe/{subscriber.token}/"
    assert unsubscribe_url in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not QueuedReply.objects.exists()


def test_the_reply_link_leads_to_the_reply_on_the_story_page(client, story, committed):
    root = followed_thread(story)
    with committed():
        reply = arrive(story, Comment.Status.APPROVED, parent=root)
    [message] = mails_to("ann@example.com")
    link = re.search(rf"{SITE}(/en/comments/{reply.pk}/)", message.body)[1]
    assert client.get(link)["Location"] == f"{story.get_absolute_url()}#comment-{reply.pk}"


def test_a_held_reply_is_mailed_only_once_a_moderator_approves_it(story, moderator, committed):
    root = followed_thread(story)
    with committed():
        reply = arrive(story, Comment.Status.PENDING, parent=root, text="Held for a moment.")
    assert mails_to("ann@example.com") == []
    with committed():
        approve(reply, moderator)
    [message] = mails_to("ann@example.com")
    assert "Held for a moment." in message.body


def test_spam_and_removed_replies_are_never_mailed(story, moderator, committed):
    root = followed_thread(story)
    with committed():
        held = arrive(story, Comment.Status.PENDING, parent=root)
        arrive(story, Comment.Status.SPAM, parent=root, author_email="spam@example.com")
        change_status(held, Comment.Status.SPAM, actor=moderator, reason="marked as spam in admin")
        change_status(held, Comment.Status.REMOVED, actor=moderator, reason="removed in admin")
    assert mails_to("ann@example.com") == []


def test_the_reply_s_own_author_is_not_told_of_it(story, committed):
    root = followed_thread(story)
    with committed():
        arrive(story, Comment.Status.APPROVED, parent=root, author_email="ANN@example.com")
    assert mails_to("ann@example.com") == []


def test_a_reply_approved_again_after_a_hold_is_not_mailed_again(story, moderator, committed):
    root = followed_thread(story)
    with committed():
        reply = arrive(story, Comment.Status.APPROVED, parent=root)
    with committed():
        change_status(reply, Comment.Status.PENDING, reason="reported 3 times, back to the queue")
        approve(reply, moderator)
    assert len(mails_to("ann@example.com")) == 1


def test_replies_to_a_korean_follower_come_in_korean(story, committed):
    root = followed_thread(story, language="ko")
    with committed():
        reply = arrive(story, Comment.Status.APPROVED, parent=root)
    [message] = mails_to("ann@example.com")
    assert "항구 페리 저녁 운항 추가" in message.subject
    assert f"{SITE}/ko/comments/{reply.pk}/" in message.body
    assert "/ko/notifications/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def reply_tasks():
    return list(DBTaskResult.objects.filter(task_path=REPLIES_TASK).order_by("enqueued_at"))


def make_due_now():
    DBTaskResult.objects.filter(task_path=REPLIES_TASK, status="READY").update(run_after=timezone.now())


@pytest.mark.usefixtures("database_queue")
def test_three_quick_replies_make_one_mail_an_hour_after_the_first(story, mailoutbox, moderator):
    root = followed_thread(story)
    before = timezone.now()
    for number, name in enumerate(["Bo", "Cy", "Di"], start=1):
        reply = arrive(story, Comment.Status.PENDING, parent=root, author_name=name, text=f"Reply {number}.")
        approve(reply, moderator)
    [waiting] = reply_tasks()
    assert dt.timedelta(minutes=59) < waiting.run_after - before <= dt.timedelta(minutes=61)
    run_worker()
    assert mailoutbox == []  # not due yet
    make_due_now()
    run_worker()
    [message] = mails_to("ann@example.com")
    assert message.subject == "[Newsroom] 3 new replies on “Harbour ferry adds an evening crossing”"
    assert re.findall(r"> (Reply \d\.)", message.body) == ["Reply 1.", "Reply 2.", "Reply 3."]
    assert [line for line in message.body.splitlines() if line.endswith("wrote:")] == [
        "\u2068Bo\u2069 wrote:",
        "\u2068Cy\u2069 wrote:",
        "\u2068Di\u2069 wrote:",
    ]
    assert ThreadSubscription.objects.get().mail_due_at is None
    assert not QueuedReply.objects.exists()


@pytest.mark.usefixtures("database_queue")
def test_a_reply_after_the_mail_waits_for_a_new_hour(story, mailoutbox, moderator):
    root = followed_thread(story)
    approve(arrive(story, Comment.Status.PENDING, parent=root), moderator)
    make_due_now()
    run_worker()
    assert len(mailoutbox) == 1
    sent_at = timezone.now()
    approve(arrive(story, Comment.Status.PENDING, parent=root, text="Later."), moderator)
    waiting = DBTaskResult.objects.get(task_path=REPLIES_TASK, status="READY")
    assert waiting.run_after - sent_at > dt.timedelta(minutes=59)
    run_worker()
    assert len(mailoutbox) == 1


@pytest.mark.usefixtures("database_queue")
def test_a_reply_removed_before_its_mail_is_left_out(story, mailoutbox, moderator):
    root = followed_thread(story)
    kept = arrive(story, Comment.Status.PENDING, parent=root, text="Kept.")
    dropped = arrive(story, Comment.Status.PENDING, parent=root, text="Dropped.")
    approve(kept, moderator)
    approve(dropped, moderator)
    change_status(dropped, Comment.Status.REMOVED, actor=moderator, reason="removed in admin")
    make_due_now()
    run_worker()
    [message] = mails_to("ann@example.com")
    assert "Kept." in message.body
    assert "Dropped." not in message.body
    assert message.subject.startswith("[Newsroom] A new reply on")


@pytest.mark.usefixtures("database_queue")
def test_each_follower_of_a_thread_gets_one_mail_and_threads_are_mailed_apart(story, mailoutbox, moderator):
    first = followed_thread(story)
    other = arrive(story, Comment.Status.APPROVED, author_email="cy@example.com", notify_author=True)
    ThreadSubscription.objects.create(subscriber=Subscriber.objects.get(), thread=other)
    ThreadSubscription.objects.create(subscriber=make_subscriber("bo@example.com"), thread=first)
    approve(arrive(story, Comment.Status.PENDING, parent=first, author_email="di@example.com"), moderator)
    approve(arrive(story, Comment.Status.PENDING, parent=other, author_email="di@example.com"), moderator)
    make_due_now()
    run_worker()
    assert sorted(message.to[0] for message in mailoutbox) == ["ann@example.com", "ann@example.com", "bo@example.com"]


@pytest.mark.usefixtures("database_queue")
def test_a_failing_mail_server_keeps_the_replies_for_the_next_attempt(story, mailoutbox, moderator, settings):
    root = followed_thread(story)
    settings.EMAIL_BACKEND = "comments.tests.test_mail.DisconnectingMailServer"
    approve(arrive(story, Comment.Status.PENDING, parent=root, text="First."), moderator)
    make_due_now()
    run_worker()
    assert [task.status for task in reply_tasks()] == ["FAILED", "READY"]
    approve(arrive(story, Comment.Status.PENDING, parent=root, text="Second."), moderator)
    assert len(reply_tasks()) == 2  # the retry takes it: no second mail is scheduled
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_due_now()
    run_worker()
    [message] = mailoutbox
    assert "> First." in message.body and "> Second." in message.body


@pytest.mark.usefixtures("database_queue")
def test_replies_given_up_on_do_not_hold_back_later_ones(story, mailoutbox, moderator, settings):
    root = followed_thread(story)
    settings.EMAIL_BACKEND = "comments.tests.test_mail.RefusingMailServer"
    approve(arrive(story, Comment.Status.PENDING, parent=root, text="Lost."), moderator)
    make_due_now()
    run_worker()
    assert [task.exception_class_path for task in reply_tasks()] == ["comments.mail.MailNotSent"]
    assert (ThreadSubscription.objects.get().mail_due_at, QueuedReply.objects.count()) == (None, 0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    approve(arrive(story, Comment.Status.PENDING, parent=root, text="Next."), moderator)
    make_due_now()
    run_worker()
    [message] = mailoutbox
    assert "> Next." in message.body and "Lost." not in message.body


@pytest.mark.usefixtures("database_queue")
def test_a_mail_lost_by_a_killed_worker_does_not_hold_back_the_next_reply(story, mailoutbox, moderator):
    root = followed_thread(story)
    ThreadSubscription.objects.update(mail_due_at=timezone.now() - dt.timedelta(days=2))
    approve(arrive(story, Comment.Status.PENDING, parent=root), moderator)
    make_due_now()
    run_worker()
    assert len(mailoutbox) == 1


def test_replies_queued_while_a_mail_was_sent_get_the_next_one(story, committed):
    from comments.subscriptions import finish_batch

    root = followed_thread(story)
    subscription = ThreadSubscription.objects.get()
    # Approved without announcing (no status change): queued by hand, as queue_reply would.
    mailed, arrived = (make_comment(story, parent=root, text=text) for text in ("Mailed.", "Arrived meanwhile."))
    sent = QueuedReply.objects.create(subscription=subscription, reply=mailed)
    QueuedReply.objects.create(subscription=subscription, reply=arrived)
    ThreadSubscription.objects.update(mail_due_at=timezone.now())
    with committed():
        finish_batch(subscription.pk, [sent.pk])
    # The next mail (run at once by the immediate backend of the tests) has the reply that arrived.
    [message] = mails_to("ann@example.com")
    assert "> Arrived meanwhile." in message.body
    assert "Mailed." not in message.body
    assert not QueuedReply.objects.exists()


def test_no_reply_is_mailed_once_the_story_is_no_longer_public(story, committed):
    root = followed_thread(story)
    story.status = story.Status.DRAFT
    story.save()
    with committed():
        arrive(story, Comment.Status.APPROVED, parent=root)
    assert mails_to("ann@example.com") == []


# "Your comment is published".


def test_a_held_comment_s_confirmed_author_is_told_once_when_it_is_approved(client, story, moderator, committed):
    with committed():
        post_form(client, story, notify="on")
    assert confirm_link(mails_to("ann@example.com")[0])
    Subscriber.objects.update(confirmed_at=timezone.now())
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    with committed():
        approve(comment, moderator)
    published = mails_to("ann@example.com")[1:]
    assert [message.subject for message in published] == [
        "[Newsroom] Your comment on “Harbour ferry adds an evening crossing” is published"
    ]
    assert f"{SITE}/en/comments/{comment.pk}/" in published[0].body
    assert published[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with committed():
        change_status(comment, Comment.Status.PENDING, actor=moderator, reason="held in admin")
        approve(comment, moderator)
    assert len(mails_to("ann@example.com")) == 2
    assert ThreadSubscription.objects.get().thread_id == comment.pk  # and now it follows its thread


def test_an_author_who_has_not_confirmed_is_not_told(client, story, moderator, committed):
    with committed():
        post_form(client, story, notify="on")
        approve(Comment.objects.get(), moderator)
    assert [message.subject for message in mails_to("ann@example.com")] == [
        "[Newsroom] Confirm your address for reply notifications"
    ]


def test_a_comment_approved_at_once_needs_no_published_mail(client, story, committed):
    make_subscriber("ann@example.com")
    make_comment(story, author_email="ann@example.com")  # a known commenter: approved at once
    with committed():
        post_form(client, story, notify="on")
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED
    assert mails_to("ann@example.com") == []
    assert ThreadSubscription.objects.get().thread_id == Comment.objects.latest("pk").pk


def test_a_comment_that_did_not_ask_tells_nothing(story, moderator, committed):
    make_subscriber("ann@example.com")
    with committed():
        approve(arrive(story, Comment.Status.PENDING, author_email="ann@example.com"), moderator)
    assert mails_to("ann@example.com") == []


# Unsubscribing: a page with a button, and one click from the mail program, once and again.


def test_the_unsubscribe_page_asks_and_a_get_changes_nothing(client, story):
    followed_thread(story)
    subscriber = Subscriber.objects.get()
    response = client.get(unsubscribe_path(subscriber))
    assert response.status_code == 200
    assert "Stop reply notifications?" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert ThreadSubscription.objects.exists()


def test_one_click_unsubscribe_works_once_and_again(story):
    followed_thread(story)
    subscriber = Subscriber.objects.get()
    mail_program = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token: RFC 8058's POST
    for _time in range(2):
        response = mail_program.post(
            unsubscribe_path(subscriber),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert (subscriber.confirmed_at, subscriber.unsubscribed_at is not None) == (None, True)
    assert not ThreadSubscription.objects.exists()
    assert "You are unsubscribed" in mail_program.get(unsubscribe_path(subscriber)).content.decode()


def test_after_unsubscribing_no_reply_is_mailed(client, story, committed):
    root = followed_thread(story)
    client.post(unsubscribe_path(Subscriber.objects.get()))
    with committed():
        arrive(story, Comment.Status.APPROVED, parent=root)
    assert mails_to("ann@example.com") == []


def test_an_unknown_unsubscribe_link_says_the_address_gets_nothing(client):
    response = client.post("/en/notifications/unsubscribe/no-such-token/")
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()


def test_unsubscribing_and_asking_again_needs_a_new_confirmation(client, story, committed):
    followed_thread(story)
    client.post(unsubscribe_path(Subscriber.objects.get()))
    Subscriber.objects.update(confirmation_sent_at=None)
    with committed():
        post_form(client, story, notify="on")
    assert [message.subject for message in mails_to("ann@example.com")] == [
        "[Newsroom] Confirm your address for reply notifications"
    ]


# What is kept, and for how long.


def test_purge_deletes_addresses_that_never_confirmed(story, settings):
    stale = make_subscriber("old@example.com", confirmed=False)
    Subscriber.objects.filter(pk=stale.pk).update(
        confirmation_sent_at=timezone.now() - dt.timedelta(days=settings.COMMENTS_CONFIRMATION_DAYS + 1)
    )
    fresh = make_subscriber("new@example.com", confirmed=False)
    Subscriber.objects.filter(pk=fresh.pk).update(confirmation_sent_at=timezone.now())
    confirmed = make_subscriber("kept@example.com")
    call_command("purge_comment_data", stdout=io.StringIO())
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}


@pytest.mark.parametrize(
    ("language", "heading", "deletion"),
    [
        ("en", "Reply notifications", "deleted 7 days after the last confirmation e-mail"),
        ("ko", "답글 알림", "마지막 확인 메일 후 7일 뒤에 삭제됩니다"),
    ],
)
def test_the_privacy_page_says_what_notifications_keep_and_for_how_long(client, language, heading, deletion):
    response = client.get(f"/{language}/privacy/")
    assert response.status_code == 200
    page = response.content.decode()
    assert heading in page
    assert deletion in page
