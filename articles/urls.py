from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.StoryListView.as_view(), name="home"),
    path("stories/<slug:slug>/", views.StoryDetailView.as_view(), name="story"),
    path("tags/", views.HashtagIndexView.as_view(), name="hashtags"),
    path("tags/<str:slug>/", views.HashtagView.as_view(), name="hashtag"),
    path("outlets/<str:slug>/", views.OutletView.as_view(), name="outlet"),
    path("reporters/<str:slug>/", views.ReporterView.as_view(), name="reporter"),
]
