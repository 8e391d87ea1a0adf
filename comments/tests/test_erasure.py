"""Erasing a commenter's data (comments/erasure.py): the thread stays whole, the address and what came
with it are nowhere in the database, a moderator's decision survives, the pages are rendered again.
The link and the erase page: test_commenter_data.py; the admin's action: test_erasure_admin.py."""

import hashlib

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models
from django.test import Client
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from articles import page_cache
from articles.models import Story
from articles.text import comparable_text
from comments.commenter_data import data_link_path, data_of_address
from comments.commenters import set_standing
from comments.erasure import ADDRESS_REMOVED, ERASE_REASON, ERASED_TEXT, Needles, erase_address_data
from comments.models import (
    Comment,
    Commenter,
    CommentReport,
    CommentVersion,
    ImportedComment,
    ImportedDisqusComment,
    ModerationListEntry,
    ModerationLogEntry,
    QueuedReply,
    StandingChange,
    Subscriber,
    ThreadSubscription,
)
from comments.status import record_new_comments
from comments.subscriptions import address_key

from .factories import make_comment, make_moderator, make_story, post_form, shown_comments

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

# One commenter, written as unusually as the tests can search for it anywhere.
ADDRESS = "annabel.quist@example.org"
SPELLINGS = ["annabel.quist+ferries@example.org", ADDRESS]
NAME = "Annabel Quist"
IP = "198.51.100.77"
USER_AGENT = "QuistBrowser/9.1 (Quistix)"
KEY = Commenter.key_for(ADDRESS)


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing", slug="harbour-ferry-evening")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def anns(story, **fields):
    values = {
        "author_name": NAME,
        "author_email": ADDRESS,
        "author_url": "https://quist.example",
        "ip_address": IP,
        "user_agent": USER_AGENT,
        **fields,
    }
    return make_comment(story, **values)


@pytest.fixture
def thread(story):
    """Ann's comment, Bob's reply to it, Ann's reply to Bob, and Cho's reply to that: (ann, bob, ann2, cho)."""
    root = anns(story, text="Will the evening boat run in winter?")
    bob = make_comment(story, parent=root, author_name="Bob", author_email="bob@example.org", text="Only in summer.")
    ann2 = anns(story, parent=bob, author_email=SPELLINGS[0], text="A pity. Thanks, Bob.")
    cho = make_comment(story, parent=ann2, author_name="Cho", author_email="cho@example.org", text="Agreed.")
    return root, bob, ann2, cho


def erase(language="en", **kwargs):
    with translation.override(language):
        return erase_address_data(KEY, **kwargs)


def tree(story):
    return list(Comment.objects.filter(story=story).values_list("pk", "parent_id", "thread_id", "depth", "status"))


# The thread.


def test_an_erasure_leaves_the_thread_intact(story, thread):
    root, bob, ann2, cho = thread
    before = tree(story)
    erasure = erase()
    assert (erasure.comments, erasure.stories) == (2, 1)
    assert tree(story) == before
    for comment in (root, ann2):
        comment.refresh_from_db()
        assert comment.text == "This comment was removed at its author’s request."
        assert comment.erased_at is not None
        assert (comment.author_name, comment.author_email, comment.author_url) == ("", "", "")
        assert (comment.ip_address, comment.user_agent, comment.commenter, comment.user) == (None, "", None, None)
    assert Comment.objects.get(pk=bob.pk).text == "Only in summer."
    assert Comment.objects.get(pk=cho.pk).author_name == "Cho"


def test_the_story_page_shows_the_sentence_in_the_erased_comment_s_place(client, story, thread):
    root, bob, ann2, cho = thread
    erase()
    page = client.get(story.get_absolute_url()).content.decode()
    assert shown_comments(page) == {root.pk: None, bob.pk: root.pk, ann2.pk: bob.pk, cho.pk: ann2.pk}
    assert page.count("This comment was removed at its author’s request.") == 2
    assert NAME not in page and "Will the evening boat" not in page
    assert f"replytocom={bob.pk}" in page and f"replytocom={root.pk}" not in page  # nothing to reply to or report


