"""Save a Disqus export's comments on our stories: the step after reading. ORM here; the reader
(`comments.disqus.export`) stays pure.

The command (`import_disqus`) indexes the file first (a malformed one fails before anything is
written), finds each thread's story (`DisqusImport.match_threads`), then reads the file again and
hands the comments to `DisqusImport.save_batch`, a few hundred at a time, each batch in a
transaction of its own. For each comment:

1. Its thread's story: the thread's link (or the address in a WordPress plugin's identifier) is
   one of our story pages or an old WordPress address that leads to a story
   (`articles.old_addresses.story_at_address`). A comment of a thread that leads nowhere is skipped,
   and the thread listed.
2. A comment imported before (`ImportedDisqusComment`, by Disqus id) is unchanged, updated or kept
   as for WordPress comments (`comments.imports.import_known`); a new one is added with its status
   (spam → spam, deleted → removed, else approved; every comment of a deleted thread → removed),
   the moderation log's reason "imported", and no e-mail.
3. Threads from `<parent>`: under its parent, or beside it as the depth limit asks
   (`imports.reply_parent`). A parent neither stored nor in the batch (Disqus wrote it later, or a
   later batch holds it) is waited for: the reply is handed back, and saved at the end
   (`save_batch(..., final=True)`), under its parent if it came, else at the top level.

A dry run reads and counts the same and writes nothing; it never waits for parents (where a reply
goes changes no count), and remembers the texts a real run would have added, for the one-copy rule.
"""

from dataclasses import dataclass

from django.utils import timezone

from articles.models import clean_text_fields
from articles.old_addresses import story_at_address
from articles.wordpress.tally import COMMENT, IMPORTED

from ..addresses import parse_address
from ..imports import (
    ANONYMOUS,
    IMPORTED_RULE,
    LOG_REASON,
    NAME_LENGTH,
    SKIP_EMPTY,
    SKIP_REPEATED,
    comment_fingerprint,
    count_shortened_name,
    import_known,
    refuse_too_long,
    reply_parent,
    thread_order,
    valid_email,
)
from ..models import Comment, ImportedDisqusComment, text_fingerprint
from ..status import record_new_comments
from .export import message_text

BATCH_SIZE = 500
SKIP_UNMATCHED = "its thread leads to no story here"
SKIP_NO_THREAD = "its thread is not in the file"


@dataclass(frozen=True)
class StoryRef:
    """What a comment needs of its thread's story: its `pk` and `published_at` (aware, or None)."""

    pk: int
    published_at: object


@dataclass
class DisqusOptions:
    """How to import: `dry_run` and `overwrite` (bools, as for `import_wordpress`)."""

    dry_run: bool = False
    overwrite: bool = False


def comment_values(item, story, thread):
    """An unsaved Comment with what the Disqus comment `item` (export.DisqusComment) says, on `story`
    (a StoryRef), cleaned as a save would clean it (so that its fingerprint is the stored one's).
    The name is the author's, else the Disqus user name, else "Anonymous"; no website (Disqus
    exports none)."""
    name = item.author_name.strip() or item.author_username.strip() or ANONYMOUS
    comment = Comment(
        story_id=story.pk,
        author_name=name[:NAME_LENGTH],
        author_email=valid_email(item.author_email),
        author_url="",
        text=message_text(item.message).strip(),
        status="removed" if thread.is_deleted else item.status,
        created_at=item.created_at or story.published_at or timezone.now(),
        ip_address=parse_address(item.ip_address),
        rule=IMPORTED_RULE,
    )
    clean_text_fields(comment)
    return comment


