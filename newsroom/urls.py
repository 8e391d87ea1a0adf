"""Root URLs: the admin, and the apps under a language prefix (/en/, /ko/). Configuration only."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("", include("comments.urls")),
)

handler500 = "articles.views.server_error"
