"""A commenter's data is found by its address key: every comment gets its Commenter, every
Subscriber the key of `comments.subscriptions.address_key`; Moderators may erase a commenter's data.

- Comments imported from WordPress before `status.record_new_comments` linked them have no
  Commenter: they get theirs, as migration 0011 gave every comment of the time.
- `Subscriber.address_key` was a SHA-256 of the address as `comparable_text` saw it; it is now one
  of its `comments.emails.email_key`, the key a commenter has, so `Ann+news@example.org` and
  `ann@example.org` are one subscriber. Subscribers that become one are merged into the one that
  confirmed (the latest to, else the latest to ask): it takes the conversations the others followed
  (one of two following the same conversation goes, with any mail of replies waiting for it), and
  the others are deleted. Every key is first set to a placeholder: a new key may be an old one of
  another row.
- Moderators get `erase_commenter_data` (the admin's "Erase this commenter's data").
"""

import hashlib

from django.contrib.auth.management import create_permissions
from django.db import migrations

from comments.emails import email_key

MODERATORS = "Moderators"
PERMISSION = "erase_commenter_data"
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


def new_key(address):
    return hashlib.sha256(email_key(address).encode()).hexdigest()


def keeper_first(subscriber):
    """Sort key: the subscriber a merge keeps comes first (confirmed, latest; else latest asked)."""
    confirmed = subscriber.confirmed_at
    return (confirmed is None, -(confirmed or subscriber.created_at).timestamp(), -subscriber.pk)


def one_subscriber_per_mailbox(apps, schema_editor):
    Subscriber = apps.get_model("comments", "Subscriber")
    ThreadSubscription = apps.get_model("comments", "ThreadSubscription")
    mailboxes = {}
    for subscriber in Subscriber.objects.order_by("pk"):
        mailboxes.setdefault(new_key(subscriber.email), []).append(subscriber)
    for subscriber in Subscriber.objects.all():
        Subscriber.objects.filter(pk=subscriber.pk).update(address_key=f"migrating-{subscriber.pk}")
    for key, subscribers in mailboxes.items():
        keeper, *others = sorted(subscribers, key=keeper_first)
        for other in others:
            for follow in ThreadSubscription.objects.filter(subscriber=other):
                if ThreadSubscription.objects.filter(subscriber=keeper, thread_id=follow.thread_id).exists():
                    follow.delete()
                else:
                    ThreadSubscription.objects.filter(pk=follow.pk).update(subscriber=keeper)
            other.delete()
        Subscriber.objects.filter(pk=keeper.pk).update(address_key=key)


def comment_permissions(apps, codenames):
    # Permissions are normally made after all migrations; this one needs them now.
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="comments", codename__in=codenames)


def give_moderators_the_erase_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    group.permissions.add(*comment_permissions(apps, [PERMISSION]))


def take_the_erase_permission(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=MODERATORS):
        group.permissions.remove(*comment_permissions(apps, [PERMISSION]))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0015_erased_comments_and_erase_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(link_comments_to_commenters, migrations.RunPython.noop),
        # Not undone going back: merged rows are gone, and the keys stay as they are.
        migrations.RunPython(one_subscriber_per_mailbox, migrations.RunPython.noop),
        migrations.RunPython(give_moderators_the_erase_permission, take_the_erase_permission),
    ]
