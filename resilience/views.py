"""Error pages that need more than Django's defaults."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def bad_request(request, exception=None):
    """The 400 page in the site's design and the request's language (`handler400`).

    Django's own handler renders `400.html` without the request, so without the site's
    name, language links or messages. `exception` (a SuspiciousOperation or BadRequest) is
    logged by Django before this runs and is not shown to the visitor.
    """
    return render(request, "400.html", {"site_name": settings.NEWSROOM_SITE_NAME}, status=400)
