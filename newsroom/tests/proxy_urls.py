"""The site's URLs plus pages that a shared cache may keep, for the tests through Varnish (test_varnish.py).

Pages that say `public, s-maxage` with parameters of the test's choosing: a story's headline and
approved comments, named by `X-Newsroom-Stories`, and a listing; and pages that say what reached
Django (its cookies, its scheme and request id).
"""

from django.http import HttpResponse
from django.urls import path

from articles.models import Story
from comments.models import Comment
from newsroom.urls import urlpatterns as site_urlpatterns


def shared(response, stories, request):
    """`response` marked for shared caches (s-maxage and stale-while-revalidate from ?s=&swr=), naming `stories`."""
    s_maxage, swr = request.GET.get("s", "600"), request.GET.get("swr", "30")
    response["Cache-Control"] = f"public, max-age=0, s-maxage={s_maxage}, stale-while-revalidate={swr}"
    response["X-Newsroom-Stories"] = stories
    return response


def story_text(request, pk):
    """What a story page shows: its headline, then its approved comments, one a line."""
    story = Story.objects.get(pk=pk)
    texts = Comment.objects.filter(story=story, status=Comment.Status.APPROVED).order_by("pk")
    lines = [story.headline, *texts.values_list("text", flat=True)]
    return shared(HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8"), str(pk), request)


def story_listing(request):
    """What a listing page shows: the headline of every public story (but the one ?exclude= names)."""
    stories = Story.objects.published().exclude(pk=request.GET.get("exclude") or None).order_by("pk")
    stories = list(stories.values_list("pk", "headline"))
    text = "\n".join(headline for _, headline in stories)
    names = " ".join(["listings", *(str(pk) for pk, _ in stories)])
    return shared(HttpResponse(text, content_type="text/plain; charset=utf-8"), names, request)


def cookie_names(request):
    """A personal page: the names of the cookies it was sent."""
    response = HttpResponse(" ".join(sorted(request.COOKIES)), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private"
    return response


def request_seen(request):
    """What Django was told of the request, `<scheme> <request id>`: a personal page, or one a shared
    cache may keep with `?shared=1` (the scheme and id then are those of the render that filled it)."""
    response = HttpResponse(f"{request.scheme} {request.request_id}", content_type="text/plain; charset=utf-8")
    if request.GET.get("shared") == "1":
        return shared(response, "listings", request)
    response["Cache-Control"] = "private"
    return response


urlpatterns = [
    path("proxy-test/stories/<int:pk>/", story_text),
    path("proxy-test/listing/", story_listing),
    path("proxy-test/cookies/", cookie_names),
    path("proxy-test/request/", request_seen),
    *site_urlpatterns,
]
