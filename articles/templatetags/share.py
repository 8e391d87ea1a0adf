"""`{% page_share_meta %}`, `{% story_share_meta %}`, `{% story_json_ld %}`: the page's metadata.

The tags gather the page's absolute URLs and language; `articles.metadata` builds the content.
"""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language

from articles import metadata

register = template.Library()


def page_info(context):
    request = context.get("request")
    if request is None:
        return None
    origin = f"{request.scheme}://{request.get_host()}"
    return metadata.PageInfo(
        url=context.get("canonical_url") or "",
        origin=origin,
        language=get_language(),
        site_name=context.get("site_name") or settings.NEWSROOM_SITE_NAME,
        home_url=origin + reverse("articles:home"),
        logo_url=request.build_absolute_uri(static(metadata.LOGO_PATH)),
        video_poster_url=request.build_absolute_uri(static(metadata.VIDEO_POSTER_PATH)),
    )


@register.inclusion_tag("_share_meta.html", takes_context=True)
def page_share_meta(context, title, description):
    page = page_info(context)
    if page is None:
        return {"tags": []}
    return {"tags": metadata.page_share_tags(page, title=str(title), description=str(description))}


@register.inclusion_tag("_share_meta.html", takes_context=True)
def story_share_meta(context, story):
    page = page_info(context)
    return {"tags": metadata.story_share_tags(story, page) if page else []}


@register.simple_tag(takes_context=True)
def story_json_ld(context, story, comment_count):
    page = page_info(context)
    if page is None:
        return ""
    return metadata.json_ld_script(metadata.news_article(story, page, comment_count=comment_count))
