"""/media/ answered by Django, for development and `make serve` only (NEWSROOM_SERVE_MEDIA).

In production the web server or the object store serves uploads (README "Photos"): Django would
hold a worker for each file. Names never change content (originals have random names, renditions
hashed ones), so a browser may keep a file for a year.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

CACHE_CONTROL = "public, max-age=31536000, immutable"


@require_safe
def media_file(request, path):
    """The file at `path` under MEDIA_ROOT (404 when absent, never a folder listing), cached for a year."""
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:
        raise Http404("No such upload.") from None
    response["Cache-Control"] = CACHE_CONTROL
    return response