class DisqusImport:
    """The save step for one export (`index`, an `export.DisqusIndex`) with `options` (`DisqusOptions`).

    `match_threads()` once, then `save_batch(items, tally)` for each batch of comments (inside the
    caller's transaction), then `save_batch(waiting, tally, final=True)` for the replies handed back.
    """

    def __init__(self, index, options):
        self.index = index
        self.options = options
        self.stories = {}  # thread dsq:id -> StoryRef, or None for a thread that leads to no story
        self.planned_copies = set()  # dry run: (story, e-mail, fingerprint) a real run would have added

    def match_threads(self, progress=None):
        """Find the story of every thread that has comments; `progress()` is called after each.
        Returns (matched, unmatched) thread counts. Two or three queries a thread."""
        matched = unmatched = 0
        for thread_id in self.index.comment_counts:
            thread = self.index.threads.get(thread_id)
            if thread is None:
                continue
            story = None
            for address in thread.addresses:
                story = story_at_address(address)
                if story is not None:
                    break
            self.stories[thread_id] = StoryRef(story.pk, story.published_at) if story is not None else None
            matched, unmatched = matched + (story is not None), unmatched + (story is None)
            if progress is not None:
                progress()
        return matched, unmatched

    def unmatched_threads(self):
        """[(DisqusThread, its comment count)] of the threads that lead to no story, most comments first."""
        found = [
            (self.index.threads[thread_id], self.index.comment_counts[thread_id])
            for thread_id, story in self.stories.items()
            if story is None
        ]
        return sorted(found, key=lambda entry: (-entry[1], entry[0].line))

    def save_batch(self, items, tally, *, final=False):
        """Import `items` (export.DisqusComment, in file order), counting into `tally` (a `Tally`).

        Returns the replies whose parent is neither stored nor in `items`, unsaved and uncounted:
        give them again with `final=True` after the last batch (they then go under their parent
        if it was saved since, else at the top level). Raises what makes the batch fail
        (ValidationError, DatabaseError): the caller's transaction is then rolled back.
        """
        dry_run, overwrite = self.options.dry_run, self.options.overwrite
        wanted = []
        for item in items:
            if item.thread_id not in self.index.threads:
                tally.skip(COMMENT, SKIP_NO_THREAD)
            elif self.stories.get(item.thread_id) is None:
                tally.skip(COMMENT, SKIP_UNMATCHED)
            else:
                wanted.append(item)
        if not wanted:
            return []
        ids = {item.id for item in wanted}
        parent_ids = {item.parent_id for item in wanted if item.parent_id is not None} - ids
        rows = ImportedDisqusComment.objects.filter(disqus_id__in=ids | parent_ids).select_related("comment")
        rows = {row.disqus_id: row for row in rows}
        known = {number: row for number, row in rows.items() if number in ids}
        # Comments by Disqus id: the stored parents of this batch's replies, then this batch's own.
        comments = {number: row.comment for number, row in rows.items() if number in parent_ids and row.comment}
        values_of = {
            item.id: comment_values(item, self.stories[item.thread_id], self.index.threads[item.thread_id])
            for item in wanted
        }
        copies = self.existing_copies(values_of.values())
        waiting, levels, by_level = [], {}, {}
        for item in thread_order(wanted):
            story = self.stories[item.thread_id]
            values = values_of[item.id]
            if refuse_too_long(values, item, tally):
                continue
            row = known.get(item.id)
            if row is not None:
                import_known(row, item, values, comments, tally, dry_run=dry_run, overwrite=overwrite)
                continue
            parent = comments.get(item.parent_id) if item.parent_id is not None else None
            # A parent not stored (no record at all) and not in this batch may come later: wait for it.
            unseen = item.parent_id is not None and parent is None and item.parent_id not in rows
            if unseen and not (final or dry_run):
                waiting.append(item)
                continue
            if not values.text:
                tally.skip(COMMENT, SKIP_EMPTY)
                continue
            copy = (story.pk, values.author_email, text_fingerprint(values.text))
            if values.author_email and copy in copies:
                tally.skip(COMMENT, SKIP_REPEATED)
                continue
            copies.add(copy)
            if dry_run:
                self.planned_copies.add(copy)
            if parent is not None and parent.story_id != story.pk:
                parent = None  # Disqus moved the parent to another thread: a reply stays on its own story
            values.parent = reply_parent(parent) if parent is not None else None
            values.depth = values.parent.depth + 1 if values.parent is not None else 0
            values.reason = f"Disqus comment {item.id} on thread {item.thread_id}"[:300]
            level = levels.get(id(values.parent), -1) + 1
            levels[id(values)] = level
            by_level.setdefault(level, []).append((item, values))
            comments[item.id] = values
            count_shortened_name(item.author_name.strip() or item.author_username, tally)
            tally.add(COMMENT, IMPORTED)
        if not dry_run:
            self.write(by_level)
        return waiting

    def existing_copies(self, comments):
        """{(story pk, e-mail, fingerprint)} of the stored comments that `comments` (the batch's, unsaved)
        could repeat, and in a dry run of those earlier batches would have added. One query, for
        the batch's stories, addresses and texts only."""
        copies = set(self.planned_copies)
        signed = [comment for comment in comments if comment.author_email]
        if signed:
            copies.update(
                Comment.objects.filter(
                    story_id__in={comment.story_id for comment in signed},
                    author_email__in={comment.author_email for comment in signed},
                    fingerprint__in={text_fingerprint(comment.text) for comment in signed},
                ).values_list("story_id", "author_email", "fingerprint")
            )
        return copies

    def write(self, by_level):
        """Insert the new comments a thread level at a time (each level's parents are stored by then),
        each with its first log entry and its `ImportedDisqusComment`."""
        forum = self.index.forum[:100]
        for level in sorted(by_level):
            batch = by_level[level]
            record_new_comments([values for _item, values in batch], reason=LOG_REASON)
            ImportedDisqusComment.objects.bulk_create(
                ImportedDisqusComment(
                    disqus_id=item.id,
                    forum=forum,
                    thread_id=item.thread_id,
                    thread_link=self.index.threads[item.thread_id].link,
                    comment=values,
                    fingerprint=comment_fingerprint(values),
                )
                for item, values in batch
            )
