"""Outside the staffed hours, with NEWSROOM_COMMENTS_OUTSIDE_HOURS=close: the comment form is closed.

The hours (NEWSROOM_COMMENTS_STAFFED_HOURS) are read in each story's outlet's zone. Holding
comments outside them is a moderation rule (`moderation.decide_comment_status`); closing the form
changes the story page with the time of day, so the page cache's key says whether the form is
closed for quiet hours (`quiet_hours_state`). The key part knows a story only by its id: the
zone of its outlet is kept per process for ZONE_SECONDS (one small query per story and period).
"""

import time
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .moderation import CLOSE, staffed_hours_setting, time_is_staffed

ZONE_SECONDS = 600
MOST_ZONES_KEPT = 10_000
_story_zones = {}  # story id -> (zone name, monotonic time it was read)


def closes_form():
    """True when the settings close the form outside the staffed hours."""
    return bool(settings.COMMENTS_STAFFED_HOURS) and settings.COMMENTS_OUTSIDE_HOURS == CLOSE


def closed_for_quiet_hours(zone, now=None):
    """True when the form is closed now (`now` aware, default the current time) in `zone` (a tzinfo)."""
    if not closes_form():
        return False
    hours = staffed_hours_setting(settings.COMMENTS_STAFFED_HOURS)
    return not time_is_staffed(timezone.localtime(now or timezone.now(), zone).time(), hours)


def quiet_hours_message(zone, now=None):
    """What a reader is told while the form is closed: the hours, in `zone` (a tzinfo)."""
    start, end = settings.COMMENTS_STAFFED_HOURS.replace(" ", "").split("-")
    return _("Comments are open from %(start)s to %(end)s (%(zone)s), while moderators are at work.") % {
        "start": start,
        "end": end,
        "zone": timezone.localtime(now or timezone.now(), zone).tzname(),
    }


def story_zone(story_id):
    """The tzinfo of the story's outlet, kept for ZONE_SECONDS in this process."""
    from articles.models import Story

    now = time.monotonic()
    kept = _story_zones.get(story_id)
    if kept is None or now - kept[1] > ZONE_SECONDS:
        name = Story.objects.filter(pk=story_id).values_list("outlet__time_zone", flat=True).first() or "UTC"
        if len(_story_zones) >= MOST_ZONES_KEPT:
            _story_zones.clear()
        kept = _story_zones[story_id] = (name, now)
    return zoneinfo.ZoneInfo(kept[0])


def quiet_hours_state(story_row):
    """For the page cache's key: "quiet" while the story's form is closed for quiet hours, else ""."""
    if not closes_form():
        return ""
    return "quiet" if closed_for_quiet_hours(story_zone(story_row.id)) else ""
