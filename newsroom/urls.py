"""Root URLs: the admin, what crawlers read (robots.txt, sitemaps), the apps under /en/ and /ko/,
and /media/ where Django itself serves uploads (development and `make serve`: NEWSROOM_SERVE_MEDIA)."""

import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from photos.views import media_file

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.crawler_urls")),
]

if settings.NEWSROOM_SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    urlpatterns.append(re_path(rf"^{re.escape(settings.MEDIA_URL.strip('/'))}/(?P<path>.+)$", media_file, name="media"))

urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("", include("comments.urls")),
)

handler400 = "resilience.views.bad_request"
handler500 = "resilience.views.server_error"
