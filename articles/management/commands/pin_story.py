"""Pin a story to the front page: `manage.py pin_story SLUG [--lead] [--position N] [--ends ISO-TIME]`."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import FrontPagePin, Story


def aware_time(text):
    """An ISO 8601 time with its offset (2026-12-24T18:00+09:00) as an aware datetime; ValueError otherwise."""
    moment = dt.datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        raise ValueError("give the offset, e.g. 2026-12-24T18:00+09:00")
    return moment


class Command(BaseCommand):
    help = (
        "Pin a published story to the front page as its lead (--lead) or as a featured story, "
        "optionally until a time (--ends). A story already pinned gets the new place."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the story's slug, as in /en/stories/<slug>/")
        parser.add_argument("--lead", action="store_true", help="pin as the lead (else featured)")
        parser.add_argument("--position", type=int, default=0, help="order among featured stories, smallest first")
        parser.add_argument("--ends", type=aware_time, help="when the pin lapses, ISO 8601 with offset")
        parser.add_argument(
            "--unless-pinned",
            action="store_true",
            help="do nothing when the front page has a pin in that place already (for demo content)",
        )

    @transaction.atomic
    def handle(self, *args, slug, lead, position, ends, unless_pinned, **options):
        slot = FrontPagePin.Slot.LEAD if lead else FrontPagePin.Slot.FEATURED
        if unless_pinned and FrontPagePin.objects.filter(slot=slot).exists():
            self.stdout.write(f"The front page has a {slot} pin already: nothing changed.")
            return
        story = Story.objects.filter(slug=slug).first()
        if story is None:
            raise CommandError(f"No story has the slug {slug!r}.")
        pin = FrontPagePin.objects.filter(story=story).first() or FrontPagePin(story=story)
        pin.slot, pin.position, pin.ends_at = slot, position, ends
        try:
            pin.full_clean()
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        pin.save()
        self.stdout.write(self.style.SUCCESS(f"Pinned “{story.headline}” as {pin.get_slot_display().lower()}."))
