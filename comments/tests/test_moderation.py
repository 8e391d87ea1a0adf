"""The moderation policy, rule by rule, with plain values (no database)."""

import datetime as dt
import zoneinfo

import pytest

from comments.moderation import (
    AuthorHistory,
    Candidate,
    ListEntry,
    ModerationRules,
    comments_are_open,
    count_links,
    decide_comment_status,
    first_keyword_in,
    levels_to_climb,
    staffed_hours_setting,
    time_is_staffed,
)

KNOWN = AuthorHistory(has_approved_comment=True)
NEW = AuthorHistory(has_approved_comment=False)
RULES = ModerationRules()


def candidate(**fields):
    values = {
        "text": "A thoughtful remark.",
        "author_name": "Min",
        "author_email": "min@example.org",
        "seconds_to_post": 30,
    }
    values.update(fields)
    return Candidate(**values)


def decide(history=KNOWN, rules=RULES, **fields):
    return decide_comment_status(candidate(**fields), history, rules)


def test_known_good_commenter_is_approved():
    decision = decide()
    assert (decision.status, decision.rule) == ("approved", "known_commenter")


def test_first_time_commenter_is_held():
    decision = decide(history=NEW)
    assert (decision.status, decision.rule) == ("pending", "first_comment")
    assert "First comment" in decision.reason


def test_first_comments_can_be_let_through_by_setting():
    assert decide(history=NEW, rules=ModerationRules(hold_first_comments=False)).status == "approved"


def test_one_link_passes_and_two_links_are_held():
    assert decide(text="See https://example.org/a").status == "approved"
    decision = decide(text="See https://example.org/a and http://example.org/b")
    assert (decision.status, decision.rule) == ("pending", "links")
    assert "2 links" in decision.reason


def test_www_addresses_count_as_links():
    assert count_links("www.example.org and https://example.org") == 2


def test_honeypot_filled_is_spam():
    decision = decide(honeypot="555-1234")
    assert (decision.status, decision.rule) == ("spam", "honeypot")


def test_posting_faster_than_a_person_is_spam():
    decision = decide(seconds_to_post=1.2)
    assert (decision.status, decision.rule) == ("spam", "too_fast")
    assert "1.2 s" in decision.reason


def test_posting_at_the_minimum_time_is_allowed():
    assert decide(seconds_to_post=3.0).status == "approved"


def test_staff_are_approved_even_when_new():
    assert decide(history=NEW, is_staff=True, text="two links http://a.example http://b.example").rule == "staff"


def test_staff_posting_too_fast_is_still_caught():
    assert decide(is_staff=True, seconds_to_post=0.1).status == "spam"


def test_moderation_keyword_holds_the_comment():
    decision = decide(rules=ModerationRules(moderation_keywords=("casino",)), text="Best CASINO bonus")
    assert (decision.status, decision.rule) == ("pending", "moderation_keyword")
    assert "casino" in decision.reason


def test_blocked_keyword_is_spam():
    decision = decide(rules=ModerationRules(blocked_keywords=("viagra",)), text="cheap viagra here")
    assert (decision.status, decision.rule) == ("spam", "blocked_keyword")


def test_blocked_keyword_in_the_name_or_website_counts_too():
    rules = ModerationRules(blocked_keywords=("casino",))
    assert decide(rules=rules, author_name="Casino King").status == "spam"
    assert decide(rules=rules, author_url="https://casino.example/").status == "spam"


def test_blocked_keyword_wins_over_a_moderation_keyword():
    rules = ModerationRules(blocked_keywords=("scam",), moderation_keywords=("scam",))
    assert decide(rules=rules, text="a scam").status == "spam"


def test_english_keyword_matches_whole_words_only():
    rules = ModerationRules(moderation_keywords=("press",))
    assert decide(rules=rules, text="I built this on WordPress.").status == "approved"
    assert decide(rules=rules, text="The press was there.").status == "pending"


def test_keyword_with_a_star_matches_longer_words():
    rules = ModerationRules(moderation_keywords=("press*",))
    assert decide(rules=rules, text="Pressing matters").status == "pending"
    assert decide(rules=rules, text="WordPress").status == "approved"
    assert decide(rules=ModerationRules(moderation_keywords=("*press",)), text="WordPress").status == "pending"


def test_english_keyword_next_to_hangul_still_matches():
    rules = ModerationRules(moderation_keywords=("press",))
    assert decide(rules=rules, text="press광고 문의").status == "pending"


def test_korean_keyword_matches_with_particles_attached():
    rules = ModerationRules(moderation_keywords=("광고",))
    assert decide(rules=rules, text="이건 광고입니다").status == "pending"
    assert decide(rules=rules, text="좋은 기사네요").status == "approved"


