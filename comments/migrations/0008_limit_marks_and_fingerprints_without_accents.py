"""The two steps of 0006 again, with today's rules.

Text: `articles.text.clean_stored_text` now also cuts a run of combining marks to 30 on a base
character ("Zalgo" text: a comment of "Zalgo" and 3,000 U+0301 drew a line across the page).
Fingerprints: `comparable_text` now drops Latin accents (and the dot of İ), so "Café" and
"cafe" are the same text; each stored fingerprint is recomputed, oldest first, and of two old
comments that now collide the later one keeps its old fingerprint (0006 explains why).
Row updates only, no table rebuild.
"""

from importlib import import_module

from django.db import migrations

earlier = import_module("comments.migrations.0006_clean_stored_text_and_fingerprints")


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_editors_add_corrections"),
        ("articles", "0015_limit_combining_marks"),
    ]

    operations = [
        migrations.RunPython(earlier.clean_stored_text, migrations.RunPython.noop),
        migrations.RunPython(earlier.recompute_fingerprints, migrations.RunPython.noop),
    ]
