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