def test_korean_keyword_matches_after_nfkc_normalisation():
    rules = ModerationRules(blocked_keywords=("도박",))
    decomposed = "\u1103\u1169\u1107\u1161\u11a8"  # 도박 written with conjoining jamo
    assert decide(rules=rules, text=f"온라인 {decomposed} 사이트").status == "spam"


def test_full_width_letters_match_ascii_keywords():
    rules = ModerationRules(blocked_keywords=("casino",))
    assert decide(rules=rules, text="ｃａｓｉｎｏ bonus").status == "spam"


def test_accented_latin_keyword_keeps_word_edges():
    assert first_keyword_in("un café noir", ["café"]) == "café"
    assert first_keyword_in("cafés", ["café"]) is None


def test_blocked_email_and_domain():
    rules = ModerationRules(blocked_emails=("troll@example.org", "@spam.example"))
    assert decide(rules=rules, author_email="Troll@Example.org").rule == "blocked_email"
    assert decide(rules=rules, author_email="x@spam.example").rule == "blocked_email"
    assert decide(rules=rules, author_email="x@notspam.example").status == "approved"


def test_blocked_ip_address_and_network():
    rules = ModerationRules(blocked_ips=("203.0.113.7", "198.51.100.0/24", "2001:db8::/32"))
    assert decide(rules=rules, ip_address="203.0.113.7").rule == "blocked_ip"
    assert decide(rules=rules, ip_address="198.51.100.99").rule == "blocked_ip"
    assert decide(rules=rules, ip_address="2001:db8::1").rule == "blocked_ip"
    assert decide(rules=rules, ip_address="192.0.2.1").status == "approved"


def test_malformed_blocked_entries_are_ignored_not_fatal():
    rules = ModerationRules(blocked_ips=("not-an-ip",), blocked_emails=("",), blocked_keywords=("*",))
    assert decide(rules=rules, ip_address="192.0.2.1").status == "approved"


@pytest.mark.parametrize(
    ("enabled", "age_days", "close_after", "expected"),
    [(True, 100, 0, True), (False, 1, 0, False), (True, 13, 14, True), (True, 15, 14, False)],
    ids=["never-closes", "closed-by-editor", "within-window", "after-window"],
)
def test_comments_are_open(enabled, age_days, close_after, expected):
    now = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)
    assert comments_are_open(enabled, now - dt.timedelta(days=age_days), close_after, now) is expected


def test_unpublished_story_takes_no_comments():
    assert comments_are_open(True, None, 0, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) is False


def test_one_url_with_www_counts_as_one_link():
    assert count_links("see https://www.example.org/x for more") == 1
    assert decide(text="see https://www.example.org/x").status == "approved"


@pytest.mark.parametrize(
    ("parent_depth", "max_depth", "climb"),
    [(0, 5, 0), (3, 5, 0), (4, 5, 1), (0, 1, 1), (0, 2, 0), (1, 2, 1)],
)
def test_replies_climb_just_enough_to_stay_within_the_depth_limit(parent_depth, max_depth, climb):
    assert levels_to_climb(parent_depth, max_depth) == climb


# A commenter's standing, set by a moderator.

NOW = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)  # 12:00 in Seoul


def standing(kind, until=None, public_reason=""):
    return AuthorHistory(has_approved_comment=True, standing=kind, standing_until=until, public_reason=public_reason)


def test_blocked_commenter_is_spam_even_with_approved_comments():
    decision = decide(history=standing("blocked"), posted_at=NOW)
    assert (decision.status, decision.rule) == ("spam", "commenter_blocked")
    assert decision.public_reason == ""


def test_blocked_commenter_is_told_the_reason_a_moderator_gave():
    decision = decide(history=standing("blocked", public_reason="Blocked for abuse until March."), posted_at=NOW)
    assert decision.public_reason == "Blocked for abuse until March."


def test_a_block_whose_end_has_passed_no_longer_applies():
    decision = decide(history=standing("blocked", until=NOW - dt.timedelta(minutes=1)), posted_at=NOW)
    assert decision.rule == "known_commenter"


def test_a_block_applies_until_its_end():
    assert decide(history=standing("blocked", until=NOW + dt.timedelta(days=1)), posted_at=NOW).status == "spam"


def test_trusted_commenter_is_approved_past_held_words_links_and_a_first_comment():
    rules = ModerationRules(moderation_keywords=("court",), max_links=0)
    history = AuthorHistory(standing="trusted")
    decision = decide(history=history, rules=rules, text="court https://a.example")
    assert (decision.status, decision.rule) == ("approved", "commenter_trusted")


