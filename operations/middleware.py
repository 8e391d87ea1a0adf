"""The load balancer's probes, answered ahead of everything else.

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
"""

import logging

from django.http import HttpResponse

from .health import readiness_problems

logger = logging.getLogger("operations.health")

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
