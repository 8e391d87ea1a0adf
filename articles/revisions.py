"""Story revisions (django-reversion): what is kept, the diff editors read, autosave drafts, presence.

Every admin save and every import keeps a reversion `Revision` holding the story and, through
`follow`, its hashtag links (with their positions) and its corrections. An autosave is a revision
too (comment `AUTOSAVE_COMMENT`) whose story version carries the editor's unsaved text: it is never
applied to the live story, only restored by an editor from the history (README "Revisions").
"""

import difflib
import re

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision, Version

from . import body_photos
from .models import BODY_FIELDS, Correction, Story, StoryHashtag
from .rich_text import body_text

STORY_FOLLOW = ("hashtag_links", "corrections")
AUTOSAVE_COMMENT = "autosave"
# How often the change form autosaves and says the editor is still there (issue 9: at least every 60 s).
AUTOSAVE_SECONDS = 30
# An editor whose change form has not pinged for this long has left: four pings missed.
PRESENCE_SECONDS = 120

# The text an editor compares and autosaves, in the order of the change form.
TEXT_FIELDS = (
    ("headline", _("Headline")),
    ("headline_ko", _("Korean headline")),
    ("intro", _("Intro")),
    ("intro_ko", _("Korean intro")),
    ("body", _("Body")),
    ("body_ko", _("Korean body")),
    ("video_url", _("video")),
)

# Characters that draw nothing or reorder what follows (bidi controls, zero-width characters):
# shown in a diff as their code point, so a hostile edit cannot hide or flip the text around it.
# What a restore leaves as it is now: whether and when the story is published, and whose it is
# (the workflow's owner: a restore must not hand a reporter's story to someone else).
KEPT_ON_RESTORE = ("status", "published_at", "created_by_id")

HIDDEN_CHARACTERS = re.compile("([\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff])")


def register_story_revisions():
    """Register Story (following its hashtag links and corrections) with reversion; safe to call twice."""
    for model, follow in ((StoryHashtag, ()), (Correction, ()), (Story, STORY_FOLLOW)):
        if not reversion.is_registered(model):
            reversion.register(model, follow=follow)


register_story_revisions()


@receiver(pre_save, sender=Story)
def restore_is_an_edit(sender, instance, raw, **kwargs):
    """A story written back from a revision (a raw save: reversion's revert) keeps the clocks moving.

    The revision's own `page_version` would take the page cache back to keys it used before, and
    its edit timestamps would undo the stale-Korean rule; its status would publish or unpublish the
    story behind the editor's back (publishing is a decision of its own, with its permission). So
    the publication state (`KEPT_ON_RESTORE`) stays as it is now, the stored page version is kept
    (save() then moves it on) and the text that changes is stamped as edited now. Other raw
    saves of an existing story (`loaddata`) are treated the same way; a story recovered after its
    deletion has no stored row and keeps the revision's values.
    """
    if not raw or instance.pk is None:
        return
    stored = (
        Story.objects.filter(pk=instance.pk)
        .values("page_version", "english_edited_at", "korean_edited_at", *KEPT_ON_RESTORE)
        .first()
    )
    if stored is None:
        return
    for name in KEPT_ON_RESTORE:
        setattr(instance, name, stored[name])
    instance.page_version = stored["page_version"] + 1
    instance.english_edited_at = stored["english_edited_at"]
    instance.korean_edited_at = stored["korean_edited_at"]
    instance.stamp_text_edits()


def restore_version(version):
    """Write the story and its hashtag links back as `version` (a story `Version`) holds them.

    Hashtag links added since are deleted and the revision's links come back with their positions.
    Corrections are left as they are now: a correction is a public record, never deleted or
    rewritten by restoring a story's text (reversion's own revert would delete those published
    since). The story is written by reversion's raw save (see `restore_is_an_edit`); the change
    form's save that follows is what moves the page on.
    """
    revision_versions = list(version.revision.version_set.select_related("content_type"))
    links = [item for item in revision_versions if item._model is StoryHashtag]
    kept = [int(item.object_id) for item in links]
    StoryHashtag.objects.filter(story_id=version.object_id).exclude(pk__in=kept).delete()
    version.revert()
    for link in links:
        link.revert()


def story_versions(story_id):
    """The reversion `Version`s of the story with primary key `story_id`, newest first, with their revision."""
    return Version.objects.get_for_object_reference(Story, story_id).select_related("revision__user")


def readable(name, value, photo_words=None):
    """A text field's value as the diff shows it: a body as editors read it (`body_text` with its
    markup spelled out: ## subheadings, • items, > quotes, <addresses> of links, a photo as
    "[photo 12: its caption]" from `photo_words`, {photo id: words}), the rest as stored.

    A body from before the rich format (plain paragraphs) reads the same way, so the diff of an old
    revision against today's HTML shows only what changed for a reader.
    """
    value = value or ""
    return body_text(value, show_markup=True, photo_words=photo_words) if name in BODY_FIELDS else value


# The language of each body, for the words that name its photos in the diff.
BODY_LANGUAGES = {"body": "en", "body_ko": "ko"}


def readable_texts(values):
    """{field name: text} of `values` ({field name: stored value}), bodies readable, each photo placed in a
    body named by its caption in that body's language (one query, none without photos)."""
    photos = body_photos.photos_in(*(values.get(name) for name in BODY_LANGUAGES))
    words = {name: body_photos.photo_words(photos, language) for name, language in BODY_LANGUAGES.items()}
    return {name: readable(name, values.get(name, ""), words.get(name)) for name, _label in TEXT_FIELDS}


def version_text(version):
    """{field name: text} of the story as `version` (a story `Version`) stored it, bodies readable."""
    return readable_texts(version.field_dict)


