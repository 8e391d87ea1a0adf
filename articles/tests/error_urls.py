"""The site's URLs plus one view that fails, to see the real 500 page."""

from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug on purpose")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]
handler500 = "resilience.views.server_error"
