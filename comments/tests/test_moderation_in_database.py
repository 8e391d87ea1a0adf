"""The rules with what moderators set in the database, through the comment form: commenters' standing,
block and hold lists, pre-moderation, staffed hours, and the reasons authors are told."""

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from comments.commenters import set_standing
from comments.lists import posting_rules
from comments.models import Comment, Commenter, ModerationListEntry, SiteModeration, StandingChange, StoryModeration
from comments.quiet_hours import closed_for_quiet_hours, next_quiet_hours_change

from .factories import make_comment, make_moderator, make_story, page_elements, post_form, read_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_posting_limits")]

AWAITING = "Your comment is awaiting moderation."
DRAFT = "A draft I took care over,\nin two lines."


@pytest.fixture
def story():
    return make_story(headline="Harbour ferry adds an evening crossing")


@pytest.fixture
def known(story):
    """ann@example.com, the default author of `post_form`, with an approved comment."""
    make_comment(story, author_email="ann@example.com", author_name="Ann Reader", text="My first comment.")
    return Commenter.objects.get(email="ann@example.com")


@pytest.fixture
def moderator(django_user_model):
    return make_moderator(django_user_model)


def latest():
    return Comment.objects.latest("pk")


def entry(kind, action, value, **fields):
    return ModerationListEntry.objects.create(kind=kind, action=action, value=value, **fields)


# Commenters: one per mailbox, their standing read on every post.


def test_a_post_makes_the_commenter_of_its_address(client, story):
    post_form(client, story, author_email="New.Reader+news@Example.org")
    assert latest().commenter.email == "new.reader@example.org"


def test_plus_addressing_is_the_same_commenter(client, story, known):
    post_form(client, story, author_email="ann+ferry@example.com")
    comment = latest()
    assert comment.commenter == known
    assert (comment.status, comment.rule) == ("approved", "known_commenter")


def test_a_blocked_commenter_s_comment_is_spam_with_no_restart(client, story, known, moderator):
    post_form(client, story, text="Before the block.")
    assert latest().status == "approved"
    set_standing(known, Commenter.Standing.BLOCKED, actor=moderator, reason="Abuse in three threads.")
    response = post_form(client, story, text="After the block.")
    comment = latest()
    assert (comment.status, comment.rule) == ("spam", "commenter_blocked")
    assert response.status_code == 303  # silently, as robots are told: no reason was given for the author


def test_a_block_whose_end_has_passed_lets_comments_through_again(client, story, known, moderator):
    set_standing(known, "blocked", actor=moderator, reason="Cooling off.", until=timezone.now() + dt.timedelta(hours=1))
    Commenter.objects.filter(pk=known.pk).update(standing_until=timezone.now() - dt.timedelta(seconds=1))
    post_form(client, story)
    assert latest().rule == "known_commenter"


def test_a_blocked_commenter_with_a_reason_gets_the_form_back_with_the_reason_and_the_text(
    client, story, known, moderator
):
    set_standing(
        known, "blocked", actor=moderator, reason="Threats.", public_reason="Your comments are blocked until 1 March."
    )
    response = post_form(client, story, text=DRAFT)
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your comments are blocked until 1 March." in page
    assert read_form(page)[1]["text"] == DRAFT
    assert page_elements(page)["comment-errors"].text.count("How to appeal this decision") == 1
    assert 'href="/en/privacy/#appeals"' in page
    stored = latest()
    assert (stored.status, stored.public_reason) == ("spam", "Your comments are blocked until 1 March.")


def test_a_refused_comment_is_not_shown_to_its_author_afterwards(client, story, known, moderator):
    set_standing(known, "blocked", actor=moderator, reason="Threats.", public_reason="Blocked.")
    post_form(client, story, text=DRAFT)
    assert "A draft I took care over" not in client.get(story.get_absolute_url()).content.decode()


def test_a_trusted_commenter_passes_the_hold_list(client, story, known, moderator):
    entry("keyword", "hold", "ferry")
    set_standing(known, "trusted", actor=moderator, reason="Harbour master, writes often.")
    post_form(client, story, text="The ferry leaves at nine.")
    assert (latest().status, latest().rule) == ("approved", "commenter_trusted")


def test_a_commenter_on_hold_is_held_and_told_why_beside_the_comment(client, story, known, moderator):
    set_standing(
        known, "held", actor=moderator, reason="Borderline remarks.", public_reason="A moderator reads yours first."
    )
    response = post_form(client, story, text="Held for a read.")
    assert (latest().status, latest().rule) == ("pending", "commenter_held")
    page = client.get(response["Location"]).content.decode()
    assert AWAITING in page
    assert "A moderator reads yours first." in page


# The block and hold lists, applied at the next post.


