"""What the data migrations make, made again for tests: a transactional test's flush empties it."""

# The data migrations whose rows tests rely on (staff groups and their permissions, the first
# sections), in migration order: (module, forward function).
DATA_MIGRATIONS = [
    ("comments.migrations.0002_moderator_groups", "create_groups"),
    ("comments.migrations.0004_editors_do_not_delete_comments", "drop_delete_permission"),
    ("comments.migrations.0007_editors_add_corrections", "grant"),
    ("articles.migrations.0014_first_sections_and_editor_permissions", "create_sections"),
    ("articles.migrations.0014_first_sections_and_editor_permissions", "give_editors_permissions"),
    ("articles.migrations.0017_roles_reporters_group", "create_reporters"),
    ("photos.migrations.0002_photo_permissions", "give_groups_photo_permissions"),
    ("comments.migrations.0011_commenters_of_comments_and_moderator_permissions", "link_comments_to_commenters"),
    (
        "comments.migrations.0011_commenters_of_comments_and_moderator_permissions",
        "give_groups_moderation_permissions",
    ),
    ("comments.migrations.0014_moderators_see_earlier_versions", "give_groups_version_permission"),
    (
        "comments.migrations.0016_commenters_data_and_one_subscriber_per_mailbox",
        "give_moderators_the_erase_permission",
    ),
    ("comments.migrations.0018_editors_view_import_records", "grant"),
    ("comments.migrations.0020_editors_may_pick_comments", "grant"),
]


def restore_migration_data():
    """Run the data migrations' forward steps again: a transactional test's flush emptied their rows.

    pytest-django runs transactional tests (browser tests, live servers) between the others, and
    each ends with a flush of every table; the rows the data migrations made go with it.
    """
    import importlib

    from django.apps import apps

    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
