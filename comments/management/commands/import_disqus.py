"""Import a site's Disqus comments: `manage.py import_disqus EXPORT.xml [--dry-run] [--overwrite]`.

Wires the reader (`comments.disqus.export`: `index_export`, `read_export`) to the save step
(`comments.disqus.saving.DisqusImport`) and prints. The file is read through first: a malformed
one stops the command before anything is written. Then the threads are matched to stories and the
comments imported a batch at a time, each batch in a transaction of its own; a batch that fails is
retried a comment at a time, and a comment that fails is reported with its Disqus id and line while
the others go on. README "Moving from WordPress" (Disqus).
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from tqdm import tqdm

from articles.import_files import read_through
from articles.wordpress.tally import COMMENT, FAILED, IMPORTED, UNCHANGED, UPDATED, Tally
from comments.disqus.export import DisqusComment, DisqusExportError, index_export, read_export
from comments.disqus.saving import BATCH_SIZE, DisqusImport, DisqusOptions

# What makes one comment fail, with a reason of its own. Any other error while saving a comment (a
# bug, met on text nobody foresaw) fails it too, reported with the error's type; the others go on.
COMMENT_ERRORS = (ValidationError, DatabaseError, ValueError)
LISTED_THREADS = 20


class Command(BaseCommand):
    help = (
        "Import the comments of a Disqus export (Admin → Moderation → Export) onto the stories their threads "
        "lead to: our story pages, or old WordPress addresses imported by import_wordpress. Re-running "
        "duplicates nothing; comments edited or moderated here since are kept unless --overwrite."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="EXPORT.xml", help="the Disqus export file (unzipped)")
        parser.add_argument("--dry-run", action="store_true", help="read and report the same counts, write nothing")
        parser.add_argument("--overwrite", action="store_true", help="replace what moderators changed here since")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (none without a terminal)")

    def handle(self, *args, path, dry_run, overwrite, no_progress, **options):
        self.verbosity = options["verbosity"]
        self.progress = not no_progress and sys.stderr.isatty()
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if dry_run:
            self.stdout.write("Dry run, nothing written.")
        index = self.read_through(path)
        importer = DisqusImport(index, DisqusOptions(dry_run=dry_run, overwrite=overwrite))
        with tqdm(
            total=len(index.comment_counts),
            unit="thread",
            desc="matching threads",
            file=sys.stderr,
            disable=not self.progress,
            leave=False,
        ) as bar:
            matched, unmatched = importer.match_threads(lambda: bar.update(1))
        tally, failures = Tally(), []
        self.import_comments(path, index, importer, tally, failures)
        self.report(path, index, importer, tally, matched, unmatched)
        if failures:
            raise CommandError(f"{len(failures)} comment(s) failed (listed above); the others were imported.")

    def read_through(self, path):
        """Read `path` through (a `DisqusIndex`); CommandError, nothing written, when it is malformed."""
        return read_through(path, index_export, DisqusExportError, progress=self.progress)

    # Writing.

    def import_comments(self, path, index, importer, tally, failures):
        waiting, batch = [], []
        bar = tqdm(total=index.comments, unit="comment", desc=path.name, file=sys.stderr, disable=not self.progress)
        with bar:
            for item in read_export(path):
                if not isinstance(item, DisqusComment):
                    continue
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    waiting += self.save(path, importer, batch, tally, failures)
                    bar.update(len(batch))
                    batch = []
            waiting += self.save(path, importer, batch, tally, failures)
            bar.update(len(batch))
            # The replies whose parent came later (or never): under it now, else at the top level.
            for start in range(0, len(waiting), BATCH_SIZE):
                self.save(path, importer, waiting[start : start + BATCH_SIZE], tally, failures, final=True)

    def save(self, path, importer, items, tally, failures, *, final=False):
        """Save `items` in one transaction; when that fails, one at a time. Returns the replies handed back."""
        if not items:
            return []
        try:
            return self.save_in_transaction(importer, items, tally, final=final)
        except Exception as error:  # one comment's failure, whatever it is, does not stop the others
            if len(items) == 1:
                self.fail(path, items[0], error, tally, failures)
                return []
        waiting = []
        for item in items:
            try:
                waiting += self.save_in_transaction(importer, [item], tally, final=final)
            except Exception as error:  # as above: this comment fails, the others go on
                self.fail(path, item, error, tally, failures)
        return waiting

    def save_in_transaction(self, importer, items, tally, *, final):
        batch_tally = Tally()
        with transaction.atomic():
            waiting = importer.save_batch(items, batch_tally, final=final)
            if importer.options.dry_run:
                # Nothing is written in a dry run; this takes back anything that was, all the same.
                transaction.set_rollback(True)
        tally.merge(batch_tally)
        return waiting

    def fail(self, path, item, error, tally, failures):
        tally.add(COMMENT, FAILED)
        reason = "; ".join(getattr(error, "messages", [])) or str(error)
        if not isinstance(error, COMMENT_ERRORS):
            reason = f"unexpected error ({type(error).__name__}: {reason or 'no message'})"
        message = f"{path}:{item.line}: comment {item.id} (thread {item.thread_id}): {reason} (not imported)"
        failures.append(message)
        self.stderr.write(self.style.ERROR(message))

    # Printing.

    def report(self, path, index, importer, tally, matched, unmatched):
        write = self.stdout.write
        forum = f"Disqus forum {index.forum}" if index.forum else "Disqus"
        write(
            f"{path}: {forum} — {len(index.threads)} threads ({len(index.comment_counts)} with comments), "
            f"{index.comments} comments read."
        )
        write(f"  threads: {matched} lead to stories, {unmatched} to no story")
        done = ", ".join(f"{tally.count(COMMENT, outcome)} {outcome}" for outcome in (IMPORTED, UPDATED, UNCHANGED))
        skipped = tally.skipped_of(COMMENT)
        write(f"  comments: {done}, {sum(skipped.values())} skipped, {tally.count(COMMENT, FAILED)} failed")
        for reason, number in sorted(skipped.items()):
            write(f"    skipped {number}: {reason}")
        for reason, number in sorted(tally.dropped.items()):
            write(f"    {number} × {reason}")
        for line, what, reason in tally.notes:
            self.stderr.write(self.style.WARNING(f"{path}:{line}: {what}: {reason}"))
        threads = importer.unmatched_threads()
        if not threads:
            return
        shown = threads if self.verbosity >= 2 else threads[:LISTED_THREADS]
        write(f"  threads that lead to no story ({len(threads)}):")
        for thread, count in shown:
            write(f"    {path}:{thread.line}: {thread.link or thread.identifier or thread.id} ({count} comments)")
        if len(shown) < len(threads):
            write(f"    … and {len(threads) - len(shown)} more (all of them with -v 2)")
