"""Every stored comment with an e-mail address gets its Commenter; the groups get the new models.

Commenters are keyed by `comments.emails.email_key` (plus-addressing, quotes, case and IDN
spellings of one mailbox are one commenter), so the comments of one address, however it was
typed, are counted together. Row updates and inserts only, no table rebuild.

Rights, least privilege: Moderators set commenters' standing (view and change commenters, view
the standing log), edit the block and hold lists, and flip the site-wide pre-moderation switch.
Editors get only the per-story switch, which sits on the story form they already edit; the
standing of commenters and the lists are the moderators' job. Superusers have everything.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from comments.emails import email_key

MODERATORS = "Moderators"
EDITORS = "Editors"
MODERATOR_PERMISSIONS = [
    "view_commenter",
    "change_commenter",
    "view_standingchange",
    "add_moderationlistentry",
    "change_moderationlistentry",
    "delete_moderationlistentry",
    "view_moderationlistentry",
    "view_sitemoderation",
    "change_sitemoderation",
]
EDITOR_PERMISSIONS = ["add_storymoderation", "change_storymoderation", "view_storymoderation"]
BATCH = 2000
KEY_LENGTH = 320


def link_comments_to_commenters(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    Commenter = apps.get_model("comments", "Commenter")
    waiting = Comment.objects.filter(commenter__isnull=True).exclude(author_email="").order_by("pk")
    last = 0
    while batch := list(waiting.filter(pk__gt=last).values_list("pk", "author_email")[:BATCH]):
        for pk, address in batch:
            commenter, _ = Commenter.objects.get_or_create(email=email_key(address)[:KEY_LENGTH])
            Comment.objects.filter(pk=pk).update(commenter=commenter)
        last = batch[-1][0]


def comment_permissions(apps, codenames):
    # Permissions are normally made after all migrations; this one needs them now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="comments", codename__in=codenames)


def give_groups_moderation_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in ((MODERATORS, MODERATOR_PERMISSIONS), (EDITORS, EDITOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*comment_permissions(apps, codenames))


def take_groups_moderation_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    codenames = MODERATOR_PERMISSIONS + EDITOR_PERMISSIONS
    for group in Group.objects.filter(name__in=[MODERATORS, EDITORS]):
        group.permissions.remove(*comment_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0010_commenters_lists_and_switches"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(link_comments_to_commenters, migrations.RunPython.noop),
        migrations.RunPython(give_groups_moderation_permissions, take_groups_moderation_permissions),
    ]
