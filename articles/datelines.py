"""Datelines of story pages: `2024-11-04, 20:00 (KST)` to an aware UTC datetime."""

import datetime as dt
import re
import zoneinfo

# Abbreviations a dateline may carry: the zone that uses each one and its offset
# from UTC in hours. The zone must be at that offset at that moment, so EDT in
# January is refused (New York is on EST then).
ZONE_ABBREVIATIONS = {
    "UTC": ("UTC", 0),
    "GMT": ("Europe/London", 0),
    "BST": ("Europe/London", 1),
    "WET": ("Europe/Lisbon", 0),
    "WEST": ("Europe/Lisbon", 1),
    "CET": ("Europe/Berlin", 1),
    "CEST": ("Europe/Berlin", 2),
    "EET": ("Europe/Tallinn", 2),
    "EEST": ("Europe/Tallinn", 3),
    "MSK": ("Europe/Moscow", 3),
    "IST": ("Asia/Kolkata", 5.5),
    "ICT": ("Asia/Bangkok", 7),
    "WIB": ("Asia/Jakarta", 7),
    "HKT": ("Asia/Hong_Kong", 8),
    "PHT": ("Asia/Manila", 8),
    "KST": ("Asia/Seoul", 9),
    "JST": ("Asia/Tokyo", 9),
    "AEST": ("Australia/Sydney", 10),
    "AEDT": ("Australia/Sydney", 11),
    "NZST": ("Pacific/Auckland", 12),
    "NZDT": ("Pacific/Auckland", 13),
    "EST": ("America/New_York", -5),
    "EDT": ("America/New_York", -4),
    "CST": ("America/Chicago", -6),
    "CDT": ("America/Chicago", -5),
    "MST": ("America/Denver", -7),
    "MDT": ("America/Denver", -6),
    "PST": ("America/Los_Angeles", -8),
    "PDT": ("America/Los_Angeles", -7),
}
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200

DATELINE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2}), (?P<time>\d{2}:\d{2}) \((?P<zone>[^()\s]+)\)$")


class DatelineError(ValueError):
    """A dateline that names no real moment; the message says why."""


def parse_dateline(text):
    """The dateline as an aware UTC datetime, and the IANA zone its abbreviation names."""
    match = DATELINE.match(text)
    if not match:
        raise DatelineError(f"bad dateline “{text}”: expected “YYYY-MM-DD, HH:MM (ZONE)”")
    abbreviation = match["zone"]
    if abbreviation not in ZONE_ABBREVIATIONS:
        known = ", ".join(sorted(ZONE_ABBREVIATIONS))
        raise DatelineError(f"unknown time zone abbreviation “{abbreviation}” (known: {known})")
    written = f"{match['date']}, {match['time']}"
    try:
        naive = dt.datetime.strptime(written, "%Y-%m-%d, %H:%M")
    except ValueError as error:
        raise DatelineError(f"bad date “{written}”: {error}") from None
    if not EARLIEST_YEAR <= naive.year <= LATEST_YEAR:
        raise DatelineError(f"bad date “{written}”: the year must be {EARLIEST_YEAR}–{LATEST_YEAR}")

    zone_name, hours = ZONE_ABBREVIATIONS[abbreviation]
    zone = zoneinfo.ZoneInfo(zone_name)
    offset = dt.timedelta(hours=hours)
    # fold=1 is the second pass through a wall-clock hour repeated when clocks go back.
    for fold in (0, 1):
        local = naive.replace(tzinfo=zone, fold=fold)
        if local.utcoffset() == offset:
            moment = local.astimezone(dt.UTC)
            if moment.astimezone(zone).replace(tzinfo=None) != naive:
                raise DatelineError(f"{written} does not exist in {zone_name}: the clocks skip it")
            return moment, zone_name
    in_use = naive.replace(tzinfo=zone).tzname()
    raise DatelineError(f"{abbreviation} is not in effect in {zone_name} on {written} (it uses {in_use})")
