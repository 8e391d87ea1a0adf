"""Reader-facing pages: the latest stories, one story, one hashtag."""

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView

from .models import Hashtag, Story, hashtag_slug


class StoryListView(ListView):
    template_name = "articles/story_list.html"
    context_object_name = "stories"

    def get_paginate_by(self, queryset):
        return settings.NEWSROOM_STORIES_PER_PAGE

    def get_queryset(self):
        return Story.objects.published().for_listing()


class StoryDetailView(DetailView):
    """A published story; staff may also preview drafts and scheduled stories."""

    template_name = "articles/story_detail.html"
    context_object_name = "story"

    def get_queryset(self):
        stories = Story.objects.for_page()
        if self.request.user.is_staff:
            return stories
        return stories.published()


class HashtagView(StoryListView):
    template_name = "articles/hashtag_detail.html"

    def get(self, request, *args, **kwargs):
        canonical = hashtag_slug(kwargs["slug"])
        if canonical != kwargs["slug"]:
            return redirect("articles:hashtag", slug=canonical, permanent=True)
        self.hashtag = get_object_or_404(Hashtag, slug=canonical)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return super().get_queryset().filter(hashtags=self.hashtag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(hashtag=self.hashtag, **kwargs)
