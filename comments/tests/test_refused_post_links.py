"""The page sent back after a refused comment links to the story's own address, never to the POST address.

The POST-only address `/<lang>/stories/<slug>/comments/` answers nothing but a posted form;
a link to it (language switch, canonical, hreflang, og:url, JSON-LD, Reply, pagination)
would lead a reader to an empty 405. A GET there goes to the story instead.
"""

import json
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from .factories import VALID_COMMENT, make_comment, make_story, post_form

pytestmark = pytest.mark.django_db


class _LinkReader(HTMLParser):
    """Every address a page gives: href, src, content of <meta>, and the URLs in its JSON-LD."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.addresses = []
        self._json = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.addresses.append(attrs[name])
        if tag == "meta" and attrs.get("content", "").startswith(("http", "/")):
            self.addresses.append(attrs["content"])
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._json = ""

    def handle_data(self, data):
        if self._json is not None:
            self._json += data

    def handle_endtag(self, tag):
        if tag == "script" and self._json is not None:
            self.addresses.extend(json_urls(json.loads(self._json)))
            self._json = None


def json_urls(value):
    if isinstance(value, dict):
        return [url for item in value.values() for url in json_urls(item)]
    if isinstance(value, list):
        return [url for item in value for url in json_urls(item)]
    return [value] if isinstance(value, str) and value.startswith(("http", "/")) else []


def links_into_post_address(response, story):
    """Addresses of the page that, followed from the POST address, land on a POST-only address.

    Relative links are resolved as a browser does, against the address the form was posted to;
    a fragment alone (`#content`) stays on the page. Comment feeds and permalinks live
    elsewhere and may be linked.
    """
    reader = _LinkReader()
    reader.feed(response.content.decode())
    posted_to = response.request["PATH_INFO"]
    post_paths = set()
    for language in ("en", "ko"):
        with translation.override(language):
            post_paths.add(reverse("comments:post", kwargs={"slug": story.slug}))
    found = []
    for address in reader.addresses:
        if address.startswith("#"):
            continue
        path = urlsplit(urljoin(posted_to, address)).path
        if path in post_paths:
            found.append(address)
    return found


@pytest.fixture
def story():
    story = make_story(headline="Harbour ferry adds an evening crossing")
    make_comment(story, text="The first thoughts on the ferry.")
    return story


@pytest.fixture
def visitor():
    """A client that goes through the language prefix of each address, with posting limits on."""
    return Client()


def refused_empty(client, story, language):
    return post_form(client, story, page_url=story_url(story, language), text="")


def refused_duplicate(client, story, language, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 0
    post_form(client, story, page_url=story_url(story, language), text="Said once, said twice.")
    return post_form(client, story, page_url=story_url(story, language), text="Said once, said twice.")


def refused_flood(client, story, language, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_FLOOD_SECONDS = 60
    post_form(client, story, page_url=story_url(story, language), text="The first of two quick comments.")
    return post_form(client, story, page_url=story_url(story, language), text="The second, too soon after.")


def story_url(story, language):
    with translation.override(language):
        return story.get_absolute_url()


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize(
    ("refusal", "status"), [("empty", 400), ("duplicate", 409), ("flood", 429)], ids=["400", "409", "429"]
)
def test_refused_post_page_links_only_to_the_story_address(visitor, story, settings, language, refusal, status):
    settings.COMMENTS_PER_PAGE = 1  # two threads: the page has comment pagination
    make_comment(story, text="A second thread, on page two.")
    if refusal == "empty":
        response = refused_empty(visitor, story, language)
    elif refusal == "duplicate":
        response = refused_duplicate(visitor, story, language, settings)
    else:
        response = refused_flood(visitor, story, language, settings)
    assert response.status_code == status
    assert 'class="comment-reply-link"' in response.content.decode()
    assert links_into_post_address(response, story) == []


@pytest.mark.parametrize("language", ["en", "ko"])
def test_refused_post_page_offers_the_story_in_each_language_and_as_canonical(visitor, story, language):
    response = refused_empty(visitor, story, language)
    page = response.content.decode()
    assert f'<link rel="canonical" href="http://testserver{story_url(story, language)}">' in page
    for other in ("en", "ko"):
        assert f'hreflang="{other}" href="http://testserver{story_url(story, other)}"' in page
    assert f'<meta property="og:url" content="http://testserver{story_url(story, language)}">' in page


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("method", ["get", "head"])
def test_get_on_the_post_address_goes_to_the_story_in_the_same_language(visitor, story, language, method):
    with translation.override(language):
        post_address = reverse("comments:post", kwargs={"slug": story.slug})
    response = getattr(visitor, method)(post_address)
    assert response.status_code == 301
    assert response.headers["Location"] == story_url(story, language)


def test_get_on_the_post_address_keeps_the_reply_and_page_asked_for(visitor, story):
    reply_to = story.comments.first()
    post_address = reverse("comments:post", kwargs={"slug": story.slug})
    response = visitor.get(post_address, {"replytocom": reply_to.pk, "cpage": "2"})
    assert response.status_code == 301
    assert response.headers["Location"] == f"{story.get_absolute_url()}?replytocom={reply_to.pk}&cpage=2"


def test_the_post_address_still_takes_a_comment(visitor, story, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    response = post_form(visitor, story, text="A comment that is fine.")
    assert response.status_code == 303
    assert story.comments.filter(text="A comment that is fine.").exists()


def test_other_methods_on_the_post_address_are_refused(visitor, story):
    post_address = reverse("comments:post", kwargs={"slug": story.slug})
    assert visitor.put(post_address, VALID_COMMENT).status_code == 405
