"""Roles: who created a story, the "in review" status, the submit/publish permissions and the status log.

No table rebuild on SQLite forwards (sqlmigrate shows an ALTER TABLE ADD COLUMN and no-ops): the
search triggers stay. Backwards, removing the `created_by` foreign key rebuilds `articles_story`,
which drops them: the first step, run last on the way back, creates them again from 0009's SQL.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

story_search = importlib.import_module("articles.migrations.0009_story_search")

# The three CREATE TRIGGER statements of 0009, and their DROPs.
SQLITE_TRIGGERS = [sql for sql in story_search.SQLITE_FORWARDS if "CREATE TRIGGER" in sql]
SQLITE_DROP_TRIGGERS = [sql for sql in story_search.SQLITE_BACKWARDS if "DROP TRIGGER" in sql]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_limit_combining_marks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # On the way back, removing created_by rebuilds the table: this step then recreates the triggers.
        story_search.RunSQLOn("sqlite", migrations.RunSQL.noop, SQLITE_DROP_TRIGGERS + SQLITE_TRIGGERS),
        migrations.AlterModelOptions(
            name="story",
            options={
                "ordering": ["-published_at", "-id"],
                "permissions": [
                    ("submit_story", "Can submit a story for review"),
                    ("publish_story", "Can publish and schedule stories"),
                ],
                "verbose_name": "story",
                "verbose_name_plural": "stories",
            },
        ),
        migrations.AddField(
            model_name="story",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="story",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("in_review", "In review"), ("published", "Published")],
                default="draft",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="StoryStatusChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "old_status",
                    models.CharField(
                        blank=True,
                        choices=[("draft", "Draft"), ("in_review", "In review"), ("published", "Published")],
                        max_length=10,
                        verbose_name="from",
                    ),
                ),
                (
                    "new_status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("in_review", "In review"), ("published", "Published")],
                        max_length=10,
                        verbose_name="to",
                    ),
                ),
                ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="publication time")),
                (
                    "changed_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="changed"),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="changed by",
                    ),
                ),
                (
                    "story",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_changes",
                        to="articles.story",
                        verbose_name="story",
                    ),
                ),
            ],
            options={
                "verbose_name": "status change",
                "verbose_name_plural": "status changes",
                "ordering": ["-changed_at", "-id"],
            },
        ),
    ]