def test_the_sentence_is_the_page_s_whatever_language_it_was_stored_in(client, story, thread):
    erase(language="ko")
    page = client.get(story.get_absolute_url()).content.decode()
    assert page.count("This comment was removed at its author’s request.") == 2


def test_an_erased_comment_leaves_the_comment_feed(client, story, thread):
    erase()
    feed = client.get(f"/en/stories/{story.slug}/comments/feed.rss").content.decode()
    assert "Only in summer." in feed and "removed at its author" not in feed


def test_a_comment_waiting_for_a_moderator_leaves_the_queue(story):
    held = anns(story, status=Comment.Status.PENDING)
    erase()
    held.refresh_from_db()
    assert held.status == Comment.Status.REMOVED
    entry = held.log.last()
    assert (entry.from_status, entry.to_status, entry.reason, entry.actor) == ("pending", "removed", ERASE_REASON, None)


def test_the_moderation_log_keeps_what_happened_and_says_erased_at_its_author_s_request(story):
    comment = anns(story, status=Comment.Status.SPAM)
    ModerationLogEntry.objects.create(
        comment=comment, from_status="", to_status="spam", reason=f"blocked_ip: The IP address {IP} is in …"
    )
    erase()
    assert list(comment.log.values_list("from_status", "to_status", "reason", "actor")) == [
        ("", "spam", "blocked_ip: The IP address [IP address removed] is in …", None),
        ("spam", "spam", ERASE_REASON, None),
    ]


# Nowhere in the database.


def text_columns_of_every_model():
    """(model, field name) of every column of the project that holds text: CharField (e-mail and URL
    fields too), TextField, JSONField, GenericIPAddressField; every installed app's models."""
    kinds = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField)
    return [
        (model, field.name)
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
        for field in model._meta.concrete_fields
        if isinstance(field, kinds)
    ]


def rows_holding(needle):
    """["app.Model.field: value", ...] of every row of every text column that contains `needle`."""
    found = []
    for model, name in text_columns_of_every_model():
        for value in model.objects.filter(**{f"{name}__icontains": needle}).values_list(name, flat=True):
            found.append(f"{model._meta.label}.{name}: {value!r}"[:200])
    return found


@pytest.fixture
def everywhere(story, thread, django_user_model, client):
    """The commenter's address, name, IP address and user agent in every place the site writes them."""
    root, bob, ann2, _cho = thread
    moderator = make_moderator(django_user_model)
    held = anns(story, status=Comment.Status.PENDING, text="Is the pier lit at night?")
    ModerationLogEntry.objects.create(
        comment=held,
        from_status="",
        to_status="pending",
        reason=f"held_email: The e-mail address matches the held entry “{ADDRESS}”; from {IP}",
    )
    Comment.objects.filter(pk=held.pk).update(reason=f"The e-mail address matches the held entry “{ADDRESS}”.")
    # Others quote the address; a moderator writes about the commenter.
    make_comment(story, parent=root, author_name="Dee", text=f"Write to {ADDRESS.upper()} for the timetable.")
    commenter = Commenter.objects.get(email=KEY)
    set_standing(
        commenter,
        Commenter.Standing.HELD,
        actor=moderator,
        reason=f"{NAME} ({ADDRESS}) keeps posting links from {IP}",
        public_reason=f"Your comments wait for a moderator, {NAME}.",
    )
    ModerationListEntry.objects.create(
        kind="email", action="hold", value=SPELLINGS[0].upper(), note=f"{NAME}, see the log", public_reason="Held."
    )
    ModerationListEntry.objects.create(kind="keyword", action="hold", value="timetable", note=f"asked by {ADDRESS}")
    # Reply notifications: subscribed, following, a reply queued for them and one of theirs for Bob.
    subscriber = Subscriber.objects.create(
        email=SPELLINGS[0], address_key=address_key(ADDRESS), language="en", token="t-ann", confirmed_at=timezone.now()
    )
    follow = ThreadSubscription.objects.create(subscriber=subscriber, thread=root)
    QueuedReply.objects.create(subscription=follow, reply=bob)
    bobs = Subscriber.objects.create(email="bob@example.org", address_key=address_key("bob@example.org"), token="t-b")
    QueuedReply.objects.create(subscription=ThreadSubscription.objects.create(subscriber=bobs, thread=root), reply=ann2)
    CommentReport.objects.create(comment=root, reason="spam", reporter_key="k" * 40)
    # A text Ann's comment had before she edited it (comments/editing.py).
    CommentVersion.objects.create(
        comment=root,
        text=f"Will the evening boat run in winter? Write to {ADDRESS}, {NAME}",
        written_at=timezone.now(),
        replaced_at=timezone.now(),
    )
    # An import, the admin's history, a failed e-mail.
    from articles.models import ImportedSite

    site = ImportedSite.objects.create(address="https://old.example", title="Old", outlet=story.outlet)
    ImportedComment.objects.create(site=site, wordpress_id=7, comment=root, fingerprint="f" * 64)
    comment_type, commenter_type = (
        ContentType.objects.get_for_model(Comment),
        ContentType.objects.get_for_model(Commenter),
    )
    for content_type, pk, representation in [(comment_type, root.pk, str(root)), (commenter_type, commenter.pk, KEY)]:
        LogEntry.objects.create(
            user=moderator, content_type=content_type, object_id=str(pk), object_repr=representation, action_flag=CHANGE
        )
    DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="comments.subscriptions.mail_confirmation",
        backend_name="default",
        run_after=timezone.now(),
        status="FAILED",
        exception_class_path="smtplib.SMTPRecipientsRefused",
        traceback=f"SMTPRecipientsRefused: {{'{SPELLINGS[0]}': (550, b'No such user')}}",
    )
    return thread


