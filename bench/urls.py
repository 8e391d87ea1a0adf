"""The site's URLs plus the smallest Django view, as the benchmark's yardstick."""

from django.http import HttpResponse
from django.urls import path

from bench.floor import floor_view
from newsroom.urls import urlpatterns as site_urlpatterns


def minimal_view(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/minimal/", minimal_view), path("bench/floor/", floor_view), *site_urlpatterns]
