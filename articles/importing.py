"""Save parsed story pages as stories, one transaction per page.

`articles.story_format.parse_story_page` turns a page's text into a `ParsedStory`
(pure, with line numbers for errors); `save_story` here writes one inside a single
transaction, so a page is imported whole or not at all. The `import_story`
command wires the two together.
"""

import reversion
from django.db import transaction

from . import revisions  # noqa: F401 - registers Story with reversion
from .models import Hashtag, Outlet, Section, SocialLink, Story, hashtag_slug
from .rich_text import paragraphs_to_html
from .signals import story_imported
from .story_format import (  # noqa: F401 - the importer's public names, in one place
    ParsedStory,
    StoryFormatError,
    check_url,
    decode_story_page,
    parse_story_page,
)
from .text import clean_stored_text


def find_existing_story(parsed):
    """The story a re-import updates, or None for a new story.

    A page with a source URL is the story with that URL. Otherwise it is the story
    of the same outlet with the same headline, unless that one came from another
    source URL: then the page is a different story.
    """
    if parsed.source_url:
        story = Story.objects.filter(source_url=parsed.source_url).first()
        if story:
            return story
    story = Story.objects.filter(outlet__name=parsed.outlet, headline=parsed.headline).first()
    if story and parsed.source_url and story.source_url:
        return None
    return story


@transaction.atomic
def save_story(parsed, source_name=""):
    """Create or update the story a page describes; returns (story, created).

    Kept as a revision of the story (no user; comment "imported from <source_name>", the file).

    A new story is published; an update keeps the status an editor gave it. A story without
    a section is filed under the section claiming its first claimed hashtag
    (`SectionQuerySet.claiming`); one an editor has filed keeps its section.
    """
    outlet, _ = Outlet.objects.get_or_create(
        name=parsed.outlet, defaults={"homepage": parsed.homepage, "time_zone": parsed.time_zone}
    )
    if parsed.homepage and outlet.homepage != parsed.homepage:
        outlet.homepage = parsed.homepage
        outlet.save(update_fields=["homepage"])
    if parsed.social_links:
        # A page that lists no social links leaves the outlet's own (kept in admin) alone.
        outlet.social_links.all().delete()
        SocialLink.objects.bulk_create(
            # bulk_create sends no pre_save: the labels are cleaned here, as a save would.
            SocialLink(outlet=outlet, label=clean_stored_text(link.label), url=link.url, position=position)
            for position, link in enumerate(parsed.social_links)
        )

    # Filled by hand once the story and its hashtag links are saved: the revision holds them as stored.
    with reversion.create_revision(manage_manually=True, atomic=False):
        reversion.set_comment(f"imported from {source_name or 'a story page'}")
        story, created = save_story_revision(parsed, outlet)
        reversion.add_to_revision(story)
    return story, created


def save_story_revision(parsed, outlet):
    """The story part of `save_story`, inside its revision: (story, created)."""
    story = find_existing_story(parsed)
    created = story is None
    if created:
        story = Story(slug=unique_slug(parsed.slug), status=Story.Status.PUBLISHED)
    story.headline = parsed.headline
    story.headline_ko = parsed.headline_ko
    story.intro = parsed.intro
    # The page's blocks are plain paragraphs; a story's body is rich text (articles.rich_text).
    story.body = paragraphs_to_html(parsed.body)
    story.body_ko = paragraphs_to_html(parsed.body_ko)
    story.reporter = parsed.reporter
    story.outlet = outlet
    story.source_url = parsed.source_url or story.source_url
    story.published_at = parsed.published_at
    # A page that carries Korean text is one bilingual piece: its two languages agree (not stale).
    story.korean_confirmed = bool(parsed.headline_ko or parsed.body_ko)
    tags = get_or_create_hashtags(parsed.hashtags)
    if story.section_id is None:
        story.section = Section.objects.claiming(tags)
    story.full_clean()
    story.save()
    story.set_hashtags(tags)
    story_imported.send(sender=Story, story=story, parsed=parsed)
    return story, created


def zone_warning(parsed):
    """A word when the page's dateline zone is not the zone its outlet shows datelines in."""
    outlet = Outlet.objects.filter(name=parsed.outlet).first()
    if outlet is None or outlet.time_zone == parsed.time_zone:
        return None
    shown = parsed.published_at.astimezone(outlet.zone)
    return (
        f"the dateline is in {parsed.time_zone}, but {outlet.name} shows datelines in {outlet.time_zone}: "
        f"readers see {shown:%Y-%m-%d, %H:%M} ({shown.tzname()})"
    )


def unique_slug(base):
    slug, suffix = base, 2
    while Story.objects.filter(slug=slug).exists():
        tail = f"-{suffix}"
        slug = f"{base[: 200 - len(tail)]}{tail}"
        suffix += 1
    return slug


def get_or_create_hashtags(names):
    tags = []
    for name in names:
        tag = Hashtag.objects.filter(slug=hashtag_slug(name)).first()
        if tag is None:
            tag = Hashtag(name=name)
            tag.full_clean()
            tag.save()
        tags.append(tag)
    return tags
