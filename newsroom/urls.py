"""Root URLs: the admin, what crawlers read (robots.txt, sitemaps), the apps under /en/ and /ko/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.crawler_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("", include("comments.urls")),
)

handler500 = "articles.views.server_error"
