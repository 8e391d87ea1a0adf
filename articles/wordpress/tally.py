"""The counts of a WordPress import, by kind of thing and outcome: what the command prints.

Kept per post until the post's transaction has committed, then merged into the file's (a post
that fails counts as failed, whatever it had counted). The comments app counts into the same tally
(`articles.signals.wordpress_post_imported`).
"""

from collections import Counter

# What is counted, by kind (`Tally`); each kind is imported, updated, unchanged, skipped or failed.
POST, COMMENT, PHOTO, SECTION, HASHTAG, OLD_ADDRESS = "post", "comment", "photo", "section", "hashtag", "old address"
PIN = "front page pin"
IMPORTED, UPDATED, UNCHANGED, FAILED = "imported", "updated", "unchanged", "failed"


class Tally:
    """The counts of an import, or of one post until its transaction has committed (`merge`).

    `done` counts (kind, outcome) for the outcomes imported, updated, unchanged and failed;
    `skipped` (kind, reason); `dropped` what post bodies lost or had changed, by reason; `notes`
    what to list one by one ([(line, what, reason)]: the export's line, "comment 12", why).
    """

    def __init__(self):
        self.done = Counter()
        self.skipped = Counter()
        self.dropped = Counter()
        self.notes = []

    def note(self, line, what, reason):
        self.notes.append((line, what, reason))

    def add(self, kind, outcome, count=1):
        if count:
            self.done[(kind, outcome)] += count

    def skip(self, kind, reason, count=1):
        if count:
            self.skipped[(kind, reason)] += count

    def count(self, kind, outcome):
        return self.done[(kind, outcome)]

    def skipped_of(self, kind):
        """{reason: count} of what was skipped of `kind`."""
        return {reason: number for (each, reason), number in self.skipped.items() if each == kind}

    def merge(self, other):
        self.done.update(other.done)
        self.skipped.update(other.skipped)
        self.dropped.update(other.dropped)
        self.notes.extend(other.notes)
