"""Clear IP addresses and user agents from comments older than N days."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comments.models import Comment, PostingGate


class Command(BaseCommand):
    help = (
        "Clear the IP address and user agent of comments older than N days "
        "(default: NEWSROOM_COMMENTS_KEEP_IP_DAYS), and forget expired posting limits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep data of the last N days")

    def handle(self, *args, days, **options):
        days = settings.COMMENTS_KEEP_IP_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        now = timezone.now()
        cleared = (
            Comment.objects.filter(created_at__lt=now - dt.timedelta(days=days))
            .exclude(ip_address__isnull=True, user_agent="")
            .update(ip_address=None, user_agent="")
        )
        gates, _ = PostingGate.objects.filter(closed_until__lt=now).delete()
        self.stdout.write(
            f"Cleared IP address and user agent of {cleared} comment(s) older than {days} day(s); "
            f"forgot {gates} expired posting limit(s)."
        )
