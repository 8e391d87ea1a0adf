"""The pages a reader reaches, in each language, for the whole-site checks (HTML validity, axe).

They live with the project rather than an app because they cross apps: the story page carries
the comments, the report page belongs to comments, the 404 page to the project.
"""

import datetime as dt
from io import StringIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Hashtag, Section, Story
from articles.rich_text import photo_reference
from comments.commenter_data import data_link_path, data_of_address
from comments.models import Comment, Subscriber
from comments.status import set_pick
from comments.subscriptions import address_key, confirmation_path, unsubscribe_path
from photos.models import Photo

DEMO_STORIES = Path(__file__).resolve().parents[2] / "demo" / "stories"
DEMO_CORRECTIONS = DEMO_STORIES.parent / "corrections.json"
DEMO_VIDEOS = DEMO_STORIES.parent / "videos.json"
DEMO_PHOTOS = DEMO_STORIES.parent / "photos.json"
# The demo story with a YouTube video (demo/videos.json).
VIDEO_SLUG = "riverside-film-night-screens-open-licence-animated-short-big-buck-bunny"
# The demo story with a Korean body and comments, and one whose body is in English only.
KOREAN_BODY_SLUG = "mapo-district-library-extends-opening-hours-for-exam-season"
ENGLISH_ONLY_SLUG = "line-9-trains-to-add-quiet-cars-and-step-free-boarding-upgrades"
# The demo story whose English is edited after its Korean: its Korean page says the Korean may be stale.
KOREAN_STALE_SLUG = "tallinn-harbour-hosts-korean-port-cities-culture-week"
# A demo story with a lead photo (demo/photos.json; the film-night story's photo is its video's poster).
PHOTO_SLUG = "yeouido-riverside-night-market-opens-with-strict-food-waste-rules"
LANGUAGES = ["en", "ko"]
# Filled in by a reader who mistypes the address: the form comes back with its errors.
MISTYPED_COMMENT = {
    "text": "Will the reading room open on public holidays too?",
    "author_name": "Park Min",
    "author_email": "not-an-address",
}


def place_photo(slug, field, photo):
    """Put `photo` in the body `field` ("body", "body_ko") of the story `slug`, after its first paragraph,
    as the editor's "Insert photo" does, and save."""
    story = Story.objects.get(slug=slug)
    first, rest = getattr(story, field).split("</p>", 1)
    alt = photo.text_for("ko" if field == "body_ko" else "en").alt
    setattr(story, field, first + "</p>" + photo_reference(photo.pk, photo.w800.url, alt) + rest)
    story.save()


def import_demo_site():
    """The demo stories with their outlets, sections, hashtags and comments (both languages, replies),
    the correction of the story with a Korean body, the video of the film-night story and the lead photos.

    The English of one (KOREAN_STALE_SLUG) is then edited, so its Korean page carries the stale-Korean notice.
    Photos are placed in two bodies: the metro map in the English-only story (its Korean page shows it in
    English), the reading room in the Korean body of the library story (in Korean on both its pages).
    """
    # A migration makes the first sections; a transactional test before this one flushed them.
    Section.objects.get_or_create(
        slug="korea", defaults={"name": "Korea", "name_ko": "한국", "position": 20, "claimed_hashtags": "#Seoul #서울"}
    )
    call_command("import_story", str(DEMO_STORIES), stdout=StringIO(), stderr=StringIO())
    call_command("import_corrections", str(DEMO_CORRECTIONS), stdout=StringIO(), stderr=StringIO())
    call_command("import_videos", str(DEMO_VIDEOS), stdout=StringIO(), stderr=StringIO())
    call_command("import_photos", str(DEMO_PHOTOS), stdout=StringIO(), stderr=StringIO())
    edited = Story.objects.get(slug=KOREAN_STALE_SLUG)
    # The update uses every part of the body format, so the validity and accessibility tests see each.
    edited.body += (
        "<h2>Update</h2>"
        '<p>The closing concert moves <strong>indoors</strong>, the <a href="https://harbour.example/">harbour '
        'office</a> said; see <a href="/en/corrections/">our corrections</a>.<br>Doors open at <em>seven</em>.</p>'
        "<h3>What to bring</h3><ul><li><p>A ticket</p></li><li><p>An umbrella</p></li></ul>"
        "<ol><li><p>Queue at the pier</p></li><li><p>Board the shuttle</p></li></ol>"
        "<blockquote><p>We would rather keep everyone dry.</p></blockquote>"
    )
    edited.save()
    # The Line 9 map is in the English-only story's body already: demo/photos.json places it.
    place_photo(KOREAN_BODY_SLUG, "body_ko", Photo.objects.get(caption__startswith="The reading room"))
    make_demo_badges_and_picks()
    make_demo_subscribers()


