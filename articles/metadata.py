"""What a page tells search engines and social networks: meta description, Open Graph,
Twitter Card and JSON-LD `NewsArticle`.

Pure functions of a story and a `PageInfo` (the page's absolute URLs and language), so tests
check them field by field; `templatetags/share.py` gathers the `PageInfo` from the request.
"""

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Open Graph names locales with a territory.
OG_LOCALES = {"en": "en_US", "ko": "ko_KR"}

# static/img/logo.png: the publisher's logo in JSON-LD and the image of share cards.
LOGO_PATH = "img/logo.png"
LOGO_WIDTH = LOGO_HEIGHT = 256

# static/img/video-poster.svg: the poster of a story's video (ours: nothing comes from the video host).
VIDEO_POSTER_PATH = "img/video-poster.svg"

# Characters that could end the <script> element or confuse an HTML parser inside it, as JSON
# escapes: JSON.parse and json.loads read them back as the same characters.
SCRIPT_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass(frozen=True)
class PageInfo:
    url: str  # the canonical URL
    origin: str  # scheme and host: https://news.example
    language: str  # the interface language: en, ko
    site_name: str
    home_url: str
    logo_url: str
    video_poster_url: str = ""  # absolute URL of VIDEO_POSTER_PATH

    def absolute(self, path):
        return f"{self.origin}{path}"


@dataclass(frozen=True)
class ShareImage:
    """The image a story is shared with: its lead photo's share rendition (photos.renditions.Share).

    `url` is absolute; `width` and `height` in px; `alt` in the page's language ("" when decorative).
    """

    url: str
    width: int
    height: int
    alt: str


def absolute_url(page, url):
    """`url` as given when the storage made it absolute (an object store), else on the page's origin."""
    if urlsplit(url).scheme:
        return url
    return page.absolute(url if url.startswith("/") else f"/{url}")


def share_image(story, page):
    """The `ShareImage` of `story` (its lead photo, at least 1200 px wide where the original is), or None.

    Reads `story.lead_photo`, which the story page's queryset selects with the story: no query.
    """
    photo = story.lead_photo
    if photo is None:
        return None
    rendition = photo.share_rendition()
    return ShareImage(
        url=absolute_url(page, rendition.url),
        width=rendition.width,
        height=rendition.height,
        alt=photo.text_for(page.language).alt,
    )


def image_tags(image, page):
    """The og:image and twitter:image tags: the lead photo with its size and alternative text, else the site's logo."""
    if image is None:
        return [("property", "og:image", page.logo_url)], [("name", "twitter:card", "summary")]
    og = [
        ("property", "og:image", image.url),
        ("property", "og:image:type", "image/jpeg"),
        ("property", "og:image:width", str(image.width)),
        ("property", "og:image:height", str(image.height)),
    ]
    twitter = [("name", "twitter:card", "summary_large_image"), ("name", "twitter:image", image.url)]
    if image.alt:
        og.append(("property", "og:image:alt", image.alt))
        twitter.append(("name", "twitter:image:alt", image.alt))
    return og, twitter


def local_iso(moment, zone):
    """ISO 8601 with the zone's offset: 2024-11-04T20:00:00+09:00."""
    return timezone.localtime(moment, zone).isoformat(timespec="seconds")


def published_and_modified(story):
    """Both times in the outlet's zone; a story is never modified before it is published."""
    if story.published_at is None:
        return None, None
    modified = max(story.updated_at or story.published_at, story.published_at)
    return local_iso(story.published_at, story.outlet.zone), local_iso(modified, story.outlet.zone)


def locale_tags(language):
    tags = [("property", "og:locale", OG_LOCALES.get(language, OG_LOCALES["en"]))]
    tags += [("property", "og:locale:alternate", locale) for code, locale in OG_LOCALES.items() if code != language]
    return tags


def page_share_tags(page, *, title, description):
    """`(attribute, name, content)` of each `<meta>` of an ordinary page (home, hashtag, outlet…)."""
    tags = [
        ("name", "description", description),
        ("property", "og:type", "website"),
        ("property", "og:site_name", page.site_name),
        ("property", "og:title", title),
        ("property", "og:description", description),
    ]
    if page.url:
        tags.append(("property", "og:url", page.url))
    tags += [("property", "og:image", page.logo_url), *locale_tags(page.language)]
    tags.append(("name", "twitter:card", "summary"))
    return tags


