"""A URLconf whose view fails and whose 500 page fails too: the exception leaves Django to the server."""

from django.urls import path


def broken(request):
    raise RuntimeError("the view failed")


def broken_error_page(request):
    raise RuntimeError("the 500 page failed too")


urlpatterns = [path("broken/", broken)]
handler500 = broken_error_page
