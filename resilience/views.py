"""Error pages of the whole site: 500 (or 503 in an outage), the CSRF failure (403), a body too large (413).

Each is in the site's design and the URL's language; for a comment post each gives the
visitor's text back in a fresh form (resilience.kept_comments).
"""

import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.middleware.csrf import (
    REASON_BAD_ORIGIN,
    REASON_BAD_REFERER,
    REASON_CSRF_TOKEN_MISSING,
    REASON_INSECURE_REFERER,
    REASON_MALFORMED_REFERER,
    REASON_NO_CSRF_COOKIE,
    REASON_NO_REFERER,
)
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from .kept_comments import comment_post_slug, fields_from_body_start, give_comment_back
from .outages import is_database_outage, log_outage, outage_page, render_plain


@requires_csrf_token
def server_error(request):
    """handler500: the 503 page when the error is a database outage, else the 500 page.

    Reached for errors outside views (a middleware, the session saved on the way out); errors
    in views are answered by DatabaseOutageMiddleware first. Plain context only: whatever failed
    must not fail again here.
    """
    error = sys.exception()
    if isinstance(error, DatabaseError) and is_database_outage(error):
        log_outage(request, error)
        return outage_page(request)
    return render(request, "500.html", {"site_name": settings.NEWSROOM_SITE_NAME}, status=500)


# Django's reasons when the Origin or Referer check failed (its messages, the part before any value):
# the form was sent from another site's page, or from a context that hides its origin.
CROSS_SITE_REASONS = tuple(
    reason.split("%s")[0]
    for reason in (
        REASON_BAD_ORIGIN,
        REASON_NO_REFERER,
        REASON_BAD_REFERER,
        REASON_MALFORMED_REFERER,
        REASON_INSECURE_REFERER,
    )
)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form refused by CsrfViewMiddleware; 403 in every case.

    - Sent from another site (Django's Origin or Referer check failed, `CROSS_SITE_REASONS`): a
      page saying so, with nothing of what was sent. Giving the text back with a token of the
      visitor's own would let that site write a comment in their name that one click posts.
    - A comment sent from this site with no CSRF token at all: it was sent from the shared story
      page without its script (JavaScript off, or the form's values could not be fetched: README
      "Caching"); it comes back on its story page, with a token of the visitor's own, asking them
      to send it once more.
    - A comment whose token or cookie did not match (the page was open too long, another
      browser): it comes back on its story page with a fresh token, to send again.
    - Anything else: a 403 page saying to reload and send again.

    `reason` (Django's, in English) goes to the log only.
    """
    if reason.startswith(CROSS_SITE_REASONS):
        return render_plain(request, "403_csrf.html", {"cross_site": True}, status=403)
    slug = comment_post_slug(request)
    if slug is not None:
        sent_from_here = reason in (REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING)
        if sent_from_here and not request.POST.get("csrfmiddlewaretoken"):
            message = _("One more step: check your comment below and press “Post Comment” again to send it.")
        else:
            message = _(
                "Your comment could not be checked (the page was open too long, or it was sent from "
                "another browser). Your comment is kept below: send it again."
            )
        return give_comment_back(
            request, slug, request.POST, status=403, message=message, fallback_template="403_csrf.html"
        )
    return render_plain(request, "403_csrf.html", {}, status=403)


def bad_request(request, exception):
    """handler400: a body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413, with the comment kept where it can be."""
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    slug = comment_post_slug(request)
    urlencoded = request.content_type == "application/x-www-form-urlencoded"
    if slug is None or not urlencoded:
        return render_plain(request, "413.html", {}, status=413)
    from comments.forms import CommentForm

    text_max_length = CommentForm.base_fields["text"].max_length
    body_start = request.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    data, cut = fields_from_body_start(body_start, text_max_length=text_max_length)
    if cut:
        message = _(
            "Your comment was longer than the site accepts. It is kept below, cut to what could be read "
            "(at most %(limit)d characters): check its end, then send it again."
        ) % {"limit": text_max_length}
    else:
        message = _("What you sent was too large to be read. Your comment is kept below: send it again.")
    return give_comment_back(request, slug, data, status=413, message=message, fallback_template="413.html")