def test_a_block_list_entry_applies_at_the_next_post_without_a_restart(client, story, known):
    post_form(client, story, text="Cheap tickets here.")
    assert latest().status == "approved"
    entry("keyword", "block", "tickets")
    post_form(client, story, text="More cheap tickets here.")
    assert (latest().status, latest().rule) == ("spam", "blocked_keyword")


def test_a_deleted_entry_stops_applying_at_the_next_post(client, story, known):
    blocked = entry("keyword", "block", "tickets")
    post_form(client, story, text="Cheap tickets here.")
    blocked.delete()
    post_form(client, story, text="More cheap tickets here.")
    assert latest().status == "approved"


def test_an_entry_edited_in_place_applies_at_the_next_post(client, story, known):
    changed = entry("keyword", "block", "tickets")
    post_form(client, story, text="Cheap tickets here.")
    changed.value = "bargain"
    changed.save()
    post_form(client, story, text="Tickets again.")
    assert latest().status == "approved"
    post_form(client, story, text="A bargain!")
    assert latest().status == "spam"


def test_the_lists_cost_one_query_while_cached(django_assert_num_queries):
    entry("keyword", "block", "tickets")
    posting_rules()
    with django_assert_num_queries(1):  # the SiteModeration row, whose version keys the cache
        rules = posting_rules()
    assert [item.value for item in rules.blocked_keywords] == ["tickets"]


def test_a_process_with_the_old_lists_cached_reads_the_new_version(client, story, known):
    entry("keyword", "block", "tickets")
    posting_rules()  # cached under the current version, as another process would have it
    ModerationListEntry.objects.create(kind="keyword", action="block", value="bargain")
    assert [item.value for item in posting_rules().blocked_keywords] == ["tickets", "bargain"]


def test_the_environment_s_lists_still_apply_beside_the_database_s(client, story, known, settings):
    settings.COMMENTS_BLOCKED_KEYWORDS = ["casino"]
    entry("keyword", "block", "tickets")
    post_form(client, story, text="casino night")
    assert latest().status == "spam"
    post_form(client, story, text="tickets tonight")
    assert latest().status == "spam"


def test_a_held_email_domain_holds_a_known_commenter(client, story, known):
    entry("email", "hold", "@example.com", public_reason="Addresses of this provider are read first.")
    response = post_form(client, story, text="Held by domain.")
    assert (latest().status, latest().rule) == ("pending", "held_email")
    assert "Addresses of this provider are read first." in client.get(response["Location"]).content.decode()


def test_a_blocked_network_catches_an_ipv4_mapped_address(story, known):
    entry("ip", "block", "198.51.100.0/24", public_reason="Posts from this network are refused.")
    response = post_form(Client(REMOTE_ADDR="::ffff:198.51.100.7"), story, text=DRAFT)
    assert response.status_code == 403
    assert (latest().status, latest().rule) == ("spam", "blocked_ip")


def test_a_blocked_address_with_a_reason_refuses_every_spelling_of_it(client, story):
    entry("email", "block", "troll@example.org", public_reason="This address may not comment.")
    for spelling in ["troll+1@example.org", '"troll"@EXAMPLE.org', "TROLL+x@Example.ORG"]:
        response = post_form(client, story, text=f"Again as {spelling}", author_email=spelling)
        assert response.status_code == 403, spelling
        assert "This address may not comment." in response.content.decode()


def test_a_domain_entry_without_subdomains_lets_subdomains_through(client, story):
    entry("email", "block", "@spam.example", subdomains=False)
    post_form(client, story, author_email="a@spam.example", text="One.")
    assert latest().status == "spam"
    post_form(client, story, author_email="a@mx.spam.example", text="Two.")
    assert latest().rule == "first_comment"


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("ip", "198.51.100.7/32", "198.51.100.7"),
        ("ip", "::ffff:198.51.100.0/120", "198.51.100.0/24"),
        ("ip", " 2001:db8::/48 ", "2001:db8::/48"),
        ("email", " @spam.example ", "@spam.example"),
    ],
)
def test_an_entry_is_kept_in_its_canonical_form(kind, value, stored):
    item = ModerationListEntry(kind=kind, action="block", value=value)
    item.full_clean()
    assert item.value == stored


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("keyword", "**", "Write a word"),
        ("email", "no-at-sign", "Write an e-mail address"),
        ("email", "@", "Write an e-mail address"),
        ("ip", "not-an-ip", "Write an IP address or network"),
        ("ip", "0.0.0.0/0", "This network is too wide: at most /8 for IPv4."),
        ("ip", "2000::/3", "This network is too wide: at most /16 for IPv6."),
    ],
)
def test_an_entry_that_cannot_match_sensibly_is_refused(kind, value, message):
    item = ModerationListEntry(kind=kind, action="block", value=value)
    with pytest.raises(Exception, match="value") as raised:
        item.full_clean()
    assert message in str(raised.value)


