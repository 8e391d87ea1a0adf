"""Clear IP addresses and user agents from comments older than N days, and from their reasons; delete
addresses that asked for reply notifications and never confirmed."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from comments.addresses import remove_addresses
from comments.models import Comment, ModerationLogEntry, PostingGate
from comments.subscriptions import forgettable_subscribers

# Rows worth reading: a reason holding four dot-separated numbers (IPv4) or two colons with only
# hex digits between them (IPv6: "::", "db8:1:"). `remove_addresses` decides what is an address.
MAY_HOLD_ADDRESS = r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+|[0-9A-Fa-f]*:[0-9A-Fa-f]*:"
REASON_LENGTH = 300


class Command(BaseCommand):
    help = (
        "Clear the IP address and user agent of comments older than N days "
        "(default: NEWSROOM_COMMENTS_KEEP_IP_DAYS), and IP addresses written in their reasons and "
        "moderation log entries; forget expired posting limits, and notification addresses that did not "
        "confirm within NEWSROOM_COMMENTS_CONFIRMATION_DAYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep data of the last N days")

    def handle(self, *args, days, **options):
        days = settings.COMMENTS_KEEP_IP_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        now = timezone.now()
        cutoff = now - dt.timedelta(days=days)
        with transaction.atomic():
            old_comments = Comment.objects.filter(created_at__lt=cutoff)
            cleared = old_comments.exclude(ip_address__isnull=True, user_agent="").update(
                ip_address=None, user_agent=""
            )
            reasons = scrub_reasons(old_comments)
            # The log is append-only against edits of what happened (ModerationLogEntry.save refuses
            # an update). Forgetting an address written in a reason is the retention rule, not an
            # edit: who moved which comment to which status, when and by which rule stays as
            # logged. A queryset update goes past save() for this one column, on purpose.
            log_reasons = scrub_reasons(ModerationLogEntry.objects.filter(created_at__lt=cutoff))
        gates, _ = PostingGate.objects.filter(closed_until__lt=now).delete()
        _deleted, by_model = forgettable_subscribers(now).delete()
        subscribers = by_model.get("comments.Subscriber", 0)
        self.stdout.write(
            f"Cleared IP address and user agent of {cleared} comment(s) older than {days} day(s); "
            f"removed IP addresses from {reasons} comment reason(s) and {log_reasons} moderation log "
            f"reason(s); forgot {gates} expired posting limit(s) and {subscribers} unconfirmed notification "
            f"address(es)."
        )


def scrub_reasons(queryset):
    """Remove IP addresses from the `reason` of each row in `queryset`; returns how many rows changed."""
    changed = 0
    for pk, reason in queryset.filter(reason__regex=MAY_HOLD_ADDRESS).values_list("pk", "reason").iterator():
        scrubbed = remove_addresses(reason)[:REASON_LENGTH]
        if scrubbed != reason:
            changed += queryset.model.objects.filter(pk=pk).update(reason=scrubbed)
    return changed
