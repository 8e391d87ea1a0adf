"""Comments that arrive with an imported story page; what follows a save of a list entry."""

import datetime as dt

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from articles.models import clean_text_fields
from articles.signals import story_imported

from .lists import lists_changed
from .models import Comment, ModerationListEntry
from .status import record_new_comment

# Saved pages do not name their commenters.
IMPORTED_AUTHOR = "Anonymous"
ONE_SECOND = dt.timedelta(seconds=1)


@receiver(pre_save)
def clean_stored_text(sender, instance, **kwargs):
    """Whatever saves a comment, report or log entry stores clean text (see `clean_text_fields`)."""
    if sender._meta.app_label == "comments":
        clean_text_fields(instance)


@receiver(story_imported)
def import_page_comments(sender, story, parsed, **kwargs):
    """The page's numbered comments become approved comments, once each (by their number)."""
    existing = set(
        Comment.objects.filter(story=story, source_number__isnull=False).values_list("source_number", flat=True)
    )
    base_time = story.published_at
    for parsed_comment in parsed.comments:
        if parsed_comment.number in existing:
            continue
        comment = Comment(
            story=story,
            author_name=IMPORTED_AUTHOR,
            author_email="",
            text=parsed_comment.text,
            status=Comment.Status.APPROVED,
            rule="imported",
            reason=f"Comment {parsed_comment.number} of the imported story page.",
            # The page gives no times: keep the page's order, one second apart after the story.
            created_at=base_time.replace(microsecond=0) + parsed_comment.number * ONE_SECOND,
            source_number=parsed_comment.number,
        )
        record_new_comment(comment, reason="imported with its story page")


@receiver([post_save, post_delete], sender=ModerationListEntry)
def list_entry_changed(sender, instance, **kwargs):
    """A new version of the lists: every process reads them again at its next post (`comments.lists`)."""
    lists_changed()
