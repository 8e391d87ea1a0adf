"""The moderation policy, rule by rule, with plain values (no database)."""

import datetime as dt

import pytest

from comments.moderation import (
    AuthorHistory,
    Candidate,
    ModerationRules,
    comments_are_open,
    count_links,
    decide_comment_status,
    first_keyword_in,
    levels_to_climb,
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
