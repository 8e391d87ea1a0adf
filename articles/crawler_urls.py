"""Addresses crawlers and browsers look for at the site's root, outside the language prefix."""

from django.contrib.sitemaps.views import index, sitemap
from django.urls import path

from . import sitemaps, views

app_name = "crawlers"

urlpatterns = [
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "crawlers:sitemap_section"},
        name="sitemap",
    ),
    # One section of the index, `?p=2`… for its further files; an unknown section or page is a 404.
    path("sitemap-<section>.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap_section"),
    path(
        "news-sitemap.xml",
        sitemap,
        {"sitemaps": {"news": sitemaps.NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="news_sitemap",
    ),
]
