"""The listings' indexes in their whole order (`-published_at, -id`), and one per section and outlet.

Measured at 100,000 stories on SQLite (bench/archive.py, README "Benchmarks"): with `id` missing
from the index, every listing query sorted its rows' tie-breaker in a temporary B-tree, so a deep
page computed the cards' subqueries for every row its OFFSET skipped (page 4,950 of the front page:
700 ms, now 130 ms; page 400: 62 ms, now 16 ms), and a section's or an outlet's page counted its
stories by reading each one's row (150 ms, now 2–4 ms). The reporter index takes `status` too, or
SQLite prefers the listing index for a reporter's page. Indexes only: no table is rebuilt, so the
search triggers of 0020 stay.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0025_listings_version"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="story", name="story_listing_idx"),
        migrations.RemoveIndex(model_name="story", name="story_reporter_idx"),
        migrations.AddIndex(
            model_name="story",
            index=models.Index(fields=["status", "-published_at", "-id"], name="story_listing_idx"),
        ),
        migrations.AddIndex(
            model_name="story",
            index=models.Index(fields=["reporter_slug", "status", "-published_at", "-id"], name="story_reporter_idx"),
        ),
        migrations.AddIndex(
            model_name="story",
            index=models.Index(fields=["section", "status", "-published_at", "-id"], name="story_section_idx"),
        ),
        migrations.AddIndex(
            model_name="story",
            index=models.Index(fields=["outlet", "status", "-published_at", "-id"], name="story_outlet_idx"),
        ),
    ]
