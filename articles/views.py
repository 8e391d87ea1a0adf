"""Reader-facing pages: the latest stories, one story, one hashtag, search."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, ListView

from . import page_cache, search
from .models import Hashtag, Story, hashtag_slug


class StoryListView(ListView):
    template_name = "articles/story_list.html"
    context_object_name = "stories"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_STORIES_PER_PAGE

    def get_queryset(self):
        return Story.objects.published().for_listing()


class StoryDetailView(DetailView):
    """A published story; editors may also preview drafts and scheduled stories."""

    template_name = "articles/story_detail.html"
    context_object_name = "story"

    def get_queryset(self):
        stories = Story.objects.for_page()
        if self.request.user.is_staff and self.request.user.has_perm("articles.view_story"):
            return stories
        return stories.published()

    def get(self, request, *args, **kwargs):
        if not page_cache.can_use_cache(request):
            return super().get(request, *args, **kwargs)
        row = page_cache.published_version(kwargs["slug"])
        if row is None:
            raise Http404("No published story at this address.")
        key = page_cache.cache_key(row, request)
        pieces = page_cache.load(key)
        if pieces is not None:
            response = HttpResponse(page_cache.fill(pieces, request, row.id))
            patch_vary_headers(response, ["Cookie"])
            return response
        response = super().get(request, *args, **kwargs)
        response.render()
        page_cache.store(key, response)
        return response

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if not self.object.is_public:
            # A preview must never be kept by a cache and shown to readers.
            add_never_cache_headers(response)
        return response


class HashtagView(StoryListView):
    template_name = "articles/hashtag_detail.html"

    def get(self, request, *args, **kwargs):
        canonical = hashtag_slug(kwargs["slug"])
        if canonical != kwargs["slug"]:
            url = reverse("articles:hashtag", kwargs={"slug": canonical})
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        self.hashtag = get_object_or_404(Hashtag, slug=canonical)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(hashtags=self.hashtag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(hashtag=self.hashtag, **kwargs)


class SearchView(ListView):
    """Published stories containing the reader's words, best first (articles/search.py)."""

    template_name = "articles/search.html"
    context_object_name = "hits"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_STORIES_PER_PAGE

    def get(self, request, *args, **kwargs):
        self.query = search.parse_query(request.GET.get("q", ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return search.StorySearch(self.query, language=get_language())

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, max_length=search.MAX_QUERY_LENGTH, **kwargs)


@requires_csrf_token
def server_error(request):
    """The 500 page. Plain context only: whatever failed must not fail again here."""
    return render(request, "500.html", {"site_name": settings.NEWSROOM_SITE_NAME}, status=500)
