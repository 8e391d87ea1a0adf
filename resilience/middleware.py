"""Database outages answer 503, with the visitor's comment given back, never a traceback."""

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

from .kept_comments import comment_post_slug, give_comment_back
from .outages import RETRY_AFTER_SECONDS, DatabaseFileGone, is_database_outage, log_outage, outage_page
from .sqlite_file import check_database_file

NOT_STORED = _(
    "Your comment could not be stored: the site cannot save anything at the moment. "
    "Your text is kept below: please send it again in a few minutes."
)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class DatabaseOutageMiddleware:
    """Place after WhiteNoise (static files never wait for the database), before the session.

    Before each request and after each write request it checks the SQLite file
    (resilience.sqlite_file); an outage raised by a view (`is_database_outage`) becomes the
    503 page, or for a comment post the form with the visitor's text at 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_database_file()
        except DatabaseError as error:
            return self.outage_response(request, error)
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 500:
            try:
                check_database_file(after_write=True)
            except DatabaseError as error:
                return self.outage_response(request, error)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and is_database_outage(exception):
            return self.outage_response(request, exception)
        return None

    def outage_response(self, request, error):
        log_outage(request, error)
        slug = comment_post_slug(request)
        if slug is None:
            return outage_page(request)
        response = give_comment_back(
            request,
            slug,
            request.POST,
            status=503,
            message=NOT_STORED,
            fallback_template="503.html",
            # A missing file must not be opened again: SQLite would create a new, empty one.
            read_story=not isinstance(error, DatabaseFileGone),
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
