"""Outside the staffed hours, with NEWSROOM_COMMENTS_OUTSIDE_HOURS=close: the comment form is closed.

The hours (NEWSROOM_COMMENTS_STAFFED_HOURS) are read in each story's outlet's zone. Holding
comments outside them is a moderation rule (`moderation.decide_comment_status`); closing the form
changes the story page with the time of day, so the comment section tells the page cache when the
form next opens or closes (`next_quiet_hours_change`).
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .moderation import CLOSE, staffed_hours_setting, time_is_staffed


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


def next_quiet_hours_change(zone, now=None):
    """When the form next opens or closes for quiet hours in `zone` (a tzinfo): an aware datetime
    after `now` (aware, default the clock's), or None when the settings never close it."""
    if not closes_form():
        return None
    start, end = staffed_hours_setting(settings.COMMENTS_STAFFED_HOURS)
    if start == end:
        return None
    now = now or timezone.now()
    today = timezone.localtime(now, zone).date()
    moments = (
        dt.datetime.combine(today + dt.timedelta(days=days), moment, tzinfo=zone)
        for days in (0, 1, 2)
        for moment in (start, end)
    )
    return min(moment for moment in moments if moment > now)
