from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.StoryListView.as_view(), name="home"),
    path("stories/<slug:slug>/", views.StoryDetailView.as_view(), name="story"),
    path("tags/<str:slug>/", views.HashtagView.as_view(), name="hashtag"),
    path("search/", views.SearchView.as_view(), name="search"),
]
