from django.urls import path

from . import feeds, views

app_name = "comments"

urlpatterns = [
    path("stories/<slug:slug>/comments/", views.post_comment, name="post"),
    path("stories/<slug:slug>/comments/form-values/", views.form_values, name="form_values"),
    path("stories/<slug:slug>/comments/feed.rss", feeds.StoryCommentsFeed(), name="feed_rss"),
    path("stories/<slug:slug>/comments/feed.atom", feeds.StoryCommentsAtomFeed(), name="feed_atom"),
    path("comments/<id:pk>/", views.permalink, name="permalink"),
    path("comments/<id:pk>/report/", views.report, name="report"),
    path("privacy/", views.privacy, name="privacy"),
    path("notifications/confirm/<str:token>/", views.confirm_notifications, name="confirm_notifications"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe_notifications, name="unsubscribe"),
]
