"""Root URLs: the admin and the apps. Configuration only, no views here."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    path("", include("comments.urls")),
]

handler500 = "articles.views.server_error"
