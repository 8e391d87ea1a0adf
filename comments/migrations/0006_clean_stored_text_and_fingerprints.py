"""Clean the comment text stored before text hygiene, and recompute duplicate fingerprints.

Text: the rules of `articles.text.clean_stored_text` (no control character XML 1.0 cannot
carry, no unpaired bidi control), row by row with `update()`.

Fingerprints: `text_fingerprint` now ignores invisible characters, so "hel\\u200blo" is "hello".
Oldest first, each comment takes its new fingerprint unless another comment of the same author
on the same story holds it already (the `one_copy_of_a_comment_per_author` constraint): then it
keeps its old one. So of two old comments that now count as duplicates, the later one keeps
its old fingerprint (unless its fingerprint was the new one already: then the older keeps its own).
Both stay stored and shown as they were; a new post of the same text is refused as a duplicate.
"""

import logging

from django.db import IntegrityError, migrations, models, transaction

from articles.models import clean_stored_rows
from comments.models import text_fingerprint

logger = logging.getLogger(__name__)


def clean_stored_text(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    for name in ("Comment", "ModerationLogEntry", "CommentReport"):
        cleaned, left = clean_stored_rows(apps.get_model("comments", name))
        if left:
            logger.warning("%d %s rows left as they were: cleaned, they would duplicate another row.", left, name)
        if name == "Comment":
            # The pages that show a cleaned comment: their cached copies go.
            stories = Comment.objects.filter(pk__in=cleaned).values("story_id")
            apps.get_model("articles", "Story").objects.filter(pk__in=stories).update(
                page_version=models.F("page_version") + 1
            )


def recompute_fingerprints(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    kept = 0
    rows = Comment.objects.order_by("created_at", "id").values_list("pk", "text", "fingerprint")
    for pk, text, old in list(rows):
        new = text_fingerprint(text)
        if new == old:
            continue
        try:
            with transaction.atomic():
                Comment.objects.filter(pk=pk).update(fingerprint=new)
        except IntegrityError:
            kept += 1
    if kept:
        logger.warning(
            "%d comments keep their old fingerprint: an older copy by the same author has the new one.", kept
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0005_moderation_log_protects"),
        ("articles", "0010_clean_stored_text"),
    ]

    operations = [
        migrations.RunPython(clean_stored_text, migrations.RunPython.noop),
        migrations.RunPython(recompute_fingerprints, migrations.RunPython.noop),
    ]