def needles():
    return [*SPELLINGS, KEY, NAME, IP, USER_AGENT, hashlib.sha256(KEY.encode()).hexdigest()]


def test_the_fixture_writes_each_needle_somewhere(everywhere):
    assert all(rows_holding(needle) for needle in needles())


def test_after_an_erasure_the_address_name_ip_and_user_agent_are_nowhere_in_the_database(client, everywhere, story):
    with translation.override("en"):
        path = data_link_path(data_of_address(SPELLINGS[0]))
    response = client.post(path + "erase/", {"confirm": "on"})
    assert response.status_code == 200
    assert {needle: rows_holding(needle) for needle in needles()} == {needle: [] for needle in needles()}
    assert rows_holding("[e-mail address removed]")  # what was written around it is still there
    root = everywhere[0]
    assert Comment.objects.get(story=story, author_name="Dee").text == f"Write to {ADDRESS_REMOVED} for the timetable."
    assert Comment.objects.filter(pk=root.pk, erased_at__isnull=False).exists()
    assert not CommentVersion.objects.filter(comment=root).exists()  # her earlier words went too


def test_the_sweep_reaches_every_text_column_the_test_searches(everywhere):
    """The database-wide search above looks at more than the erasure writes: if a new model of the
    comments app adds a text column, the erasure's sweep covers it by itself (comments.erasure.sweep)."""
    from comments.erasure import swept_models, text_columns

    swept = {(model, name) for model in swept_models() for name in text_columns(model)}
    comment_columns = {
        (model, name) for model, name in text_columns_of_every_model() if model._meta.app_label == "comments"
    }
    assert {(model._meta.label, name) for model, name in comment_columns - swept} <= {
        ("comments.ModerationListEntry", "value"),
        ("comments.Commenter", "email"),
        ("comments.Comment", "ip_address"),
        ("comments.Comment", "status"),
        ("comments.Comment", "rule"),
        ("comments.CommentReport", "reason"),
        ("comments.ModerationListEntry", "kind"),
        ("comments.ModerationListEntry", "action"),
        ("comments.ModerationLogEntry", "from_status"),
        ("comments.ModerationLogEntry", "to_status"),
        ("comments.Commenter", "standing"),
        ("comments.StandingChange", "standing"),
        ("comments.Subscriber", "language"),
        ("comments.PostingGate", "key"),
    }


# Moderators' decisions survive.


def post_as_ann(client, story, email=ADDRESS):
    return post_form(client, story, author_name="A. Q.", author_email=email, text="Back again, about the pier.")