def story_text(story):
    """{field name: text} of a `Story` as it is now, bodies readable."""
    return readable_texts({name: getattr(story, name) for name, _label in TEXT_FIELDS})


def _marked(text):
    """`text` escaped, with each hidden character shown as a marked code point (a SafeString)."""
    parts = HIDDEN_CHARACTERS.split(text)
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<span class="diff-hidden">{}</span>', f"U+{ord(part):04X}") if index % 2 else part,)
            for index, part in enumerate(parts)
        ),
    )


def _words_changed(old, new):
    """(old line, new line) as SafeStrings, the words that differ in <del> / <ins>."""
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    old_parts, new_parts = [], []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        before, after = "".join(old_words[i1:i2]), "".join(new_words[j1:j2])
        if tag == "equal":
            old_parts.append(_marked(before))
            new_parts.append(_marked(after))
            continue
        if before:
            old_parts.append(format_html("<del>{}</del>", _marked(before)))
        if after:
            new_parts.append(format_html("<ins>{}</ins>", _marked(after)))
    join = lambda parts: format_html_join("", "{}", ((part,) for part in parts))  # noqa: E731
    return join(old_parts), join(new_parts)


def diff_rows(old, new):
    """Side-by-side rows of two texts (str): a list of (kind, old cell, new cell).

    `kind` is "equal", "changed", "removed" or "added"; cells are SafeStrings built with
    `format_html` from escaped pieces (None for no line on that side). Lines are compared with
    `difflib.SequenceMatcher`; a changed line marks its changed words.
    """
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(("equal", _marked(line), _marked(line)) for line in old_lines[i1:i2])
            continue
        before, after = old_lines[i1:i2], new_lines[j1:j2]
        for index in range(max(len(before), len(after))):
            if index < len(before) and index < len(after):
                rows.append(("changed", *_words_changed(before[index], after[index])))
            elif index < len(before):
                rows.append(("removed", format_html("<del>{}</del>", _marked(before[index])), None))
            else:
                rows.append(("added", None, format_html("<ins>{}</ins>", _marked(after[index]))))
    return rows


def compare_texts(old, new):
    """The diff of two {field name: text} dicts: a list of dicts (name, label, changed, rows), one per text field."""
    return [
        {
            "name": name,
            "label": label,
            "changed": old[name] != new[name],
            "language": "ko" if name.endswith("_ko") else "en",
            "rows": diff_rows(old[name], new[name]),
        }
        for name, label in TEXT_FIELDS
    ]


@transaction.atomic
def save_autosave(story, text, user):
    """Keep `text` ({field name: cleaned text}) as `user`'s autosave of `story`, without touching the story.

    Returns the new `Revision`, or None when the text is what the story holds already or what the
    user's last autosave held (nothing new to keep). One autosave per user and story: the previous
    one is replaced. The story's row is locked for the transaction, so two pings do not both insert.
    """
    Story.objects.select_for_update().filter(pk=story.pk).first()
    previous = autosaves_of(story.pk, user)
    last = previous.first()
    # As stored, not as the diff reads them: a body's cleaned HTML is its one exact form.
    if all((getattr(story, name) or "") == value for name, value in text.items()):
        return None
    if last is not None:
        stored = last.field_dict
        if all((stored.get(name) or "") == value for name, value in text.items()):
            return None
    draft = Story.objects.get(pk=story.pk)
    for name, value in text.items():
        setattr(draft, name, value)
    Revision.objects.filter(pk__in=[version.revision_id for version in previous]).delete()
    with reversion.create_revision(manage_manually=True, atomic=False):
        reversion.set_user(user)
        reversion.set_comment(AUTOSAVE_COMMENT)
        # The draft is serialised as it is in memory, never saved: the live story stays as it was.
        reversion.add_to_revision(draft)
    return autosaves_of(story.pk, user).first().revision


def autosaves_of(story_id, user):
    """The story versions of `user`'s autosave revisions of story `story_id`, newest first."""
    return story_versions(story_id).filter(revision__comment=AUTOSAVE_COMMENT, revision__user=user)


def _presence_key(story_id):
    return f"story-editors:{story_id}"


def note_presence(story_id, user, now=None):
    """Record that `user` has the change form of story `story_id` open (now, aware; default the clock's).

    Kept in the cache for `PRESENCE_SECONDS` after the last call: a dict user id → (name, opened at,
    last seen). Returns that dict without the entries that expired.
    """
    now = now or timezone.now()
    key = _presence_key(story_id)
    editors = current_editors(story_id, now=now)
    opened = editors.get(user.pk, (None, now, now))[1]
    editors[user.pk] = (user.get_full_name() or user.get_username(), opened, now)
    cache.set(key, editors, PRESENCE_SECONDS)
    return editors


def forget_presence(story_id, user):
    """`user` left the change form of story `story_id` (saved it): others are no longer warned of them."""
    editors = current_editors(story_id)
    if editors.pop(user.pk, None) is not None:
        cache.set(_presence_key(story_id), editors, PRESENCE_SECONDS)


def current_editors(story_id, now=None):
    """{user id: (name, opened at, last seen)} of the editors whose form of story `story_id` pinged lately."""
    now = now or timezone.now()
    editors = cache.get(_presence_key(story_id)) or {}
    return {user_id: entry for user_id, entry in editors.items() if (now - entry[2]).total_seconds() < PRESENCE_SECONDS}


def version_token(story):
    """The token a change form carries of the story it opened: the story's `updated_at` (str)."""
    return story.updated_at.isoformat() if story.updated_at else ""


def story_content_type():
    return ContentType.objects.get_for_model(Story)