# Pre-moderation: every comment, or a story's.


def test_site_wide_pre_moderation_holds_a_known_commenter_s_comment(client, story, known):
    SiteModeration.objects.create(pk=1, premoderate_all=True)
    response = post_form(client, story, text="Held by the switch.")
    assert (latest().status, latest().rule) == ("pending", "premoderation")
    page = client.get(response["Location"]).content.decode()
    assert "For now, every comment appears once a moderator has read it." in page


def test_story_pre_moderation_holds_a_known_commenter_on_that_story_only(client, story, known):
    StoryModeration.objects.create(story=story, premoderate=True)
    post_form(client, story, text="On the court case.")
    assert (latest().status, latest().rule) == ("pending", "story_premoderation")
    other = make_story()
    post_form(client, other, text="On another story.")
    assert latest().status == "approved"


def test_staff_are_not_pre_moderated(client, story, django_user_model):
    StoryModeration.objects.create(story=story, premoderate=True)
    client.force_login(django_user_model.objects.create_user("desk", is_staff=True))
    post_form(client, story, text="From the desk.")
    assert latest().rule == "staff"


def test_a_staff_members_own_posts_do_not_make_their_address_known(client, story, django_user_model):
    desk = django_user_model.objects.create_user("desk", email="desk@example.com", is_staff=True, is_active=False)
    make_comment(story, author_email="desk@example.com", user=desk, text="From the desk, when it was open.")
    post_form(client, story, author_email="desk@example.com", text="Not the desk at all.")
    assert (latest().status, latest().rule) == ("pending", "first_comment")


def test_a_visitor_typing_an_active_staff_members_address_is_held_for_a_moderator(client, story, django_user_model):
    desk = django_user_model.objects.create_user("desk", email="Desk.Editor@Example.com", is_staff=True)
    make_comment(story, author_email="desk.editor@example.com", user=desk, text="From the desk.")
    post_form(client, story, author_email='"desk.editor+x"@EXAMPLE.com', text="Pretending to be the desk.")
    stored = latest()
    assert (stored.status, stored.rule) == ("pending", "staff_address")
    assert "member of staff" in stored.reason


def test_a_logged_in_member_of_staff_is_still_approved_with_their_own_address(client, story, django_user_model):
    desk = django_user_model.objects.create_user("desk", email="desk@example.com", is_staff=True)
    client.force_login(desk)
    post_form(client, story, author_email="desk@example.com", text="From the desk.")
    assert (latest().status, latest().rule) == ("approved", "staff")


# Staffed hours, in the outlet's zone.


def hours_away_from_now(zone_name):
    """Staffed hours (an hour long, two hours from now in `zone_name`) that now is outside of."""
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(zone_name))
    start = (now + dt.timedelta(hours=2)).replace(minute=0)
    return f"{start:%H:%M}-{start + dt.timedelta(hours=1):%H:%M}"


def hours_around_now(zone_name):
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(zone_name))
    return f"{now - dt.timedelta(hours=2):%H:00}-{now + dt.timedelta(hours=2):%H:00}"


def test_a_comment_outside_the_staffed_hours_is_held_and_its_author_told_when(client, story, known, settings):
    settings.COMMENTS_STAFFED_HOURS = hours_away_from_now(story.outlet.time_zone)
    response = post_form(client, story, text="Late at night.")
    assert (latest().status, latest().rule) == ("pending", "quiet_hours")
    assert "Moderators read comments from" in client.get(response["Location"]).content.decode()


def test_a_comment_within_the_staffed_hours_is_approved(client, story, known, settings):
    settings.COMMENTS_STAFFED_HOURS = hours_around_now(story.outlet.time_zone)
    post_form(client, story)
    assert latest().status == "approved"


def test_in_close_mode_the_form_is_closed_outside_the_hours_and_a_post_keeps_its_text(client, story, known, settings):
    settings.COMMENTS_STAFFED_HOURS = hours_away_from_now(story.outlet.time_zone)
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'id="comment-form"' in page  # the hours apply from the setting on; this page was open
    settings.COMMENTS_OUTSIDE_HOURS = "close"
    page = client.get(story.get_absolute_url()).content.decode()
    assert "Comments are closed." in page
    assert "while moderators are at work." in page
    assert 'id="comment-form"' not in page
    from comments.forms import form_token

    response = client.post(
        f"/en/stories/{story.slug}/comments/",
        {"text": DRAFT, "author_name": "Ann", "author_email": "ann@example.com", "token": form_token(story.pk, 0)},
    )
    assert response.status_code == 403
    assert DRAFT in page_elements(response)["unsent-comment"].text
    assert Comment.objects.count() == 1


