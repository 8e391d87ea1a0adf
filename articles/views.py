"""Reader-facing pages: the front page, one story, the hashtags, one hashtag, section, outlet or reporter,
search, the corrections."""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from . import page_cache, search
from .models import (
    Correction,
    FrontPagePin,
    Hashtag,
    Outlet,
    Section,
    Story,
    hashtag_slug,
    name_slug,
    pinned_stories,
)


def redirect_keeping_query(request, url_name, slug):
    """To the one spelling of a page's address (`#Ukraine` → `ukraine`), with the same query."""
    url = reverse(url_name, kwargs={"slug": slug})
    query = request.GET.urlencode()  # decoded and encoded again: raw bytes never reach the page
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


class ListingPage:
    """A page that lists stories: it tells the page cache which (`stories_shown`, X-Newsroom-Stories)."""

    def render_to_response(self, context, **response_kwargs):
        page_cache.note_stories(self.request, self.stories_shown(context))
        return super().render_to_response(context, **response_kwargs)

    def stories_shown(self, context):
        return context.get("stories", ())


class StoryListView(ListingPage, ListView):
    template_name = "articles/story_list.html"
    context_object_name = "stories"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_STORIES_PER_PAGE

    def get_queryset(self):
        return Story.objects.published().for_listing()


class FrontPageView(StoryListView):
    """The front page: the pinned lead, up to NEWSROOM_FEATURED_STORIES pinned featured stories, then the latest.

    A pin's change moves the listings version (the page cache shows it at once) and the page
    tells the cache when the next pin lapses. Without a pinned lead the newest story leads, as on
    any first page. A pinned story is not repeated among the latest, on any page.
    """

    def get(self, request, *args, **kwargs):
        now = timezone.now()
        pins = list(FrontPagePin.objects.showing(now))
        page_cache.page_changes_at(request, min((pin.ends_at for pin in pins if pin.ends_at), default=None))
        self.lead = pinned_stories(pin for pin in pins if pin.slot == FrontPagePin.Slot.LEAD)[:1]
        self.featured = pinned_stories(pin for pin in pins if pin.slot == FrontPagePin.Slot.FEATURED)[
            : settings.NEWSROOM_FEATURED_STORIES
        ]
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().exclude(pk__in=[story.pk for story in self.lead + self.featured])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1 and (self.lead or self.featured):
            latest = list(context["stories"])
            lead = self.lead or latest[:1]
            context["stories"] = [*lead, *self.featured, *latest[len(lead) - len(self.lead) :]]
        return context


class StoryDetailView(DetailView):
    """A published story; editors may also preview drafts and scheduled stories, reporters their own.

    Served from the page cache to visitors without personal cookies (`articles.page_cache`).
    """

    template_name = "articles/story_detail.html"
    context_object_name = "story"

    def get_queryset(self):
        return Story.objects.for_page().previewable_by(self.request.user)

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
            return redirect_keeping_query(request, "articles:hashtag", canonical)
        self.hashtag = get_object_or_404(Hashtag, slug=canonical)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(hashtags=self.hashtag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(hashtag=self.hashtag, **kwargs)


class SectionView(StoryListView):
    """A section's published stories, newest first."""

    template_name = "articles/section_detail.html"

    def get(self, request, *args, **kwargs):
        self.section = get_object_or_404(Section, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        language = get_language()
        return super().get_context_data(
            section=self.section,
            section_name=self.section.name_in(language),
            section_name_language=self.section.name_language_in(language),
            **kwargs,
        )


class SearchView(ListingPage, ListView):
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

    def stories_shown(self, context):
        return [hit.story for hit in context["hits"]]


class HashtagIndexView(ListingPage, ListView):
    """Every hashtag of a published story, most used first, with its story count."""

    template_name = "articles/hashtag_index.html"
    context_object_name = "hashtags"
    paginate_by = 100

    def get_queryset(self):
        return Hashtag.objects.in_use()


class OutletView(StoryListView):
    """An outlet's latest stories."""

    template_name = "articles/outlet_detail.html"

    def get(self, request, *args, **kwargs):
        self.outlet = get_object_or_404(Outlet.objects.prefetch_related("social_links"), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(outlet=self.outlet)

    def get_context_data(self, **kwargs):
        return super().get_context_data(outlet=self.outlet, **kwargs)


class ReporterView(StoryListView):
    """Every story under one byline; the slug is made from the byline (`Story.reporter_slug`)."""

    template_name = "articles/reporter_detail.html"

    def get(self, request, *args, **kwargs):
        self.reporter_slug = name_slug(kwargs["slug"], Story._meta.get_field("reporter_slug").max_length)
        if not self.reporter_slug:
            raise Http404("No reporter at this address.")
        if self.reporter_slug != kwargs["slug"]:
            return redirect_keeping_query(request, "articles:reporter", self.reporter_slug)
        # The newest story's spelling of the byline names the page.
        stories = Story.objects.published().by_reporter(self.reporter_slug).order_by("-published_at", "-id")
        self.reporter = stories.values_list("reporter", flat=True).first()
        if self.reporter is None:
            raise Http404("No published story under this byline.")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().by_reporter(self.reporter_slug)

    def get_context_data(self, **kwargs):
        return super().get_context_data(reporter=self.reporter, **kwargs)


class CorrectionListView(ListingPage, ListView):
    """Every correction of a public story, newest first, each linking to its story."""

    template_name = "articles/correction_list.html"
    context_object_name = "corrections"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_STORIES_PER_PAGE

    def get_queryset(self):
        return Correction.objects.public().for_listing()

    def stories_shown(self, context):
        return [correction.story_id for correction in context["corrections"]]


@require_safe
def favicon(request):
    """/favicon.ico, which browsers and feed readers ask for whatever a page links: to the icon.

    A temporary redirect (302) to the static PNG, so a new icon (a new hashed file name) is seen.
    """
    return HttpResponseRedirect(static("img/favicon.png"))
