from django.urls import path

from . import data_views, feeds, views

app_name = "comments"

urlpatterns = [
    path("stories/<slug:slug>/comments/", views.post_comment, name="post"),
    path("stories/<slug:slug>/comments/form-values/", views.form_values, name="form_values"),
    path("stories/<slug:slug>/comments/feed.rss", feeds.StoryCommentsFeed(), name="feed_rss"),
    path("stories/<slug:slug>/comments/feed.atom", feeds.StoryCommentsAtomFeed(), name="feed_atom"),
    path("comments/<id:pk>/", views.permalink, name="permalink"),
    path("comments/<id:pk>/report/", views.report, name="report"),
    path("comments/<id:pk>/edit/", views.edit, name="edit"),
    path("comments/<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("privacy/", views.privacy, name="privacy"),
    path("notifications/confirm/<str:token>/", views.confirm_notifications, name="confirm_notifications"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe_notifications, name="unsubscribe"),
    path("comments/your-data/", data_views.your_data, name="your_data"),
    path("comments/your-data/<str:token>/", data_views.your_data_link, name="your_data_link"),
    path("comments/your-data/<str:token>/download/", data_views.your_data_download, name="your_data_download"),
    path("comments/your-data/<str:token>/erase/", data_views.your_data_erase, name="your_data_erase"),
]
