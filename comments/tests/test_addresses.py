"""IPv4-mapped IPv6 addresses (`::ffff:198.51.100.7`) count as the IPv4 address they carry."""

import pytest
from django.test import Client

from comments.addresses import parse_address
from comments.models import Comment
from comments.moderation import ip_is_blocked
from comments.posting import client_key

from .factories import make_story, post_form

MAPPED = "::ffff:198.51.100.7"


@pytest.fixture
def story(db):
    return make_story()


def test_two_mapped_ipv4_clients_get_different_flood_keys():
    assert client_key("post", "::ffff:198.51.100.7") != client_key("post", "::ffff:203.0.113.9")


def test_a_mapped_address_gets_the_flood_key_of_its_ipv4_address():
    assert client_key("post", MAPPED) == client_key("post", "198.51.100.7")


@pytest.mark.parametrize(
    "text",
    [MAPPED, "::FFFF:198.51.100.7", "::ffff:c633:6407", "[::ffff:198.51.100.7]:443", "0:0:0:0:0:ffff:198.51.100.7"],
)
def test_every_spelling_of_a_mapped_address_parses_to_ipv4(text):
    assert parse_address(text) == "198.51.100.7"


def test_a_plain_ipv6_address_stays_ipv6():
    assert parse_address("[2001:db8::1]:443") == "2001:db8::1"


def test_a_mapped_address_is_caught_by_an_ipv4_block_entry():
    assert ip_is_blocked(MAPPED, ["198.51.100.0/24"])
    assert ip_is_blocked(MAPPED, ["198.51.100.7"])


@pytest.mark.parametrize("entry", [MAPPED, "::ffff:198.51.100.0/120"])
def test_a_block_entry_written_as_a_mapped_address_catches_the_ipv4_client(entry):
    assert ip_is_blocked("198.51.100.7", [entry])


def test_a_mapped_block_network_does_not_reach_beyond_its_ipv4_range():
    assert not ip_is_blocked("198.51.101.7", ["::ffff:198.51.100.0/120"])


def test_the_stored_address_of_a_mapped_remote_addr_is_ipv4(story):
    post_form(Client(REMOTE_ADDR=MAPPED), story)
    assert Comment.objects.get().ip_address == "198.51.100.7"


def test_the_stored_address_of_a_mapped_forwarded_hop_with_a_port_is_ipv4(story, settings):
    settings.COMMENTS_TRUST_X_FORWARDED_FOR = True
    post_form(Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, [::ffff:198.51.100.7]:443"), story)
    assert Comment.objects.get().ip_address == "198.51.100.7"


def test_two_mapped_ipv4_visitors_can_post_within_one_flood_window(story, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 60
    first = post_form(Client(REMOTE_ADDR="::ffff:198.51.100.7"), story, text="First visitor.")
    second = post_form(Client(REMOTE_ADDR="::ffff:203.0.113.9"), story, text="Second visitor.")
    assert (first.status_code, second.status_code) == (303, 303)


def test_a_mapped_visitor_in_a_blocked_ipv4_range_is_marked_spam(story, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_BLOCKED_IPS = ["198.51.100.0/24"]
    post_form(Client(REMOTE_ADDR=MAPPED), story)
    assert Comment.objects.values_list("status", "rule").get() == (Comment.Status.SPAM, "blocked_ip")