def test_a_blocked_commenter_is_still_blocked_after_erasing_their_data(client, story, django_user_model):
    anns(story)
    moderator = make_moderator(django_user_model)
    set_standing(Commenter.objects.get(email=KEY), Commenter.Standing.BLOCKED, actor=moderator, reason="spam")
    erasure = erase()
    assert erasure.commenter_kept
    assert not Commenter.objects.filter(email=KEY).exists()
    kept = Commenter.objects.get(email=Commenter.erased_key_for(KEY))
    assert kept.standing == Commenter.Standing.BLOCKED
    post_as_ann(client, story, email="Annabel.Quist+again@Example.org")
    comment = Comment.objects.get(text="Back again, about the pier.")
    assert (comment.status, comment.rule) == (Comment.Status.SPAM, "commenter_blocked")
    # Commenting again makes the kept row the address's own again, with its log.
    kept.refresh_from_db()
    assert (kept.email, comment.commenter) == (KEY, kept)
    assert kept.standing_changes.count() == 1


def test_a_block_list_entry_for_the_address_becomes_the_commenter_s_standing(client, story, django_user_model):
    anns(story)
    moderator = make_moderator(django_user_model)
    ModerationListEntry.objects.create(kind="email", action="block", value=SPELLINGS[0], public_reason="No.")
    domain = ModerationListEntry.objects.create(kind="email", action="hold", value="@example.org")
    erase(actor=moderator)
    assert list(ModerationListEntry.objects.all()) == [domain]
    kept = Commenter.objects.get(email=Commenter.erased_key_for(KEY))
    assert (kept.standing, kept.public_reason) == (Commenter.Standing.BLOCKED, "No.")
    change = StandingChange.objects.get(commenter=kept)
    assert (change.actor, change.standing) == (moderator, Commenter.Standing.BLOCKED)
    assert change.reason.startswith("The block list entry for this address")
    response = post_as_ann(client, story)
    assert response.status_code == 403  # refused with the entry's reason, as before
    assert Comment.objects.get(text="Back again, about the pier.").rule == "commenter_blocked"


def test_a_commenter_nobody_decided_about_is_deleted(story):
    anns(story)
    assert not erase().commenter_kept
    assert not Commenter.objects.filter(email__in=[KEY, Commenter.erased_key_for(KEY)]).exists()


def test_an_erased_comment_is_not_written_again_by_a_wordpress_re_import(story):
    from articles.tests.test_import_wordpress import comment_of
    from articles.tests.wordpress_imports import HARBOUR, import_wordpress

    import_wordpress(HARBOUR, zone="Asia/Seoul")
    first = comment_of(101)
    with translation.override("en"):
        erase_address_data(Commenter.key_for(first.author_email))
    stdout, _, _ = import_wordpress(HARBOUR, zone="Asia/Seoul", overwrite=True)
    assert "erased here at its author's request" in stdout
    first.refresh_from_db()
    assert (first.text, first.author_email) == (str(ERASED_TEXT), "")
    assert ImportedComment.objects.get(comment=first).fingerprint == ""


# What else goes.


def test_reply_notifications_of_the_address_are_deleted_and_its_queued_replies_dropped(story, thread):
    root, bob, ann2, _cho = thread
    ann = Subscriber.objects.create(email=SPELLINGS[0], address_key=address_key(ADDRESS), token="t-a")
    ThreadSubscription.objects.create(subscriber=ann, thread=root)
    bobs = Subscriber.objects.create(email="bob@example.org", address_key=address_key("bob@example.org"), token="t-b")
    follows = ThreadSubscription.objects.create(subscriber=bobs, thread=root)
    QueuedReply.objects.create(subscription=follows, reply=ann2)
    QueuedReply.objects.create(subscription=follows, reply=bob)
    assert erase().subscriptions == 1
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["bob@example.org"]
    assert list(QueuedReply.objects.values_list("reply_id", flat=True)) == [bob.pk]
    assert ThreadSubscription.objects.get().thread == root  # Bob still follows the conversation


