"""Site-wide middleware: input that no query can take gets the 400 page, a database outage the 503 page.

`RefuseNulCharacterMiddleware` and `RefuseBadAdminSelectionMiddleware` refuse before the view runs;
`DatabaseOutageMiddleware` turns an outage into a 503, giving a visitor's comment back.
"""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import DatabaseError, connections, router
from django.utils.translation import gettext_lazy as _
from django.views.defaults import bad_request

from .admin_queries import value_fits
from .kept_comments import comment_post_slug, give_comment_back
from .outages import RETRY_AFTER_SECONDS, DatabaseFileGone, is_database_outage, log_outage, outage_page
from .query_watchdog import watching_queries
from .sqlite_file import check_database_file

NUL = "\x00"


def holds_nul(request):
    """True when the decoded path, or a key or value of the decoded query string, holds U+0000."""
    if NUL in request.path_info:
        return True
    return any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists())


class RefuseNulCharacterMiddleware:
    """Answer 400 (the site's 400 page) to a request whose path or query string holds NUL.

    No address of the site and no form sent by GET has one, and PostgreSQL cannot store or
    compare it: psycopg refuses a text parameter with NUL, so any slug, search, filter or
    admin lookup given `%00` would end in a 500. Refused here once, not in every view.
    Form bodies are left to the forms, whose CharFields refuse NUL with a message next
    to the field and keep the rest of the visitor's text.

    Place it after LocaleMiddleware (the page is in the address's language) and before
    CommonMiddleware (no slash redirect is built for such an address).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if holds_nul(request):
            return bad_request(request, exception=None)
        return self.get_response(request)


class RefuseBadAdminSelectionMiddleware:
    """Answer 400 to an admin action whose selected rows are not ids of the changelist's model.

    The admin filters the action's queryset with `pk__in` the posted `_selected_action`
    values as they are; one that is not an id (`abc`, NUL) or beyond the column's integer range
    (2**63 on SQLite) raises in the query and the moderator sees a 500. The admin marks each
    of its views with the ModelAdmin it serves (`view.model_admin`); the primary key field
    says what an id is (`resilience.admin_queries.value_fits`). Every ModelAdmin is
    covered, Django's own (users, groups) too, without changing one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None or request.method != "POST":
            return None
        model = model_admin.model
        connection = connections[router.db_for_write(model)]
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all(value_fits(model._meta.pk, value, connection) for value in selected):
            return bad_request(request, exception=None)
        return None


NOT_STORED = _(
    "Your comment could not be stored: the site cannot save anything at the moment. "
    "Your text is kept below: please send it again in a few minutes."
)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class DatabaseOutageMiddleware:
    """Place after WhiteNoise (static files never wait for the database), before the session.

    Before each request and after each write request it checks the SQLite file
    (resilience.sqlite_file); every PostgreSQL query of the request has a deadline
    (resilience.query_watchdog); an outage raised by a view (`is_database_outage`) becomes the
    503 page, or for a comment post the form with the visitor's text at 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_database_file()
        except DatabaseError as error:
            return self.outage_response(request, error)
        with watching_queries(connections["default"]):
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
            # A missing file must not be opened again: SQLite would create a new, empty one. A closed
            # connection (connect failed or cut) would be opened again: a second connect timeout.
            read_story=not isinstance(error, DatabaseFileGone) and connections["default"].connection is not None,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
