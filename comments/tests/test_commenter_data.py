"""A commenter's data without an account: asking for the link, the link itself, the JSON export
(comments/commenter_data.py, comments/data_views.py). The erasure: test_erasure.py."""

import base64
import datetime as dt
import json
import re

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.commenter_data import DATA_LINK_HOURS, data_link_path, data_of_address
from comments.models import Comment, CommentVersion, ModerationLogEntry, Subscriber, ThreadSubscription
from comments.subscriptions import address_key

from .factories import make_comment, make_story, page_elements, read_form, signing_hours_ago
from .test_mail import database_queue  # noqa: F401 - the database queue fixture

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"  # settings.SITE_URL in development mode
PAGE = "/en/comments/your-data/"
ADDRESS = "ann@example.org"


@pytest.fixture(autouse=True)
def no_flood_window(settings):
    settings.COMMENTS_FLOOD_SECONDS = 0


@pytest.fixture
def story():
    return make_story(
        headline="Harbour ferry adds an evening crossing",
        headline_ko="항구 페리 저녁 운항 추가",
        slug="harbour-ferry-evening",
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a request enqueued on commit (the immediate task backend sends then)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def moderator_user(django_user_model):
    return django_user_model.objects.create_user("moderator", is_staff=True)


@pytest.fixture
def anns_comment(story):
    return make_comment(
        story,
        author_name="Ann Reader",
        author_email=ADDRESS,
        author_url="https://ann.example",
        text="Will the evening boat run in winter?",
        ip_address="198.51.100.7",
        user_agent="Mozilla/5.0 (Ann's browser)",
    )


def ask(client, address, language="en"):
    """Send the "Your comments" form from its page, as a browser would."""
    page = client.get(f"/{language}/comments/your-data/")
    action, fields = read_form(page, "data-request-form")
    return client.post(action, {**fields, "email": address})


def link_in(message):
    return re.search(r"http://\S+/comments/your-data/\S+/", message.body)[0]


def opened(client, message):
    return client.get(link_in(message).removeprefix(SITE))


def without_csrf(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


# The page and the request.


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_page_links_to_your_comments_in_its_language(client, story, language):
    page = client.get(f"/{language}/stories/{story.slug}/").content.decode()
    assert f'href="/{language}/comments/your-data/"' in page


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_page_is_a_form_for_an_address_in_both_languages(client, language):
    response = client.get(f"/{language}/comments/your-data/")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    action, fields = read_form(page, "data-request-form")
    assert action == f"/{language}/comments/your-data/"
    assert set(fields) == {"csrfmiddlewaretoken", "email"}
    assert page_elements(page)["id_email"].attrs["autocomplete"] == "email"


def test_the_answer_is_the_same_for_an_address_that_commented_and_one_that_did_not(client, anns_comment, committed):
    with committed():
        known = ask(client, ADDRESS)
        unknown = ask(Client(), "nobody@example.org")
    assert (known.status_code, unknown.status_code) == (303, 303)
    assert known["Location"] == unknown["Location"] == f"{PAGE}?sent"
    known_page, unknown_page = client.get(known["Location"]), Client().get(unknown["Location"])
    assert without_csrf(known_page.content.decode()) == without_csrf(unknown_page.content.decode())
    assert "If we have comments or reply notifications from that address, we have e-mailed it a link." in (
        known_page.content.decode()
    )


def test_a_link_is_mailed_only_to_an_address_that_commented(client, anns_comment, committed):
    with committed():
        ask(client, "nobody@example.org")
    assert django_mail.outbox == []
    with committed():
        ask(client, ADDRESS)
    [message] = django_mail.outbox
    assert message.to == [ADDRESS]
    assert message.subject == "[Newsroom] Your comments: download or erase them"
    assert link_in(message).startswith(f"{SITE}/en/comments/your-data/")
    assert f"The link works for {DATA_LINK_HOURS} hours." in message.body
    assert "Will the evening boat" not in message.body  # nothing stored is mailed, only the link
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_an_address_with_reply_notifications_only_gets_a_link_too(client, committed):
    Subscriber.objects.create(email="sub@example.org", address_key=address_key("sub@example.org"), language="en")
    with committed():
        ask(client, "Sub@Example.org")
    [message] = django_mail.outbox
    assert message.to == ["sub@example.org"]


def test_another_spelling_of_the_mailbox_gets_the_link_at_the_spelling_that_commented(client, anns_comment, committed):
    with committed():
        ask(client, "Ann+news@Example.ORG")
    [message] = django_mail.outbox
    # Sent where the comments came from: a key shared by two mailboxes opens nothing to the other one.
    assert message.to == [ADDRESS]
    assert opened(client, message).status_code == 200
    export = json.loads(client.get(link_in(message).removeprefix(SITE) + "download/").content)
    assert [comment["text"] for comment in export["comments"]] == ["Will the evening boat run in winter?"]


def test_the_link_goes_to_the_spelling_typed_when_a_comment_was_stored_with_it(client, story, anns_comment, committed):
    make_comment(story, author_email="ann+news@example.org", text="A later comment.")
    with committed():
        ask(client, "ANN@example.org")
    assert [message.to for message in django_mail.outbox] == [[ADDRESS]]


def test_a_korean_page_sends_the_link_in_korean(client, anns_comment, committed):
    with committed():
        ask(client, ADDRESS, language="ko")
    [message] = django_mail.outbox
    assert link_in(message).startswith(f"{SITE}/ko/comments/your-data/")


def test_the_task_queue_never_holds_the_address(client, anns_comment, database_queue):  # noqa: F811
    ask(client, "Ann+x@example.org")
    [result] = DBTaskResult.objects.all()
    assert result.task_path == "comments.commenter_data.mail_data_link"
    assert result.args_kwargs == {"args": ["comment", anns_comment.pk, "en"], "kwargs": {}}


def test_a_second_link_within_the_hour_is_not_sent_and_the_answer_is_the_same(
    client, anns_comment, committed, settings
):
    settings.COMMENTS_DATA_LINK_EVERY_MINUTES = 60
    with committed():
        first = ask(client, ADDRESS)
        second = ask(Client(REMOTE_ADDR="203.0.113.9"), "Ann+again@example.org")
    assert (first.status_code, second.status_code, first["Location"]) == (303, 303, second["Location"])
    assert len(django_mail.outbox) == 1


def test_one_ip_address_asking_again_at_once_waits_with_the_address_kept(client, anns_comment, settings):
    settings.COMMENTS_FLOOD_SECONDS = 15
    assert ask(client, ADDRESS).status_code == 303
    response = ask(client, "other@example.org")
    assert response.status_code == 429
    elements = page_elements(response)
    assert elements["id_email"].attrs["value"] == "other@example.org"
    assert elements["id_email"].attrs["aria-invalid"] == "true"
    assert "Wait 15 seconds, then send the form again." in elements["data-request-errors"].text


def test_an_address_that_is_not_one_is_refused_at_the_field_with_what_was_typed(client):
    response = ask(client, "ann at example")
    assert response.status_code == 400
    elements = page_elements(response)
    assert elements["id_email"].attrs["value"] == "ann at example"
    assert elements["id_email"].attrs["aria-describedby"].startswith("error_1_id_email")
    assert "Enter a valid email address." in elements["error_1_id_email"].text


def test_the_form_needs_its_csrf_token(anns_comment):
    response = Client(enforce_csrf_checks=True).post(PAGE, {"email": ADDRESS})
    assert response.status_code == 403
    assert django_mail.outbox == []


# The link.


def link_for(address, language="en"):
    from django.utils import translation

    with translation.override(language):
        return data_link_path(data_of_address(address))


def test_the_link_opens_a_private_page_with_download_and_erase(client, story, anns_comment):
    make_comment(story, author_email=ADDRESS, text="Another one.", parent=anns_comment)
    response = client.get(link_for(ADDRESS))
    page = response.content.decode()
    assert response.status_code == 200
    assert page_elements(page)["data-comment-count"].text == "2"
    assert "Download my comments (JSON)" in page and "Erase my comments" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"  # the link never leaves in a Referer


def test_the_link_holds_no_address(anns_comment):
    token = link_for("Ann+x@Example.org").split("/")[-2]
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "ann" not in decoded.lower() and "example" not in decoded


@pytest.mark.parametrize(("hours", "status"), [(DATA_LINK_HOURS - 0.05, 200), (DATA_LINK_HOURS + 0.05, 400)])
def test_the_link_works_for_24_hours(client, anns_comment, hours, status):
    with signing_hours_ago(hours):
        path = link_for(ADDRESS)
    response = client.get(path)
    assert response.status_code == status
    if status == 400:
        assert "This link has expired" in response.content.decode()
        assert 'href="/en/comments/your-data/"' in response.content.decode()


@pytest.mark.parametrize("suffix", ["", "download/", "erase/"])
def test_an_altered_link_opens_nothing_and_says_so(client, anns_comment, suffix):
    path = link_for(ADDRESS)
    altered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    for bad in [altered, "/en/comments/your-data/not-a-token/", "/en/comments/your-data/" + "x" * 400 + "/"]:
        response = client.get(bad + suffix)
        assert response.status_code == 400, bad
        assert "This link does not work" in response.content.decode()
    assert client.post(altered + suffix, {"confirm": "on"}).status_code in (400, 405)
    assert Comment.objects.get(pk=anns_comment.pk).author_email == ADDRESS


def test_a_link_signed_for_another_purpose_opens_nothing(client, anns_comment):
    from django.core import signing

    token = signing.dumps({"c": anns_comment.commenter_id, "s": None, "h": "x"}, salt="comments.form")
    assert client.get(f"/en/comments/your-data/{token}/").status_code == 400


# The export.


def download(client, address=ADDRESS, language="en"):
    response = client.get(link_for(address, language) + "download/")
    assert response.status_code == 200
    return response


def test_the_download_is_a_json_attachment_that_no_cache_keeps(client, anns_comment):
    response = download(client)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="newsroom-comments-\d{4}-\d\d-\d\d\.json"', response["Content-Disposition"]
    )
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_the_export_has_every_comment_of_the_mailbox_with_its_metadata(client, story, anns_comment):
    other = make_comment(story, author_name="Bob", author_email="bob@example.org", text="Only in summer.")
    reply = make_comment(
        story,
        parent=other,
        author_name="Ann R.",
        author_email="ann+ferries@example.org",
        text="Thanks, Bob.",
        status=Comment.Status.PENDING,
        user_agent="Ann's phone",
        created_at=dt.datetime(2024, 11, 4, 11, 0, 5, tzinfo=dt.UTC),
    )
    ModerationLogEntry.objects.create(comment=reply, from_status="", to_status="pending", reason="first_comment: …")
    ModerationLogEntry.objects.create(
        comment=reply, from_status="pending", to_status="pending", reason="edited in admin: text"
    )
    export = json.loads(download(client, "ANN+anything@example.org").content)
    assert export["site"] == "Newsroom"
    assert export["address_as_compared"] == ADDRESS
    # Oldest first: the reply was posted in 2024.
    second, first = export["comments"]
    assert first == {
        "id": anns_comment.pk,
        "url": f"{SITE}/en/comments/{anns_comment.pk}/",
        "story": {
            "headline": "Harbour ferry adds an evening crossing",
            "url": f"{SITE}/en/stories/harbour-ferry-evening/",
        },
        "in_reply_to": None,
        "text": "Will the evening boat run in winter?",
        "status": "approved",
        "created_at": anns_comment.created_at.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "name": "Ann Reader",
        "email": ADDRESS,
        "website": "https://ann.example",
        "ip_address": "198.51.100.7",
        "user_agent": "Mozilla/5.0 (Ann's browser)",
        "reason_given": "",
        "reply_notifications_asked": False,
        "status_history": [],
        "edited_at": None,
        "earlier_versions": [],
        "edits": [],
    }
    assert (second["id"], second["in_reply_to"], second["email"], second["status"]) == (
        reply.pk,
        other.pk,
        "ann+ferries@example.org",
        "pending",
    )
    assert second["created_at"] == "2024-11-04T11:00:05Z"
    assert second["status_history"] == [
        {"at": second["status_history"][0]["at"], "from": None, "to": "pending", "by": "rules"}
    ]
    assert second["edits"] == [{"at": second["edits"][0]["at"], "by": "rules"}]
    assert "first_comment" not in json.dumps(export)  # the moderators' notes are theirs
    assert export["reply_notifications"] is None and export["standing"] is None


def test_the_export_has_the_reply_notifications_and_the_conversations_followed(client, anns_comment):
    subscriber = Subscriber.objects.create(
        email="ann+news@example.org",
        address_key=address_key(ADDRESS),
        language="ko",
        confirmed_at=timezone.now(),
        token="t-ann",
    )
    ThreadSubscription.objects.create(subscriber=subscriber, thread=anns_comment)
    notifications = json.loads(download(client).content)["reply_notifications"]
    assert (notifications["email"], notifications["language"]) == ("ann+news@example.org", "ko")
    assert notifications["confirmed_at"].endswith("Z") and notifications["unsubscribed_at"] is None
    [followed] = notifications["conversations_followed"]
    assert followed["conversation_url"] == f"{SITE}/en/comments/{anns_comment.pk}/"
    assert followed["story"]["headline"] == "Harbour ferry adds an evening crossing"


def test_the_export_from_a_korean_page_gives_korean_headlines_and_links(client, anns_comment):
    [comment] = json.loads(download(client, language="ko").content)["comments"]
    assert comment["story"] == {
        "headline": "항구 페리 저녁 운항 추가",
        "url": f"{SITE}/ko/stories/harbour-ferry-evening/",
    }


def test_the_export_has_no_reason_from_the_moderation_log(client, anns_comment, moderator_user):
    ModerationLogEntry.objects.create(
        comment=anns_comment,
        actor=moderator_user,
        from_status="approved",
        to_status="approved",
        reason="edited in admin: text (troll, watch him)",
    )
    ModerationLogEntry.objects.create(
        comment=anns_comment, actor=moderator_user, from_status="approved", to_status="pending", reason="Dubious."
    )
    export = json.dumps(json.loads(download(client, ADDRESS).content))
    assert "troll" not in export and "Dubious" not in export and "edited in admin" not in export


def test_the_export_says_an_edit_by_its_author_was_the_authors(client, anns_comment):
    ModerationLogEntry.objects.create(
        comment=anns_comment,
        from_status="approved",
        to_status="approved",
        reason="edited by its author; known_commenter: This e-mail address has approved comments.",
    )
    [record] = json.loads(download(client, ADDRESS).content)["comments"]
    assert [edit["by"] for edit in record["edits"]] == ["author"]


def test_the_export_says_a_moderators_edit_was_a_moderators(client, anns_comment, moderator_user):
    ModerationLogEntry.objects.create(
        comment=anns_comment,
        actor=moderator_user,
        from_status="approved",
        to_status="approved",
        reason="edited in admin: text",
    )
    [record] = json.loads(download(client, ADDRESS).content)["comments"]
    assert [edit["by"] for edit in record["edits"]] == ["moderator"]


def test_the_export_says_a_withdrawal_was_its_authors(client, anns_comment):
    ModerationLogEntry.objects.create(
        comment=anns_comment, from_status="approved", to_status="removed", reason="withdrawn by its author"
    )
    [record] = json.loads(download(client, ADDRESS).content)["comments"]
    assert [(change["to"], change["by"]) for change in record["status_history"]] == [("removed", "author")]


def test_the_export_lists_no_pick_as_an_edit(client, anns_comment, moderator_user):
    ModerationLogEntry.objects.create(
        comment=anns_comment,
        actor=moderator_user,
        from_status="approved",
        to_status="approved",
        reason="marked as editor's pick",
    )
    [record] = json.loads(download(client, ADDRESS).content)["comments"]
    assert record["edits"] == []


def test_the_export_has_the_texts_a_comment_had_before_its_edits(client, anns_comment):
    replaced = dt.datetime(2024, 11, 4, 11, 9, tzinfo=dt.UTC)
    CommentVersion.objects.create(
        comment=anns_comment, text="Will the evening boat run in wniter?", written_at=replaced, replaced_at=replaced
    )
    Comment.objects.filter(pk=anns_comment.pk).update(edited_at=replaced)
    [record] = json.loads(download(client, ADDRESS).content)["comments"]
    assert record["edited_at"] == "2024-11-04T11:09:00Z"
    assert record["earlier_versions"] == [
        {
            "text": "Will the evening boat run in wniter?",
            "written_at": "2024-11-04T11:09:00Z",
            "replaced_at": "2024-11-04T11:09:00Z",
            "replaced_by": "author",
        }
    ]


def test_the_export_asks_a_few_queries_whatever_the_number_of_comments(
    client, story, anns_comment, django_assert_max_num_queries
):
    for number in range(30):
        make_comment(story, author_email=ADDRESS, text=f"Comment {number}.")
    path = link_for(ADDRESS) + "download/"
    with django_assert_max_num_queries(12):
        response = client.get(path)
    assert len(json.loads(response.content)["comments"]) == 31


# The erase page (what an erasure does: test_erasure.py).


def test_opening_the_erase_page_changes_nothing(client, anns_comment):
    response = client.get(link_for(ADDRESS) + "erase/")
    assert response.status_code == 200
    assert read_form(response, "erase-form")[1].keys() == {"csrfmiddlewaretoken"}
    assert Comment.objects.get(pk=anns_comment.pk).erased_at is None


def test_erasing_without_ticking_the_box_is_refused_at_the_box(client, anns_comment):
    path = link_for(ADDRESS) + "erase/"
    _action, fields = read_form(client.get(path), "erase-form")
    response = client.post(path, fields)
    assert response.status_code == 400
    elements = page_elements(response)
    assert elements["id_confirm"].attrs["aria-invalid"] == "true"
    assert "Tick the box to confirm" in elements["error_1_id_confirm"].text
    assert Comment.objects.get(pk=anns_comment.pk).erased_at is None


def test_an_erasure_needs_the_csrf_token(anns_comment):
    path = link_for(ADDRESS) + "erase/"
    assert Client(enforce_csrf_checks=True).post(path, {"confirm": "on"}).status_code == 403
    assert Comment.objects.get(pk=anns_comment.pk).erased_at is None


def test_after_the_erasure_the_link_opens_nothing(client, anns_comment):
    path = link_for(ADDRESS)
    response = client.post(path + "erase/", {"confirm": "on"})
    assert response.status_code == 200
    assert "Your comments are erased" in response.content.decode()
    assert "1 comment now says only that it was removed at its author’s request." in response.content.decode()
    gone = client.get(path)
    assert gone.status_code == 410
    assert "Nothing is left for this link" in gone.content.decode()
    assert client.get(path + "download/").status_code == 410


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_privacy_page_links_to_your_comments_in_its_language(client, language):
    page = client.get(f"/{language}/privacy/").content.decode()
    assert f'<html lang="{language}">' in page
    assert f'href="/{language}/comments/your-data/"' in page[page.index('id="your-data"') :]


def test_the_privacy_page_says_how_long_a_link_works_and_what_an_erasure_keeps(client, settings):
    settings.COMMENTS_DATA_LINK_EVERY_MINUTES = 30
    page = client.get("/en/privacy/").content.decode()
    your_data = page[page.index('id="your-data"') :]
    assert f"a link that works for {DATA_LINK_HOURS} hours" in your_data
    assert "a code of the e-mail address for 30 minutes after a link is asked for it" in your_data
    assert "cannot be turned back into the address" in your_data
    assert "An erasure does not lift a block" in your_data
