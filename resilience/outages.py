"""What counts as a database outage, and the pages a reader gets during one.

An outage is the database being unreachable, hanging (timeouts), refusing writes
(read-only file or transaction, disk full) or its SQLite file gone: the request may
work again in a moment, so the answer is 503 with `Retry-After`. Other database
errors (`IntegrityError`, `ProgrammingError`, `DataError`) are bugs or races the
code handles where they happen, and stay 500s.

The outage page is rendered from plain values only (no `user`, no messages, no
context processors): those would ask the database that just failed.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, InternalError, OperationalError
from django.http import HttpResponse
from django.middleware.csrf import CSRF_SECRET_LENGTH, get_token
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils import translation

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# PostgreSQL SQLSTATEs outside OperationalError that still mean "the database will not do it now":
# 25006 read_only_sql_transaction (a replica, default_transaction_read_only) is an InternalError.
OUTAGE_SQLSTATES = {"25006"}


class DatabaseFileGone(OperationalError):
    """The SQLite file was deleted or replaced under the running server (see resilience.sqlite_file)."""


def is_database_outage(error):
    """True when `error` (a DatabaseError) means the database is unavailable, not that the code is wrong.

    OperationalError covers connection refused/lost, connect and statement timeouts, "database is
    locked" after the busy timeout, a read-only SQLite file and a full disk; InterfaceError a closed
    connection.
    """
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, InternalError):
        return getattr(error.__cause__, "sqlstate", None) in OUTAGE_SQLSTATES
    return False


def page_language(request):
    """The language the URL's prefix names (/en/, /ko/), else the site's default."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def resolve_path_in_its_language(path_info):
    """The ResolverMatch of `path_info` (the path after the script prefix) in the language its prefix
    names (else the site's default), or None when no URL pattern matches."""
    with translation.override(translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE):
        try:
            return resolve(path_info)
        except Resolver404:
            return None


def resolve_in_its_language(request):
    """The request's ResolverMatch (also before URL resolution ran), or None. Resolved once per
    request: the page cache, the outage pages and the request log (operations.private_paths) ask."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match
    if not hasattr(request, "_match_in_its_language"):
        request._match_in_its_language = resolve_path_in_its_language(request.path_info)
    return request._match_in_its_language


def render_plain(request, template_name, context, *, status):
    """A page from plain values in the URL's language: no context processors, no database."""
    keep_csrf_cookie(request)
    with translation.override(page_language(request)):
        html = loader.get_template(template_name).render(
            {
                "site_name": settings.NEWSROOM_SITE_NAME,
                "csrf_token": get_token(request),
                "request_path": request.path,
                **context,
            }
        )
    return HttpResponse(html, status=status)


def keep_csrf_cookie(request):
    """Before CsrfViewMiddleware has run (an outage found first), sign forms with the visitor's own
    CSRF cookie: a new secret would not reach the browser, and the form sent again would fail."""
    if "CSRF_COOKIE" in request.META:
        return
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if len(secret) == CSRF_SECRET_LENGTH and secret.isascii() and secret.isalnum():
        request.META["CSRF_COOKIE"] = secret


def outage_page(request, *, kept_form=None):
    """The 503 page, with the visitor's comment form when one was being sent."""
    response = render_plain(request, "503.html", {"kept_form": kept_form}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def log_outage(request, error):
    # Imported here: operations.private_paths resolves paths with this module's helpers.
    from operations.private_paths import loggable_path

    logger.error(
        "Database unavailable (%s: %s); %s %s answered 503",
        type(error).__name__,
        error,
        request.method,
        loggable_path(request),
    )


__all__ = ["DatabaseError", "DatabaseFileGone", "is_database_outage", "outage_page"]
