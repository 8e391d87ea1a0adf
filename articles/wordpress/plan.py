"""The story a WordPress post gives, planned before anything is written, and its fingerprint.

`StoryPlan.state()` and `story_state(story)` describe a story the same way (the fields an import
writes, as stored; section, hashtags, lead photo, pin), so that `story_fingerprint` tells whether a
re-run would change the story, and whether the story changed here since the import wrote it.
The body is kept as the converter's blocks until the photos it shows have their addresses
(`rewrite_blocks`, `body_photo_html`).
"""

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from ..models import FrontPagePin, Section, StoryHashtag, hashtag_slug
from ..rich_text import clean_body_html, photo_reference
from ..text import clean_stored_text
from ..video import VideoAddressError, parse_video_url
from .body import EmbedBlock, Heading, ImageBlock, Paragraph, Quote, WrittenBlock, render_blocks, run_text

# The story fields an import writes, in the fingerprint's order.
IMPORTED_FIELDS = (
    "headline",
    "headline_ko",
    "intro",
    "intro_ko",
    "body",
    "body_ko",
    "reporter",
    "status",
    "published_at",
    "comments_enabled",
    "video_url",
)


def body_photo_html(library_photo, alt):
    """How a body shows a photo of our library (`photos.LibraryPhoto`): the body format's photo
    reference (`articles.rich_text.photo_reference`, as the editor's "Insert photo" writes it), with
    the photo's address for the editor's preview. A photo not made yet (a dry run) has no id: 0,
    which the page draws as nothing."""
    photo = library_photo.photo
    return photo_reference(photo.pk if photo is not None else 0, library_photo.url, alt)


def story_fingerprint(state):
    """A hex SHA-256 of a story's imported state (a dict from `story_state` or `StoryPlan.state`)."""
    return hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def comparable_value(name, value):
    """A field's value as stored, in the fingerprint's form: text cleaned as a save cleans it,
    bodies in the body format, times as UTC ISO strings, no video as ""."""
    if name in ("body", "body_ko"):
        return clean_body_html(clean_stored_text(value or ""))
    if name == "published_at":
        return value.astimezone(dt.UTC).isoformat() if value else None
    if name == "video_url":
        return value or ""
    if isinstance(value, str):
        return clean_stored_text(value)
    return value


def story_state(story):
    """What the import writes of `story` (a saved Story), as it is stored now: a dict for
    `story_fingerprint`. Three queries (hashtags, lead photo, pin)."""
    state = {name: comparable_value(name, getattr(story, name)) for name in IMPORTED_FIELDS}
    state["section"] = story.section_id
    state["hashtags"] = list(
        StoryHashtag.objects.filter(story=story).order_by("position", "id").values_list("hashtag__slug", flat=True)
    )
    state["lead_photo"] = (
        story.lead_photo.checksum if story.lead_photo_id and story.lead_photo.checksum else story.lead_photo_id
    )
    state["pinned"] = FrontPagePin.objects.filter(story=story).exists()
    return state


@dataclass
class StoryPlan:
    """The story a post gives: `values` ({field: value} of IMPORTED_FIELDS), `section` (a Section,
    the name of one to make, or None), `hashtags` (names), `lead` and `photos` (photos.LibraryPhoto:
    the lead photo, and every photo the story uses), `blocks` and `images` (the converted body and
    {id(ImageBlock): (LibraryPhoto, alt)}) to write the body again once new photos have their
    addresses, `korean` (the post is in Korean), `pinned`, `dropped` (Counter), `kept_photos` (how
    many photos the story keeps for want of an uploads folder) and `photos_unmatched` (True: the
    post's images and the story's photos differ in number, and there is no uploads folder to tell)."""

    values: dict
    section: object
    hashtags: list
    lead: object
    photos: list
    blocks: list
    images: dict
    korean: bool
    pinned: bool
    dropped: Counter = field(default_factory=Counter)
    kept_photos: int = 0
    photos_unmatched: bool = False

    def write_body(self):
        """Write the body field(s) from the blocks with the photos' current addresses."""
        html = render_blocks(rewrite_blocks(self.blocks, self.images, self.values["video_url"]))
        self.values["body_ko" if self.korean else "body"] = html

    def state(self):
        """The plan as `story_state` would read the story it gives."""
        state = {name: comparable_value(name, self.values[name]) for name in IMPORTED_FIELDS}
        section = self.section
        state["section"] = section.pk if isinstance(section, Section) else (f"new:{section}" if section else None)
        state["hashtags"] = list(dict.fromkeys(hashtag_slug(name) for name in self.hashtags))
        state["lead_photo"] = self.lead.checksum if self.lead else None
        state["pinned"] = self.pinned
        return state


def rewrite_blocks(blocks, images, video_url):
    """The body's blocks with each image that became a library photo written as one
    (`body_photo_html`), the caption paragraph after it left out when the photo carries that
    caption, images that did not become photos left out (their caption stays, as text), and the
    link paragraph of the story's video (`video_url`) left out once."""
    video_shown = [False]

    def rewrite(items):
        out, caption_of_photo = [], None
        for block in items:
            if isinstance(block, Paragraph) and block.caption and caption_of_photo is not None:
                shown, caption_of_photo = caption_of_photo, None
                if " ".join(run_text(block.run).split()) == shown:
                    continue
            caption_of_photo = None
            if isinstance(block, ImageBlock):
                found = images.get(id(block))
                if found is not None:
                    photo, alt = found
                    out.append(WrittenBlock(body_photo_html(photo, alt)))
                    caption_of_photo = " ".join((photo.caption or "").split()) or None
                continue
            if isinstance(block, EmbedBlock) and video_url and block.url == video_url and not video_shown[0]:
                video_shown[0] = True
                continue
            if isinstance(block, Quote):
                out.append(Quote(rewrite(block.blocks)))
                continue
            out.append(block)
        return out

    return rewrite(blocks)


def promote_headings(blocks):
    """Make the third-level subheadings of a body that has no second-level one second-level (in
    place, quotes included); returns how many moved. A page's headings must not skip a level (the
    story's headline is the h1): a post whose editor started at "Heading 3" would."""
    headings = list(blocks_of(Heading, blocks))
    if any(heading.level == 2 for heading in headings):
        return 0
    for heading in headings:
        heading.level = 2
    return len(headings)


def blocks_of(kind, blocks):
    """Every block of class `kind` (Heading, ImageBlock) in `blocks`, quotes included, in body order."""
    for block in blocks:
        if isinstance(block, kind):
            yield block
        elif isinstance(block, Quote):
            yield from blocks_of(kind, block.blocks)


def image_blocks(blocks):
    """Every ImageBlock of `blocks`, quotes included, in body order."""
    return blocks_of(ImageBlock, blocks)


def first_video(embeds):
    """The first of `embeds` (page addresses) that is a video a story can show, or None."""
    for address in embeds:
        try:
            parse_video_url(address)
        except VideoAddressError:
            continue
        return address
    return None
