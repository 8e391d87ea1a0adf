"""The load balancer's probes, answered ahead of everything else, and one log line per request.

`HealthProbeMiddleware` comes first in MIDDLEWARE and answers two exact paths, outside the
language prefix, before any other middleware runs:

- `GET /healthz`: 200 `ok` while the process answers. It touches neither the database nor the
  cache: a liveness probe that fails only when the process is stuck (restart it).
- `GET /readyz`: 200 `ready` when every check of settings.NEWSROOM_READY_CHECKS passes
  (operations.health), else 503 `not ready`, with each failing check's reason logged at WARNING
  on `operations.health`; `manage.py readiness` prints the same reasons to an operator.

Answered before Django reads the Host header, these never meet ALLOWED_HOSTS (a load balancer
probes `http://10.0.0.7:8000/readyz` by address) or the HTTPS redirect (it probes over plain
HTTP behind the TLS proxy). That is safe: the answer is a fixed word, built from nothing the
request says, and `Cache-Control: no-store` keeps it out of every cache. HEAD gets the status
without the body; other methods get 405.

`RequestLogMiddleware` comes next: it gives each request an id (the `X-Request-ID` header
of the proxy in front when it is sane, else a new one), returns it in the response's
`X-Request-ID`, puts it on every log line written meanwhile (operations.logs), and logs
`GET /en/ 200 12.3 ms` on `operations.requests` when the response is ready (a streamed body
may still be on its way). It logs no address, user agent, query string or cookie: only what
the path itself says, and for a path that is a key (a commenter's data link, a subscription's
links: operations.private_paths) only its URL pattern. The probes above are not logged (a load
balancer asks every few seconds); a failed readiness probe logs its own WARNING.
"""

import logging
import time

from django.conf import settings
from django.http import HttpResponse

from .health import readiness_problems
from .logs import current_request_id, printable, request_id_for
from .private_paths import loggable_path

logger = logging.getLogger("operations.health")
request_logger = logging.getLogger("operations.requests")

PROBE_PATHS = ("/healthz", "/readyz")


def probe_response(request, body, status):
    response = HttpResponse(b"" if request.method == "HEAD" else body, status=status, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def liveness(request):
    return probe_response(request, b"ok\n", 200)


def readiness(request):
    problems = readiness_problems()
    if not problems:
        return probe_response(request, b"ready\n", 200)
    logger.warning("Not ready: %s", "; ".join(f"{name}: {reason}" for name, reason in problems.items()))
    return probe_response(request, b"not ready\n", 503)


class HealthProbeMiddleware:
    """Answer /healthz and /readyz (see the module's docstring); pass every other request on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info not in PROBE_PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = probe_response(request, b"method not allowed\n", 405)
            response["Allow"] = "GET, HEAD"
            return response
        return liveness(request) if request.path_info == "/healthz" else readiness(request)


class RequestLogMiddleware:
    """Give the request an id, echo it in `X-Request-ID`, and log one line when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        # Kept until request_finished (operations.apps): Django logs a 4xx or 5xx on django.request after
        # the response has left the middleware.
        current_request_id.set(request_id)
        started = time.perf_counter()
        if settings.SENTRY_DSN:
            import sentry_sdk

            sentry_sdk.set_tag("request_id", request_id)
        try:
            response = self.get_response(request)
        except BaseException:
            # Even the error page failed (the server answers 500 itself): the request still gets its line.
            self.log(request, 500, started)
            raise
        response["X-Request-ID"] = request_id
        self.log(request, response.status_code, started)
        return response

    def log(self, request, status, started):
        """The request's line: method, path (escaped; a key's URL pattern), status (int), milliseconds since
        `started` (perf_counter)."""
        milliseconds = round((time.perf_counter() - started) * 1000, 1)
        method, path = printable(request.method or ""), printable(loggable_path(request))
        request_logger.info(
            "%s %s %s %.1f ms",
            method,
            path,
            status,
            milliseconds,
            extra={"method": method, "path": path, "status": status, "duration_ms": milliseconds},
        )