def test_readers_reports_of_erased_comments_are_deleted(story, thread):
    root, bob, _ann2, _cho = thread
    CommentReport.objects.create(comment=root, reason="spam", reporter_key="a" * 40)
    CommentReport.objects.create(comment=bob, reason="spam", reporter_key="a" * 40)
    Comment.objects.filter(pk=root.pk).update(report_count=1)
    erase()
    assert list(CommentReport.objects.values_list("comment_id", flat=True)) == [bob.pk]
    assert Comment.objects.get(pk=root.pk).report_count == 0


def test_another_s_text_loses_the_address_and_nothing_else(story, thread):
    root = thread[0]
    text = f"Mail {ADDRESS}. Not joann{ADDRESS[3:]} or {ADDRESS}.uk, and ask {NAME}."
    quote = make_comment(story, parent=root, author_name="Dee", text=text)
    erase()
    quote.refresh_from_db()
    assert quote.text == f"Mail {ADDRESS_REMOVED}. Not joann{ADDRESS[3:]} or {ADDRESS}.uk, and ask {NAME}."


def test_the_pages_of_the_stories_are_rendered_again_and_their_outage_copies_forgotten(
    client, story, thread, committed
):
    assert "Will the evening boat" in client.get(story.get_absolute_url()).content.decode()
    assert "Will the evening boat" in client.get(story.get_absolute_url() + "?comments=newest").content.decode()
    keys = page_cache.story_page_keys(story.slug)
    assert len(cache.get_many(keys)) == 2  # both orders kept, an outage would serve them as they are
    version = Story.objects.get(pk=story.pk).page_version
    with committed():
        erase()
    assert Story.objects.get(pk=story.pk).page_version > version
    assert cache.get_many(keys) == {}
    assert "Will the evening boat" not in client.get(story.get_absolute_url()).content.decode()


def test_an_address_is_found_however_its_comments_were_stored(story):
    """Comments stored by a path that skipped `Comment.save` (no Commenter) are found by their key too."""
    stray = anns(story, author_email="Annabel.Quist+x@example.org")
    Comment.objects.filter(pk=stray.pk).update(commenter=None)
    assert erase().comments == 1
    assert Comment.objects.get(pk=stray.pk).author_email == ""


# The pieces.


def test_needles_take_whole_addresses_only():
    needles = Needles([ADDRESS], [NAME])
    assert needles.from_any_text(f"({ADDRESS}), x{ADDRESS}, {ADDRESS}.") == (
        f"({ADDRESS_REMOVED}), x{ADDRESS}, {ADDRESS_REMOVED}."
    )
    assert needles.from_any_text(f"{ADDRESS}.uk {ADDRESS}-x {NAME}") == f"{ADDRESS}.uk {ADDRESS}-x {NAME}"


def test_in_the_rows_about_the_commenter_names_and_ip_addresses_go_too():
    needles = Needles([ADDRESS], [NAME, "A", " "])
    assert needles.from_own_text(f"A note: annabel quist wrote from {IP}; Annabel Quists is another.") == (
        "A note: [name removed] wrote from [IP address removed]; Annabel Quists is another."
    )


def test_imported_comments_get_their_commenter(story):
    comments = record_new_comments(
        [
            Comment(
                story=story,
                author_name="P",
                author_email="Park+x@mail.example",
                text="One.",
                status="approved",
                created_at=timezone.now(),
            ),
            Comment(
                story=story,
                author_name="P",
                author_email="park@mail.example",
                text="Two.",
                status="approved",
                created_at=timezone.now(),
            ),
            Comment(
                story=story,
                author_name="Anonymous",
                author_email="",
                text="Three.",
                status="approved",
                created_at=timezone.now(),
            ),
        ],
        reason="imported",
    )
    assert [comment.commenter and comment.commenter.email for comment in comments] == [
        "park@mail.example",
        "park@mail.example",
        None,
    ]
    assert Commenter.objects.get().comments.count() == 2


