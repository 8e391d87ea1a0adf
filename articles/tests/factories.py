"""Plain functions that make valid objects, with overridable fields."""

import datetime as dt
import itertools

from django.utils import timezone

from articles.models import Correction, Hashtag, Outlet, SocialLink, Story, StoryHashtag

_numbers = itertools.count(1)


def make_outlet(**fields):
    number = next(_numbers)
    values = {"name": f"Outlet {number}", "homepage": f"https://outlet{number}.example/", "time_zone": "Asia/Seoul"}
    values.update(fields)
    return Outlet.objects.create(**values)


def make_social_link(outlet, **fields):
    values = {"label": "Facebook", "url": "https://www.facebook.example/outlet", "position": 0}
    values.update(fields)
    return SocialLink.objects.create(outlet=outlet, **values)


def make_hashtag(name=None):
    tag = Hashtag(name=name or f"Tag{next(_numbers)}")
    tag.full_clean()
    tag.save()
    return tag


def make_story(hashtags=(), **fields):
    number = next(_numbers)
    values = {
        "headline": f"Story number {number} makes the news",
        "headline_ko": f"{number}번째 기사",
        "slug": f"story-number-{number}",
        "intro": "An intro sentence. A second one.",
        "body": "First paragraph line one.\nLine two.\n\nSecond paragraph.",
        "reporter": "Kim Reporter",
        "status": Story.Status.PUBLISHED,
        "published_at": timezone.now() - dt.timedelta(hours=number),
    }
    values.update(fields)
    if "outlet" not in values:
        values["outlet"] = make_outlet()
    story = Story.objects.create(**values)
    for position, tag in enumerate(hashtags):
        if isinstance(tag, str):
            tag = Hashtag.objects.filter(name=tag).first() or make_hashtag(tag)
        StoryHashtag.objects.create(story=story, hashtag=tag, position=position)
    return story


def make_correction(story, **fields):
    """A stored correction of `story`, dated an hour after the story (or now, if that is sooner)."""
    values = {
        "text": f"An earlier version of this story gave the wrong figure ({next(_numbers)}).",
        "published_at": min(story.published_at + dt.timedelta(hours=1), timezone.now()),
    }
    values.update(fields)
    return Correction.objects.create(story=story, **values)