def make_demo_badges_and_picks():
    """On the library story (KOREAN_BODY_SLUG): a reply from the account that wrote it ("Reporter"), one
    in Korean from another staff account ("Newsroom"), and its first reader's comment an editor's pick:
    the badges and the "Editor's picks" list, for the whole-site checks."""
    users = get_user_model().objects
    reporter, _ = users.get_or_create(username="demo-reporter", defaults={"is_staff": True})
    desk, _ = users.get_or_create(username="demo-desk", defaults={"is_staff": True})
    desk.groups.add(Group.objects.get(name="Editors"))
    story = Story.objects.get(slug=KOREAN_BODY_SLUG)
    Story.objects.filter(pk=story.pk).update(created_by=reporter)
    first = Comment.objects.approved().filter(story=story).order_by("created_at", "pk").first()
    for user, name, text in [
        (reporter, "Choi Min-jung", "The library says the extra hours run until the end of the exam period."),
        (desk, "편집국", "도서관은 이용 시간 연장을 다음 시험 기간에도 검토하겠다고 밝혔습니다."),
    ]:
        Comment.objects.get_or_create(
            story=story,
            text=text,
            defaults={
                "parent": first,
                "author_name": name,
                "status": Comment.Status.APPROVED,
                "created_at": max(story.published_at, timezone.now() - dt.timedelta(hours=1)),
                "user": user,
            },
        )
    set_pick(first, True, actor=desk)


# Addresses in each state the confirmation and unsubscribe pages show: (address, confirmed, unsubscribed).
DEMO_SUBSCRIBERS = {
    "waiting": ("waiting@example.org", False, False),
    "confirmed": ("confirmed@example.org", True, False),
    "unsubscribed": ("unsubscribed@example.org", False, True),
}


def make_demo_subscribers():
    """One notification subscriber per state of DEMO_SUBSCRIBERS, for their confirm and unsubscribe pages."""
    for name, (email, confirmed, unsubscribed) in DEMO_SUBSCRIBERS.items():
        Subscriber.objects.get_or_create(
            address_key=address_key(email),
            defaults={
                "email": email,
                "language": "en",
                "token": f"demo-{name}-token",
                "confirmed_at": timezone.now() if confirmed else None,
                "unsubscribed_at": timezone.now() if unsubscribed else None,
            },
        )


def reader_pages(language):
    """{name: path} of every kind of page a reader can open, in `language`."""
    story = Story.objects.get(slug=KOREAN_BODY_SLUG)
    comment = Comment.objects.approved().filter(story=story).order_by("pk").first()
    with translation.override(language):
        home = reverse("articles:home")
        return {
            "home": home,
            "story": story.get_absolute_url(),
            "story-newest-comments": story.get_absolute_url() + "?comments=newest",
            "story-english-only": reverse("articles:story", kwargs={"slug": ENGLISH_ONLY_SLUG}),
            "story-korean-stale": reverse("articles:story", kwargs={"slug": KOREAN_STALE_SLUG}),
            "story-video": reverse("articles:story", kwargs={"slug": VIDEO_SLUG}),
            "story-photo": reverse("articles:story", kwargs={"slug": PHOTO_SLUG}),
            "hashtag": Hashtag.objects.get(name="서울").get_absolute_url(),
            "not-found": f"{home}no-such-page/",
            "bad-request": f"{home}?page=%00",
            "report": reverse("comments:report", kwargs={"pk": comment.pk}),
            "search": reverse("articles:search") + ("?q=도서관" if language == "ko" else "?q=library"),
            "hashtags": reverse("articles:hashtags"),
            "corrections": reverse("articles:corrections"),
            "outlet": reverse("articles:outlet", kwargs={"slug": story.outlet.slug}),
            "section": story.section.get_absolute_url(),
            "reporter": reverse("articles:reporter", kwargs={"slug": story.reporter_slug}),
            "privacy": reverse("comments:privacy"),
            **notification_pages(),
            **your_data_pages(),
        }


def notification_pages():
    """{name: path} of the confirmation and unsubscribe pages in each state, in the active language."""
    subscribers = {name: Subscriber.objects.get(email=email) for name, (email, *_) in DEMO_SUBSCRIBERS.items()}
    return {
        "confirm": confirmation_path(subscribers["waiting"]),
        "confirm-done": confirmation_path(subscribers["confirmed"]),
        "confirm-invalid": reverse("comments:confirm_notifications", kwargs={"token": "not-a-signed-token"}),
        "unsubscribe": unsubscribe_path(subscribers["confirmed"]),
        "unsubscribe-done": unsubscribe_path(subscribers["unsubscribed"]),
    }


def your_data_pages():
    """{name: path} of the "Your comments" pages (comments/data_views.py) in the active language: the
    form, what it answers, and the pages of a link (of a demo subscriber's address) and of a bad one."""
    form = reverse("comments:your_data")
    link = data_link_path(data_of_address(DEMO_SUBSCRIBERS["confirmed"][0]))
    return {
        "your-data": form,
        "your-data-sent": f"{form}?sent",
        "your-data-link": link,
        "your-data-erase": f"{link}erase/",
        "your-data-invalid": reverse("comments:your_data_link", kwargs={"token": "not-a-signed-token"}),
    }
