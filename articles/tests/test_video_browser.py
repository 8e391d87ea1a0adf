"""A story's video in a real browser: nothing from the video host before the reader presses play.

Every request the page makes is recorded (`page.on("request")`). The test server has no
Internet: the players' addresses are answered by a stub page (`page.route`), so the test sees
when, and with which address, the browser asks for the player. Screenshots go to artifacts/
(video-en-360.png, video-ko-1280.png, video-en-1280-playing.png…).
"""

from urllib.parse import urlsplit

import pytest

from articles.models import Story
from conftest import axe_violations
from newsroom.tests.site_pages import VIDEO_SLUG, import_demo_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAYER = "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"
STUB_PLAYER = "<!doctype html><html lang='en'><title>Stub player</title><p>Stub player</p></html>"
PASSWORD = "a long admin password for the browser"
NIGHT_MARKET_SLUG = "yeouido-riverside-night-market-opens-with-strict-food-waste-rules"
LIGHT_BACKGROUND = "rgb(255, 255, 255)"
DARK_BACKGROUND = "rgb(33, 37, 41)"


@pytest.fixture
def site(live_server):
    import_demo_site()
    return live_server


def story_path(language):
    return f"/{language}/stories/{VIDEO_SLUG}/"


def watch(page, site):
    """Record the address of every request the page makes; answer the video hosts with the stub player."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for pattern in ("https://*.youtube-nocookie.com/**", "https://*.youtube.com/**", "https://*.vimeo.com/**"):
        page.route(pattern, lambda route: route.fulfill(status=200, content_type="text/html", body=STUB_PLAYER))
    page.route("https://*.ytimg.com/**", lambda route: route.abort())
    page.route("https://*.vimeocdn.com/**", lambda route: route.abort())
    return requests


def elsewhere(requests, site):
    own = urlsplit(site.url).netloc
    return [address for address in requests if urlsplit(address).netloc != own and not address.startswith("data:")]


def test_reader_presses_play_and_only_then_the_nocookie_player_loads(site, page, artifacts_dir):
    requests = watch(page, site)
    page.goto(site.url + story_path("en"))
    page.wait_for_load_state("networkidle")
    assert elsewhere(requests, site) == []
    poster = page.get_by_role("button", name="Play the video “Riverside Film Night Screens")
    assert poster.count() == 1
    page.screenshot(path=artifacts_dir / "video-en-1280.png", full_page=False)

    poster.click()
    frame = page.locator("iframe.story-video-frame")
    frame.wait_for()
    page.wait_for_load_state("networkidle")
    assert elsewhere(requests, site) == [PLAYER]
    assert frame.get_attribute("src") == PLAYER
    assert frame.get_attribute("title").startswith("Video player (YouTube): Riverside Film Night")
    assert frame.get_attribute("allow") == "autoplay; encrypted-media; fullscreen; picture-in-picture"
    assert frame.get_attribute("referrerpolicy") == "strict-origin-when-cross-origin"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    assert page.frame_locator("iframe.story-video-frame").locator("p").inner_text() == "Stub player"
    page.screenshot(path=artifacts_dir / "video-en-1280-playing.png", full_page=False)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_keyboard_user_starts_the_video_with_enter(site, page, language):
    requests = watch(page, site)
    page.goto(site.url + story_path(language))
    poster = page.locator(".story-video-poster")
    poster.focus()
    assert poster.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    assert elsewhere(requests, site) == []
    page.keyboard.press("Enter")
    page.locator("iframe.story-video-frame").wait_for()
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    assert elsewhere(requests, site) == [PLAYER]


def test_space_also_starts_the_video(site, page):
    watch(page, site)
    page.goto(site.url + story_path("en"))
    page.locator(".story-video-poster").focus()
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press(" ")
    page.locator("iframe.story-video-frame").wait_for()
    assert page.evaluate("window.scrollY") == scrolled  # Space pressed the button; it did not scroll the page


def test_without_javascript_the_poster_is_a_link_to_the_video_on_youtube(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests = watch(page, site)
    page.goto(site.url + story_path("en"))
    link = page.get_by_role("link", name="Watch the video “Riverside Film Night")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
    assert "on YouTube (opens YouTube)" in link.get_attribute("aria-label")
    assert elsewhere(requests, site) == []
    link.click()
    page.wait_for_url("https://www.youtube.com/watch?v=aqz-KE-bpKQ")
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_video_story_has_no_axe_violations_in_light_or_dark(site, browser, artifacts_dir, language, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    requests = watch(page, site)
    page.goto(site.url + story_path(language))
    found = {}
    for scheme, background in [("light", LIGHT_BACKGROUND), ("dark", DARK_BACKGROUND)]:
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        page.wait_for_function(f"getComputedStyle(document.body).backgroundColor === '{background}'")
        found[scheme] = axe_violations(page)
        page.screenshot(path=artifacts_dir / f"video-{language}-{width}-{scheme}.png", full_page=False)
    assert found == {"light": [], "dark": []}
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert elsewhere(requests, site) == []
    context.close()


def test_editor_adds_a_video_in_admin_and_readers_get_it_on_play_only(site, page, browser, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.com", PASSWORD)
    story = Story.objects.get(slug=NIGHT_MARKET_SLUG)
    page.goto(site.url + "/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    change = f"{site.url}/admin/articles/story/{story.pk}/change/"
    page.goto(change)
    page.fill("#id_video_url", "https://www.dailymotion.com/video/x8abcd")
    page.click("input[name=_continue]")
    error = page.locator(".field-video_url .errorlist")
    assert "Only YouTube and Vimeo videos can be embedded" in error.inner_text()
    assert page.input_value("#id_video_url") == "https://www.dailymotion.com/video/x8abcd"

    page.fill("#id_video_url", "https://youtu.be/aqz-KE-bpKQ?t=90")
    page.click("input[name=_continue]")
    assert "was changed successfully" in page.locator(".messagelist").first.inner_text()

    reader = browser.new_context().new_page()
    requests = watch(reader, site)
    reader.goto(site.url + story.get_absolute_url())
    reader.wait_for_load_state("networkidle")
    assert elsewhere(requests, site) == []
    reader.locator(".story-video-poster").click()
    reader.locator("iframe.story-video-frame").wait_for()
    assert elsewhere(requests, site) == ["https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1&start=90"]
    reader.context.close()
