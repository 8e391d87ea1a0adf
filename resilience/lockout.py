"""The page django-axes answers with when a username and address are locked out of the admin login.

Set as AXES_LOCKOUT_CALLABLE; axes calls it for the attempt that finds the lock, whatever
the password. It says, in the visitor's language, why the login is refused, for how long
(from AXES_COOLOFF_TIME) and that an administrator can lift the lock sooner.
"""

from django.conf import settings
from django.shortcuts import render

LOCKED_STATUS = 429  # Too Many Requests (RFC 6585), as axes answers by default


def lockout_response(request, original_response=None, credentials=None):
    """An HttpResponse (429) rendering admin/login_locked.html with the cool-off in whole minutes.

    `original_response` and `credentials` are what axes passes; the page needs neither.
    """
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    response = render(request, "admin/login_locked.html", {"minutes": minutes}, status=LOCKED_STATUS)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
