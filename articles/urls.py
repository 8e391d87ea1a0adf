from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="home"),
    path("stories/<slug:slug>/", views.StoryDetailView.as_view(), name="story"),
    path("tags/", views.HashtagIndexView.as_view(), name="hashtags"),
    path("tags/<hashtag:slug>/", views.HashtagView.as_view(), name="hashtag"),
    path("feeds/stories.rss", feeds.LatestStoriesFeed(), name="feed_rss"),
    path("feeds/stories.atom", feeds.LatestStoriesAtomFeed(), name="feed_atom"),
    path("tags/<hashtag:slug>/feed.rss", feeds.HashtagFeed(), name="hashtag_feed_rss"),
    path("tags/<hashtag:slug>/feed.atom", feeds.HashtagAtomFeed(), name="hashtag_feed_atom"),
    path("corrections/", views.CorrectionListView.as_view(), name="corrections"),
    path("corrections/feed.rss", feeds.CorrectionsFeed(), name="corrections_feed_rss"),
    path("corrections/feed.atom", feeds.CorrectionsAtomFeed(), name="corrections_feed_atom"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("outlets/<outlet:slug>/", views.OutletView.as_view(), name="outlet"),
    path("sections/<section:slug>/", views.SectionView.as_view(), name="section"),
    path("sections/<section:slug>/feed.rss", feeds.SectionFeed(), name="section_feed_rss"),
    path("sections/<section:slug>/feed.atom", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("reporters/<reporter:slug>/", views.ReporterView.as_view(), name="reporter"),
]
