"""Content-Security-Policy on every page, cached story pages included; no nonce to go stale."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.tests.factories import make_story

pytestmark = pytest.mark.django_db

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    # A story's video player, after the reader presses play: these two hosts, nothing broader.
    "frame-src": "https://www.youtube-nocookie.com https://player.vimeo.com",
}


def directives(response):
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_the_home_page_carries_the_policy(client):
    policy = directives(client.get(reverse("articles:home")))
    assert {name: policy.get(name) for name in EXPECTED_DIRECTIVES} == EXPECTED_DIRECTIVES


def test_a_story_page_served_from_the_page_cache_carries_the_policy_too():
    story = make_story(headline="Policy on a cached page")
    Client().get(story.get_absolute_url())
    cached = Client().get(story.get_absolute_url())
    assert "Policy on a cached page" in cached.content.decode()
    assert directives(cached)["script-src"] == "'self'"


def test_the_policy_allows_no_inline_script_or_style(client):
    policy = client.get(reverse("articles:home"))["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "nonce-" not in policy


def test_the_admin_login_carries_the_policy(client):
    assert directives(client.get(reverse("admin:login")))["frame-ancestors"] == "'none'"


def test_no_template_of_ours_has_inline_script_style_or_event_handlers():
    from django.conf import settings

    offenders = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", r"\sstyle=", r"\son[a-z]+="):
                if re.search(pattern, text):
                    offenders.append((str(path.relative_to(folder)), pattern))
    assert offenders == []


def test_story_pages_use_no_nonce_that_the_page_cache_would_serve_to_every_reader():
    """A nonce is per response; articles/page_cache.py stores whole pages, so one would be replayed.

    The JSON-LD block needs none (a data block is not run, so script-src does not apply).
    """
    story = make_story(headline="No nonce here")
    first = Client().get(story.get_absolute_url())
    assert 'type="application/ld+json"' in first.content.decode()
    assert "nonce" not in first["Content-Security-Policy"]
    assert "nonce=" not in first.content.decode()