def test_a_trusted_address_posting_a_blocked_keyword_is_spam_as_for_anyone():
    rules = ModerationRules(blocked_keywords=("casino",))
    decision = decide(history=AuthorHistory(standing="trusted"), rules=rules, text="Best casino in town.")
    assert (decision.status, decision.rule) == ("spam", "blocked_keyword")


def test_a_trusted_address_posting_from_a_blocked_ip_network_is_spam_as_for_anyone():
    rules = ModerationRules(blocked_ips=("203.0.113.0/24",))
    decision = decide(history=AuthorHistory(standing="trusted"), rules=rules, ip_address="203.0.113.9")
    assert (decision.status, decision.rule) == ("spam", "blocked_ip")


def test_a_trusted_address_matching_a_blocked_domain_is_spam():
    rules = ModerationRules(blocked_emails=("@example.com",))
    history = AuthorHistory(standing="trusted")
    decision = decide(history=history, rules=rules, author_email='"CARA+promo"@Example.COM')
    assert (decision.status, decision.rule) == ("spam", "blocked_email")


def test_a_trusted_address_posting_from_a_held_ip_network_is_held():
    rules = ModerationRules(held_ips=("203.0.113.0/24",))
    decision = decide(history=AuthorHistory(standing="trusted"), rules=rules, ip_address="203.0.113.9")
    assert (decision.status, decision.rule) == ("pending", "held_ip")


def test_trusted_commenter_is_still_held_by_pre_moderation():
    decision = decide(history=AuthorHistory(standing="trusted"), story_premoderated=True)
    assert (decision.status, decision.rule) == ("pending", "story_premoderation")


def test_trusted_commenter_is_held_outside_the_staffed_hours():
    rules = ModerationRules(staffed_hours=(dt.time(7), dt.time(23)))
    night = dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.UTC)  # 00:30 in Seoul
    decision = decide(history=AuthorHistory(standing="trusted"), rules=rules, posted_at=night, zone=SEOUL)
    assert (decision.status, decision.rule) == ("pending", "quiet_hours")


def test_a_staff_members_address_without_a_staff_login_is_held_even_when_known_and_trusted():
    history = AuthorHistory(has_approved_comment=True, standing="trusted", staff_address=True)
    decision = decide(history=history)
    assert (decision.status, decision.rule) == ("pending", "staff_address")


def test_a_staff_members_address_with_a_staff_login_is_approved():
    assert decide(history=AuthorHistory(staff_address=True), is_staff=True).rule == "staff"


def test_commenter_on_hold_is_held_even_with_approved_comments():
    decision = decide(history=standing("held", public_reason="A moderator reads your comments first."))
    assert (decision.status, decision.rule) == ("pending", "commenter_held")
    assert decision.public_reason == "A moderator reads your comments first."


def test_blocked_lists_still_win_over_a_hold_standing():
    rules = ModerationRules(blocked_keywords=("casino",))
    assert decide(history=standing("held"), rules=rules, text="casino").rule == "blocked_keyword"


def test_staff_are_approved_whatever_the_standing_of_their_address():
    assert decide(history=standing("blocked"), is_staff=True).rule == "staff"


# Pre-moderation: the site-wide switch and the story's.


def test_site_wide_pre_moderation_holds_a_known_commenter():
    decision = decide(rules=ModerationRules(premoderate_all=True))
    assert (decision.status, decision.rule) == ("pending", "premoderation")
    assert decision.public_reason == "For now, every comment appears once a moderator has read it."


def test_story_pre_moderation_holds_a_known_commenter():
    decision = decide(story_premoderated=True)
    assert (decision.status, decision.rule) == ("pending", "story_premoderation")
    assert decision.public_reason == "Comments on this story appear once a moderator has read them."


def test_spam_rules_still_win_over_pre_moderation():
    rules = ModerationRules(premoderate_all=True, blocked_emails=("@spam.example",))
    assert decide(rules=rules, author_email="x@spam.example").status == "spam"
    assert decide(rules=rules, honeypot="x").status == "spam"


def test_staff_are_not_pre_moderated():
    assert decide(rules=ModerationRules(premoderate_all=True), is_staff=True).status == "approved"


# Hold lists of e-mail addresses and IP networks, public reasons of list entries.


def test_held_email_domain_holds_the_comment():
    rules = ModerationRules(held_emails=(ListEntry("@mail.example", "New domain: a moderator checks."),))
    decision = decide(rules=rules, author_email="ann+x@sub.mail.example")
    assert (decision.status, decision.rule) == ("pending", "held_email")
    assert decision.public_reason == "New domain: a moderator checks."


