"""Addresses crawlers and browsers look for at the site's root, outside the language prefix."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import sitemaps, views

app_name = "crawlers"

urlpatterns = [
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
    path(
        "news-sitemap.xml",
        sitemap,
        {"sitemaps": {"news": sitemaps.NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="news_sitemap",
    ),
]
