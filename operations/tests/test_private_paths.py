"""A link that is a key (a commenter's data, a subscription's links) never reaches a log or Sentry."""

import logging
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from comments.commenter_data import data_link_path, data_of_address
from comments.models import Subscriber
from comments.subscriptions import address_key, confirmation_path, unsubscribe_path
from comments.tests.factories import make_comment, make_story
from operations.private_paths import SECRET_URL_NAMES, loggable_url
from operations.sentry import scrub_event
from resilience.tests.outages import database_refusing

ADDRESS = "ann@example.org"
LOOKS_SECRET = re.compile(r"token|signed|key|secret", re.IGNORECASE)


def url_patterns(patterns=None, namespace=""):
    """(namespaced name or None, URLPattern) of every pattern of the site's URLconf, in every include."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), entry


def test_every_url_whose_arguments_look_like_a_key_is_a_secret_url():
    found = {
        name
        for name, pattern in url_patterns()
        if any(LOOKS_SECRET.search(argument) for argument in pattern.pattern.regex.groupindex)
    }

    assert found, "the site has links that are keys: the walk found none"
    assert found <= SECRET_URL_NAMES, f"add to operations.private_paths.SECRET_URL_NAMES: {found - SECRET_URL_NAMES}"


def test_every_secret_url_name_is_a_url_of_the_site():
    names = {name for name, pattern in url_patterns()}

    assert names >= SECRET_URL_NAMES


@pytest.fixture
def data_link(db):
    """The path of Ann's "your data" link, and its token."""
    make_comment(make_story(slug="harbour-ferry"), author_email=ADDRESS, text="Will the boat run in winter?")
    path = data_link_path(data_of_address(ADDRESS))
    return path, path.split("/")[-2]


@pytest.fixture
def subscriber(db):
    return Subscriber.objects.create(
        email=ADDRESS, address_key=address_key(ADDRESS), language="en", token="secret-unsubscribe-token-4711"
    )


@pytest.fixture
def kept(caplog):
    """Every record of the request log and of Django's request loggers (which do not propagate to the root)."""
    caplog.set_level(logging.INFO)
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security.csrf")]
    for logger in loggers:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in loggers:
        logger.removeHandler(caplog.handler)


def logged(caplog):
    return "\n".join(record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("page", ["", "download/", "erase/"])
def test_the_request_line_of_a_data_link_names_its_pattern_not_its_token(client, data_link, kept, page):
    path, token = data_link

    response = client.get(path + page)

    assert response.status_code == 200
    (line,) = [record for record in kept.records if record.name == "operations.requests"]
    assert token not in logged(kept)
    assert line.path == f"/en/comments/your-data/<str:token>/{page}"
    assert line.getMessage().startswith(f"GET /en/comments/your-data/<str:token>/{page} 200 ")


def test_a_data_link_on_a_korean_page_is_hidden_too(client, data_link, kept):
    with translation.override("ko"):
        path = data_link_path(data_of_address(ADDRESS))

    client.get(path)

    assert path.startswith("/ko/")
    assert path.split("/")[-2] not in logged(kept)
    assert "GET /ko/comments/your-data/<str:token>/ 200" in logged(kept)


def test_the_confirmation_and_unsubscribe_links_are_logged_without_their_tokens(client, subscriber, kept):
    confirm, unsubscribe = confirmation_path(subscriber), unsubscribe_path(subscriber)

    assert client.get(confirm).status_code == 200
    assert client.post(unsubscribe).status_code == 200

    text = logged(kept)
    assert subscriber.token not in text and confirm.split("/")[-2] not in text
    assert "GET /en/notifications/confirm/<str:token>/ 200" in text
    assert "POST /en/notifications/unsubscribe/<str:token>/ 200" in text


def test_an_expired_or_altered_link_answers_without_logging_its_token(client, data_link, kept):
    path, token = data_link
    altered = path.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))

    response = client.get(altered)

    assert response.status_code == 400
    text = logged(kept)
    assert token[:-2] not in text
    assert "Bad Request: /en/comments/your-data/<str:token>/" in text


def test_a_link_to_erased_data_answers_410_without_logging_its_token(client, data_link, kept):
    path, token = data_link
    client.post(path + "erase/", {"confirm": "on"})

    response = client.get(path)

    assert response.status_code == 410
    assert token not in logged(kept)
    assert "Gone: /en/comments/your-data/<str:token>/" in logged(kept)


def test_a_refused_method_and_a_refused_csrf_token_log_no_token(data_link, kept):
    path, token = data_link

    assert Client().put(path).status_code == 405
    assert Client(enforce_csrf_checks=True).post(path + "erase/", {"confirm": "on"}).status_code == 403

    text = logged(kept)
    assert token not in text
    assert "Method Not Allowed (PUT): /en/comments/your-data/<str:token>/" in text
    assert "Forbidden (CSRF cookie not set.): /en/comments/your-data/<str:token>/erase/" in text


def test_an_outage_on_a_data_link_logs_no_token(data_link, kept):
    path, token = data_link

    with database_refusing():
        response = Client().get(path)

    assert response.status_code == 503
    assert token not in logged(kept)
    assert "GET /en/comments/your-data/<str:token>/ answered 503" in logged(kept)


def test_other_paths_are_logged_as_they_are(client, kept, db):
    client.get("/en/no-such-page/")

    assert "Not Found: /en/no-such-page/" in logged(kept)
    assert "GET /en/no-such-page/ 404" in logged(kept)


def test_sentrys_event_gets_the_url_and_referer_of_a_data_link_without_the_token(data_link):
    path, token = data_link
    event = {
        "request": {
            "url": f"https://news.example{path}download/",
            "query_string": "",
            "headers": {"Referer": f"https://news.example{path}", "User-Agent": "Probe/1.0"},
        }
    }

    scrubbed = scrub_event(event, {})

    assert token not in str(scrubbed)
    assert scrubbed["request"]["url"] == "https://news.example/en/comments/your-data/<str:token>/download/"
    assert scrubbed["request"]["headers"]["Referer"] == "https://news.example/en/comments/your-data/<str:token>/"
    assert scrubbed["request"]["headers"]["User-Agent"] == "Probe/1.0"


def test_sentrys_event_of_another_page_keeps_its_url(db):
    story = reverse("articles:story", kwargs={"slug": "harbour-ferry"})

    assert loggable_url(f"https://news.example{story}?cpage=2") == f"https://news.example{story}?cpage=2"
    assert scrub_event({"message": "no request"}, {}) == {"message": "no request"}