def test_held_domain_without_its_subdomains_holds_only_the_domain():
    rules = ModerationRules(held_emails=(ListEntry("@mail.example", subdomains=False),))
    assert decide(rules=rules, author_email="ann@mail.example").rule == "held_email"
    assert decide(rules=rules, author_email="ann@sub.mail.example").rule == "known_commenter"


def test_held_ip_network_holds_the_comment_and_a_mapped_address_counts():
    rules = ModerationRules(held_ips=("198.51.100.0/24",))
    assert decide(rules=rules, ip_address="::ffff:198.51.100.20").rule == "held_ip"


def test_blocked_entry_carries_its_public_reason():
    rules = ModerationRules(blocked_keywords=(ListEntry("casino", "Advertising is not allowed."),))
    decision = decide(rules=rules, text="Best casino")
    assert (decision.status, decision.public_reason) == ("spam", "Advertising is not allowed.")


def test_environment_entries_say_nothing_to_the_author():
    assert decide(rules=ModerationRules(blocked_keywords=("casino",)), text="casino").public_reason == ""
    assert (
        decide(rules=ModerationRules(blocked_emails=("t@example.org",)), author_email="t@example.org").public_reason
        == ""
    )


def test_blocked_address_catches_plus_addressing_and_quotes():
    rules = ModerationRules(blocked_emails=("troll@example.org",))
    assert decide(rules=rules, author_email="troll+again@example.org").rule == "blocked_email"
    assert decide(rules=rules, author_email='"troll"@example.org').rule == "blocked_email"


def test_blocked_idn_domain_catches_its_punycode_form():
    rules = ModerationRules(blocked_emails=("@bücher.example",))
    assert decide(rules=rules, author_email="x@xn--bcher-kva.example").rule == "blocked_email"


# Staffed hours, in the story's outlet's zone.

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
STAFFED = ModerationRules(staffed_hours=(dt.time(7), dt.time(23)))


def at_seoul(hour, minute=0):
    return dt.datetime(2026, 12, 1, hour, minute, tzinfo=SEOUL).astimezone(dt.UTC)


def test_comment_outside_the_staffed_hours_is_held_with_the_hours_told():
    decision = decide(rules=STAFFED, posted_at=at_seoul(23, 30), zone=SEOUL)
    assert (decision.status, decision.rule) == ("pending", "quiet_hours")
    assert "23:30 KST" in decision.reason
    assert decision.public_reason == (
        "Moderators read comments from 07:00 to 23:00 (KST): yours appears once one has read it."
    )


def test_comment_within_the_staffed_hours_is_approved():
    assert decide(rules=STAFFED, posted_at=at_seoul(7), zone=SEOUL).status == "approved"
    assert decide(rules=STAFFED, posted_at=at_seoul(22, 59), zone=SEOUL).status == "approved"


def test_the_same_moment_is_staffed_in_one_outlet_zone_and_not_in_another():
    moment = at_seoul(12)  # 03:00 UTC, 22:00 the evening before in New York
    assert decide(rules=STAFFED, posted_at=moment, zone=SEOUL).status == "approved"
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert decide(
        rules=ModerationRules(staffed_hours=(dt.time(7), dt.time(21))), posted_at=moment, zone=new_york
    ).rule == ("quiet_hours")


@pytest.mark.parametrize(
    ("start", "end", "time", "staffed"),
    [
        (7, 23, 6, False), (7, 23, 7, True), (7, 23, 23, False),
        (22, 6, 23, True), (22, 6, 5, True), (22, 6, 6, False), (22, 6, 12, False),
        (8, 8, 3, True),
    ],
)  # fmt: skip
def test_staffed_hours_may_span_midnight(start, end, time, staffed):
    assert time_is_staffed(dt.time(time), (dt.time(start), dt.time(end))) is staffed


def test_in_close_mode_the_rules_hold_nothing_for_the_hours():
    rules = ModerationRules(staffed_hours=(dt.time(7), dt.time(23)), outside_hours="close")
    assert decide(rules=rules, posted_at=at_seoul(3), zone=SEOUL).status == "approved"


def test_first_comment_at_night_is_held_for_the_hours_not_for_being_first():
    assert decide(history=NEW, rules=STAFFED, posted_at=at_seoul(2), zone=SEOUL).rule == "quiet_hours"


def test_staffed_hours_setting_reads_two_times():
    assert staffed_hours_setting("07:00 - 23:30") == (dt.time(7), dt.time(23, 30))
    assert staffed_hours_setting("") is None