def story_share_tags(story, page):
    """`(attribute, name, content)` of each `<meta>` of a story page."""
    text = story.text_for(page.language)
    headline, description = text.headline, text.summary
    published, modified = published_and_modified(story)
    og_image, twitter_image = image_tags(share_image(story, page), page)
    tags = [
        ("name", "description", description),
        ("property", "og:type", "article"),
        ("property", "og:site_name", page.site_name),
        ("property", "og:title", headline),
        ("property", "og:description", description),
        ("property", "og:url", page.url),
        *og_image,
        *locale_tags(page.language),
    ]
    if published:
        tags += [("property", "article:published_time", published), ("property", "article:modified_time", modified)]
    tags += [("property", "article:tag", tag.name) for tag in story.hashtags.all()]
    tags += [
        *twitter_image,
        ("name", "twitter:title", headline),
        ("name", "twitter:description", description),
    ]
    return tags


def news_article(story, page, *, comment_count):
    """The schema.org `NewsArticle` of a story page, as a dict ready for `json.dumps`."""
    text = story.text_for(page.language)
    published, modified = published_and_modified(story)
    outlet = story.outlet
    outlet_json = {
        "@type": "Organization",
        "name": outlet.name,
        "url": page.absolute(outlet.get_absolute_url()),
    }
    same_as = [url for url in [outlet.homepage, *(link.url for link in outlet.social_links.all())] if url]
    if same_as:
        outlet_json["sameAs"] = same_as
    reporter_url = story.get_reporter_url()
    if story.reporter:
        author = {"@type": "Person", "name": story.reporter}
        if reporter_url:
            author["url"] = page.absolute(reporter_url)
    else:
        author = outlet_json
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page.url},
        "url": page.url,
        "headline": text.headline,
    }
    if text.other_headline:
        article["alternativeHeadline"] = {"@value": text.other_headline, "@language": text.other_headline_language}
    article["description"] = text.summary
    # The body as plain text (paragraphs separated by a blank line), in the page's language.
    article["articleBody"] = text.body_text
    # The language of the story's body, the bulk of what the page says.
    article["inLanguage"] = text.body_language
    image = share_image(story, page)
    if image is not None:
        article["image"] = image_object(image)
    if published:
        article["datePublished"] = published
        article["dateModified"] = modified
    article["author"] = author
    article["publisher"] = {
        "@type": "Organization",
        "name": page.site_name,
        "url": page.home_url,
        "logo": {"@type": "ImageObject", "url": page.logo_url, "width": LOGO_WIDTH, "height": LOGO_HEIGHT},
    }
    article["sourceOrganization"] = outlet_json
    if story.source_url:
        article["isBasedOn"] = story.source_url
    article["keywords"] = [tag.name for tag in story.hashtags.all()]
    article["commentCount"] = comment_count
    video = story.video
    if video is not None:
        article["video"] = video_object(story, video, text, published, page, image)
    corrections = correction_entries(story, page)
    if corrections:
        article["correction"] = corrections
    article["isAccessibleForFree"] = True
    return article


def image_object(image):
    """The schema.org `ImageObject` of a `ShareImage`."""
    entry = {"@type": "ImageObject", "url": image.url, "width": image.width, "height": image.height}
    if image.alt:
        entry["description"] = image.alt
    return entry


def video_object(story, video, text, published, page, image=None):
    """The schema.org `VideoObject` of a story's video (an `articles.video.Video`), in the page's language.

    Names and describes it with the story's headline and summary (the host's own title is never
    fetched); `uploadDate` is the story's publication time (`published`, ISO 8601 with the outlet's
    offset) as the upload time is not known; the thumbnail is our own poster: the lead photo's
    `ShareImage` (`image`) when the story has one, else the drawn poster.
    """
    entry = {
        "@type": "VideoObject",
        "name": text.headline,
        "description": text.summary or text.headline,
        "embedUrl": video.player_url(autoplay=False),
        "url": video.page_url,
        "thumbnailUrl": image.url if image else (page.video_poster_url or page.logo_url),
    }
    if published:
        entry["uploadDate"] = published
    return entry


def correction_entries(story, page):
    """schema.org `CorrectionComment`s of the story's corrections, newest first, in the page's language.

    Read from `story.corrections.all()` (prefetched newest first by `for_page()`); dates carry the
    outlet's offset, as `datePublished` of the article does.
    """
    entries = []
    for correction in story.corrections.all():
        text, language_of_text = correction.text_in(page.language)
        entries.append(
            {
                "@type": "CorrectionComment",
                "text": text,
                "inLanguage": language_of_text,
                "datePublished": local_iso(correction.published_at, story.outlet.zone),
                "url": f"{page.url}#correction-{correction.pk}",
            }
        )
    return entries


def json_ld_script(data):
    """`<script type="application/ld+json">` holding `data`; no text in it can end the element.

    The JSON is escaped for this context (SCRIPT_ESCAPES) before it is marked safe, as
    Django's own `json_script` does: `</script>` or `<!--` in a headline stays inside.
    """
    text = json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