def test_for_addresses_asks_three_queries_whatever_the_number_of_addresses(django_assert_num_queries):
    Commenter.objects.create(email="known@example.org")
    with django_assert_num_queries(4):  # found, erased ones, insert, the new ones
        found = Commenter.objects.for_addresses(
            [f"new{number}@example.org" for number in range(50)] + ["known@example.org"]
        )
    assert len(found) == 51


# One subscriber per mailbox.


def test_a_subscriber_is_keyed_by_the_commenter_s_key():
    assert address_key("Ann+news@Example.org") == address_key('"ann"@example.org') == address_key("ann@example.org")
    assert address_key("ann@example.org") == hashlib.sha256(b"ann@example.org").hexdigest()


def test_the_migration_makes_one_subscriber_of_each_mailbox(story):
    import importlib

    migration = importlib.import_module("comments.migrations.0016_commenters_data_and_one_subscriber_per_mailbox")
    root, other = make_comment(story), make_comment(story)

    def old_key(email):
        return hashlib.sha256(comparable_text(email.strip()).encode()).hexdigest()

    tagged = Subscriber.objects.create(
        email="ann+news@example.org",
        address_key=old_key("ann+news@example.org"),
        token="a",
        confirmed_at=timezone.now(),
    )
    quoted = Subscriber.objects.create(email='"ann"@example.org', address_key=old_key('"ann"@example.org'), token="b")
    # Its old key is the new key of the two above (comparable_text drops the accent, email_key keeps it).
    Subscriber.objects.create(email="ann@exámple.org", address_key=old_key("ann@exámple.org"), token="c")
    assert old_key("ann@exámple.org") == address_key("ann@example.org")
    ThreadSubscription.objects.create(subscriber=quoted, thread=root)
    ThreadSubscription.objects.create(subscriber=quoted, thread=other)
    ThreadSubscription.objects.create(subscriber=tagged, thread=root)
    migration.one_subscriber_per_mailbox(apps, None)
    assert sorted(Subscriber.objects.values_list("email", "address_key")) == [
        ("ann+news@example.org", address_key("ann@example.org")),
        ("ann@exámple.org", address_key("ann@exámple.org")),
    ]
    assert sorted(ThreadSubscription.objects.values_list("subscriber__email", "thread_id")) == [
        ("ann+news@example.org", root.pk),
        ("ann+news@example.org", other.pk),
    ]


def test_the_migration_links_comments_stored_without_their_commenter(story):
    import importlib

    migration = importlib.import_module("comments.migrations.0016_commenters_data_and_one_subscriber_per_mailbox")
    comment = make_comment(story, author_email="Lee+x@example.org")
    Comment.objects.filter(pk=comment.pk).update(commenter=None)
    Commenter.objects.all().delete()
    migration.link_comments_to_commenters(apps, None)
    assert Comment.objects.get(pk=comment.pk).commenter.email == "lee@example.org"


def test_an_erasure_asks_few_queries_for_many_comments(story, django_assert_max_num_queries):
    for number in range(40):
        anns(story, text=f"Comment {number}.")
    with django_assert_max_num_queries(150):
        assert erase().comments == 40
    assert Client().get(story.get_absolute_url()).status_code == 200


def test_nothing_happens_to_an_address_with_nothing(story):
    erasure = erase()
    assert (erasure.comments, erasure.subscriptions, erasure.commenter_kept) == (0, 0, False)


def test_an_erased_comment_is_not_written_again_by_a_disqus_re_import(story):
    from articles.tests.wordpress_imports import HARBOUR, import_wordpress

    from .disqus_imports import HARBOUR_DISQUS, import_disqus

    import_wordpress(HARBOUR, zone="Asia/Seoul")
    import_disqus(HARBOUR_DISQUS)
    row = ImportedDisqusComment.objects.select_related("comment").exclude(comment__author_email="").first()
    first = row.comment
    with translation.override("en"):
        erase_address_data(Commenter.key_for(first.author_email))
    stdout, _, _ = import_disqus(HARBOUR_DISQUS, overwrite=True)
    assert "erased here at its author's request" in stdout
    first.refresh_from_db()
    assert (first.text, first.author_email) == (str(ERASED_TEXT), "")
    assert ImportedDisqusComment.objects.get(pk=row.pk).fingerprint == ""