def test_in_close_mode_staff_still_have_the_form(client, story, settings, django_user_model):
    settings.COMMENTS_STAFFED_HOURS = hours_away_from_now(story.outlet.time_zone)
    settings.COMMENTS_OUTSIDE_HOURS = "close"
    client.force_login(django_user_model.objects.create_user("desk", is_staff=True))
    assert 'id="comment-form"' in client.get(story.get_absolute_url()).content.decode()


def test_the_page_cache_is_told_when_the_form_next_opens_or_closes_for_the_night(story, settings):
    zone = story.outlet.zone
    now = timezone.now()
    settings.COMMENTS_STAFFED_HOURS = "07:00-23:00"
    assert next_quiet_hours_change(zone, now) is None  # hold mode: the page does not change
    settings.COMMENTS_OUTSIDE_HOURS = "close"
    change = next_quiet_hours_change(zone, now)
    assert now < change <= now + dt.timedelta(hours=24)
    assert timezone.localtime(change, zone).strftime("%H:%M") in ("07:00", "23:00")
    assert closed_for_quiet_hours(zone, change - dt.timedelta(seconds=1)) != closed_for_quiet_hours(zone, change)
    settings.COMMENTS_STAFFED_HOURS = "00:00-00:00"  # all day
    assert next_quiet_hours_change(zone, now) is None


def test_a_reader_without_cookies_sees_the_form_close_although_the_open_page_was_cached(story, settings):
    reader = Client()
    assert 'id="comment-form"' in reader.get(story.get_absolute_url()).content.decode()
    settings.COMMENTS_STAFFED_HOURS = hours_away_from_now(story.outlet.time_zone)
    settings.COMMENTS_OUTSIDE_HOURS = "close"
    assert 'id="comment-form"' not in Client().get(story.get_absolute_url()).content.decode()


# The standing's log.


def test_each_change_of_standing_is_logged_with_who_what_until_and_why(known, moderator):
    until = timezone.now() + dt.timedelta(days=7)
    set_standing(known, "blocked", actor=moderator, reason="Spam links.", until=until, public_reason="Blocked a week.")
    set_standing(known, "", actor=moderator, reason="Appeal accepted.")
    log = list(StandingChange.objects.order_by("pk").values_list("actor", "standing", "standing_until", "reason"))
    assert log == [(moderator.pk, "blocked", until, "Spam links."), (moderator.pk, "", None, "Appeal accepted.")]
    known.refresh_from_db()
    assert (known.standing, known.standing_until, known.public_reason) == ("", None, "")


def test_setting_the_same_standing_again_logs_nothing(known, moderator):
    assert set_standing(known, "trusted", actor=moderator, reason="Regular.") is True
    assert set_standing(known, "trusted", actor=moderator, reason="Regular.") is False
    assert StandingChange.objects.count() == 1


def test_the_standing_log_is_append_only(known, moderator):
    set_standing(known, "trusted", actor=moderator, reason="Regular.")
    change = StandingChange.objects.get()
    change.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        change.delete()


def test_the_migration_links_old_comments_to_their_commenters(story):
    from django.apps import apps

    from newsroom.tests.migration_data import DATA_MIGRATIONS

    module, function = next(item for item in DATA_MIGRATIONS if item[1] == "link_comments_to_commenters")
    Comment.objects.bulk_create(  # bulk_create skips save(): comments as they were before the migration
        [
            Comment(
                story=story, author_name="A", author_email="ann+1@example.com", text="one", created_at=timezone.now()
            ),
            Comment(
                story=story, author_name="A", author_email="ANN@example.com", text="two", created_at=timezone.now()
            ),
            Comment(story=story, author_name="Anonymous", author_email="", text="three", created_at=timezone.now()),
        ]
    )
    getattr(__import__(module, fromlist=[function]), function)(apps, None)
    linked = dict(Comment.objects.values_list("text", "commenter__email"))
    assert linked == {"one": "ann@example.com", "two": "ann@example.com", "three": None}


@pytest.mark.parametrize(
    "value",
    ["x@example.org\nBcc: y@example.org", "x@example.org Bcc: y@example.org", "evil@\u200bexample.com", "a@b@c.org"],
)
def test_an_e_mail_list_entry_with_a_space_a_line_break_or_an_invisible_character_is_refused(value):
    from django.core.exceptions import ValidationError

    from comments.models import ModerationListEntry

    entry = ModerationListEntry(kind="email", action="block", value=value)
    with pytest.raises(ValidationError) as refused:
        entry.full_clean()
    assert "value" in refused.value.message_dict
