"""Moderators' pages in admin: commenters and their standing, the block and hold lists, the site-wide and
per-story switches, and the queue's rows (what a moderator decides on, one-click buttons): rights,
logging, query counts."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from comments.models import (
    Comment,
    Commenter,
    ModerationListEntry,
    ModerationLogEntry,
    SiteModeration,
    StandingChange,
    StoryModeration,
)

from .factories import make_comment, make_moderator, make_story, page_elements, post_form, read_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

QUEUE = "/admin/comments/comment/"
COMMENTERS = "/admin/comments/commenter/"
LISTS = "/admin/comments/moderationlistentry/"
SITE = "/admin/comments/sitemoderation/"


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing")


@pytest.fixture
def moderator(client, django_user_model):
    user = make_moderator(django_user_model)
    client.force_login(user)
    return user


@pytest.fixture
def editor(client, django_user_model):
    user = make_moderator(django_user_model, username="editor", email="editor@example.com", group="Editors")
    client.force_login(user)
    return user


@pytest.fixture
def reporter(client, django_user_model):
    user = make_moderator(django_user_model, username="reporter", email="reporter@example.com", group="Reporters")
    client.force_login(user)
    return user


def commenter_of(address):
    return Commenter.objects.get(email=Commenter.key_for(address))


def standing_form(client, commenter, **changes):
    url = f"{COMMENTERS}{commenter.pk}/change/"
    _action, fields = read_form(client.get(url), "commenter_form")
    return client.post(url, {**fields, **changes})


def cells(page, name):
    """The text of each cell of one column of a changelist, in row order."""
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(rf'class="field-{name}">(.*?)</t[dh]>', page)]


# Rights.


def test_the_groups_get_the_new_rights_by_least_privilege():
    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    moderators, editors = codenames("Moderators"), codenames("Editors")
    assert {"view_commenter", "change_commenter", "view_standingchange", "add_moderationlistentry"} <= moderators
    assert {"change_sitemoderation", "delete_moderationlistentry"} <= moderators
    assert {"change_storymoderation"} <= editors
    assert not {name for name in editors if name.endswith(("commenter", "moderationlistentry", "sitemoderation"))}
    assert not {name for name in codenames("Reporters") if "moderation" in name or "commenter" in name}


@pytest.mark.parametrize("url", [COMMENTERS, LISTS, f"{LISTS}add/", SITE])
def test_moderators_open_the_moderators_pages(client, moderator, url):
    assert client.get(url, follow=True).status_code == 200


@pytest.mark.parametrize("url", [COMMENTERS, LISTS, f"{LISTS}add/", SITE])
def test_editors_and_reporters_do_not(client, django_user_model, url):
    for group in ("Editors", "Reporters"):
        client.force_login(make_moderator(django_user_model, username=group, email=f"{group}@example.com", group=group))
        assert client.get(url).status_code == 403, (group, url)


def test_nobody_adds_or_deletes_a_commenter(client, moderator, story):
    make_comment(story)
    commenter = Commenter.objects.get()
    assert client.get(f"{COMMENTERS}add/").status_code == 403
    assert client.get(f"{COMMENTERS}{commenter.pk}/delete/").status_code == 403


# The commenters' page.


def test_commenters_list_each_address_with_its_counts_by_status_and_standing(client, moderator, story):
    for status in ["approved", "approved", "pending", "spam"]:
        make_comment(story, author_email="ann+news@example.com", author_name="Ann", status=status)
    make_comment(story, author_email="bo@example.com", status="removed")
    Commenter.objects.filter(email="bo@example.com").update(standing="blocked")
    page = client.get(COMMENTERS).content.decode()
    rows = dict(zip(cells(page, "email"), zip(cells(page, "approved_count"), cells(page, "pending_count"),
                                               cells(page, "spam_count"), cells(page, "removed_count"),
                                               cells(page, "standing_shown"), strict=True), strict=True))  # fmt: skip
    assert rows == {
        "ann@example.com": ("2", "1", "1", "0", "–"),
        "bo@example.com": ("0", "0", "0", "1", "Blocked: new comments are spam"),
    }


def test_a_count_links_to_those_comments_in_the_queue(client, moderator, story):
    make_comment(story, author_email="ann@example.com", status="spam", text="The spam one.")
    make_comment(story, author_email="ann@example.com", text="The approved one.")
    commenter = commenter_of("ann@example.com")
    link = f"{QUEUE}?commenter__id__exact={commenter.pk}&amp;status__exact=spam"
    assert link in client.get(COMMENTERS).content.decode()
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert "The spam one." in page
    assert "The approved one." not in page


def test_commenters_list_query_count_does_not_grow_with_commenters(
    client, moderator, story, django_assert_max_num_queries
):
    for number in range(30):
        make_comment(story, author_email=f"reader{number}@example.com")
        make_comment(story, author_email=f"reader{number}@example.com", status="pending")
    with django_assert_max_num_queries(8) as few:
        client.get(COMMENTERS)
    for number in range(30, 60):
        make_comment(story, author_email=f"reader{number}@example.com")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(COMMENTERS).status_code == 200


def test_searching_an_address_finds_its_commenter_however_it_is_written(client, moderator, story):
    make_comment(story, author_email="ann@example.com")
    make_comment(story, author_email="bo@example.com")
    page = client.get(COMMENTERS, {"q": "ANN+x@Example.com"}).content.decode()
    assert cells(page, "email") == ["ann@example.com"]


def test_commenter_page_shows_the_history_and_the_names_used(client, moderator, story):
    make_comment(story, author_email="ann@example.com", author_name="Ann", text="About the ferry.")
    make_comment(make_story(headline="Bridge works start"), author_email="ann+2@example.com", author_name="A. Reader",
                 text="About the bridge.", status="spam")  # fmt: skip
    page = client.get(f"{COMMENTERS}{commenter_of('ann@example.com').pk}/change/").content.decode()
    assert "About the ferry." in page
    assert "About the bridge." in page
    assert "Bridge works start" in page
    assert "<bdi>A. Reader</bdi>, <bdi>Ann</bdi>" in page


def test_blocking_a_commenter_logs_who_when_what_until_and_why(client, moderator, story):
    make_comment(story, author_email="troll@example.org")
    commenter = commenter_of("troll@example.org")
    response = standing_form(
        client,
        commenter,
        standing="blocked",
        standing_until="2099-01-31T18:00",
        standing_reason="Threats in two threads.",
        public_reason="Your comments are refused until February.",
    )
    assert response.status_code == 302
    change = StandingChange.objects.get()
    until = timezone.make_aware(dt.datetime(2099, 1, 31, 18), timezone.get_current_timezone())
    assert (change.actor, change.standing, change.standing_until, change.reason, change.public_reason) == (
        moderator,
        "blocked",
        until,
        "Threats in two threads.",
        "Your comments are refused until February.",
    )
    commenter.refresh_from_db()
    assert (commenter.standing, commenter.standing_changed_by) == ("blocked", moderator)
    page = client.get(f"{COMMENTERS}{commenter.pk}/change/").content.decode()
    assert "Threats in two threads." in page  # the log, on the page


def test_a_blocked_commenter_s_next_comment_is_spam_after_the_page_is_saved(client, moderator, story):
    make_comment(story, author_email="ann@example.com")
    standing_form(client, commenter_of("ann@example.com"), standing="blocked", standing_reason="Spam.")
    post_form(Client(), story, text="A new comment.")
    assert Comment.objects.latest("pk").status == "spam"


def test_a_standing_needs_a_reason(client, moderator, story):
    make_comment(story, author_email="ann@example.com")
    response = standing_form(client, commenter_of("ann@example.com"), standing="trusted", standing_reason="")
    assert response.status_code == 200
    assert "Say why, for the other moderators." in response.content.decode()
    assert not StandingChange.objects.exists()


def test_an_end_in_the_past_is_refused(client, moderator, story):
    make_comment(story, author_email="ann@example.com")
    response = standing_form(
        client,
        commenter_of("ann@example.com"),
        standing="held",
        standing_reason="Check them.",
        standing_until="2020-01-01T00:00",
    )
    assert "The end must be in the future." in response.content.decode()


def test_the_end_date_is_read_in_the_admin_s_zone_and_says_so(client, moderator, story, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    make_comment(story, author_email="ann@example.com")
    commenter = commenter_of("ann@example.com")
    page = client.get(f"{COMMENTERS}{commenter.pk}/change/").content.decode()
    assert "in the admin's time zone (Asia/Seoul)" in page
    standing_form(client, commenter, standing="held", standing_reason="Check.", standing_until="2099-03-01T09:00")
    commenter.refresh_from_db()
    assert commenter.standing_until == dt.datetime(2099, 3, 1, 0, 0, tzinfo=dt.UTC)


def test_clearing_a_standing_is_logged_too(client, moderator, story):
    make_comment(story, author_email="ann@example.com")
    commenter = commenter_of("ann@example.com")
    standing_form(client, commenter, standing="blocked", standing_reason="Spam.", public_reason="Blocked.")
    standing_form(client, commenter, standing="", standing_reason="Appeal accepted.")
    assert list(StandingChange.objects.order_by("pk").values_list("standing", "reason")) == [
        ("blocked", "Spam."),
        ("", "Appeal accepted."),
    ]


# The block and hold lists.


def test_an_entry_added_in_admin_applies_at_the_next_post(client, moderator, story):
    make_comment(story, author_email="ann@example.com")
    _action, fields = read_form(client.get(f"{LISTS}add/"), "moderationlistentry_form")
    response = client.post(
        f"{LISTS}add/",
        {**fields, "kind": "ip", "action": "block", "value": "::ffff:192.0.2.0/120", "note": "A spam run."},
    )
    assert response.status_code == 302
    entry = ModerationListEntry.objects.get()
    assert (entry.value, entry.created_by) == ("192.0.2.0/24", moderator)
    post_form(Client(REMOTE_ADDR="192.0.2.44"), story, text="From the blocked network.")
    assert Comment.objects.latest("pk").rule == "blocked_ip"


def test_an_entry_that_is_no_address_is_refused_at_the_field(client, moderator):
    response = client.post(f"{LISTS}add/", {"kind": "ip", "action": "hold", "value": "192.0.2.", "subdomains": "on"})
    assert response.status_code == 200
    assert "Write an IP address or network" in response.content.decode()
    assert not ModerationListEntry.objects.exists()


def test_the_same_entry_twice_is_refused(client, moderator):
    ModerationListEntry.objects.create(kind="ip", action="block", value="192.0.2.7")
    response = client.post(f"{LISTS}add/", {"kind": "ip", "action": "block", "value": "192.0.2.7/32"})
    assert response.status_code == 200
    assert ModerationListEntry.objects.count() == 1


# The switches.


def test_the_site_wide_switch_is_one_page_that_moderators_flip(client, moderator, story):
    response = client.get(SITE)
    assert response.status_code == 302
    assert response["Location"] == f"{SITE}1/change/"
    _action, fields = read_form(client.get(f"{SITE}1/change/"), "sitemoderation_form")
    client.post(f"{SITE}1/change/", {**fields, "premoderate_all": "on"})
    assert SiteModeration.objects.get().premoderate_all is True
    make_comment(story, author_email="ann@example.com")
    post_form(Client(), story, text="Held by the switch.")
    assert Comment.objects.latest("pk").rule == "premoderation"


def test_an_editor_switches_pre_moderation_on_a_story(client, editor, story):
    url = f"/admin/articles/story/{story.pk}/change/"
    _action, fields = read_form(client.get(url), "story_form")
    assert "premoderate_comments" not in fields  # unchecked
    response = client.post(url, {**fields, "premoderate_comments": "on"})
    assert response.status_code == 302
    switch = StoryModeration.objects.get(story=story)
    assert (switch.premoderate, switch.changed_by) == (True, editor)
    _action, fields = read_form(client.get(url), "story_form")
    assert fields["premoderate_comments"] == "on"


def test_saving_a_story_without_touching_the_switch_writes_no_switch(client, editor, story):
    url = f"/admin/articles/story/{story.pk}/change/"
    _action, fields = read_form(client.get(url), "story_form")
    client.post(url, fields)
    assert not StoryModeration.objects.exists()


def test_a_reporter_s_story_form_has_no_switch(client, reporter):
    response = client.get("/admin/articles/story/add/")
    assert response.status_code == 200
    assert "premoderate_comments" not in response.content.decode()


# The queue's rows.


def queue_rows(count, story):
    """`count` held replies, each by its own commenter with a history, under a comment of its own."""
    for number in range(count):
        parent = make_comment(story, text=f"Parent number {number}.", author_name=f"Parent {number}")
        make_comment(story, author_email=f"writer{number}@example.com", status="spam")
        make_comment(story, parent=parent, author_email=f"writer{number}@example.com", status="pending",
                     rule="links", reason="Contains 2 links (more than 1 are held).")  # fmt: skip


def test_a_queue_row_shows_the_parent_the_story_the_reason_and_the_commenter_s_record(client, moderator, story):
    parent = make_comment(story, author_name="Min", text="The ferry should run at night too.")
    make_comment(story, author_email="jo@example.com", status="spam")
    make_comment(story, parent=parent, author_email="jo@example.com", text="Agreed, see links.", status="pending",
                 rule="links", reason="Contains 2 links (more than 1 are held).", public_reason="")  # fmt: skip
    page = client.get(QUEUE, {"status__exact": "pending"}).content.decode()
    assert cells(page, "in_reply_to") == ["Min: The ferry should run at night too."]
    assert cells(page, "story_link") == ["Harbour ferry adds an evening crossing"]
    assert cells(page, "why") == ["Contains 2 links (more than 1 are held)."]
    assert cells(page, "commenter_record") == ["1 pending · 1 spam"]
    link = f'href="{COMMENTERS}{commenter_of("jo@example.com").pk}/change/"'
    assert link in page


def test_a_queue_row_shows_what_the_author_was_told(client, moderator, story):
    make_comment(
        story,
        status="pending",
        rule="story_premoderation",
        reason="Comments on this story are pre-moderated.",
        public_reason="Comments on this story appear once a moderator has read them.",
    )
    assert cells(client.get(QUEUE).content.decode(), "why") == [
        "Comments on this story are pre-moderated.Told: Comments on this story appear once a moderator has read them."
    ]


def test_the_commenter_link_is_not_offered_to_an_editor(client, editor, story):
    make_comment(story, author_email="jo@example.com", status="pending")
    page = client.get(QUEUE).content.decode()
    assert cells(page, "commenter_record") == ["1 pending"]
    assert COMMENTERS not in page


def test_queue_query_count_does_not_grow_with_rows(client, moderator, story, django_assert_max_num_queries):
    queue_rows(3, story)
    with django_assert_max_num_queries(20) as few:
        client.get(QUEUE)
    queue_rows(30, story)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(QUEUE).content.decode()
    assert len(cells(page, "commenter_record")) == 50  # a full page of the queue


def test_each_row_has_one_click_approve_and_spam_buttons(client, moderator, story):
    held = make_comment(story, status="pending", author_name="Jo")
    approved = make_comment(story)
    page = client.get(QUEUE).content.decode()
    assert (
        f'formaction="/admin/comments/comment/{held.pk}/moderate/approve/?next=%2Fadmin%2Fcomments%2Fcomment%2F"'
        in (page)
    )
    assert 'aria-label="Approve the comment by Jo"' in page
    assert f"/admin/comments/comment/{approved.pk}/moderate/approve/" not in page  # approved already
    assert f"/admin/comments/comment/{approved.pk}/moderate/spam/" in page
    assert "/static/js/moderation_queue.js" in page
    assert "Keys: J and K move between comments" in page


def buttons(page):
    return dict(re.findall(r'formaction="([^"]+)"[^>]*data-queue-key="(\w)"', page))


def test_a_button_posts_the_queue_form_with_its_csrf_token_and_comes_back_to_the_same_list(moderator, story):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    held = make_comment(story, status="pending", text="Click me.")
    page = browser.get(QUEUE, {"status__exact": "pending"})
    _action, fields = read_form(page, "changelist-form")
    approve = next(url for url, key in buttons(page.content.decode()).items() if key == "a").replace("&amp;", "&")
    response = browser.post(approve, fields)
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?status__exact=pending"
    held.refresh_from_db()
    assert held.status == "approved"
    entry = ModerationLogEntry.objects.get(comment=held)
    assert (entry.actor, entry.from_status, entry.to_status) == (moderator, "pending", "approved")


def test_a_button_post_without_the_csrf_token_changes_nothing(moderator, story):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    held = make_comment(story, status="pending")
    response = browser.post(f"/admin/comments/comment/{held.pk}/moderate/spam/")
    held.refresh_from_db()
    assert (response.status_code, held.status) == (403, "pending")


@pytest.mark.parametrize("next_url", ["https://evil.example/admin/comments/comment/", "/admin/articles/story/", "//x"])
def test_a_button_never_sends_the_moderator_elsewhere(client, moderator, story, next_url):
    held = make_comment(story, status="pending")
    response = client.post(f"/admin/comments/comment/{held.pk}/moderate/spam/", {}, QUERY_STRING=f"next={next_url}")
    assert response["Location"] == f"{QUEUE}?status__exact=pending"


def test_staff_without_the_moderate_permission_get_no_buttons(client, story, django_user_model):
    user = django_user_model.objects.create_user("intern", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_comment"]))
    client.force_login(user)
    make_comment(story, status="pending")
    page = client.get(QUEUE).content.decode()
    assert "queue-button" not in page
    assert "field-moderate_buttons" not in page


def test_the_queue_filters_by_commenter(client, moderator, story):
    make_comment(story, author_email="ann@example.com", text="Ann's comment.")
    make_comment(story, author_email="bo@example.com", text="Bo's comment.")
    page = client.get(QUEUE, {"commenter__id__exact": commenter_of("ann@example.com").pk}).content.decode()
    assert "Ann&#x27;s comment." in page
    assert "Bo&#x27;s comment." not in page
    assert page_elements(page)["result_list"].tag == "table"


def test_the_queue_links_each_headline_to_the_story_page_a_moderator_may_open(client, moderator, story):
    make_comment(story, status=Comment.Status.PENDING, text="Waiting for a moderator.")
    client.force_login(moderator)
    html = client.get("/admin/comments/comment/").content.decode()
    assert f'href="{story.get_absolute_url()}#comments"' in html
    assert client.get(story.get_absolute_url()).status_code == 200
